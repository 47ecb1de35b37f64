#include "sync/managed_fields.h"

#include <algorithm>
#include <charconv>
#include <string_view>

namespace cellgate::sync {
namespace {

struct Resolved {
  const Json* node = nullptr;
  JsonPath path;
};

bool Matches(const Json& element, const Json& key) {
  if (!element.is_object()) return false;
  for (auto it = key.begin(); it != key.end(); ++it) {
    auto field = element.find(it.key());
    if (field == element.end() || *field != *it) return false;
  }
  return true;
}

// Resolves one FieldsV1 step against `node` (which sits at `path`).
Resolved Step(const Json* node, const JsonPath& path, std::string_view step) {
  Resolved out;
  if (node == nullptr || step.size() < 2 || step[1] != ':') return out;
  char kind = step[0];
  std::string_view arg = step.substr(2);
  if (kind == 'f') {
    if (!node->is_object()) return out;
    auto it = node->find(arg);
    if (it == node->end()) return out;
    out.node = &*it;
    out.path = path;
    out.path.push_back(PathStep::Key(std::string(arg)));
    return out;
  }
  if (!node->is_array()) return out;
  std::optional<std::size_t> index;
  if (kind == 'i') {
    std::size_t i = 0;
    auto [end, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), i);
    if (ec == std::errc() && end == arg.data() + arg.size() && i < node->size()) index = i;
  } else if (kind == 'k' || kind == 'v') {
    Json wanted = Json::parse(arg, nullptr, /*allow_exceptions=*/false);
    if (wanted.is_discarded() || (kind == 'k' && !wanted.is_object())) return out;
    for (std::size_t i = 0; i < node->size(); ++i) {
      const Json& element = (*node)[i];
      if (kind == 'k' ? Matches(element, wanted) : element == wanted) {
        index = i;
        break;
      }
    }
  }
  if (!index) return out;
  out.node = &(*node)[*index];
  out.path = path;
  out.path.push_back(PathStep::Index(*index));
  return out;
}

void Walk(const Json& set, const Json* desired, const JsonPath& desired_path, const Json* live,
          const JsonPath& live_path, std::vector<OwnedField>& out, int depth) {
  if (!set.is_object() || depth > 200) return;
  for (auto it = set.begin(); it != set.end(); ++it) {
    const std::string& step = it.key();
    if (step == ".") continue;
    const Json& child = it.value();
    Resolved d = Step(desired, desired_path, step);
    Resolved l = Step(live, live_path, step);
    bool has_children = false;
    if (child.is_object()) {
      for (auto c = child.begin(); c != child.end(); ++c) has_children |= c.key() != ".";
    }
    bool member = !has_children || child.contains(".");
    if (!has_children) {
      if (d.node == nullptr && l.node == nullptr) continue;
      OwnedField f;
      if (d.node != nullptr) f.desired = d.path;
      if (l.node != nullptr) f.live = l.path;
      if (step.starts_with("f:") && desired != nullptr && desired->is_object()) {
        f.desired_parent = desired_path;
        f.field_name = step.substr(2);
      }
      out.push_back(std::move(f));
      continue;
    }
    if (member && (d.node == nullptr) != (l.node == nullptr)) {
      OwnedField f;
      f.leaf = false;
      if (d.node != nullptr) f.desired = d.path;
      if (l.node != nullptr) f.live = l.path;
      out.push_back(std::move(f));
      continue;
    }
    if (d.node != nullptr || l.node != nullptr) {
      Walk(child, d.node, d.path, l.node, l.path, out, depth + 1);
    }
  }
}

}  // namespace

std::vector<OwnedField> OwnedFields(const Json& desired, const Json& live,
                                    const std::vector<std::string>& managers) {
  std::vector<OwnedField> out;
  const Json* entries = nullptr;
  if (live.is_object()) {
    auto meta = live.find("metadata");
    if (meta != live.end() && meta->is_object()) {
      auto mf = meta->find("managedFields");
      if (mf != meta->end() && mf->is_array()) entries = &*mf;
    }
  }
  if (entries == nullptr) return out;
  for (const auto& entry : *entries) {
    if (!entry.is_object()) continue;
    std::string manager = StringAt(entry, {"manager"});
    if (std::find(managers.begin(), managers.end(), manager) == managers.end()) continue;
    auto fields = entry.find("fieldsV1");
    if (fields == entry.end()) continue;
    const Json* d = desired.is_object() ? &desired : nullptr;
    Walk(*fields, d, {}, &live, {}, out, 0);
  }
  return out;
}

}  // namespace cellgate::sync

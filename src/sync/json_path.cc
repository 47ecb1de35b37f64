#include "sync/json_path.h"

#include <algorithm>
#include <charconv>

namespace cellgate::sync {

std::strong_ordering PathStep::operator<=>(const PathStep& other) const {
  if (is_index != other.is_index)
    return is_index ? std::strong_ordering::greater : std::strong_ordering::less;
  if (is_index) return index <=> other.index;
  return key.compare(other.key) <=> 0;
}

std::string PathToString(const JsonPath& path) {
  std::string out;
  for (const auto& step : path) {
    out += '/';
    if (step.is_index) {
      out += std::to_string(step.index);
      continue;
    }
    for (char c : step.key) {
      if (c == '~') {
        out += "~0";
      } else if (c == '/') {
        out += "~1";
      } else {
        out += c;
      }
    }
  }
  return out;
}

Result<std::vector<std::string>> ParseJsonPointer(std::string_view pointer) {
  std::vector<std::string> tokens;
  if (pointer.empty()) return tokens;
  if (pointer.front() != '/') {
    return MakeError(ErrorCode::kInvalidArgument,
                     "JSON pointer \"" + std::string(pointer) + "\" must start with '/'");
  }
  std::string token;
  for (std::size_t i = 1; i <= pointer.size(); ++i) {
    if (i == pointer.size() || pointer[i] == '/') {
      tokens.push_back(std::move(token));
      token.clear();
      continue;
    }
    char c = pointer[i];
    if (c == '~') {
      char next = i + 1 < pointer.size() ? pointer[i + 1] : '\0';
      if (next != '0' && next != '1') {
        return MakeError(ErrorCode::kInvalidArgument, "JSON pointer \"" + std::string(pointer) +
                                                          "\": '~' must be followed by 0 or 1");
      }
      token += next == '0' ? '~' : '/';
      ++i;
      continue;
    }
    token += c;
  }
  return tokens;
}

namespace {

std::optional<std::size_t> ParseArrayIndex(std::string_view token) {
  if (token.empty() || (token.size() > 1 && token.front() == '0')) return std::nullopt;
  std::size_t value = 0;
  auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (ec != std::errc() || end != token.data() + token.size()) return std::nullopt;
  return value;
}

// True when `prefix` is a proper prefix of `path`.
bool IsUnder(const JsonPath& path, const JsonPath& prefix) {
  return prefix.size() < path.size() && std::equal(prefix.begin(), prefix.end(), path.begin());
}

// Erases the last step of `path` from its parent; returns false when absent.
bool EraseOne(Json& doc, const JsonPath& path) {
  JsonPath parent_path(path.begin(), path.end() - 1);
  Json* parent = FindMutable(doc, parent_path);
  if (parent == nullptr) return false;
  const PathStep& last = path.back();
  if (last.is_index) {
    if (!parent->is_array() || last.index >= parent->size()) return false;
    parent->erase(last.index);
    return true;
  }
  if (!parent->is_object()) return false;
  return parent->erase(last.key) > 0;
}

}  // namespace

std::optional<JsonPath> ResolvePointer(const Json& doc, const std::vector<std::string>& tokens) {
  JsonPath path;
  const Json* cur = &doc;
  for (const auto& token : tokens) {
    if (cur->is_object()) {
      auto it = cur->find(token);
      if (it == cur->end()) return std::nullopt;
      path.push_back(PathStep::Key(token));
      cur = &*it;
    } else if (cur->is_array()) {
      auto index = ParseArrayIndex(token);
      if (!index || *index >= cur->size()) return std::nullopt;
      path.push_back(PathStep::Index(*index));
      cur = &(*cur)[*index];
    } else {
      return std::nullopt;
    }
  }
  return path;
}

const Json* Find(const Json& doc, const JsonPath& path) {
  const Json* cur = &doc;
  for (const auto& step : path) {
    if (step.is_index) {
      if (!cur->is_array() || step.index >= cur->size()) return nullptr;
      cur = &(*cur)[step.index];
    } else {
      if (!cur->is_object()) return nullptr;
      auto it = cur->find(step.key);
      if (it == cur->end()) return nullptr;
      cur = &*it;
    }
  }
  return cur;
}

Json* FindMutable(Json& doc, const JsonPath& path) {
  return const_cast<Json*>(Find(static_cast<const Json&>(doc), path));
}

void EraseAll(Json& doc, std::vector<JsonPath> paths) {
  std::sort(paths.begin(), paths.end());
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
  // Sorted ascending, an ancestor directly precedes its descendants.
  std::vector<JsonPath> kept;
  for (auto& p : paths) {
    if (p.empty()) continue;
    if (!kept.empty() && IsUnder(p, kept.back())) continue;
    kept.push_back(std::move(p));
  }
  // Deepest-and-last first: later array elements go before earlier ones, so indices of the
  // paths still to erase stay valid.
  for (auto it = kept.rbegin(); it != kept.rend(); ++it) {
    JsonPath path = *it;
    if (!EraseOne(doc, path)) continue;
    path.pop_back();
    while (!path.empty()) {
      const Json* parent = Find(doc, path);
      if (parent == nullptr || !parent->empty() || !(parent->is_object() || parent->is_array())) {
        break;
      }
      EraseOne(doc, path);
      path.pop_back();
    }
  }
}

bool SetAt(Json& doc, const JsonPath& path, Json value) {
  // Validate first, so a failure leaves the document unchanged. `cur` becomes nullptr once
  // the walk enters the part of the path that will be created.
  const Json* cur = &doc;
  for (std::size_t depth = 0; depth < path.size(); ++depth) {
    const PathStep& step = path[depth];
    bool last = depth + 1 == path.size();
    if (step.is_index) {
      if (cur == nullptr || !cur->is_array() || step.index > cur->size()) return false;
      if (step.index == cur->size() && !last) return false;
      cur = step.index < cur->size() ? &(*cur)[step.index] : nullptr;
    } else if (cur != nullptr) {
      if (!cur->is_object() && !cur->is_null()) return false;
      auto it = cur->is_object() ? cur->find(step.key) : cur->end();
      cur = cur->is_object() && it != cur->end() ? &*it : nullptr;
    }
  }
  Json* target = &doc;
  for (const auto& step : path) {
    if (step.is_index) {
      if (step.index == target->size()) target->push_back(Json());
      target = &(*target)[step.index];
    } else {
      if (target->is_null()) *target = Json::object();
      target = &(*target)[step.key];
    }
  }
  *target = std::move(value);
  return true;
}

}  // namespace cellgate::sync

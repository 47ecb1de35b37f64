#include "sync/mask.h"

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/yaml.h"
#include "sync/normalize.h"

namespace cellgate::sync {
namespace {

std::string ValueText(const Json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

Json* DataOf(Json* obj) {
  if (obj == nullptr || !obj->is_object()) return nullptr;
  auto it = obj->find("data");
  if (it == obj->end() || !it->is_object()) return nullptr;
  return &*it;
}

// Masks `data` of every object in `objs` (visited in order), key by key.
void MaskAll(const std::vector<Json*>& objs) {
  std::set<std::string> keys;
  for (Json* obj : objs) {
    if (Json* data = DataOf(obj)) {
      for (auto it = data->begin(); it != data->end(); ++it) keys.insert(it.key());
    }
  }
  for (const auto& key : keys) {
    std::map<std::string, std::string> masks;
    std::string next(kSecretMask);
    for (Json* obj : objs) {
      Json* data = DataOf(obj);
      if (data == nullptr) continue;
      auto it = data->find(key);
      if (it == data->end()) continue;
      auto [slot, inserted] = masks.try_emplace(ValueText(*it), next);
      if (inserted) next += "++++";
      *it = slot->second;
    }
  }
}

// The live object's last-applied annotation, parsed, or nullopt when absent.
std::optional<Json> LastApplied(const Json& live, bool* unparsable) {
  std::string text = StringAt(live, {"metadata", "annotations", kLastAppliedAnnotation});
  if (text.empty()) return std::nullopt;
  auto parsed = ParseJson(text, "last-applied-configuration");
  if (!parsed || !parsed->is_object()) {
    *unparsable = true;
    return std::nullopt;
  }
  return std::move(*parsed);
}

}  // namespace

MaskedPair MaskSecretPair(const Json& desired, const Json& live) {
  MaskedPair out{desired, live};
  std::vector<Json*> objs;
  if (IsSecret(out.desired)) {
    FoldSecretStringData(out.desired);
    objs.push_back(&out.desired);
  }
  bool unparsable = false;
  std::optional<Json> last_applied;
  if (IsSecret(out.live)) {
    FoldSecretStringData(out.live);
    objs.push_back(&out.live);
    last_applied = LastApplied(out.live, &unparsable);
    if (last_applied) {
      FoldSecretStringData(*last_applied);
      objs.push_back(&*last_applied);
    }
  }
  MaskAll(objs);
  if (last_applied) {
    out.live["metadata"]["annotations"][std::string(kLastAppliedAnnotation)] = last_applied->dump();
  } else if (unparsable) {
    out.live["metadata"]["annotations"][std::string(kLastAppliedAnnotation)] =
        std::string(kSecretMask);
  }
  return out;
}

Json MaskSecret(const Json& obj) { return MaskSecretPair(Json(), obj).live; }

}  // namespace cellgate::sync

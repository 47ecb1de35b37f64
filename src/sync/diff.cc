#include "sync/diff.h"

#include <map>

#include "core/yaml.h"
#include "sync/annotations.h"
#include "sync/mask.h"
#include "sync/text_diff.h"

namespace cellgate::sync {
namespace {

bool NumbersEqual(const Json& a, const Json& b) {
  if (a.is_number_integer() && b.is_number_integer()) {
    if (a.is_number_unsigned() || b.is_number_unsigned()) {
      return a.dump() == b.dump();
    }
    return a.get<std::int64_t>() == b.get<std::int64_t>();
  }
  return a.get<double>() == b.get<double>();
}

std::string YamlOrEmpty(const Json& v) { return v.is_null() ? std::string() : ToYaml(v); }

// Both arrays of the same length: overlay element by element.
bool SameShapeArrays(const Json& d, const Json& l) {
  return d.is_array() && l.is_array() && d.size() == l.size();
}

}  // namespace

std::string_view SyncStatusName(SyncStatus status) {
  switch (status) {
    case SyncStatus::kSynced:
      return "Synced";
    case SyncStatus::kOutOfSync:
      return "OutOfSync";
    case SyncStatus::kMissing:
      return "Missing";
    case SyncStatus::kExtraneous:
      return "Extraneous";
  }
  return "OutOfSync";
}

bool ContainsFields(const Json& desired, const Json& live) {
  if (desired.is_object()) {
    if (!live.is_object()) return false;
    for (auto it = desired.begin(); it != desired.end(); ++it) {
      auto l = live.find(it.key());
      if (l == live.end()) {
        if (it->is_null()) continue;  // null in a manifest means "absent"
        return false;
      }
      if (!ContainsFields(*it, *l)) return false;
    }
    return true;
  }
  if (desired.is_array()) {
    if (!SameShapeArrays(desired, live)) return false;
    for (std::size_t i = 0; i < desired.size(); ++i) {
      if (!ContainsFields(desired[i], live[i])) return false;
    }
    return true;
  }
  if (desired.is_number() && live.is_number()) return NumbersEqual(desired, live);
  return desired == live;
}

Json OverlayFields(const Json& desired, const Json& live) {
  if (desired.is_object() && live.is_object()) {
    Json out = live;
    for (auto it = desired.begin(); it != desired.end(); ++it) {
      auto l = live.find(it.key());
      if (l == live.end()) {
        if (!it->is_null()) out[it.key()] = *it;
      } else {
        out[it.key()] = OverlayFields(*it, *l);
      }
    }
    return out;
  }
  if (SameShapeArrays(desired, live)) {
    Json out = Json::array();
    for (std::size_t i = 0; i < desired.size(); ++i) {
      out.push_back(OverlayFields(desired[i], live[i]));
    }
    return out;
  }
  if (desired.is_number() && live.is_number() && NumbersEqual(desired, live)) return live;
  return desired;
}

Result<ObjectDiff> DiffObject(const DiffInput& input, const DiffOptions& options) {
  if (input.desired == nullptr && input.live == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, "diff: neither desired nor live is given");
  }
  for (const Object* o : {input.desired, input.live, input.predicted_live}) {
    if (o != nullptr && !o->body().is_object()) {
      return MakeError(ErrorCode::kInvalidArgument, "diff: object is not a JSON object");
    }
  }
  ObjectDiff out;
  out.key = input.desired != nullptr ? input.desired->Key() : input.live->Key();
  out.server_side = input.predicted_live != nullptr;

  // The target side: predicted live when there is one, else desired.
  Json target;
  if (input.desired != nullptr) {
    target = out.server_side ? input.predicted_live->body() : input.desired->body();
  }
  Json live = input.live != nullptr ? input.live->body() : Json();
  if (options.ignore != nullptr && !options.ignore->empty()) {
    options.ignore->Apply(out.key, target, live, &out.warnings);
  }
  NormalizeOptions normalize{.ignore_status = options.ignore_status};
  target = NormalizeForDiff(target, normalize);
  live = NormalizeForDiff(live, normalize);

  if (input.live == nullptr) {
    out.status = SyncStatus::kMissing;
  } else if (input.desired == nullptr) {
    out.status = SyncStatus::kExtraneous;
  } else if (out.server_side) {
    out.status = target == live ? SyncStatus::kSynced : SyncStatus::kOutOfSync;
  } else {
    out.status = ContainsFields(target, live) ? SyncStatus::kSynced : SyncStatus::kOutOfSync;
    target = OverlayFields(target, live);
  }

  MaskedPair masked = MaskSecretPair(target, live);
  out.target_state = std::move(masked.desired);
  out.live_state = std::move(masked.live);
  if (out.status != SyncStatus::kSynced) {
    out.text = UnifiedDiff(YamlOrEmpty(out.live_state), YamlOrEmpty(out.target_state), "live",
                           "desired", options.context_lines);
  }
  return out;
}

std::vector<ObjectPair> PairObjects(std::span<const Object> desired, std::span<const Object> live,
                                    std::string_view destination_namespace) {
  auto counts = [](const Object& o) { return !IsHook(o) && !IsIgnored(o); };
  std::map<ObjectKey, std::size_t> live_by_key;
  for (std::size_t i = 0; i < live.size(); ++i) {
    if (counts(live[i])) live_by_key.emplace(live[i].Key(), i);
  }
  std::vector<bool> used(live.size(), false);
  std::vector<ObjectPair> out;
  for (const auto& d : desired) {
    if (!counts(d)) continue;
    ObjectPair pair{.desired = &d};
    ObjectKey key = d.Key();
    auto it = live_by_key.find(key);
    if (it == live_by_key.end() && key.ns.empty()) {
      // gitops-engine gives target objects without a namespace the destination namespace
      // unless the kind is cluster-scoped; either may be what the live object has.
      key.ns = std::string(destination_namespace);
      it = live_by_key.find(key);
    }
    if (it != live_by_key.end() && !used[it->second]) {
      pair.live = &live[it->second];
      used[it->second] = true;
    }
    out.push_back(pair);
  }
  for (std::size_t i = 0; i < live.size(); ++i) {
    if (!used[i] && counts(live[i])) out.push_back(ObjectPair{.live = &live[i]});
  }
  return out;
}

}  // namespace cellgate::sync

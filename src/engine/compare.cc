#include "engine/compare.h"

#include <algorithm>

#include "engine/parallel.h"
#include "engine/prediction_memo.h"
#include "sync/annotations.h"
#include "sync/key_order.h"

namespace cellgate::engine {
namespace {

// Whether to compare in desired-fields mode without asking the cell, and why.
std::string SkipDryRunReason(const Object& desired, KindCatalog& kinds, const CompareOptions& o) {
  if (o.skip_dry_run_on_missing_resource ||
      sync::SyncOptionList::FromAnnotation(desired).Has("SkipDryRunOnMissingResource", "true")) {
    return "compared by desired fields (SkipDryRunOnMissingResource=true)";
  }
  auto mapping = kinds.Map(kube::GroupVersionKind::Of(desired));
  if (!mapping && mapping.error().code() == ErrorCode::kNotFound) {
    return "compared by desired fields: the cell does not serve " +
           kube::GroupVersionKind::Of(desired).ToString() + " yet";
  }
  return {};
}

std::string ResourceVersion(const Object& o) {
  return StringAt(o.body(), {"metadata", "resourceVersion"});
}

// Whether the dry run answered with `live` itself (managedFields aside): applying the desired
// object changes nothing, whatever the app's ignoreDifferences say.
bool SameAsLive(const Object& predicted, const Object& live) {
  const Json& p = predicted.body();
  const Json& l = live.body();
  if (p.size() != l.size()) return false;
  for (auto it = p.begin(); it != p.end(); ++it) {
    auto other = l.find(it.key());
    if (other == l.end()) return false;
    if (it.key() != "metadata") {
      if (*it != *other) return false;
      continue;
    }
    if (!it->is_object() || !other->is_object()) return *it == *other;
    Json a = *it;
    Json b = *other;
    a.erase("managedFields");
    b.erase("managedFields");
    if (a != b) return false;
  }
  return true;
}

// The server-side dry run of `desired`. A dry run answers with the resourceVersion of the
// object it was computed on; when that is not the version `live` was read at, the object
// changed in between (controllers write often), so `live` is read again, and the dry run
// repeated if the object moved on once more, so both sides show the same version.
Result<Object> Predict(CellAccess& cell, const Object& desired, Object& live) {
  Result<Object> predicted = MakeError(ErrorCode::kInternal, "no dry run");
  for (int attempt = 0; attempt < 3; ++attempt) {
    predicted = cell.applier.Apply(desired, {.dry_run = true});
    if (!predicted || ResourceVersion(*predicted) == ResourceVersion(live)) return predicted;
    auto fresh = cell.reader.Get(kube::GroupVersionKind::Of(live), live.Namespace(), live.Name());
    if (!fresh) return predicted;  // gone or unreadable: compare with what we have
    live = std::move(*fresh);
    if (ResourceVersion(*predicted) == ResourceVersion(live)) return predicted;
  }
  return predicted;
}

}  // namespace

std::map<ObjectKey, sync::SyncStatus> AppComparison::StatusByKey() const {
  std::map<ObjectKey, sync::SyncStatus> out;
  for (const auto& r : resources) out[r.key] = r.status();
  return out;
}

std::size_t AppComparison::OutOfSyncCount() const {
  return static_cast<std::size_t>(std::count_if(resources.begin(), resources.end(), [](auto& r) {
    return r.status() != sync::SyncStatus::kSynced;
  }));
}

const ResourceState* AppComparison::Find(const ObjectKey& key) const {
  for (const auto& r : resources) {
    if (r.key == key) return &r;
  }
  return nullptr;
}

sync::Health AppHealth(const std::vector<ResourceState>& resources, bool include_extraneous) {
  sync::Health worst{sync::HealthStatus::kHealthy, ""};
  for (const auto& r : resources) {
    if (!r.health) continue;
    if (r.requires_pruning() && !include_extraneous) continue;  // not the app's any more
    if (r.key.group == "argoproj.io" && r.key.kind == "Application" &&
        (r.health->status == sync::HealthStatus::kMissing ||
         r.health->status == sync::HealthStatus::kUnknown)) {
      continue;  // a child app's Missing/Unknown never counts (setApplicationHealth)
    }
    if (sync::IsWorse(worst.status, r.health->status)) worst = *r.health;
  }
  return worst;
}

Result<AppComparison> CompareApp(CellAccess& cell, std::span<const Object> desired,
                                 const LiveState& live, const CompareOptions& options,
                                 std::stop_token stop) {
  std::vector<sync::ObjectPair> pairs =
      sync::PairObjects(desired, live.objects, options.destination_namespace);
  std::vector<ResourceState> states(pairs.size());
  std::vector<std::optional<Error>> errors(pairs.size());
  sync::DiffOptions diff_options{.ignore = options.ignore};

  ParallelFor(pairs.size(), options.parallelism, [&](std::size_t i) {
    const sync::ObjectPair& pair = pairs[i];
    ResourceState& state = states[i];
    if (stop.stop_requested()) {
      errors[i] = Error(ErrorCode::kDeadlineExceeded, "compare: stopped");
      return;
    }
    const Object& any = pair.desired != nullptr ? *pair.desired : *pair.live;
    state.key = any.Key();
    state.version = any.Version();
    state.sync_wave = sync::SyncWave(any);
    if (pair.desired != nullptr) state.desired = *pair.desired;
    if (pair.live != nullptr) state.live = *pair.live;

    if (pair.desired != nullptr && pair.live != nullptr) {
      state.message = SkipDryRunReason(*pair.desired, cell.kinds, options);
      if (state.message.empty() && cell.memo != nullptr &&
          cell.memo->KnownUnchanged(*pair.desired, *state.live)) {
        state.predicted = *state.live;  // the dry run would answer with live (prediction_memo.h)
      } else if (state.message.empty()) {
        auto predicted = Predict(cell, *pair.desired, *state.live);
        if (predicted) {
          sync::AlignKeyOrder(predicted->mutable_body(), state.live->body());
          state.predicted = std::move(*predicted);
        } else if (IsUnreachable(predicted.error())) {
          errors[i] = predicted.error().Wrap("compare");
          return;
        } else {
          state.message = "compared by desired fields: server-side dry run failed: " +
                          predicted.error().message();
        }
      }
    }
    sync::DiffInput input{.desired = pair.desired,
                          .live = state.live ? &*state.live : nullptr,
                          .predicted_live = state.predicted ? &*state.predicted : nullptr};
    auto diff = sync::DiffObject(input, diff_options);
    if (!diff) {
      errors[i] = diff.error().Wrap("compare " + state.key.ToString());
      return;
    }
    state.diff = std::move(*diff);
    if (cell.memo != nullptr && state.predicted && state.diff.status == sync::SyncStatus::kSynced &&
        ResourceVersion(*state.predicted) == ResourceVersion(*state.live) &&
        SameAsLive(*state.predicted, *state.live)) {
      cell.memo->RecordUnchanged(*pair.desired, *state.live);
    }
    if (pair.live == nullptr) {
      state.health = sync::Health{sync::HealthStatus::kMissing, ""};
    } else if (auto h = sync::AssessHealth(*state.live, options.health); h) {
      state.health = *h;
    } else {
      state.health = sync::Health{sync::HealthStatus::kUnknown, h.error().message()};
    }
  });

  AppComparison out;
  for (std::size_t i = 0; i < states.size(); ++i) {
    if (errors[i]) return std::unexpected(*errors[i]);
    for (auto& w : states[i].diff.warnings) {
      out.warnings.push_back(states[i].key.ToString() + ": " + w);
    }
    out.resources.push_back(std::move(states[i]));
  }
  for (const auto& note : live.notes) out.warnings.push_back(note);
  out.sync = out.OutOfSyncCount() == 0 ? sync::SyncStatus::kSynced : sync::SyncStatus::kOutOfSync;
  out.health = AppHealth(out.resources);
  return out;
}

}  // namespace cellgate::engine

namespace cellgate::engine {

Json ResourceStatusesJson(const AppComparison& comparison) {
  Json out = Json::array();
  for (const auto& r : comparison.resources) {
    Json entry = {{"group", r.key.group}, {"version", r.version},
                  {"kind", r.key.kind},   {"namespace", r.key.ns},
                  {"name", r.key.name},   {"status", sync::SyncStatusName(r.status())}};
    // Argo CD's SyncStatusCode has no Missing/Extraneous: both are OutOfSync there.
    if (r.status() != sync::SyncStatus::kSynced) entry["status"] = "OutOfSync";
    if (r.health) {
      entry["health"] = {{"status", sync::HealthStatusName(r.health->status)}};
      if (!r.health->message.empty()) entry["health"]["message"] = r.health->message;
    }
    if (r.requires_pruning()) entry["requiresPruning"] = true;
    if (r.sync_wave != 0) entry["syncWave"] = r.sync_wave;
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace cellgate::engine

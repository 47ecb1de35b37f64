#include "engine/live_state.h"

#include <algorithm>
#include <optional>
#include <set>

#include "engine/parallel.h"
#include "sync/tracking.h"

namespace cellgate::engine {
namespace {

struct ListOutcome {
  std::vector<Object> objects;
  std::string note;
  std::optional<Error> error;
  std::optional<std::string> cache_version;
};

}  // namespace

bool CacheUnchanged(LiveCache& cache, const std::string& instance,
                    const std::vector<CachedKindVersion>& read) {
  const std::string label_value = sync::InstanceLabelValue(instance);
  for (const auto& k : read) {
    auto now = cache.CachedVersion(k.gvk, label_value);
    if (!now || *now != k.version) return false;
  }
  return true;
}

std::vector<kube::GroupVersionKind> KindsOf(std::span<const Object> objects) {
  std::vector<kube::GroupVersionKind> out;
  std::set<kube::GroupVersionKind> seen;
  for (const auto& o : objects) {
    auto gvk = kube::GroupVersionKind::Of(o);
    if (seen.insert(gvk).second) out.push_back(std::move(gvk));
  }
  return out;
}

Result<LiveState> LoadLiveState(kube::Reader& reader, KindCatalog& kinds,
                                const LiveStateRequest& request, std::stop_token stop) {
  LiveState state;
  std::vector<kube::ResourceMapping> mappings;
  std::set<GroupKind> planned;
  auto add = [&](const kube::ResourceMapping& m) {
    if (planned.insert(GroupKind{m.gvk.group, m.gvk.kind}).second) mappings.push_back(m);
  };
  auto skip_unserved = [&](const std::string& what, const Error& e) -> Status {
    if (e.code() != ErrorCode::kNotFound) return std::unexpected(e.Wrap("live state"));
    state.notes.push_back(what + " is not served by the cell; nothing of it is live");
    return Ok();
  };

  for (const auto& gvk : request.desired_kinds) {
    auto m = kinds.Map(gvk);
    if (!m) {
      // The rendered version may be gone while the kind is served in another one.
      m = kinds.MapGroupKind(gvk.group, gvk.kind);
    }
    if (m) {
      add(*m);
    } else
      CG_TRY(skip_unserved(gvk.ToString(), m.error()));
  }
  for (const auto& gk : request.inventory) {
    if (planned.contains(gk)) continue;
    auto m = kinds.MapGroupKind(gk.group, gk.kind);
    if (m) {
      add(*m);
    } else
      CG_TRY(skip_unserved(gk.ToString(), m.error()));
  }
  if (request.all_kinds) {
    auto all = kinds.ListableKinds();
    CG_TRY_WRAP(all, "live state");
    for (const auto& m : *all) add(m);
  }

  const std::string selector =
      std::string(sync::kInstanceLabel) + "=" + sync::InstanceLabelValue(request.instance);
  std::vector<ListOutcome> outcomes(mappings.size());
  ParallelFor(mappings.size(), std::clamp(request.parallelism, 1, 32), [&](std::size_t i) {
    if (stop.stop_requested()) {
      outcomes[i].error = Error(ErrorCode::kDeadlineExceeded, "live state: stopped");
      return;
    }
    const auto& m = mappings[i];
    if (request.cache != nullptr) {
      if (auto cached = request.cache->Cached(m.gvk, sync::InstanceLabelValue(request.instance))) {
        for (auto& obj : cached->objects) {
          if (sync::IsTrackedBy(obj, request.instance))
            outcomes[i].objects.push_back(std::move(obj));
        }
        outcomes[i].cache_version = std::move(cached->version);
        return;
      }
    }
    auto list = reader.List(m.gvk, "", {.label_selector = selector});
    if (!list) {
      bool forbidden = list.error().code() == ErrorCode::kPermissionDenied;
      bool gone = list.error().code() == ErrorCode::kNotFound;
      if (gone || (forbidden && request.all_kinds)) {
        outcomes[i].note = m.gvk.ToString() + ": " + list.error().message();
      } else {
        outcomes[i].error = list.error().Wrap("live state");
      }
      return;
    }
    for (auto& obj : list->items) {
      if (sync::IsTrackedBy(obj, request.instance)) outcomes[i].objects.push_back(std::move(obj));
    }
  });

  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    if (outcomes[i].error) return std::unexpected(*outcomes[i].error);
    if (!outcomes[i].note.empty()) state.notes.push_back(outcomes[i].note);
    for (auto& o : outcomes[i].objects) state.objects.push_back(std::move(o));
    state.listed.push_back(mappings[i]);
    if (std::optional<std::string>& version = outcomes[i].cache_version; version.has_value()) {
      state.cached.push_back({mappings[i].gvk, std::move(version.value())});
    }
  }
  std::sort(state.objects.begin(), state.objects.end(),
            [](const Object& a, const Object& b) { return a.Key() < b.Key(); });
  return state;
}

}  // namespace cellgate::engine

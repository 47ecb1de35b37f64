// The live objects of one application in one cell.
//
// An application's objects carry our instance label (app.cellgate.io/instance, tracking.h),
// so each kind is read with one label-selected list across all namespaces; the tracking
// annotation then decides ownership (IsTrackedBy): a copied label does not make an object
// ours, and only objects that are ours are ever pruned.
//
// Which kinds are listed:
//   - every kind the application renders (desired_kinds), and
//   - the kinds of its inventory: what the caller knows the app had before (e.g. the group
//     and kind of each entry of the Application's previous status.resources[]), so objects
//     of a kind that was removed from Git are still found and can be pruned;
//   - with all_kinds, every listable kind discovery reports (minus Events, Endpoints,
//     EndpointSlices, Leases and metrics: cluster-written noise), for when no inventory
//     exists (the CLI's `sync --prune` without history).
// The trade-off: rendered + inventory kinds costs one list per kind the app uses (3 for a
// typical app) but misses objects of a kind that is neither rendered nor in the inventory;
// all_kinds finds everything at the price of one list per served kind (~60 on a bare
// cluster, more with CRDs) on every call. Lists run in parallel (`parallelism` at a time) and
// are label-selected, so the server returns only the app's objects either way.
//
// With a cache (LiveCache, e.g. the cell's WatchHub), kinds it holds are read from it instead
// of listed: a controller comparing a thousand quiet apps every few minutes then sends no
// lists at all.
//
// A kind the cell does not serve (a CRD not installed yet, or removed) is skipped with a note;
// in all_kinds mode a kind we may not list (403) is skipped with a note too. Any other failure
// fails the whole read: an incomplete view must not drive a prune.
//
// Thread-safety: LoadLiveState may run on any thread; it uses `parallelism` threads of its own.
#pragma once

#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "core/object.h"
#include "core/result.h"
#include "engine/cell.h"

namespace cellgate::engine {

// What a LiveCache holds of one kind for one label value, and a version of exactly that:
// `version` changes whenever an object with the label is added, changed or removed, and when
// the kind's watch fails or re-lists; it never comes back to an earlier value within the
// process (so "same version" means "same objects").
struct CachedObjects {
  std::vector<Object> objects;
  std::string version;
};

// One kind read from a LiveCache, and the version it had when read.
struct CachedKindVersion {
  kube::GroupVersionKind gvk;
  std::string version;
  bool operator==(const CachedKindVersion&) const = default;
};

// Objects already known from a watch of the kind (WatchHub), so a list can be spared.
class LiveCache {
 public:
  virtual ~LiveCache() = default;
  // Every object of `gvk` labelled app.cellgate.io/instance=`label_value`, when a watch of
  // exactly that kind has listed and has not failed since; nullopt when the cell must be
  // asked. The objects still go through IsTrackedBy.
  virtual std::optional<CachedObjects> Cached(const kube::GroupVersionKind& gvk,
                                              const std::string& label_value) = 0;
  // The version Cached would report now, without copying objects; nullopt when Cached would.
  virtual std::optional<std::string> CachedVersion(const kube::GroupVersionKind& gvk,
                                                   const std::string& label_value) = 0;
};

// True when every kind in `read` (LiveState::cached of app `instance`) still has the version
// it had: none of the app's objects of those kinds changed since.
bool CacheUnchanged(LiveCache& cache, const std::string& instance,
                    const std::vector<CachedKindVersion>& read);

struct LiveStateRequest {
  std::string instance;  // the app's instance name (app_spec.h)
  std::vector<kube::GroupVersionKind> desired_kinds;
  std::vector<GroupKind> inventory;
  bool all_kinds = false;
  int parallelism = 4;
  // Kinds a cache answers for are not listed. A cache lags the cell by a watch event's
  // latency: leave it out right after writing, when the read must see the writes.
  LiveCache* cache = nullptr;
};

struct LiveState {
  std::vector<Object> objects;                // tracked by the app, hooks included; sorted by key
  std::vector<kube::ResourceMapping> listed;  // the kinds that were read
  std::vector<std::string> notes;             // kinds skipped, and why
  // The kinds of `listed` that came from the cache, with the version read (see LiveCache).
  // When it has an entry for every kind of `listed` and there are no notes, CacheUnchanged
  // later tells whether the same request would read the same objects.
  std::vector<CachedKindVersion> cached;
};

Result<LiveState> LoadLiveState(kube::Reader& reader, KindCatalog& kinds,
                                const LiveStateRequest& request, std::stop_token stop = {});

// The distinct kinds of `objects`, in first-seen order.
std::vector<kube::GroupVersionKind> KindsOf(std::span<const Object> objects);

}  // namespace cellgate::engine

// WatchHub: one watch per kind per cell, shared by every application's self-heal in that cell.
//
// Each kind is watched once, across all namespaces, selecting objects that carry our instance
// label at all (`app.cellgate.io/instance`). The hub keeps the current objects of each kind
// (an informer's cache) and hands each event to the subscribers whose instance label value
// the object carries, so 500 applications rendering Deployments, Services and ConfigMaps cost
// the cell three watches, not 1500.
//
// A subscriber first receives kReplace with its objects (from the cache when the kind is
// already listed), then kAdded / kModified / kDeleted for objects with its label, kReplace
// again after the watcher re-lists (410 Gone), and kError events of the kind's watch. An
// object whose label changes to another app's shows up there; the old app sees it deleted.
//
// Cached objects are kept as CBOR and decoded for each reader (see Stored below).
//
// The hub is also a LiveCache (live_state.h): for a kind it watches, has listed and whose
// watch has not failed since its last event, Cached answers from the cache, so comparing an
// app whose kinds are watched sends no lists. Versions come from one process-wide counter:
// each change of a label's objects gives the label a new number, each list or failure of a
// kind's watch gives the kind a new epoch; a version is "<epoch>.<number>", so a kind that
// is unwatched and watched again never repeats an earlier version.
//
// After a sync, WaitForWrites tells whether the cache has caught up with what was written
// (every written object at its write's resourceVersion or newer, every pruned one gone), so
// the comparison that follows can read the cache instead of listing: a sync of 1,000 apps
// then costs no lists for its status.
//
// Thread-safety: thread-safe. Callbacks run on the kind's watch thread (or, for the first
// kReplace, on the thread calling Subscribe), one at a time per kind, under the hub's lock:
// they must be quick and must not call the hub. Destroying a Subscription unsubscribes; do
// not destroy one from inside a callback. The hub must outlive its subscriptions, the
// watcher must outlive the hub.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/mutex.h"
#include "core/result.h"
#include "engine/live_state.h"
#include "kube/client.h"

namespace cellgate::engine {

// True when resourceVersion `rv` is not newer than `ours`: compared as numbers where both
// parse (etcd revisions, which every etcd-backed API server uses), else only equal counts.
bool NotNewerVersion(std::string_view rv, std::string_view ours);

// One object a sync wrote (resource_version from the write's answer) or pruned (empty).
struct WrittenObject {
  kube::GroupVersionKind gvk;
  ObjectKey key;
  std::string resource_version;
};

class WatchHub final : public LiveCache {
 public:
  class Subscription {
   public:
    ~Subscription();
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;

   private:
    friend class WatchHub;
    Subscription(WatchHub& hub, kube::GroupVersionKind gvk, int id)
        : hub_(hub), gvk_(std::move(gvk)), id_(id) {}
    WatchHub& hub_;
    kube::GroupVersionKind gvk_;
    int id_;
  };

  explicit WatchHub(kube::Watcher& watcher) : watcher_(watcher) {}
  ~WatchHub() override;
  WatchHub(const WatchHub&) = delete;
  WatchHub& operator=(const WatchHub&) = delete;

  // Events of `gvk` for objects labelled app.cellgate.io/instance=`label_value`. Starts the
  // kind's watch with the first subscriber; fails when the kind cannot be watched.
  Result<std::unique_ptr<Subscription>> Subscribe(const kube::GroupVersionKind& gvk,
                                                  const std::string& label_value,
                                                  kube::WatchCallback callback);

  // Waits up to `timeout` until the cache holds every write (see above). False at once when
  // one of the kinds is not watched or its watch is failing, false after the timeout.
  bool WaitForWrites(const std::vector<WrittenObject>& writes, std::chrono::milliseconds timeout);

  // Kinds watched now (one watch each).
  std::size_t WatchCount() const;

  // LiveCache: copies of the kind's objects with that label, or nullopt (see above).
  std::optional<engine::CachedObjects> Cached(const kube::GroupVersionKind& gvk,
                                              const std::string& label_value) override;
  std::optional<std::string> CachedVersion(const kube::GroupVersionKind& gvk,
                                           const std::string& label_value) override;

 private:
  struct Subscriber {
    std::string label_value;
    kube::WatchCallback callback;
  };
  // A cached object, packed: CBOR of the body is a fifth of nlohmann's tree of the same
  // object (a Deployment with its managedFields: ~1.3 KiB against ~6 KiB). Readers always got
  // copies; decoding now makes the copy.
  struct Stored {
    std::string label;             // app.cellgate.io/instance
    std::string resource_version;  // for WaitForWrites
    std::vector<std::uint8_t> cbor;
  };
  static Stored Pack(const Object& obj);
  static Object Unpack(const Stored& stored);
  struct Kind {
    kube::GroupVersionKind gvk;
    std::unique_ptr<kube::WatchHandle> handle;
    std::map<ObjectKey, Stored> objects;                  // current, for late subscribers
    std::map<std::string, std::set<ObjectKey>> by_label;  // keys of `objects` per label value
    bool listed = false;
    bool current = false;  // no kError since the last list or event
    bool closed = false;
    std::map<int, Subscriber> subscribers;
    std::uint64_t epoch = 0;                              // new on creation, list, failure
    std::map<std::string, std::uint64_t> label_versions;  // new on each change of the label
  };

  static void Put(Kind& kind, const Object& obj);
  static void Remove(Kind& kind, const ObjectKey& key);
  static std::vector<Object> Labelled(const Kind& kind, const std::string& label_value);
  // "<epoch>.<label version>", or nullopt when the kind cannot answer (see above).
  std::optional<std::string> VersionOf(const kube::GroupVersionKind& gvk,
                                       const std::string& label_value) const REQUIRES(mu_);
  void OnEvent(const std::shared_ptr<Kind>& kind, const kube::WatchEvent& event) REQUIRES(mu_);
  void Unsubscribe(const kube::GroupVersionKind& gvk, int id);

  kube::Watcher& watcher_;
  mutable core::Mutex mu_;
  core::CondVar changed_;  // notified after every event
  std::map<kube::GroupVersionKind, std::shared_ptr<Kind>> kinds_ GUARDED_BY(mu_);
  int next_id_ GUARDED_BY(mu_) = 0;
};

}  // namespace cellgate::engine

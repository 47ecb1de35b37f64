// ObjectCache: the controller's read view of one kind in one cluster (an informer's store):
// a watch across all namespaces, the current objects of the namespaces it is told to keep,
// and a callback for every change.
//
// The controller reads Applications and AppProjects from here, never from the API server, so
// a reconcile costs no GET and a steady fleet costs one watch per kind per cluster. Objects
// are held as shared_ptr<const Object>: readers get a snapshot without copying. Stored
// objects lack metadata.managedFields: the controller never reads it, and on an Application
// whose status is written by server-side apply it is a large part of the object.
//
// Events: kReplace (the first list, and every re-list after 410 Gone) replaces the store and
// reports each added, changed and vanished object; kAdded/kModified/kDeleted report one.
// kError events are counted (the watch reconnects on its own) and the last message is kept.
// A change is reported with the object before and after (nullptr when absent); objects whose
// resourceVersion did not change are not reported.
//
// Thread-safety: thread-safe. The listener runs on the watch thread, without the cache's
// lock, one event at a time; it may read the cache but must be quick. The Watcher must
// outlive the cache; Stop() (or the destructor) stops the watch and waits for its thread.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/mutex.h"
#include "core/object.h"
#include "core/result.h"
#include "kube/client.h"

namespace cellgate::controller {

using ObjectPtr = std::shared_ptr<const Object>;

// `key` is "<namespace>/<name>".
using CacheListener =
    std::function<void(const std::string& key, const ObjectPtr& before, const ObjectPtr& after)>;

struct ObjectCacheOptions {
  // Namespaces whose objects are kept; empty keeps every namespace.
  std::set<std::string> namespaces;
  kube::WatchOptions watch;
};

class ObjectCache {
 public:
  ObjectCache(kube::Watcher& watcher, kube::GroupVersionKind gvk, ObjectCacheOptions options,
              CacheListener listener);
  ~ObjectCache();
  ObjectCache(const ObjectCache&) = delete;
  ObjectCache& operator=(const ObjectCache&) = delete;

  // Starts the watch. Fails when the kind cannot be watched at all (not served).
  Status Start();
  void Stop();

  // True once the first list has been applied.
  bool HasSynced() const;
  bool WaitForSync(std::chrono::milliseconds timeout) const;

  ObjectPtr Get(std::string_view ns, std::string_view name) const;
  std::vector<ObjectPtr> List() const;
  std::size_t Size() const;
  // The last watch error ("" when none), for /readyz and logs.
  std::string LastError() const;

  const kube::GroupVersionKind& gvk() const { return gvk_; }

 private:
  struct Change {
    std::string key;
    ObjectPtr before;
    ObjectPtr after;
  };
  void OnEvent(const kube::WatchEvent& event);
  bool Keeps(const Object& object) const;
  static std::string KeyOf(const Object& object);

  kube::Watcher& watcher_;
  const kube::GroupVersionKind gvk_;
  const ObjectCacheOptions options_;
  CacheListener listener_;

  mutable core::Mutex mu_;
  mutable core::CondVar synced_cv_;
  std::map<std::string, ObjectPtr, std::less<>> objects_ GUARDED_BY(mu_);  // by ns/name
  bool synced_ GUARDED_BY(mu_) = false;
  std::string last_error_ GUARDED_BY(mu_);

  core::Mutex lifecycle_mu_;
  std::unique_ptr<kube::WatchHandle> watch_ GUARDED_BY(lifecycle_mu_);
};

}  // namespace cellgate::controller

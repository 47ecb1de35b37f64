// FakeCluster: an in-memory API server for the fleet's unit tests, implementing the kube
// role interfaces (Reader, Applier, Watcher) with the semantics the fleet code relies on:
//
//  - objects are keyed by group, kind, namespace, name; every write bumps a global
//    resourceVersion and stores it in metadata.resourceVersion; Create assigns a uid;
//  - Create of an existing object is kAlreadyExists; Update and Delete of a missing one
//    kNotFound; Update (and Apply) with a stale metadata.resourceVersion is kConflict;
//  - Apply is an upsert that replaces the object (no field ownership: real server-side
//    apply is covered by the e2e tests);
//  - List filters by an equality label selector ("a=b,c=d");
//  - Watch delivers kReplace with the current objects, then an event per write, on the
//    writer's thread after the write (no lock held);
//  - `fail` lets a test inject an error for a verb ("create", "update", "apply", "get",
//    "list", "delete") and object; `calls` counts requests by verb.
//
// Real API servers are used by the e2e tests; this fake exists so unit tests are fast and
// deterministic. Thread-safety: thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "core/mutex.h"
#include "kube/client.h"

namespace cellgate::kube::testing {

class FakeCluster final : public kube::Reader, public kube::Applier, public kube::Watcher {
 public:
  using FailHook = std::function<std::optional<Error>(std::string_view verb, const Object&)>;

  Result<Object> Get(const kube::GroupVersionKind& gvk, std::string_view ns,
                     std::string_view name) override;
  Result<kube::ObjectList> List(const kube::GroupVersionKind& gvk, std::string_view ns,
                                const kube::ListOptions& options) override;
  Result<Object> Apply(const Object& object, const kube::ApplyOptions& options) override;
  Result<Object> Create(const Object& object, const kube::WriteOptions& options) override;
  Result<Object> Update(const Object& object, const kube::WriteOptions& options) override;
  Status Delete(const Object& object, const kube::DeleteOptions& options) override;
  Result<std::unique_ptr<kube::WatchHandle>> Watch(const kube::GroupVersionKind& gvk,
                                                   std::string_view ns,
                                                   const kube::WatchOptions& options,
                                                   kube::WatchCallback on_event) override;

  void SetFailHook(FailHook hook);
  // Delivers `event` to every running watch (e.g. a kError a real watch would report).
  void Emit(const kube::WatchEvent& event);
  int Calls(std::string_view verb) const;
  std::vector<Object> Objects(std::string_view kind) const;  // every stored object of a kind

 private:
  using Key = std::tuple<std::string, std::string, std::string, std::string>;
  struct WatchEntry {
    std::string group, kind, ns, selector;
    kube::WatchCallback callback;
    std::shared_ptr<std::atomic<bool>> stopped;
  };
  static Key KeyOf(const Object& o);
  std::optional<Error> Injected(std::string_view verb, const Object& o);
  Object StoreLocked(Object o) REQUIRES(mu_);
  void Notify(kube::WatchEventType type, const Object& o);

  mutable core::Mutex mu_;
  std::map<Key, Object> objects_ GUARDED_BY(mu_);
  std::int64_t version_ GUARDED_BY(mu_) = 100;
  std::int64_t uid_ GUARDED_BY(mu_) = 0;
  std::map<std::string, int, std::less<>> calls_ GUARDED_BY(mu_);
  std::vector<WatchEntry> watches_ GUARDED_BY(mu_);
  FailHook fail_ GUARDED_BY(mu_);
};

}  // namespace cellgate::kube::testing

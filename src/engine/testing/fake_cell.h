// FakeCell: an in-memory stand-in for one cell's API server, for the sync engine's unit tests.
// It implements the roles sync takes (kube::Reader, kube::Applier, kube::Watcher, KindCatalog)
// with just enough of the server's behaviour to tell right from wrong:
//   - objects are stored with uid, resourceVersion (one counter), generation (bumped when
//     anything but metadata and status changes) and creationTimestamp;
//   - apply merges nothing: the applied body replaces the stored one, server fields and
//     status are kept (enough for the engine, whose logic does not depend on SSA merging);
//     dry runs return the result without storing it;
//   - delete honours finalizers (sets deletionTimestamp) and the UID precondition;
//   - label selectors support "k=v" and "k" (exists) terms joined by commas;
//   - kinds are served only once registered (Serve) or, for CRDs, once WaitForCRDEstablished
//     ran for a stored CRD;
//   - watches deliver events on a thread of their own, as the real watcher does.
// Every request is logged ("apply apps/Deployment ns/api", "apply(dry-run) ...", "get ...")
// so tests can assert what was sent and in which order. Failures are injected with
// FailWhen; controllers are simulated with a reactor that edits stored objects after writes.
//
// Thread-safety: thread-safe.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/mutex.h"
#include "engine/cell.h"
#include "sync/testing/golden.h"

namespace cellgate::engine::testing {

class FakeCell final : public kube::Reader,
                       public kube::Applier,
                       public kube::Watcher,
                       public KindCatalog {
 public:
  // A request as the fault injector sees it: verb is get, list, apply, create, update,
  // delete (dry runs have dry_run set).
  struct Request {
    std::string verb;
    ObjectKey key;
    bool dry_run = false;
  };
  using Injector = std::function<std::optional<Error>(const Request&)>;
  // Runs after every stored write (not dry runs) and before every get returns, under the
  // cell's lock; may edit the stored body (set status, conditions), as a controller would.
  // `verb` is apply, create, update or get.
  using Reactor = std::function<void(const std::string& verb, Json& stored)>;

  FakeCell();
  ~FakeCell() override;

  // Serves a kind. Core kinds (Namespace, ConfigMap, Secret, Service, Pod), apps/v1
  // Deployment, batch/v1 Job and the CRD kind are served from the start.
  void Serve(const kube::GroupVersionKind& gvk, bool namespaced, std::string resource = {});

  // Stores an object as if someone else created it (no log entry, no injector).
  Object Put(Object obj);
  std::optional<Object> Find(const ObjectKey& key) const;
  std::vector<Object> All() const;
  // Changes a stored object like another actor would (logged as "external"), notifying watches.
  void Edit(const ObjectKey& key, const std::function<void(Json&)>& edit);
  // Removes a stored object at once (finalizers included), notifying watches.
  void Erase(const ObjectKey& key);

  void FailWhen(Injector injector);
  void SetReactor(Reactor reactor);

  std::vector<std::string> Log() const;
  void ClearLog();
  // Log entries starting with `prefix` ("apply ", "delete ").
  std::vector<std::string> LogWith(const std::string& prefix) const;

  const FakeClock& clock() const { return clock_; }
  FakeClock& mutable_clock() { return clock_; }

  // kube::Reader
  Result<Object> Get(const kube::GroupVersionKind& gvk, std::string_view ns,
                     std::string_view name) override;
  Result<kube::ObjectList> List(const kube::GroupVersionKind& gvk, std::string_view ns,
                                const kube::ListOptions& options) override;
  // kube::Applier
  Result<Object> Apply(const Object& object, const kube::ApplyOptions& options) override;
  Result<Object> Create(const Object& object, const kube::WriteOptions& options) override;
  Result<Object> Update(const Object& object, const kube::WriteOptions& options) override;
  Status Delete(const Object& object, const kube::DeleteOptions& options) override;
  // kube::Watcher
  Result<std::unique_ptr<kube::WatchHandle>> Watch(const kube::GroupVersionKind& gvk,
                                                   std::string_view ns,
                                                   const kube::WatchOptions& options,
                                                   kube::WatchCallback on_event) override;
  // KindCatalog
  Result<kube::ResourceMapping> Map(const kube::GroupVersionKind& gvk) override;
  Result<kube::ResourceMapping> MapGroupKind(std::string_view group,
                                             std::string_view kind) override;
  Result<std::vector<kube::ResourceMapping>> ListableKinds() override;
  Status WaitForCRDEstablished(std::string_view name, std::chrono::milliseconds timeout) override;

  // Number of open watches.
  std::size_t WatchCount() const;
  // Returns once every event queued so far on the open watches has been delivered (its
  // callback returned), so a test can act on what the watchers saw without waiting on time.
  void WaitForWatchDeliveries();

 private:
  struct WatchState;
  class Handle;
  using Key = ObjectKey;

  std::optional<Error> Check(const std::string& verb, const ObjectKey& key, bool dry_run);
  Result<Object> Store(const std::string& verb, Object obj, bool dry_run, bool must_exist,
                       bool must_not_exist);
  void Notify(kube::WatchEventType type, const Object& obj);  // mu_ held
  void Record(const std::string& entry);                      // mu_ held
  std::optional<kube::ResourceMapping> Lookup(const kube::GroupVersionKind& gvk) const;

  mutable core::Mutex mu_;
  FakeClock clock_;
  std::map<Key, Object> objects_;
  std::map<kube::GroupVersionKind, kube::ResourceMapping> kinds_;
  std::vector<std::string> log_;
  std::vector<Injector> injectors_;
  Reactor reactor_;
  std::int64_t version_ = 100;
  std::int64_t uid_ = 0;
  std::vector<std::shared_ptr<WatchState>> watches_;
};

// Objects and OneObject (YAML text to objects) live in sync/testing/golden.h.
using sync::testing::Objects;
using sync::testing::OneObject;

}  // namespace cellgate::engine::testing

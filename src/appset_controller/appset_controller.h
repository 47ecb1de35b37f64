// ApplicationSetController: Argo CD's ApplicationSet controller for cellgate's hub. It keeps
// the Applications of every ApplicationSet in the watched namespaces equal to what the
// ApplicationSet generates (appset_reconciler.h says what one reconcile does).
//
// What makes an ApplicationSet reconcile (its key "ns/name" goes into a runtime::WorkQueue):
//  - the ApplicationSet was added, deleted, or its spec, labels, annotations or finalizers
//    changed, or the refresh annotation appeared (change_detection.h; its own status writes
//    do not count);
//  - an Application it owns (controller ownerReference) was changed in spec, labels,
//    annotations or finalizers, or deleted, by someone else: it is restored; a change of
//    only the Application's sync or health status refreshes status.resources without
//    generating;
//  - a cell was added, removed or changed (registry listener), for ApplicationSets with a
//    clusters generator at any depth;
//  - the requeue interval passed since its last full reconcile (default 3 minutes, Argo CD's
//    git generator default);
//  - Refresh(repoURL): every ApplicationSet whose git generators or templates name that
//    repository, or whose last generation read it or produced Applications from it (the
//    webhook path, with every spelling of the pushed repository at once, so each
//    ApplicationSet is requested and counted once); RefreshAll(): every ApplicationSet.
// Failed reconciles are retried with the queue's per-key exponential backoff, except bad
// input (template errors, missing paths), which waits for a change or the requeue interval.
//
// Threading: `workers` threads take keys from the queue; a key is on one worker at a time,
// so one ApplicationSet is never reconciled twice at once, and git resolution happens on the
// worker of the ApplicationSet that needs it: a slow repository holds only the workers of the
// ApplicationSets that read it (bounded by the resolver's own timeout, e.g. MirrorSource's
// fetch_timeout), never the watches, the registry or other keys. Watch callbacks and the
// registry listener only update small maps under one mutex and enqueue keys. With workers =
// 0 no thread is started and ProcessNextReady() runs one ready key on the caller's thread
// (for tests with a FakeClock).
//
// Ownership: the hub interfaces, registry, resolver's targets, event recorder and clock must
// outlive the controller. Start() may be called once; Stop() (also run by the destructor)
// stops the watches, the listener and the workers, waiting for reconciles in flight.
//
// Thread-safety: Refresh, RefreshAll, Stats and Stop are safe from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "appset/generators.h"
#include "appset_controller/appset_reconciler.h"
#include "appset_controller/plan_applier.h"
#include "appset_controller/status_writer.h"
#include "cells/cell_registry.h"
#include "core/clock.h"
#include "core/mutex.h"
#include "core/result.h"
#include "kube/client.h"
#include "runtime/event_recorder.h"
#include "runtime/work_queue.h"

namespace cellgate::appset_controller {

struct ApplicationSetControllerOptions {
  // Namespaces whose ApplicationSets (and their Applications) are reconciled; "" = all.
  std::vector<std::string> namespaces = {"argocd"};
  std::string controller_namespace = "argocd";  // AppProjects are read here
  std::chrono::milliseconds requeue_interval{std::chrono::minutes(3)};
  int workers = 4;
  std::string field_manager = "cellgate-applicationset-controller";
  bool new_git_file_globbing = false;
  std::size_t max_status_resources = 5000;
  runtime::WorkQueueOptions queue = {.name = "applicationsets"};
};

// The hub, by role.
struct ApplicationSetHub {
  kube::Reader& reader;
  kube::Applier& applier;
  kube::Watcher& watcher;
  ApplicationSetStatusWriter& status;
};

struct ApplicationSetControllerStats {
  std::uint64_t full_reconciles = 0;    // generated and planned
  std::uint64_t status_reconciles = 0;  // status.resources only
  std::uint64_t failures = 0;           // reconciles that ended in an error
};

class ApplicationSetController final : private WriteObserver {
 public:
  ApplicationSetController(ApplicationSetHub hub, cells::CellRegistry& cells,
                           appset::SnapshotResolver resolve, runtime::EventRecorder* events,
                           const Clock& clock, ApplicationSetControllerOptions options = {});
  ~ApplicationSetController() override;
  ApplicationSetController(const ApplicationSetController&) = delete;
  ApplicationSetController& operator=(const ApplicationSetController&) = delete;

  // Starts the watches, the registry listener and the workers. Fails if a watch cannot start
  // (nothing is left running then) or when called twice.
  Status Start();
  void Stop();

  // Reconciles (fully) every ApplicationSet that depends on the repository; returns how many.
  int Refresh(std::string_view repo_url);
  // The same for the spellings of a repository a push names (https, ssh, web URL): each
  // ApplicationSet that depends on any of them is requested once and counted once.
  int Refresh(std::span<const std::string> repo_urls);
  int RefreshAll();

  // workers = 0 only: reconciles one ready key here; false when none is ready.
  bool ProcessNextReady();

  ApplicationSetControllerStats Stats() const;

 private:
  struct AppSetState {
    std::string uid;
    std::uint64_t fingerprint = 0;
    bool refresh = false;
    bool preserve_resources = false;
    bool uses_clusters = false;
    std::set<std::string> literal_repos;  // from the spec
    std::set<std::string> used_repos;     // from the last full reconcile
    bool generated = false;               // a full reconcile completed
    Clock::TimePoint next_full{};
    bool gone = false;  // the watch reported it deleted
  };
  struct AppState {
    std::string owner;
    std::uint64_t spec = 0;
    std::uint64_t status = 0;
    bool deleting = false;  // we deleted it: its disappearance is expected
  };
  struct ListenerGate {
    core::Mutex mu;
    bool open = true;
  };

  void StopLocked() REQUIRES(lifecycle_mu_);
  void OnAppSetEvent(const std::string& ns, const kube::WatchEvent& event);
  void OnAppEvent(const std::string& ns, const kube::WatchEvent& event);
  void OnCellChange(const cells::CellChange& change);
  // With mu_ held: records what the watch saw of an ApplicationSet; true if it needs a full
  // reconcile.
  bool SeeAppSetLocked(const Object& appset) REQUIRES(mu_);
  // With mu_ held: what an owned Application's change asks of its owner.
  void SeeAppLocked(const Object& app, std::vector<std::string>& full,
                    std::vector<std::string>& status) REQUIRES(mu_);
  void RequestFull(const std::string& key);
  void Work();
  void Process(const std::string& key);
  void WillWrite(const Object& app) override;
  void WillDelete(const Object& app) override;

  ApplicationSetHub hub_;
  cells::CellRegistry& cells_;
  const Clock& clock_;
  const ApplicationSetControllerOptions options_;
  runtime::WorkQueue queue_;
  ApplicationSetReconciler reconciler_;

  core::Mutex lifecycle_mu_;  // serialises Start and Stop
  bool started_ GUARDED_BY(lifecycle_mu_) = false;
  bool stopped_ GUARDED_BY(lifecycle_mu_) = false;
  std::vector<std::unique_ptr<kube::WatchHandle>> watches_ GUARDED_BY(lifecycle_mu_);
  std::vector<std::thread> workers_ GUARDED_BY(lifecycle_mu_);
  std::shared_ptr<ListenerGate> gate_ GUARDED_BY(lifecycle_mu_);
  int listener_id_ GUARDED_BY(lifecycle_mu_) = -1;

  mutable core::Mutex mu_;
  std::map<std::string, AppSetState> appsets_ GUARDED_BY(mu_);  // by "ns/name"
  std::map<std::string, AppState> apps_ GUARDED_BY(mu_);        // owned Applications, "ns/name"
  std::set<std::string> full_pending_ GUARDED_BY(mu_);          // keys due a full reconcile
  ApplicationSetControllerStats stats_ GUARDED_BY(mu_);
};

}  // namespace cellgate::appset_controller

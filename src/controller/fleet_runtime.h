// FleetRuntime: everything the controller runs while it leads, wired together:
//
//   CellRegistry (cluster Secrets in the controller namespace, a client and prober per cell)
//   HomeDirectory: the hub's Applications and AppProjects, and (cell-local mode) those of
//                  every Connected cell whose API serves applications.argoproj.io
//   AppRouting + WorkerPool: one queue and `workers_per_cell` workers per destination cell
//   GitResolver with git_fetch_threads fetch threads: Git servers are only ever waited on there
//                  (and on the webhook thread); a completed refresh queues that repository's apps
//   Reconciler, SelfHealers, PushRouter (webhook pushes), ControllerMetrics sources
//
// Start() starts the registry and the hub's watches, waits (up to start_timeout) until the
// registry and the hub's caches have listed everything, and only then lets reconciles run, so
// no app is reported "destination not found" for a cell whose Secret was not read yet. Every
// Application of every home is queued then; afterwards changes queue what they affect
// (app_routing.h): app changes, AppProject changes (all apps of that home), cell changes
// (the cell's apps), webhook pushes (the touched apps), self-heal backoff (the app).
//
// Cell-local mode (off by default; `cell_local_apps`): when a cell is Connected, a worker of that
// cell checks whether its API serves applications.argoproj.io (every `cell_home_recheck` until it
// does) and, if so, starts watching its Applications and AppProjects as a home of its own. A cell
// whose server is the hub's is never a second home. A removed cell, or one whose client was
// rebuilt, loses its home (and gets it back after the next check). An Application stored in a cell
// deploys only to that cell (cell_targets.h), and its project must be an AppProject in the cell's
// controller namespace: no implicit `default` project outside the hub (home_cluster.h).
//
// Argo CD settings: the ConfigMap argocd-cm in the controller namespace (argocd_cm.h), read
// by Start() before the first reconcile and again by every RefreshArgoCdSettings() (the
// controller calls it every secret refresh, 30 s). A change of what it sets re-queues every
// app. No ConfigMap means Argo CD's defaults; one that cannot be read or parsed leaves the
// previous settings in force, with a warning.
//
// Stop() stops acting at once: no new reconciles, in-flight syncs are told to stop (the
// executor checks between requests), watches, healers and probers are stopped and joined, and
// the metric sources are cleared.
//
// Thread-safety: Start/Stop from one thread; OnPush and Ready from any thread. Listeners and
// reconciles run on registry, watch, worker and router threads.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <stop_token>
#include <string>

#include "cells/cell_registry.h"
#include "controller/app_routing.h"
#include "controller/cell_targets.h"
#include "controller/controller_metrics.h"
#include "controller/git_resolver.h"
#include "controller/home_directory.h"
#include "controller/push_router.h"
#include "controller/reconciler.h"
#include "controller/self_healers.h"
#include "controller/worker_pool.h"
#include "core/clock.h"
#include "core/mutex.h"
#include "git/source.h"
#include "http/webhook.h"
#include "render/renderer.h"
#include "runtime/event_recorder.h"

namespace cellgate::controller {

struct FleetRuntimeOptions {
  std::string controller_namespace = "cellgate";
  std::set<std::string> app_namespaces = {"argocd", "cellgate"};
  int workers_per_cell = 4;
  // Threads that refresh Git mirrors, so cell workers never wait on a Git server
  // (git_resolver.h); 0 fetches on the workers.
  int git_fetch_threads = 4;
  bool cell_local_apps = false;  // opt-in: see cell-local mode above
  bool create_default_project = true;
  std::chrono::milliseconds start_timeout{std::chrono::seconds(30)};
  std::chrono::milliseconds cell_home_recheck{std::chrono::seconds(10)};
  ReconcilerOptions reconciler;         // controller_namespace is taken from above
  cells::CellRegistryOptions registry;  // ns is taken from controller_namespace
  runtime::EventRecorderOptions events;
  engine::SelfHealOptions self_heal;
};

struct FleetRuntimeDeps {
  kube::Reader& hub_reader;
  kube::Applier& hub_applier;
  kube::Applier* hub_event_applier = nullptr;  // Events on the hub; null: hub_applier
  kube::Watcher& hub_watcher;
  kube::ClusterConfig hub_config;
  cells::CellConnector& connector;
  git::Source& source;
  FetchStatsReader git_stats;                                             // may be empty
  std::function<std::map<std::string, git::FetchStats>()> git_all_stats;  // may be empty
  render::Renderer& renderer;
  ControllerMetrics* metrics = nullptr;
  const Clock& clock;
  KindCatalogFactory kinds = DiscoveryKindCatalog;
};

class FleetRuntime {
 public:
  FleetRuntime(FleetRuntimeOptions options, FleetRuntimeDeps deps);
  ~FleetRuntime();
  FleetRuntime(const FleetRuntime&) = delete;
  FleetRuntime& operator=(const FleetRuntime&) = delete;

  Status Start();
  void Stop();

  // A verified webhook push (queued; see push_router.h).
  Status OnPush(const http::PushEvent& push);
  // Reads argocd-cm again (see above).
  void RefreshArgoCdSettings();

  // Where the ApplicationSet controller hears of pushes.
  void SetAppSetPushListener(PushListener listener);

  // Queues the app on the queue its destination routes to.
  void Enqueue(const AppRef& ref);
  // Ok once started and the cell registry and the hub's Application and AppProject caches
  // have listed; kUnavailable naming the first that has not (readiness.h).
  Status Ready() const;

  cells::CellRegistry& registry() { return registry_; }
  HomeDirectory& homes() { return homes_; }
  CellTargets& cells() { return cells_; }
  WorkerPool& pool() { return pool_; }
  SelfHealers& healers() { return healers_; }
  const Reconciler& reconciler() const { return reconciler_; }

 private:
  Requeue Work(const std::string& queue, const std::string& key);
  void OnAppChange(const std::string& home, const std::string& key, const ObjectPtr& before,
                   const ObjectPtr& after);
  void OnProjectChange(const std::string& home);
  void OnCellChange(const cells::CellChange& change);
  void OnHeal(const AppRef& ref, const engine::HealEvent& event);
  void OnRepoRefreshed(const std::string& repo_url);
  Requeue CheckCellHome(const std::string& cell);
  void EnqueueAll(const HomeCluster& home);
  std::shared_ptr<HomeCluster> MakeHome(const std::string& name, HomeClusterClients clients);
  void EnsureDefaultProject();

  const FleetRuntimeOptions options_;
  FleetRuntimeDeps deps_;
  core::Mutex settings_mu_;                              // one refresh at a time
  std::string settings_error_ GUARDED_BY(settings_mu_);  // the last one logged
  std::stop_source stop_;
  std::atomic<bool> started_{false};  // reconciles may run
  std::atomic<bool> stopped_{false};

  cells::CellRegistry registry_;
  HomeDirectory homes_;
  CellTargets cells_;
  AppRouting routing_;
  GitResolver git_;
  SelfHealers healers_;
  Reconciler reconciler_;
  WorkerPool pool_;
  PushRouter pushes_;
  int listener_id_ = -1;
};

}  // namespace cellgate::controller

// Reconciler: one level-based reconcile of one Application (Argo CD's refresh, auto-sync and
// operation processing in one pass), run by a worker of the app's destination cell.
//
// Reconcile(ref) reads the Application from its home's watch cache and converges:
//
//   1. gone from the cache: stop its self-healer, drop its metrics; deleting with one of the
//      resources finalizers: delete what the app deployed (reconcile_delete.cc), then drop
//      the finalizer;
//   2. parse (render::ParseApplication, ParseAppModel, sync::ParseAppSyncSpec): an invalid
//      spec gets an InvalidSpecError condition and sync/health Unknown;
//   3. destination (cell_targets.h) and AppProject CheckApplication: an unknown destination or
//      a violation gets an InvalidSpecError condition naming the rule; nothing is applied;
//   4. an unreachable destination cell: sync and health Unknown with a ComparisonError naming
//      the cell and why; the cell keeps what it runs, status.resources keep the inventory, and
//      the registry's listener re-queues the app when the cell answers again;
//   5. resolve the revision (git_resolver.h; the refresh annotation forces it and is then
//      removed, as Argo CD does), render, AppProject CheckResources (a violation is a
//      condition and nothing is applied), engine::ObserveApp with the previous status.resources
//      as inventory: sync status, health, resources. When resolve or render fails, as with
//      Argo CD's failedToLoadObjs (controller/state.go): a ComparisonError, sync Unknown, and
//      health and resources from the live objects the app tracks (previous status.resources'
//      kinds, selected by the instance label): each listed with sync status Unknown and
//      requiresPruning, health the worst of theirs, Healthy when none is live; if the cell
//      cannot be read, health Unknown and the previous resources;
//   6. a manual `operation` runs with its options, then `operation` is cleared and
//      status.operationState written (a failed one with retries left stays, with phase
//      Running and the next attempt's time); otherwise auto-sync as auto_sync.h decides;
//      a sync writes operationState Running first, then the result, history (capped at
//      revisionHistoryLimit) and a fresh comparison;
//   7. self-heal: a healer per app with automated.selfHeal once it is Synced (self_healers.h),
//      its backoff as a SelfHealBackoff condition;
//   8. status through BuildStatus + PlanStatusUpdate (no write when nothing changed), Events
//      (OperationStarted, OperationCompleted, SyncFailed, Pruned, DriftDetected, DriftHealed)
//      and metrics.
//
// Steady apps (steady_memo.h): after a pass that ran nothing and found the app Synced and
// Healthy from the watch cache, a later pass without refresh or operation whose inputs (spec,
// annotations, commit, destination, status summary) and watched live objects are unchanged
// skips render, comparison and self-heal setup: it only refreshes reconciledAt when due and
// the metrics. At least every steady_max_age a full pass runs anyway. An AppProject change
// (InvalidateSteady) and any problem forget what was remembered.
//
// Syncs: a manual operation writes operationState Running before it starts; an automated
// sync writes it only once the sync has run for progress_interval (reported at its next
// progress step), so a quick sync costs the hub one status write, its result.
//
// Requeue: after poll_interval normally; after progress_interval while the app is
// Progressing or Missing (syncs do not wait for health, as in Argo CD: the status follows);
// with backoff after a failure that may pass (git, render, the cell's API).
//
// Thread-safety: Reconcile may run on many threads at once, for different apps (the work
// queue never hands one key to two workers of a queue; an app that moves between queues may
// briefly be reconciled twice, which is harmless: both read the cache and write the whole
// status). Nothing is locked across a network call.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <stop_token>
#include <string>

#include "controller/app_ref.h"
#include "controller/cell_targets.h"
#include "controller/controller_metrics.h"
#include "controller/git_resolver.h"
#include "controller/home_directory.h"
#include "controller/self_healers.h"
#include "controller/steady_memo.h"
#include "controller/sync_invocation.h"
#include "controller/worker_pool.h"
#include "core/clock.h"
#include "core/mutex.h"
#include "engine/app_sync.h"
#include "fleet/app_model.h"
#include "fleet/status_update.h"
#include "render/renderer.h"

namespace cellgate::controller {

// Condition type for self-heal backing off (cellgate's; Argo CD has no such condition).
inline constexpr std::string_view kSelfHealBackoff = "SelfHealBackoff";

// Health settings (sync::HealthOptions, from argocd-cm: argocd_cm.h) can change while the
// reconciler runs (SetHealthOptions); each pass reads them once, at its start.
struct ReconcilerOptions {
  // The only control-plane namespace: its Applications get plain instance names and need no
  // sourceNamespaces entry; an Application anywhere else (`argocd` included) is tracked as
  // "<namespace>_<name>" and must be admitted by its project, as Argo CD's
  // Application.InstanceName and AppProject.IsAppNamespacePermitted do.
  std::string controller_namespace = "cellgate";
  std::chrono::milliseconds poll_interval{std::chrono::minutes(3)};
  std::chrono::milliseconds progress_interval{std::chrono::seconds(2)};
  std::chrono::milliseconds self_heal_timeout{std::chrono::seconds(5)};
  bool self_heal = true;  // run event-driven self-healers for selfHeal apps
  int parallelism = 4;    // lists and dry runs of one app at once
  // As Argo CD's: a single step without hooks completes once applied (wait_after_last_step
  // false); a sync with hooks in its last step, or with several waves or phases, waits for
  // its last step too (executor.h).
  engine::ExecutorOptions executor{.wait_after_last_step = false};
  fleet::StatusUpdateOptions status;
  // How long a steady app may go without a full comparison; 0 compares on every pass.
  std::chrono::milliseconds steady_max_age{std::chrono::minutes(30)};
};

struct ReconcilerParts {
  HomeDirectory& homes;
  CellTargets& cells;
  GitResolver& git;
  render::Renderer& renderer;
  SelfHealers* healers = nullptr;        // optional
  ControllerMetrics* metrics = nullptr;  // optional
  const Clock& clock;
};

class Reconciler {
 public:
  Reconciler(ReconcilerOptions options, ReconcilerParts parts)
      : options_(std::move(options)), parts_(parts) {}

  Requeue Reconcile(const AppRef& ref, std::stop_token stop = {});

  const ReconcilerOptions& options() const { return options_; }

  // Forgets every steady app (an input not in the steady digest changed, e.g. an AppProject).
  void InvalidateSteady() { steady_.Invalidate(); }

  // Health settings for the passes that start from now on. True when they changed, and then
  // every steady app is forgotten (the caller re-queues the apps).
  bool SetHealthOptions(const sync::HealthOptions& health);
  sync::HealthOptions health_options() const;

 private:
  struct Context;
  struct Observed;
  struct ProblemHealth;

  Requeue Run(Context& ctx, std::stop_token stop);
  // An Application stored in a cell and one in the hub with the same namespace and name have
  // the same instance name; when both deploy to `cell` they would track (and prune) each
  // other's objects, so the cell's is refused: the message says why ("" = no collision).
  std::string HubTwin(const AppRef& ref, const std::string& cell) const;
  // Writes sync Unknown and a `type` condition; health and resources as `health` says (by
  // default Unknown and the previous status.resources).
  Requeue ReportProblem(Context& ctx, std::string_view type, const std::string& message,
                        Requeue next, const ProblemHealth* health = nullptr);
  // reconcile_unloaded.cc: the ComparisonError of a desired state that could not be loaded,
  // with health from what is live (step 5 above).
  Requeue ReportUnloadedTarget(Context& ctx, const std::string& message, std::stop_token stop);
  // How Observe reads: kCached uses the cell's watch cache and prediction memo; kList lists
  // live objects (right after a sync, the cache may not have seen the writes yet); kHard also
  // asks the cell for every dry run again (a hard refresh).
  enum class ReadMode { kCached, kList, kHard };
  Result<Observed> Observe(Context& ctx, const std::string& revision, bool force_refresh,
                           std::stop_token stop, ReadMode mode = ReadMode::kCached);
  Requeue Converge(Context& ctx, Observed observed, std::stop_token stop);
  Requeue RunOperation(Context& ctx, Observed& observed, std::stop_token stop);
  void RunAutoSync(Context& ctx, Observed& observed, std::stop_token stop, Requeue& next);
  sync::SyncResult SyncOnce(Context& ctx, Observed& observed, const SyncInvocation& invocation,
                            std::stop_token stop);
  void ManageSelfHeal(Context& ctx, const Observed& observed);
  bool SelfHealWanted(const Context& ctx, bool synced) const;
  // reconcile_steady.cc: the digest of a pass's inputs, the shortcut, and remembering.
  std::string SteadyInputs(const Context& ctx, const std::string& commit) const;
  std::optional<Requeue> ReuseSteady(Context& ctx);
  void RememberSteady(const Context& ctx, const Observed& observed);
  Requeue ReconcileDeletion(Context& ctx);
  void Forget(const AppRef& ref);

  fleet::StatusInput StatusFor(const Context& ctx, const Observed& observed) const;
  Status Publish(Context& ctx, fleet::StatusInput input);
  void UpdateMetrics(Context& ctx, const std::string& sync_status,
                     const std::string& health_status);
  void RecordEvent(Context& ctx, bool warning, std::string_view reason, const std::string& message);
  // Adds the app's live Secrets (those its last status lists, read from the cell) to
  // ctx.secrets: when the render failed, the desired ones are unknown.
  void LearnLiveSecrets(Context& ctx);

  // The hub's cache can lag behind our own last status write; a reconcile that acted on the
  // older copy would write its stale operation state back over the newer one. So the version of
  // each app's last write is kept, and an older cached copy is read again from the API.
  void RememberWrite(const AppRef& ref, const std::string& resource_version);
  ObjectPtr FreshestApp(HomeCluster& home, const AppRef& ref, ObjectPtr cached);

  const ReconcilerOptions options_;
  ReconcilerParts parts_;
  SteadyMemo steady_;
  mutable core::Mutex written_mu_;
  std::map<std::string, std::string> written_
      GUARDED_BY(written_mu_);  // app key -> resourceVersion
  mutable core::Mutex health_mu_;
  sync::HealthOptions health_ GUARDED_BY(health_mu_);
};

}  // namespace cellgate::controller

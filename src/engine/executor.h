// SyncExecutor: runs one sync of one application against one cell, the way gitops-engine's
// sync context does, and returns the outcome as a value (operation.h).
//
// Input: the application's prepared desired objects (desired.h), its live state
// (live_state.h) and their comparison (compare.h), plus the plan options (plan.h). The
// executor plans (PlanSync), then:
//
//   1. Pre-flight, as gitops-engine does before its first write:
//      a. Validation: every task's kind must be served by the cell, unless a CRD of this
//         sync defines it or the task says SkipDryRunOnMissingResource=true. Otherwise the
//         sync fails with "one or more synchronization tasks are not valid: <reasons>" and each
//         such task is marked SyncFailed with its reason.
//      b. A server-side dry run of every Apply whose comparison did not already run one
//         (objects not live yet) and of every hook not live yet, except objects in namespaces
//         the sync itself creates. Any refusal fails the sync with "one or more objects failed
//         to apply (dry run): <object: reason>...".
//      Nothing is written when either fails.
//   2. Steps (phase, wave) in order. In each step: prunes (delete with the plan's propagation,
//      then wait until gone), then deletes of old hooks (BeforeHookCreation; our hook
//      finalizer is removed first, then wait until gone), then writes: Namespaces and CRDs
//      first (and each new CRD waited for until Established and served), then everything
//      else, in parallel. Writes:
//        Apply    server-side apply, fieldManager cellgate, force (ServerSideApply=true is
//                 therefore what every sync does; the option is accepted and changes nothing)
//        Replace  PUT of the object (Replace=true), or create when it is not live
//        Create   POST (hooks)
//        Force=true with Replace: delete, wait until gone, create. Force=true alone: apply,
//                 and when the cell refuses it (409, 422: an immutable field), delete and
//                 create, as `kubectl apply --force` does.
//        Validate=false has no effect: server-side apply validates on the server, always.
//      RespectIgnoreDifferences=true copies the ignored fields from live into the object
//      before it is written (ignore.h).
//   3. After the writes of a step: wait until the step's objects are healthy (Healthy or
//      Suspended; objects without a health rule count once written) and its hooks have
//      finished (hook_status.h), polling the cell with backoff, for at most health_timeout.
//      An object that turns Degraded fails the sync at once. A finished hook loses our
//      finalizer. The last step is waited for too when wait_after_last_step is set, when it
//      holds a hook, or when the sync has more than one (phase, wave) (SyncFail hooks count):
//      gitops-engine's rule, so a PostSync hook's outcome is the operation's. The message is
//      then "successfully synced (no more tasks)", else "successfully synced (all tasks run)".
//   4. A failed write, a failed hook, a Degraded object or a health timeout stops the sync:
//      later steps do not run, the SyncFail hooks do, and the phase is Failed (Error when the
//      cell could not be reached), with "one or more synchronization tasks completed
//      unsuccessfully: <which and why>". Hooks left unfinished lose our finalizer so they can
//      be deleted.
//   5. When the operation ends, finished hooks are deleted by their hook-delete-policy and the
//      operation's outcome, as gitops-engine does: HookSucceeded ones after a success,
//      HookFailed ones after a failure. BeforeHookCreation (the default when a hook names no
//      policy) deletes the previous run's hook before the next sync creates it again; hooks
//      with generateName get a new name every sync (plan.h), so every sync runs every hook.
//
// With dry_run every write is a server dry run (nothing changes, nothing is waited for).
// PlanSync's refusals (an empty render with pruning and allowEmpty=false) fail the sync
// before any request: nothing is deleted. Prunes flagged Prune=confirm are skipped unless
// confirm_prune is set.
//
// Cancellation: the stop token (and the whole-operation timeout) is checked between requests
// and during waits; the result is then Failed with "operation terminated" (or "timed out"),
// in-flight requests finish first (each is bounded by the transport's timeout).
//
// Progress: the callback runs on the calling thread or on a worker of the step, one call at
// a time (serialised by the executor), and must be quick.
//
// Thread-safety: Run may be called from any thread; one SyncExecutor may run several syncs
// at once (it holds no per-run state). The CellAccess references must outlive the call.
#pragma once

#include <chrono>
#include <functional>
#include <span>
#include <stop_token>
#include <string>

#include "engine/cell.h"
#include "engine/compare.h"
#include "engine/live_state.h"
#include "engine/sleeper.h"
#include "sync/ignore.h"
#include "sync/operation.h"
#include "sync/plan.h"

namespace cellgate::engine {

struct ExecutorOptions {
  bool dry_run = false;
  bool preflight_dry_run = true;
  // Always wait for health after the last step (the CLI's `sync`); otherwise only when
  // gitops-engine would (see 3 above).
  bool wait_after_last_step = true;
  bool confirm_prune = false;  // run prunes flagged Prune=confirm
  std::chrono::milliseconds health_timeout{std::chrono::minutes(5)};  // per step
  std::chrono::milliseconds crd_timeout{std::chrono::minutes(1)};
  std::chrono::milliseconds timeout{0};  // whole operation; 0: none
  std::chrono::milliseconds poll_initial{100};
  std::chrono::milliseconds poll_max{1000};
  int parallelism = 8;         // concurrent writes within a step
  Sleeper* sleeper = nullptr;  // nullptr: DefaultSleeper()
  // Health between waves (health.h): with application_health a child Application holds its
  // wave until Healthy, as with Argo CD's Application health customization; without, it has
  // no health and never holds one (Argo CD's default).
  sync::HealthOptions health;
};

struct SyncProgress {
  sync::OperationPhase phase = sync::OperationPhase::kRunning;
  sync::SyncPhase sync_phase = sync::SyncPhase::kSync;
  int wave = 0;
  std::size_t step = 0;  // 1-based; 0 before the first step
  std::size_t steps = 0;
  std::size_t tasks_done = 0;
  std::size_t tasks_total = 0;
  std::size_t healthy = 0;  // of the objects written so far
  std::size_t written = 0;
  std::string message;  // what is happening now: "waiting for apps/Deployment shop/api: ..."
};

using ProgressCallback = std::function<void(const SyncProgress&)>;

struct SyncRequest {
  std::string instance;  // tracking name
  sync::AppSyncOptions options;
  std::span<const Object> desired;  // prepared (desired.h)
  const LiveState* live = nullptr;
  const AppComparison* comparison = nullptr;
  const sync::IgnoreRules* ignore = nullptr;
};

class SyncExecutor {
 public:
  explicit SyncExecutor(CellAccess cell, ExecutorOptions options = {})
      : cell_(cell), options_(options) {}

  sync::SyncResult Run(const SyncRequest& request, const ProgressCallback& progress = {},
                       std::stop_token stop = {}) const;

 private:
  CellAccess cell_;
  ExecutorOptions options_;
};

}  // namespace cellgate::engine

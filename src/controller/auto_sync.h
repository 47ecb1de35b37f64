// When the controller syncs an Application by itself: Argo CD's automated sync policy
// (controller/appcontroller.go autoSync, alreadyAttemptedSync, shouldSelfHeal, and the retry
// of a failed operation), as a pure decision over what the reconcile found.
//
//  - Nothing happens unless spec.syncPolicy.automated is set and enabled, no `operation` is
//    pending (a manual sync goes first), the Application is not being deleted, and the
//    comparison says OutOfSync (Synced and Unknown never auto-sync).
//  - Without automated.prune, an app whose only differences are objects to prune is left
//    alone ("need to prune extra resources only but automated prune is disabled").
//  - One attempt per revision: when status.operationState records a sync to the same commit
//    with the same source (targetRevision aside), it is not repeated, except
//      * a retry is pending: the failed attempt left phase Running with finishedAt and the
//        retry's number in retryCount (operation_retry.h) under spec.syncPolicy.retry, or
//        Argo CD's default for automated syncs, limit 5 (5 s doubling to 3 m); it is due
//        RetryDelay(retryCount - 1) after finishedAt, and runs then even if the app looks
//        Synced meanwhile (in Argo CD the operation is still pending); a new revision or
//        source replaces it with a first attempt;
//      * the attempt succeeded and selfHeal is set: the app drifted since, and is synced
//        again self_heal_timeout (Argo CD's --self-heal-timeout-seconds, 5 s) after the last
//        sync finished.
//    A Failed or Error attempt (no retry left) is reported as a SyncError condition ("Failed
//    last sync attempt to [<rev>]: <message>", Argo CD's wording) until a new revision
//    arrives.
//
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fleet/app_model.h"
#include "fleet/app_status.h"
#include "runtime/time_format.h"

namespace cellgate::controller {

// What status.operationState says about the last sync operation.
struct PreviousSync {
  bool attempted = false;  // an operationState with operation.sync and a syncResult
  std::string revision;    // syncResult.revision
  Json source;             // syncResult.source
  std::string phase;       // "Succeeded", "Failed", "Error", "Running", ...
  std::string message;
  std::optional<runtime::WallTime> finished_at;
  std::int64_t retry_count = 0;
};

PreviousSync ReadPreviousSync(const Json& status);

// Argo CD's default retry for automated syncs (limit 5, default backoff).
fleet::RetryStrategy DefaultAutomatedRetry();

struct AutoSyncInput {
  const fleet::AppModel& app;
  std::string sync_status;  // "Synced", "OutOfSync", "Unknown"
  std::string revision;     // the commit the comparison used
  const std::vector<fleet::ResourceState>& resources;
  PreviousSync previous;
  runtime::WallTime now;
  std::chrono::milliseconds self_heal_timeout{std::chrono::seconds(5)};
};

enum class AutoSyncAction {
  kNone,        // nothing to do (reason says why)
  kSync,        // sync now
  kRetryLater,  // a retry or a self-heal is due after `after`
};

struct AutoSyncDecision {
  AutoSyncAction action = AutoSyncAction::kNone;
  std::string reason;
  std::optional<fleet::ConditionInput> condition;  // SyncError for an exhausted failed attempt
  std::chrono::nanoseconds after{0};
  std::int64_t retry_count = 0;  // of the sync to run (0: first attempt of this revision)
  bool self_heal = false;        // the sync repairs drift on an already-synced revision
  fleet::RetryStrategy retry;    // the strategy the operation runs under
};

AutoSyncDecision DecideAutoSync(const AutoSyncInput& input);

// True when two sources name the same thing apart from targetRevision (Argo CD compares
// them so that HEAD and main do not count as a change).
bool SameSourceIgnoringRevision(const Json& a, const Json& b);

}  // namespace cellgate::controller

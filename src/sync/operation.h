// The outcome of a sync operation as values the fleet controller can write into an Argo CD
// Application's status.operationState, with the names Argo CD's API uses:
//
//   OperationPhase  Running, Terminating, Failed, Error, Succeeded (Argo CD's OperationPhase;
//                   also the hookPhase of a hook)
//   ResultCode      Synced, SyncFailed, Pruned, PruneSkipped (per resource, syncResult)
//
// Failed means a resource or hook failed (the cell refused an apply, a hook failed, health did
// not arrive in time, the render was refused); Error means the operation could not be carried
// out (the cell became unreachable, a request timed out). Neither is ever reported as Synced:
// a resource whose apply did not succeed is SyncFailed, one not reached is left out of
// `resources`, and the message names the first failure.
//
// Thread-safety: values.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/object.h"
#include "sync/annotations.h"
#include "sync/health.h"
#include "sync/plan.h"

namespace cellgate::sync {

enum class OperationPhase { kRunning, kTerminating, kFailed, kError, kSucceeded };
std::string_view OperationPhaseName(OperationPhase phase);

enum class ResultCode { kSynced, kSyncFailed, kPruned, kPruneSkipped };
std::string_view ResultCodeName(ResultCode code);

struct ResourceResult {
  ObjectKey key;
  std::string version;
  TaskAction action = TaskAction::kApply;
  SyncPhase sync_phase = SyncPhase::kSync;
  int wave = 0;
  bool hook = false;
  std::optional<HookType> hook_type;         // hooks: the phase they run in
  std::optional<OperationPhase> hook_phase;  // hooks: Running, Succeeded, Failed, ...
  ResultCode result = ResultCode::kSynced;
  std::optional<Health> health;  // after the wait, when the object has a health rule
  std::string message;           // "deployment.apps/api serverside-applied", the error, ...
  std::optional<Object> live;    // the object as the last write or read returned it
  std::chrono::milliseconds duration{0};  // of the write and its wait
};

struct SyncResult {
  OperationPhase phase = OperationPhase::kRunning;
  std::string message;
  std::string revision;
  bool dry_run = false;
  bool prune = false;
  std::chrono::system_clock::time_point started_at{};
  std::chrono::system_clock::time_point finished_at{};
  std::vector<ResourceResult> resources;  // in execution order (SyncFail hooks last)
  std::vector<SkippedObject> skipped;     // not touched, and why
  std::vector<std::string> warnings;

  bool succeeded() const { return phase == OperationPhase::kSucceeded; }
  std::size_t Count(ResultCode code) const;
};

// Argo CD's status.operationState:
//   {operation: {sync: {revision, prune, dryRun}}, phase, message, startedAt, finishedAt,
//    syncResult: {revision, resources: [{group, version, kind, namespace, name, status,
//                 message, hookType, hookPhase, syncPhase}]}}
Json OperationStateJson(const SyncResult& result);

// RFC 3339 in UTC with seconds, as Kubernetes writes metav1.Time ("2024-05-01T12:00:00Z").
std::string FormatTime(std::chrono::system_clock::time_point t);

}  // namespace cellgate::sync

// The writer side of an Application's status: pure functions that build `status` JSON the
// way Argo CD writes it (field names and omitempty rules of ApplicationStatus, SyncStatus,
// HealthStatus, ResourceStatus, OperationState, SyncOperationResult, ResourceResult,
// RevisionHistory and ApplicationCondition in pkg/apis/application/v1alpha1), so Argo CD's
// UI, CLI and dashboards read what cellgate writes.
//
// Inputs are small structs of our own; the sync engine's results are mapped onto them by
// the controller. Output is deterministic for equal inputs (resources sorted by group, kind,
// namespace, name; images sorted and unique), so an unchanged fleet produces byte-equal
// status and status_update.h can skip the write.
//
// Rules kept from Argo CD:
//  - conditions (SetConditions): conditions of types not evaluated this time are kept;
//    an evaluated type's condition keeps its lastTransitionTime while its message is
//    unchanged, otherwise it gets `now`; the list is sorted by type, then message.
//  - history: a completed sync appends {id, revision, deployedAt, deployStartedAt, source,
//    initiatedBy}; id is the last id + 1 (0 for the first); only the newest
//    revisionHistoryLimit entries are kept.
//  - ResourceResult always carries group, version, kind, namespace and name (empty
//    strings included); status, message and hook fields only when set.
//
// Thread-safety: values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/object.h"
#include "fleet/app_model.h"
#include "runtime/time_format.h"

namespace cellgate::fleet {

// Condition types (Argo CD's ApplicationCondition*).
inline constexpr std::string_view kComparisonError = "ComparisonError";
inline constexpr std::string_view kSyncError = "SyncError";
inline constexpr std::string_view kInvalidSpecError = "InvalidSpecError";
inline constexpr std::string_view kUnknownError = "UnknownError";
inline constexpr std::string_view kDeletionError = "DeletionError";
inline constexpr std::string_view kSharedResourceWarning = "SharedResourceWarning";
inline constexpr std::string_view kOrphanedResourceWarning = "OrphanedResourceWarning";
inline constexpr std::string_view kRepeatedResourceWarning = "RepeatedResourceWarning";
inline constexpr std::string_view kExcludedResourceWarning = "ExcludedResourceWarning";

// One managed resource as compared (status.resources[]).
struct ResourceState {
  std::string group;
  std::string version;
  std::string kind;
  std::string ns;
  std::string name;
  std::string sync_status;    // "Synced", "OutOfSync", "Unknown"
  std::string health_status;  // "" when the kind has no health assessment
  std::string health_message;
  bool hook = false;
  bool requires_pruning = false;
  std::int64_t sync_wave = 0;
};

// One resource's outcome in a sync operation (operationState.syncResult.resources[]).
struct ResourceSyncResult {
  std::string group;
  std::string version;
  std::string kind;
  std::string ns;
  std::string name;
  std::string status;  // "Synced", "SyncFailed", "Pruned", "PruneSkipped"; "" for hooks
  std::string message;
  std::string hook_type;   // "PreSync", "Sync", "PostSync", "SyncFail", "Skip"; "" if no hook
  std::string hook_phase;  // "Running", "Succeeded", "Failed", "Error", "Terminating"
  std::string sync_phase;  // "PreSync", "Sync", "PostSync", "SyncFail"
};

struct OperationStateInput {
  Json operation;     // the operation as requested (AppModel::operation->raw)
  std::string phase;  // "Running", "Terminating", "Failed", "Error", "Succeeded"
  std::string message;
  runtime::WallTime started_at;
  std::optional<runtime::WallTime> finished_at;
  std::int64_t retry_count = 0;
  bool has_sync_result = false;  // when set, syncResult is written
  std::string revision;
  Json source;  // the source synced (AppModel::source_json)
  std::vector<ResourceSyncResult> resources;
};

struct HistoryEntryInput {
  std::string revision;
  Json source;
  runtime::WallTime deployed_at;
  std::optional<runtime::WallTime> deploy_started_at;
  OperationInitiator initiated_by;
};

struct ConditionInput {
  std::string type;
  std::string message;
};

struct StatusInput {
  std::string sync_status = "Unknown";  // "Synced", "OutOfSync", "Unknown"
  std::string revision;
  Json compared_source;       // AppModel::source_json
  Json compared_destination;  // AppModel::destination_json
  std::string health_status = "Unknown";
  std::string health_message;
  std::vector<ResourceState> resources;
  std::vector<ConditionInput> conditions;
  // Types this reconcile evaluated: their old conditions are replaced by `conditions`.
  // Types not listed keep their old conditions.
  std::vector<std::string> evaluated_condition_types;
  std::optional<OperationStateInput> operation_state;  // nullopt: keep the previous one
  std::optional<HistoryEntryInput> new_history;        // a sync just succeeded
  int revision_history_limit = kDefaultRevisionHistoryLimit;
  std::string source_type;  // "Directory", "Kustomize", "Helm", "Plugin"; "" to omit
  std::vector<std::string> images;
};

Json SyncStatusJson(std::string_view status, std::string_view revision, const Json& source,
                    const Json& destination);
Json HealthStatusJson(std::string_view status, std::string_view message);
Json ResourcesJson(std::vector<ResourceState> resources);
Json OperationStateJson(const OperationStateInput& op);
Json AppendHistory(const Json& history, const HistoryEntryInput& entry, int limit);
Json MergeConditions(const Json& previous, const std::vector<ConditionInput>& conditions,
                     const std::vector<std::string>& evaluated_types, runtime::WallTime now);

// The whole status: built from `input`, carrying over from `previous` (the live status)
// what this reconcile did not produce (history, an untouched operationState, conditions of
// types not evaluated). reconciledAt is `now`.
Json BuildStatus(const Json& previous, const StatusInput& input, runtime::WallTime now);

}  // namespace cellgate::fleet

// An Application's `operation` (Argo CD's Operation, SyncOperation, SyncStrategy,
// OperationInitiator in pkg/apis/application/v1alpha1/types.go), parsed as its Go structs
// decode it (application_fields.h):
//
//   operation {sync {revision, revisions, prune, dryRun, syncOptions, resources[],
//              syncStrategy {apply|hook {force}}, source}, initiatedBy {username, automated},
//              retry}
//
// syncStrategy: `apply` wins when both are set; neither means hook (Argo CD's default).
// operation.sync.source is kept as written (a rollback's source override).
// operation_request.h writes an operation; application.h holds the parsed one.
//
// Thread-safety: values and pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "argo/retry_strategy.h"
#include "core/object.h"
#include "core/result.h"

namespace cellgate::argo {

struct SyncOperationResource {
  std::string group;
  std::string kind;
  std::string name;
  std::string ns;
};

enum class SyncStrategyKind { kHook, kApply };  // Argo CD's default is hook

struct SyncOperation {
  std::string revision;
  std::vector<std::string> revisions;
  bool prune = false;
  bool dry_run = false;
  std::vector<std::string> sync_options;
  std::vector<SyncOperationResource> resources;  // empty: the whole application
  SyncStrategyKind strategy = SyncStrategyKind::kHook;
  bool force = false;
  Json source;  // raw override (rollbacks); null when absent
};

struct OperationInitiator {
  std::string username;
  bool automated = false;
};

struct Operation {
  std::optional<SyncOperation> sync;
  OperationInitiator initiated_by;
  RetryStrategy retry;
  Json raw;  // the operation as written, echoed into status.operationState.operation
};

// `operation` must be a map; `where` prefixes field paths in errors.
Result<Operation> ParseOperation(const Json& operation, const std::string& where = "operation");

// spec.syncPolicy.retry / operation.retry.
Result<RetryStrategy> ParseRetryStrategy(const Json& retry, const std::string& where);

}  // namespace cellgate::argo

// `cellgate app sync` as Argo CD's API server does it, minus the server: the `operation` the
// CLI writes into the Application, and how it reads the controller's progress afterwards.
//
// The request (Argo CD's ApplicationService.Sync and argo.SetAppOperation):
//   operation:
//     sync: {revision, prune, syncOptions}   # syncOptions only when there are any
//     initiatedBy: {username}
// revision is --revision, else the app's targetRevision ("HEAD" when it names none). Argo
// CD's server also resolves it to a commit first; we leave that to the controller, which
// resolves the revision when it runs the operation (so a branch names the commit current
// then). syncOptions are --sync-option values, else the app's spec.syncPolicy.syncOptions.
// Refused, as Argo CD refuses them (kFailedPrecondition):
//   - "application is deleting" (metadata.deletionTimestamp set);
//   - "Cannot sync to R: auto-sync currently set to T" when automated sync is enabled and a
//     --revision other than the targetRevision is asked for;
//   - "another operation is already in progress" when `operation` is already set.
// Setting the operation also drops status.operationState (SetAppOperation does), so any
// operationState seen afterwards belongs to this operation.
//
// Progress: the controller runs the operation, then writes status.operationState and removes
// `operation` in one update (controller/reconciler.cc Publish). So the sync is done
// when `operation` is gone and operationState.phase is Succeeded, Failed or Error.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "argo/application.h"
#include "core/object.h"
#include "core/result.h"

namespace cellgate::argo {

struct SyncRequest {
  std::string revision;                   // "" = the app's targetRevision
  bool prune = false;                     // --prune
  std::vector<std::string> sync_options;  // --sync-option; empty = the app's syncOptions
  std::string username;                   // initiatedBy.username
};

// The operation to write, checked against the live Application `app`.
Result<Json> BuildSyncOperation(const Application& app, const SyncRequest& request);

// Puts `operation` into the Application body read from the hub (to be written back with its
// resourceVersion): kFailedPrecondition when an operation is already set.
Status SetOperation(Json& app, const Json& operation);

enum class OperationProgress {
  kPending,    // `operation` still set and no operationState yet
  kRunning,    // `operation` still set, or operationState phase Running / Terminating
  kSucceeded,  // `operation` gone, phase Succeeded
  kFailed,     // `operation` gone, phase Failed
  kError,      // `operation` gone, phase Error
  kVanished,   // `operation` gone without a completed operationState (someone removed it)
};

OperationProgress ProgressOf(const Application& app);
std::string_view OperationProgressName(OperationProgress progress);

// "Key=Value": a syncOptions entry as Argo CD validates it (non-empty key, '=' present).
Status CheckSyncOption(std::string_view option);

}  // namespace cellgate::argo

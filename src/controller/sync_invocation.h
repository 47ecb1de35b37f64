// One sync operation as the controller runs it: what to sync (the spec with the operation's
// options applied), at which revision, and what to record in status.operationState.
//
// Manual operations are what `argocd app sync` (and `cellgate app sync`) write into the
// Application's `operation` field: operation.sync {revision, prune, dryRun, syncOptions,
// syncStrategy}, initiatedBy, retry. As in Argo CD, a manual sync prunes only when
// operation.sync.prune says so (automated.prune does not apply), its syncOptions replace the
// app's when given, and a revision other than the app's targetRevision is synced instead of
// it. Force (syncStrategy.*.force) becomes the Force=true sync option.
// Refused with kInvalidArgument, so the operation fails with a clear message: an operation
// without `sync`, a sync of selected resources (operation.sync.resources), and a sync of
// another source (operation.sync.source, as rollbacks write). The `apply` strategy is run
// like `hook` (hooks run); a note says so.
//
// Automated syncs are what Argo CD's autoSync initiates: revision = the compared commit,
// prune = automated.prune, the app's syncOptions, initiatedBy.automated, and the app's retry
// strategy (or the default of auto_sync.h).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "controller/auto_sync.h"
#include "core/result.h"
#include "fleet/app_model.h"
#include "sync/app_spec.h"

namespace cellgate::controller {

struct SyncInvocation {
  sync::AppSyncSpec spec;  // the app's, with the operation's prune and options applied
  bool prune = false;
  bool dry_run = false;
  // The revision to sync: "" means the one the reconcile resolved from targetRevision.
  std::string revision;
  Json operation;  // for status.operationState.operation
  fleet::OperationInitiator initiated_by;
  fleet::RetryStrategy retry;
  std::int64_t retry_count = 0;
  bool automated = false;
  std::vector<std::string> notes;
};

Result<SyncInvocation> ManualSyncInvocation(const fleet::AppModel& app,
                                            const sync::AppSyncSpec& spec,
                                            const fleet::Operation& operation,
                                            std::int64_t retry_count);

SyncInvocation AutomatedSyncInvocation(const fleet::AppModel& app, const sync::AppSyncSpec& spec,
                                       const std::string& revision,
                                       const AutoSyncDecision& decision);

// spec.syncPolicy.retry / operation.retry as Argo CD writes it.
Json RetryJson(const fleet::RetryStrategy& retry);

}  // namespace cellgate::controller

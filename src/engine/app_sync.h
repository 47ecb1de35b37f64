// One application in one cell, end to end: the glue the CLI and the fleet controller call.
//
//   ObserveApp  rendered objects -> prepared desired (desired.h) -> live state (live_state.h)
//               -> comparison (compare.h): sync status, diffs and health per object.
//   SyncApp     an observation -> SyncExecutor run (executor.h) -> SyncResult (operation.h).
//
// The controller calls these per (Application, cell) from worker threads: nothing here keeps
// state between calls, and each call takes the cell by reference and a stop token.
//
// Thread-safety: thread-safe (see the files above).
#pragma once

#include <memory>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

#include "engine/cell.h"
#include "engine/compare.h"
#include "engine/desired.h"
#include "engine/executor.h"
#include "engine/live_state.h"
#include "sync/app_spec.h"
#include "sync/tracking.h"

namespace cellgate::engine {

struct ObserveOptions {
  std::vector<GroupKind> inventory;  // kinds the app had before (previous status.resources)
  bool all_kinds = false;            // search every listable kind (live_state.h)
  int parallelism = 4;
  // Read kinds the cell's LiveCache holds from it (CellAccess::cache); false lists them all,
  // as a read right after a sync must (the cache may not have seen the writes yet).
  bool use_cache = true;
  sync::HealthOptions health;  // argocd-cm health customizations (health.h)
};

struct AppObservation {
  PreparedDesired desired;
  LiveState live;
  AppComparison comparison;
  std::shared_ptr<const sync::IgnoreRules> ignore;  // compiled spec.ignoreDifferences
  // Desired objects the app does not track whose live copy another app's tracking id claims
  // (one GET per such object, so none in a synced app), sorted by key. Their comparison
  // entries hold that live copy, compared with the desired object (Synced or OutOfSync, with
  // the live object's health), as Argo CD shows a shared resource; `live` does not list them.
  std::vector<sync::SharedResource> shared;
};

// "<namespace>/<name>" of the app (Argo CD's Application.QualifiedName).
std::string QualifiedName(const sync::AppSyncSpec& spec);

Result<AppObservation> ObserveApp(CellAccess& cell, const sync::AppSyncSpec& spec,
                                  std::span<const Object> rendered,
                                  const ObserveOptions& options = {}, std::stop_token stop = {});

struct SyncOverrides {
  bool prune = false;    // prune even without automated.prune (CLI --prune)
  std::string revision;  // for the result and for naming generateName hooks
};

// Runs the sync. With FailOnSharedResource=true and a shared resource observed, nothing is
// applied and the result is Failed: "Shared resource found: <the first shared message>", as
// Argo CD's controller/sync.go fails the operation.
sync::SyncResult SyncApp(CellAccess& cell, const sync::AppSyncSpec& spec,
                         const AppObservation& observed, const SyncOverrides& overrides,
                         const ExecutorOptions& options = {}, const ProgressCallback& progress = {},
                         std::stop_token stop = {});

}  // namespace cellgate::engine

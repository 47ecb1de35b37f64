// Comparing one application's desired objects with what one cell runs: per object a sync
// status (Synced / OutOfSync / Missing / Extraneous), a unified diff with Secrets masked, and
// the live object's health; for the app, the overall sync status and health.
//
// For each desired object that is live, the cell predicts what an apply would leave: a
// server-side apply dry run (fieldManager cellgate, force) of the prepared object (desired.h).
// DiffObject then compares that prediction with live in server-side mode, so defaulting,
// admission webhooks and field ownership all count, as in Argo CD's server-side diff. The
// comparison falls back to desired-fields mode (only fields present in desired must match)
//   - when the kind is not served yet (its CRD is part of the same app), or the object (or
//     the app) sets SkipDryRunOnMissingResource=true;
//   - when the dry run is refused (invalid object, webhook denial): the object is reported
//     with the server's message, so the user sees why.
// Desired objects that are not live are Missing without a dry run (nothing to compare), and
// live objects the app tracks that are not desired are Extraneous ("requires pruning").
// Hooks are not compared (the sync runs them); ignored and Skip objects are left out.
//
// App sync status: Synced when every resource is Synced, else OutOfSync. App health: the worst
// health of the resources that have one (a Missing resource counts as Missing), Healthy when
// none has one; Argo CD's order (health.h). As in Argo CD's controller/health.go
// setApplicationHealth, a child argoproj.io/Application whose health is Missing or Unknown
// does not count (only matters with HealthOptions::application_health).
//
// Errors: an unreachable cell (kUnavailable, kDeadlineExceeded) fails the comparison; a result
// with guesses in it would be worse than none.
//
// Thread-safety: CompareApp may run on any thread; dry runs use up to `parallelism` threads.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

#include "core/object.h"
#include "core/result.h"
#include "engine/cell.h"
#include "engine/live_state.h"
#include "sync/diff.h"
#include "sync/health.h"
#include "sync/ignore.h"

namespace cellgate::engine {

struct ResourceState {
  ObjectKey key;
  std::string version;            // of the desired object, else of live
  std::optional<Object> desired;  // prepared
  std::optional<Object> live;
  std::optional<Object> predicted;  // the dry-run result, when one ran
  sync::ObjectDiff diff;
  std::optional<sync::Health> health;  // of live; Missing when not live; nullopt: no health rule
  int sync_wave = 0;
  std::string message;  // why the diff is desired-fields only, when it is

  bool requires_pruning() const { return diff.status == sync::SyncStatus::kExtraneous; }
  sync::SyncStatus status() const { return diff.status; }
};

struct AppComparison {
  std::vector<ResourceState> resources;  // desired order, then extraneous objects by key
  sync::SyncStatus sync = sync::SyncStatus::kSynced;  // kSynced or kOutOfSync
  sync::Health health{sync::HealthStatus::kHealthy, ""};
  std::vector<std::string> warnings;  // ignoreDifferences expressions that failed, notes

  // Diff status by key, as PlanInput wants it.
  std::map<ObjectKey, sync::SyncStatus> StatusByKey() const;
  // Resources that are not Synced.
  std::size_t OutOfSyncCount() const;
  const ResourceState* Find(const ObjectKey& key) const;
};

struct CompareOptions {
  const sync::IgnoreRules* ignore = nullptr;
  std::string destination_namespace;
  bool skip_dry_run_on_missing_resource = false;  // app-level SkipDryRunOnMissingResource
  sync::HealthOptions health;                     // argocd-cm health customizations
  int parallelism = 4;
};

Result<AppComparison> CompareApp(CellAccess& cell, std::span<const Object> desired,
                                 const LiveState& live, const CompareOptions& options,
                                 std::stop_token stop = {});

// The worst of the resources' health (see above). Objects that require pruning are left out
// unless `include_extraneous` (a comparison without desired state, where every live object
// is extraneous: Argo CD then assesses them all).
sync::Health AppHealth(const std::vector<ResourceState>& resources,
                       bool include_extraneous = false);

}  // namespace cellgate::engine

namespace cellgate::engine {

// Argo CD's status.resources[]: [{group, version, kind, namespace, name, status, health:
// {status, message}, requiresPruning, syncWave}]; health is left out for objects without one.
Json ResourceStatusesJson(const AppComparison& comparison);

}  // namespace cellgate::engine

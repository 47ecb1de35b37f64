// How `cellgate app list` and `cellgate app get` show Applications read from the hub: the
// layouts of `argocd app list` and `argocd app get`, from the Application objects alone
// (spec and the status the controller writes; nothing is fetched from Git or the cells).
//
// app list (argocd's printApplicationTable; its default output is "wide"):
//   NAME CLUSTER NAMESPACE PROJECT STATUS HEALTH SYNCPOLICY CONDITIONS [REPO PATH TARGET]
//   NAME is <namespace>/<name>; CLUSTER the destination server, else its name; SYNCPOLICY
//   "Manual", "Auto" or "Auto-Prune"; CONDITIONS the condition types with a count when a type
//   repeats ("SyncError,ComparisonError(2)", sorted), "<none>" without. The source is
//   spec.source, or spec.sources[0] for multi-source apps.
//
// app get (argocd's printAppSummaryTable, printAppConditions, printOperationResult and
// printAppResources): labelled fields (Name, Project, Server, Namespace, Source, Sync Policy,
// Sync Status "Synced to HEAD (1a2b3c4)", Health Status), then the conditions table, then the
// last operation (Operation, Sync Revision, Phase, Start, Finished, Duration, Message), then
// the resources: status.resources merged with operationState.syncResult.resources (the sync's
// message per object; hooks, which status.resources does not list, appear with their hook
// type), sorted by group, kind, namespace, name.
//
// JSON output is the Application objects as stored, minus metadata.managedFields.
//
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "core/object.h"

namespace cellgate::cli {

struct AppListOptions {
  bool wide = true;  // REPO, PATH and TARGET columns (argocd's default -o wide)
};

std::string FormatAppList(const std::vector<Json>& apps, const AppListOptions& options = {});
// One "<namespace>/<name>" per line (argocd app list -o name).
std::string FormatAppNames(const std::vector<Json>& apps);
// "Auto-Prune", "Auto" or "Manual".
std::string SyncPolicySummary(const Json& app);
// "SyncError,ComparisonError(2)" or "<none>".
std::string ConditionsSummary(const Json& app);

std::string FormatAppDetails(const Json& app, std::chrono::system_clock::time_point now);

// The object as printed by -o json: managedFields dropped.
Json AppForOutput(const Json& app);

}  // namespace cellgate::cli

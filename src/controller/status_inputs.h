// The sync engine's results as the inputs of fleet::BuildStatus (app_status.h): what the
// controller writes into an Application's status, mapped from engine::AppComparison,
// sync::SyncResult and the previous status.
//
//  - status.resources[] come from engine::ResourceStatusesJson (the engine's own Argo CD
//    mapping: Missing and Extraneous are OutOfSync, the latter with requiresPruning) and are
//    read back into ResourceState; the previous status.resources are read the same way when a
//    reconcile cannot compare (the cell is unreachable) and keeps them.
//  - The inventory for the next comparison (live_state.h) is the group/kinds of the previous
//    status.resources: kinds removed from Git are still listed and so pruned.
//  - operationState: phase, message, times and per-resource results of the SyncResult (again
//    through the engine's JSON, sync::OperationStateJson), with the operation as requested.
//  - images: every container and initContainer image of the rendered pod templates
//    (Deployments, StatefulSets, DaemonSets, Jobs, CronJobs, Pods...), for status.summary.
//
// Thread-safety: pure functions.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "controller/sync_invocation.h"
#include "core/object.h"
#include "engine/cell.h"
#include "engine/compare.h"
#include "fleet/app_status.h"
#include "sync/operation.h"

namespace cellgate::controller {

std::vector<fleet::ResourceState> ResourceStatesFromJson(const Json& resources);
std::vector<fleet::ResourceState> ComparedResources(const engine::AppComparison& comparison);
// Kinds of status.resources, first-seen order, without duplicates.
std::vector<engine::GroupKind> InventoryOf(const Json& status);

// A finished (or failed-to-start) sync as operationState.
fleet::OperationStateInput FinishedOperationState(const sync::SyncResult& result,
                                                  const SyncInvocation& invocation,
                                                  const Json& source);
// The operationState written when a sync starts (phase Running) or waits for a retry.
fleet::OperationStateInput RunningOperationState(const SyncInvocation& invocation,
                                                 runtime::WallTime started_at, std::string message);

std::vector<std::string> ImagesOf(std::span<const Object> objects);

}  // namespace cellgate::controller

// Internal to sync/plan*.cc: ordering of sync tasks.
#pragma once

#include <vector>

#include "sync/plan.h"

namespace cellgate::sync::plan_internal {

// Mirrors prune waves and moves PruneLast prunes after the last Sync-phase wave.
// `prune_last` is the app-level option.
void AssignPruneWaves(std::vector<SyncTask>& tasks, bool prune_last);

// Sorts by phase, wave, kind order and name (stable, so a hook's Delete stays before its
// Create), then moves Namespaces and CRDs before the first object that needs them.
void OrderTasks(std::vector<SyncTask>& tasks);

// Position of a kind in the install order; kinds not listed sort after all listed ones.
int KindOrder(std::string_view kind);

}  // namespace cellgate::sync::plan_internal

// Reconciler: deletion of an Application that carries a resources finalizer (Argo CD's
// cascading delete): delete every object the app tracks in its destination cell, with the
// propagation the finalizer names, wait until they are gone, then drop the finalizer so the
// Application itself goes. An unreachable cell keeps the finalizer (and a DeletionError
// condition) until it answers: nothing is left behind.
#include <spdlog/spdlog.h>

#include "controller/app_writes.h"
#include "controller/reconcile_context.h"
#include "controller/reconciler.h"
#include "controller/status_inputs.h"
#include "engine/live_state.h"
#include "runtime/event_recorder.h"

namespace cellgate::controller {

Requeue Reconciler::ReconcileDeletion(Context& ctx) {
  const argo::Application& model = *ctx.model;
  if (parts_.healers != nullptr) parts_.healers->Stop(ctx.ref);
  if (model.cascade == argo::CascadeDeletion::kNone) {
    // Not ours to finish: the object goes when its other finalizers are removed.
    if (parts_.metrics != nullptr) parts_.metrics->RemoveApp(ctx.ref);
    return Requeue::After(options_.poll_interval);
  }
  const Requeue retry = Requeue::After(options_.progress_interval);
  auto problem = [&](const std::string& message) {
    return ReportProblem(ctx, argo::kDeletionError, message, Requeue::Backoff());
  };
  auto cell = parts_.cells.Resolve(ctx.ref.home, model.destination);
  if (!cell) return problem("delete resources: " + cell.error().message());
  ctx.cell = *cell;
  ctx.cell_label = ctx.cell->name();
  if (!ctx.cell->connected()) {
    return problem("delete resources: cell " + ctx.cell->name() +
                   " is unreachable: " + ctx.cell->info().connection.last_error);
  }
  auto spec = engine::SyncSpecFor(*ctx.model, options_.controller_namespace);
  if (!spec) return problem(spec.error().message());
  std::vector<engine::GroupKind> inventory = InventoryOf(ctx.status);
  engine::CellAccess access = ctx.cell->Access();
  auto live = engine::LoadLiveState(access.reader, access.kinds,
                                    {.instance = spec->instance,
                                     .inventory = inventory,
                                     .all_kinds = inventory.empty(),
                                     .parallelism = options_.parallelism});
  if (!live) return problem("delete resources: " + live.error().message());

  if (live->objects.empty()) {
    const std::vector<std::string> ours = {std::string(argo::kResourcesFinalizer),
                                           std::string(argo::kForegroundFinalizer),
                                           std::string(argo::kBackgroundFinalizer)};
    if (auto s = RemoveFinalizers(*ctx.home, ctx.ref, ours);
        !s && s.error().code() != ErrorCode::kNotFound) {
      return problem(s.error().message());
    }
    spdlog::info("{}: resources deleted, finalizer removed", ctx.ref.ToString());
    if (parts_.metrics != nullptr) parts_.metrics->RemoveApp(ctx.ref);
    return Requeue::None();
  }

  const kube::PropagationPolicy propagation = model.cascade == argo::CascadeDeletion::kBackground
                                                  ? kube::PropagationPolicy::kBackground
                                                  : kube::PropagationPolicy::kForeground;
  std::size_t requested = 0;
  for (const Object& o : live->objects) {
    if (o.body().contains("metadata") && o.body()["metadata"].contains("deletionTimestamp")) {
      continue;  // already going
    }
    auto s = access.applier.Delete(o, {.propagation = propagation});
    if (!s && s.error().code() != ErrorCode::kNotFound) {
      return problem("delete " + o.Key().ToString() + ": " + s.error().message());
    }
    ++requested;
  }
  if (requested > 0) {
    RecordEvent(ctx, false, runtime::event_reason::kResourceDeleted,
                "Deleting " + std::to_string(requested) + " resource(s) of the application");
  }
  return retry;
}

}  // namespace cellgate::controller

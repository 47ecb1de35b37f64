// Reconciler::ReportUnloadedTarget: the status of an app whose desired state could not be
// loaded (a revision that does not resolve, a path missing at the commit, a render error).
//
// Argo CD's CompareAppState (controller/state.go) goes on with no target objects when
// GetRepoObjs fails (failedToLoadObjs): every live object the app manages is then listed with
// sync status Unknown and requiresPruning, the app's sync status is Unknown, and
// setApplicationHealth (controller/health.go) assesses those live objects, so an app with
// nothing live is Healthy (argoproj/argo-cd#10682: intended). The same here, with the live
// objects found as a comparison finds them (the instance label, the tracking annotation, the
// kinds of the previous status.resources as inventory). Nothing is applied or pruned.
#include <spdlog/spdlog.h>

#include "controller/reconcile_context.h"
#include "controller/reconciler.h"
#include "controller/status_inputs.h"

namespace cellgate::controller {

Requeue Reconciler::ReportUnloadedTarget(Context& ctx, const std::string& message,
                                         std::stop_token stop) {
  const Requeue next = Requeue::Backoff();
  if (!ctx.cell) return ReportProblem(ctx, fleet::kComparisonError, message, next);
  engine::CellAccess access = ctx.cell->Access();
  auto live = engine::ObserveApp(access, ctx.spec, {},
                                 {.inventory = InventoryOf(ctx.status),
                                  .parallelism = options_.parallelism,
                                  .health = ctx.health},
                                 stop);
  if (!live) {
    // The cell cannot say what is live either: health Unknown, the resources as they were.
    spdlog::warn("{}: read live objects: {}", ctx.ref.ToString(),
                 ctx.secrets.Redact(live.error().message()));
    return ReportProblem(ctx, fleet::kComparisonError, message, next);
  }
  for (const Object& o : live->live.objects) ctx.secrets.AddSecret(o.body());
  const engine::AppComparison& cmp = live->comparison;
  ProblemHealth health;
  const sync::Health worst = engine::AppHealth(cmp.resources, /*include_extraneous=*/true);
  health.status = std::string(sync::HealthStatusName(worst.status));
  health.message = worst.message;
  health.resources = ComparedResources(cmp);
  for (fleet::ResourceState& r : *health.resources) r.sync_status = "Unknown";
  return ReportProblem(ctx, fleet::kComparisonError, message, next, &health);
}

}  // namespace cellgate::controller

// Reconciler: skipping the comparison of an app nothing of which changed (steady_memo.h).
#include <spdlog/spdlog.h>

#include "controller/app_writes.h"
#include "controller/reconcile_context.h"
#include "controller/reconciler.h"
#include "core/digest.h"
#include "runtime/time_format.h"

namespace cellgate::controller {
namespace {

void AddLine(std::string& text, std::string_view part) {
  text += part;
  text += '\n';
}

// Values only: the status as we built it and as the API server gives it back differ in key
// order, not in these values.
void AddStatusSummary(std::string& text, const Json& status) {
  AddLine(text, StringAt(status, {"sync", "status"}));
  AddLine(text, StringAt(status, {"sync", "revision"}));
  AddLine(text, StringAt(status, {"health", "status"}));
  AddLine(text, StringAt(status, {"operationState", "phase"}));
  auto resources = status.find("resources");
  if (resources == status.end() || !resources->is_array()) return;
  for (const auto& r : *resources) {
    if (!r.is_object()) continue;
    AddLine(text, StringAt(r, {"group"}) + "/" + StringAt(r, {"kind"}));
  }
}

bool HasConditions(const Json& status) {
  auto c = status.find("conditions");
  return c != status.end() && c->is_array() && !c->empty();
}

}  // namespace

std::string Reconciler::SteadyInputs(const Context& ctx, const std::string& commit) const {
  const Json& body = ctx.object->body();
  std::string text;
  AddLine(text, commit);
  if (auto spec = body.find("spec"); spec != body.end()) AddLine(text, spec->dump());
  if (auto md = body.find("metadata"); md != body.end() && md->is_object()) {
    if (auto a = md->find("annotations"); a != md->end()) AddLine(text, a->dump());
  }
  AddLine(text, ctx.destination.server);
  AddLine(text, ctx.destination.name);
  AddLine(text, ctx.destination.ns);
  AddLine(text, ctx.destination.cell_project);
  AddStatusSummary(text, ctx.status);
  return Sha256Hex(text);
}

bool Reconciler::SelfHealWanted(const Context& ctx, bool synced) const {
  if (parts_.healers == nullptr || !options_.self_heal || !ctx.model) return false;
  const fleet::SyncPolicy& policy = ctx.model->sync_policy;
  return policy.IsAutomated() && policy.automated.has_value() && policy.automated->self_heal &&
         !ctx.model->operation && synced;
}

std::optional<Requeue> Reconciler::ReuseSteady(Context& ctx) {
  if (options_.steady_max_age.count() <= 0 || !ctx.model || HasConditions(ctx.status)) {
    return std::nullopt;
  }
  const render::Application& app = ctx.model->app;
  auto commit = parts_.git.Resolve(app.source.repo_url, WantedRevision(app), false);
  if (!commit) return std::nullopt;  // the full pass reports it
  auto cached = steady_.Match(ctx.ref.Key(), SteadyInputs(ctx, *commit), parts_.clock.Now(),
                              options_.steady_max_age);
  if (!cached || !engine::CacheUnchanged(ctx.cell->watch_hub(), ctx.spec.instance, *cached)) {
    return std::nullopt;
  }
  if (SelfHealWanted(ctx, true)) {
    auto healer = parts_.healers->Snapshot(ctx.ref);
    if (!healer || !healer->running || !healer->conditions.empty()) return std::nullopt;
  }
  const runtime::WallTime now = parts_.clock.WallNow();
  if (fleet::ReconciledAtDue(ctx.status, now, options_.status)) {
    Json status = ctx.status;
    status["reconciledAt"] = runtime::Rfc3339(now);
    auto written = WriteStatus(*ctx.home, *ctx.object, status);
    if (!written) {
      spdlog::warn("{}: {}", ctx.ref.ToString(), written.error().message());
      return Requeue::Backoff();
    }
    RememberWrite(ctx.ref, *written);
    ctx.status = std::move(status);
  }
  if (parts_.metrics != nullptr) parts_.metrics->CountUnchanged(ctx.cell_label);
  UpdateMetrics(ctx, "Synced", "Healthy");
  return Requeue::After(options_.poll_interval);
}

void Reconciler::RememberSteady(const Context& ctx, const Observed& observed) {
  const engine::LiveState& live = observed.observation.live;
  const bool steady = ctx.model && !ctx.model->operation && !ctx.operation_state &&
                      ctx.conditions.empty() && observed.sync_status == "Synced" &&
                      observed.health_status == "Healthy" && live.notes.empty() &&
                      live.cached.size() == live.listed.size() && !HasConditions(ctx.status);
  if (!steady) {
    steady_.Forget(ctx.ref.Key());
    return;
  }
  steady_.Remember(ctx.ref.Key(), {.inputs = SteadyInputs(ctx, observed.revision),
                                   .cached = live.cached,
                                   .generation = ctx.steady_generation,
                                   .at = parts_.clock.Now()});
}

}  // namespace cellgate::controller

// Reconciler: manual operations, automated sync and self-heal (see reconciler.h).
#include <spdlog/spdlog.h>

#include <algorithm>

#include "controller/operation_retry.h"
#include "controller/reconcile_context.h"
#include "controller/reconciler.h"
#include "controller/status_inputs.h"
#include "core/digest.h"
#include "runtime/event_recorder.h"

namespace cellgate::controller {
namespace {

std::string Short(std::string_view revision) { return std::string(revision.substr(0, 7)); }

// "apps/Deployment shop/api, ConfigMap shop/ui and 3 more"
std::string ListKeys(const std::vector<ObjectKey>& keys, std::size_t max = 5) {
  std::string out;
  for (std::size_t i = 0; i < keys.size() && i < max; ++i) {
    out += (i == 0 ? "" : ", ") + keys[i].ToString();
  }
  if (keys.size() > max) out += " and " + std::to_string(keys.size() - max) + " more";
  return out;
}

nlohmann::json Canonical(const Json& j) { return nlohmann::json::parse(j.dump()); }

bool Completed(sync::OperationPhase phase) {
  return phase == sync::OperationPhase::kSucceeded || phase == sync::OperationPhase::kFailed ||
         phase == sync::OperationPhase::kError;
}

// How long the status after a sync waits for the cell's watch cache before it lists instead.
constexpr std::chrono::seconds kPostSyncCacheWait{5};

// What the sync wrote or pruned (hooks aside: they are not part of the app's status).
std::vector<engine::WrittenObject> WritesOf(const sync::SyncResult& result) {
  std::vector<engine::WrittenObject> out;
  for (const auto& r : result.resources) {
    if (r.hook) continue;
    if (r.result == sync::ResultCode::kPruned) {
      out.push_back(
          {.gvk = {.group = r.key.group, .version = r.version, .kind = r.key.kind}, .key = r.key});
    } else if (r.result == sync::ResultCode::kSynced && r.live) {
      out.push_back(
          {.gvk = kube::GroupVersionKind::Of(*r.live),
           .key = r.key,
           .resource_version = StringAt(r.live->body(), {"metadata", "resourceVersion"})});
    }
  }
  return out;
}

}  // namespace

sync::SyncResult Reconciler::SyncOnce(Context& ctx, Observed& observed, const SyncInvocation& inv,
                                      std::stop_token stop) {
  const std::string& revision = observed.revision;
  ctx.operation_state =
      RunningOperationState(inv, parts_.clock.WallNow(),
                            inv.retry_count > 0 ? RetryingMessage(inv.retry_count)
                                                : "Sync to " + Short(revision) + " in progress");
  // A manual operation shows Running at once (the CLI waits on it). An automated sync shows
  // it once it has run for progress_interval: most finish sooner, and then the hub gets one
  // status write (the result) instead of two.
  bool running_published = false;
  auto publish_running = [&] {
    running_published = true;
    if (auto s = Publish(ctx, StatusFor(ctx, observed)); !s) {
      spdlog::warn("{}: {}", ctx.ref.ToString(), s.error().message());
    }
  };
  // A retry shows Running at once too, naming its attempt, as Argo CD writes it before the
  // retry runs.
  if (!inv.automated || inv.retry_count > 0) publish_running();
  const Clock::TimePoint sync_started = parts_.clock.Now();
  engine::ProgressCallback progress;
  if (!running_published) {
    progress = [&](const engine::SyncProgress&) {
      if (!running_published && parts_.clock.Now() - sync_started >= options_.progress_interval) {
        publish_running();
      }
    };
  }
  std::string started = inv.automated ? "Initiated automated sync to '" + revision + "'"
                                      : "Initiated sync to '" + revision + "'";
  if (!inv.initiated_by.username.empty()) started += " by " + inv.initiated_by.username;
  RecordEvent(ctx, false, runtime::event_reason::kOperationStarted, started);

  // The app's healer guards what the previous sync applied: left running, it would take this
  // sync's writes for drift and put the old objects back. ManageSelfHeal starts a healer for
  // the new desired state once the app is Synced again.
  if (parts_.healers != nullptr && !inv.dry_run) parts_.healers->Stop(ctx.ref);

  engine::CellAccess access = ctx.cell->Access();
  engine::ExecutorOptions executor = options_.executor;
  executor.dry_run = inv.dry_run;
  executor.health = ctx.health;
  sync::SyncResult result =
      engine::SyncApp(access, inv.spec, observed.observation,
                      {.prune = inv.prune, .revision = revision}, executor, progress, stop);
  if (result.revision.empty()) result.revision = revision;
  const std::string phase(sync::OperationPhaseName(result.phase));
  spdlog::info("{}: sync to {} {}: {}", ctx.ref.ToString(), Short(revision), phase,
               ctx.secrets.Redact(result.message));
  if (parts_.metrics != nullptr && Completed(result.phase)) {
    UpdateMetrics(ctx, observed.sync_status, observed.health_status);
    parts_.metrics->CountSync(ctx.ref, phase);
  }
  RecordEvent(
      ctx, !result.succeeded(), runtime::event_reason::kOperationCompleted,
      runtime::OperationCompletedMessage(false, revision, result.succeeded(), result.message));
  if (!result.succeeded())
    RecordEvent(ctx, true, runtime::event_reason::kSyncFailed, result.message);
  std::vector<ObjectKey> pruned;
  for (const auto& r : result.resources) {
    if (r.result == sync::ResultCode::kPruned) pruned.push_back(r.key);
  }
  if (!pruned.empty() && !inv.dry_run) {
    RecordEvent(ctx, false, runtime::event_reason::kPruned, "Pruned " + ListKeys(pruned, 10));
  }

  if (!inv.dry_run) {
    // What the cell holds now is what the status reports: read from the cell's watch cache
    // once it has seen every write, else listed.
    const bool cached = ctx.cell->watch_hub().WaitForWrites(WritesOf(result), kPostSyncCacheWait);
    auto again = Observe(ctx, revision, false, stop, cached ? ReadMode::kCached : ReadMode::kList);
    if (again) {
      observed = std::move(*again);
    } else {
      spdlog::warn("{}: compare after sync: {}", ctx.ref.ToString(),
                   ctx.secrets.Redact(again.error().message()));
    }
  }
  ctx.operation_state = FinishedOperationState(result, inv, ctx.model->source_json);
  if (result.succeeded() && !inv.dry_run) {
    ctx.history = argo::HistoryEntryInput{.revision = revision,
                                          .source = ctx.model->source_json,
                                          .deployed_at = result.finished_at,
                                          .deploy_started_at = result.started_at,
                                          .initiated_by = inv.initiated_by};
  }
  return result;
}

Requeue Reconciler::RunOperation(Context& ctx, Observed& observed, std::stop_token stop) {
  const argo::Operation& op = *ctx.model->operation;
  const WallTime now = parts_.clock.WallNow();
  const Requeue poll = Requeue::After(options_.poll_interval);
  std::int64_t retry_count = 0;
  auto prev = ctx.status.find("operationState");
  if (prev != ctx.status.end() && prev->is_object() && StringAt(*prev, {"phase"}) == "Running" &&
      prev->contains("operation") && Canonical((*prev)["operation"]) == Canonical(op.raw)) {
    // This operation is being retried (or the controller stopped in the middle of it).
    retry_count = prev->value("retryCount", std::int64_t{0});
    auto finished = ParseRfc3339(StringAt(*prev, {"finishedAt"}));
    if (RetryPending("Running", finished.has_value(), retry_count)) {
      const WallTime due = RetryDueAt(op.retry, *finished, retry_count);
      if (now < due) {
        ctx.operation_state.reset();  // keep the Running state as written
        return Requeue::After(due - now);
      }
    }
  }

  auto fail = [&](const std::string& message) {
    SyncInvocation failed{.operation = op.raw, .initiated_by = op.initiated_by};
    sync::SyncResult r{
        .phase = sync::OperationPhase::kFailed, .message = message, .revision = observed.revision};
    r.started_at = r.finished_at = now;
    ctx.operation_state = FinishedOperationState(r, failed, ctx.model->source_json);
    RecordEvent(ctx, true, runtime::event_reason::kSyncFailed, message);
    ctx.clear_operation = true;
    return poll;
  };
  auto inv = ManualSyncInvocation(*ctx.model, ctx.spec, op, retry_count);
  if (!inv) return fail(inv.error().message());
  for (const auto& note : inv->notes) spdlog::info("{}: {}", ctx.ref.ToString(), note);

  sync::SyncResult result;
  if (inv->revision.empty()) {
    result = SyncOnce(ctx, observed, *inv, stop);
  } else {
    auto other = Observe(ctx, inv->revision, false, stop);
    if (!other) return fail(other.error().message());
    result = SyncOnce(ctx, *other, *inv, stop);
    // The status compares with targetRevision, as before the sync.
    if (auto again = Observe(ctx, observed.revision, false, stop)) observed = std::move(*again);
  }

  if (!inv->dry_run) {
    if (auto wait = ScheduleRetry(*ctx.operation_state, op.retry, parts_.clock.WallNow())) {
      ctx.history.reset();
      return Requeue::After(*wait);
    }
  }
  ctx.clear_operation = true;
  return poll;
}

void Reconciler::RunAutoSync(Context& ctx, Observed& observed, std::stop_token stop,
                             Requeue& next) {
  AutoSyncDecision d = DecideAutoSync({.app = *ctx.model,
                                       .sync_status = observed.sync_status,
                                       .revision = observed.revision,
                                       .resources = observed.resources,
                                       .previous = ReadPreviousSync(ctx.status),
                                       .now = parts_.clock.WallNow(),
                                       .self_heal_timeout = options_.self_heal_timeout});
  if (d.condition) ctx.conditions.push_back(*d.condition);
  if (d.action == AutoSyncAction::kRetryLater) {
    next = Requeue::After(std::min<std::chrono::nanoseconds>(d.after, options_.poll_interval));
    return;
  }
  if (d.action != AutoSyncAction::kSync) return;
  std::vector<ObjectKey> drifted;
  for (const auto& r : observed.observation.comparison.resources) {
    if (r.status() != sync::SyncStatus::kSynced) drifted.push_back(r.key);
  }
  if (d.self_heal) {
    RecordEvent(ctx, true, runtime::event_reason::kDriftDetected,
                "Drift from " + Short(observed.revision) + ": " + ListKeys(drifted));
  }
  SyncInvocation inv = AutomatedSyncInvocation(*ctx.model, ctx.spec, observed.revision, d);
  sync::SyncResult result = SyncOnce(ctx, observed, inv, stop);
  if (d.self_heal && result.succeeded()) {
    RecordEvent(ctx, false, runtime::event_reason::kDriftHealed,
                "Re-synced " + ListKeys(drifted) + " to " + Short(observed.revision));
  }
  if (auto wait = ScheduleRetry(*ctx.operation_state, d.retry, parts_.clock.WallNow())) {
    next = Requeue::After(std::min<std::chrono::nanoseconds>(*wait, options_.poll_interval));
  }
}

void Reconciler::ManageSelfHeal(Context& ctx, const Observed& observed) {
  if (parts_.healers == nullptr) return;
  if (!SelfHealWanted(ctx, observed.observation.comparison.sync == sync::SyncStatus::kSynced)) {
    parts_.healers->Stop(ctx.ref);
    if (parts_.metrics != nullptr) parts_.metrics->SetSelfHealBackoff(ctx.ref, false);
    return;
  }
  auto plan = ctx.spec.PlanOptions(false);
  const engine::AppObservation& obs = observed.observation;
  std::string fingerprint_text = observed.revision + "\n" + ctx.model->ignore_differences.dump();
  for (const auto& o : obs.desired.objects) fingerprint_text += "\n" + o.body().dump();
  for (const auto& option : ctx.spec.sync_options) fingerprint_text += "\n" + option;
  engine::SelfHealTarget target{
      .instance = ctx.spec.instance,
      .destination_namespace = ctx.spec.destination_namespace,
      .desired = obs.desired.objects,
      .ignore = obs.ignore,
      .respect_ignore_differences = plan && plan->respect_ignore_differences,
      .baseline = engine::BaselineFrom(obs.comparison)};
  if (auto s =
          parts_.healers->Ensure(ctx.ref, ctx.cell, std::move(target), Sha256Hex(fingerprint_text));
      !s) {
    spdlog::warn("{}: {}", ctx.ref.ToString(), s.error().message());
    return;
  }
  auto snapshot = parts_.healers->Snapshot(ctx.ref);
  bool backing_off = snapshot && !snapshot->conditions.empty();
  if (snapshot) {
    for (const auto& c : snapshot->conditions) {
      ctx.conditions.push_back({std::string(kSelfHealBackoff), c});
    }
  }
  if (parts_.metrics != nullptr) parts_.metrics->SetSelfHealBackoff(ctx.ref, backing_off);
}

}  // namespace cellgate::controller

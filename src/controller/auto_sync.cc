#include "controller/auto_sync.h"

#include <nlohmann/json.hpp>

#include "controller/operation_retry.h"

namespace cellgate::controller {
namespace {

nlohmann::json CanonicalWithoutRevision(const Json& source) {
  nlohmann::json j = nlohmann::json::parse(source.is_object() ? source.dump() : "{}");
  j.erase("targetRevision");
  return j;
}

bool Succeeded(std::string_view phase) { return phase == "Succeeded"; }

}  // namespace

PreviousSync ReadPreviousSync(const Json& status) {
  PreviousSync p;
  if (!status.is_object()) return p;
  auto op = status.find("operationState");
  if (op == status.end() || !op->is_object()) return p;
  const Json& state = *op;
  auto operation = state.find("operation");
  auto result = state.find("syncResult");
  if (operation == state.end() || !operation->is_object() || !operation->contains("sync") ||
      result == state.end() || !result->is_object()) {
    return p;
  }
  p.attempted = true;
  p.revision = StringAt(*result, {"revision"});
  if (auto s = result->find("source"); s != result->end()) p.source = *s;
  p.phase = StringAt(state, {"phase"});
  p.message = StringAt(state, {"message"});
  p.finished_at = runtime::ParseRfc3339(StringAt(state, {"finishedAt"}));
  if (auto r = state.find("retryCount"); r != state.end() && r->is_number_integer()) {
    p.retry_count = r->get<std::int64_t>();
  }
  return p;
}

fleet::RetryStrategy DefaultAutomatedRetry() { return fleet::RetryStrategy{.limit = 5}; }

bool SameSourceIgnoringRevision(const Json& a, const Json& b) {
  return CanonicalWithoutRevision(a) == CanonicalWithoutRevision(b);
}

AutoSyncDecision DecideAutoSync(const AutoSyncInput& in) {
  const fleet::AppModel& app = in.app;
  AutoSyncDecision d;
  d.retry = app.sync_policy.retry.value_or(DefaultAutomatedRetry());
  if (!app.sync_policy.IsAutomated()) {
    d.reason = "automated sync is not enabled";
    return d;
  }
  if (app.operation) {
    d.reason = "another operation is in progress";
    return d;
  }
  if (app.deleting) {
    d.reason = "deletion in progress";
    return d;
  }
  const PreviousSync& prev = in.previous;
  const bool attempted = prev.attempted && prev.revision == in.revision &&
                         SameSourceIgnoringRevision(app.source_json, prev.source);
  // A retry the last attempt scheduled (operation_retry.h) runs at its time whatever the
  // comparison says now, as the pending operation would in Argo CD; only a new revision or
  // source replaces it with a first attempt.
  if (prev.attempted && RetryPending(prev.phase, prev.finished_at.has_value(), prev.retry_count) &&
      (attempted || in.sync_status != "OutOfSync")) {
    const runtime::WallTime due = RetryDueAt(d.retry, *prev.finished_at, prev.retry_count);
    d.retry_count = prev.retry_count;
    if (in.now >= due) {
      d.action = AutoSyncAction::kSync;
      d.reason = "retrying failed sync to " + prev.revision + " (attempt #" +
                 std::to_string(d.retry_count) + ")";
    } else {
      d.action = AutoSyncAction::kRetryLater;
      d.after = due - in.now;
      d.reason = "retry of failed sync to " + prev.revision + " is due later";
    }
    return d;
  }
  if (in.sync_status != "OutOfSync") {
    d.reason = "application status is " + in.sync_status;
    return d;
  }
  if (!app.sync_policy.automated->prune) {
    bool prune_only = true;
    for (const auto& r : in.resources) {
      if (r.sync_status != "Synced" && !r.requires_pruning) {
        prune_only = false;
        break;
      }
    }
    if (prune_only) {
      d.reason = "need to prune extra resources only but automated prune is disabled";
      return d;
    }
  }
  if (!attempted) {
    d.action = AutoSyncAction::kSync;
    d.reason = "OutOfSync at " + in.revision;
    return d;
  }
  const runtime::WallTime finished = prev.finished_at.value_or(in.now);
  if (prev.phase == "Running") {
    // The controller stopped during this attempt: it counts as failed and is retried.
    if (fleet::RetryAllowed(d.retry, prev.retry_count)) {
      d.action = AutoSyncAction::kSync;
      d.retry_count = prev.retry_count + 1;
      d.reason = "retrying interrupted sync to " + in.revision + " (attempt #" +
                 std::to_string(d.retry_count) + ")";
      return d;
    }
  }
  if (!Succeeded(prev.phase)) {
    // Retries end in Running (operation_retry.h): a Failed or Error attempt has none left.
    d.reason = "failed previous sync attempt to " + in.revision;
    d.condition =
        fleet::ConditionInput{std::string(fleet::kSyncError),
                              "Failed last sync attempt to [" + in.revision + "]: " + prev.message};
    return d;
  }
  if (!app.sync_policy.automated->self_heal) {
    d.reason = "most recent sync already to " + in.revision;
    return d;
  }
  const auto due =
      finished + std::chrono::duration_cast<runtime::WallTime::duration>(in.self_heal_timeout);
  d.self_heal = true;
  if (in.now >= due) {
    d.action = AutoSyncAction::kSync;
    d.reason = "self-heal: drift on " + in.revision;
  } else {
    d.action = AutoSyncAction::kRetryLater;
    d.after = due - in.now;
    d.reason = "self-heal is due after the self-heal timeout";
  }
  return d;
}

}  // namespace cellgate::controller

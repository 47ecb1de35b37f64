#include "controller/sync_invocation.h"

#include <algorithm>

namespace cellgate::controller {
namespace {

bool SameRevision(std::string_view op_revision, std::string_view target) {
  auto head = [](std::string_view r) { return r.empty() || r == "HEAD"; };
  return op_revision.empty() || op_revision == target || (head(op_revision) && head(target));
}

}  // namespace

Json RetryJson(const fleet::RetryStrategy& retry) {
  Json j = {{"limit", retry.limit}};
  if (retry.backoff) {
    Json b = Json::object();
    if (!retry.backoff->duration.empty()) b["duration"] = retry.backoff->duration;
    if (retry.backoff->factor) b["factor"] = *retry.backoff->factor;
    if (!retry.backoff->max_duration.empty()) b["maxDuration"] = retry.backoff->max_duration;
    j["backoff"] = std::move(b);
  }
  if (retry.refresh) j["refresh"] = true;
  return j;
}

Result<SyncInvocation> ManualSyncInvocation(const fleet::AppModel& app,
                                            const sync::AppSyncSpec& spec,
                                            const fleet::Operation& operation,
                                            std::int64_t retry_count) {
  if (!operation.sync) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "operation has no sync: only sync operations are supported");
  }
  const fleet::SyncOperation& op = *operation.sync;
  if (!op.resources.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "syncing selected resources (operation.sync.resources) is not supported "
                     "yet: sync the whole application");
  }
  if (!op.source.is_null()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "syncing another source (operation.sync.source) is not supported yet");
  }
  SyncInvocation inv;
  inv.spec = spec;
  inv.spec.auto_prune = false;  // a manual sync prunes only when asked to
  if (!op.sync_options.empty()) inv.spec.sync_options = op.sync_options;
  if (op.force && std::find(inv.spec.sync_options.begin(), inv.spec.sync_options.end(),
                            "Force=true") == inv.spec.sync_options.end()) {
    inv.spec.sync_options.emplace_back("Force=true");
  }
  inv.prune = op.prune;
  inv.dry_run = op.dry_run;
  if (!SameRevision(op.revision, app.app.source.target_revision)) inv.revision = op.revision;
  inv.operation = operation.raw;
  inv.initiated_by = operation.initiated_by;
  inv.retry = operation.retry;
  inv.retry_count = retry_count;
  if (op.strategy == fleet::SyncStrategyKind::kApply) {
    inv.notes.emplace_back("syncStrategy apply runs like hook: hooks are not skipped");
  }
  return inv;
}

SyncInvocation AutomatedSyncInvocation(const fleet::AppModel& app, const sync::AppSyncSpec& spec,
                                       const std::string& revision,
                                       const AutoSyncDecision& decision) {
  SyncInvocation inv;
  inv.spec = spec;
  inv.prune = app.sync_policy.automated && app.sync_policy.automated->prune;
  inv.automated = true;
  inv.initiated_by = fleet::OperationInitiator{.automated = true};
  inv.retry = decision.retry;
  inv.retry_count = decision.retry_count;
  Json sync = {{"revision", revision}};
  if (inv.prune) sync["prune"] = true;
  if (!spec.sync_options.empty()) sync["syncOptions"] = spec.sync_options;
  inv.operation = {{"sync", std::move(sync)},
                   {"initiatedBy", {{"automated", true}}},
                   {"retry", RetryJson(inv.retry)}};
  return inv;
}

}  // namespace cellgate::controller

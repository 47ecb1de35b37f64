#include "argo/operation_request.h"

namespace cellgate::argo {
namespace {

const Json* Find(const Json& j, std::initializer_list<std::string_view> path) {
  const Json* cur = &j;
  for (std::string_view key : path) {
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(std::string(key));
    if (it == cur->end()) return nullptr;
    cur = &*it;
  }
  return cur;
}

}  // namespace

Status CheckSyncOption(std::string_view option) {
  auto eq = option.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        "sync option \"" + std::string(option) + "\" is not Key=Value (e.g. ServerSideApply=true)");
  }
  return Ok();
}

Result<Json> BuildSyncOperation(const Application& app, const SyncRequest& request) {
  auto refuse = [&](const std::string& why) {
    return MakeError(ErrorCode::kFailedPrecondition, "sync " + app.Key() + ": " + why);
  };
  if (app.deleting) return refuse("application is deleting");
  const std::string target = app.TargetRevision();
  if (app.sync_policy.IsAutomated() && !request.revision.empty() && request.revision != target) {
    return refuse("Cannot sync to " + request.revision + ": auto-sync currently set to " + target);
  }
  for (const auto& o : request.sync_options) CG_TRY(CheckSyncOption(o));
  Json sync = Json::object();
  sync["revision"] = request.revision.empty() ? target : request.revision;
  sync["prune"] = request.prune;
  const std::vector<std::string>& options =
      request.sync_options.empty() ? app.sync_policy.sync_options : request.sync_options;
  if (!options.empty()) sync["syncOptions"] = options;
  Json operation = Json::object();
  operation["sync"] = std::move(sync);
  operation["initiatedBy"] = {{"username", request.username}};
  return operation;
}

Status SetOperation(Json& app, const Json& operation) {
  if (const Json* existing = Find(app, {"operation"});
      existing != nullptr && !existing->is_null()) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "sync " + StringAt(app, {"metadata", "namespace"}) + "/" +
                         StringAt(app, {"metadata", "name"}) +
                         ": another operation is already in progress");
  }
  app["operation"] = operation;
  if (auto status = app.find("status"); status != app.end() && status->is_object()) {
    status->erase("operationState");
  }
  return Ok();
}

OperationProgress ProgressOf(const Application& app) {
  const std::string& phase = app.operation_phase;
  if (app.operation.has_value()) {
    return phase.empty() ? OperationProgress::kPending : OperationProgress::kRunning;
  }
  if (phase == "Succeeded") return OperationProgress::kSucceeded;
  if (phase == "Failed") return OperationProgress::kFailed;
  if (phase == "Error") return OperationProgress::kError;
  if (phase == "Running" || phase == "Terminating") return OperationProgress::kRunning;
  return OperationProgress::kVanished;
}

std::string_view OperationProgressName(OperationProgress progress) {
  switch (progress) {
    case OperationProgress::kPending:
      return "Pending";
    case OperationProgress::kRunning:
      return "Running";
    case OperationProgress::kSucceeded:
      return "Succeeded";
    case OperationProgress::kFailed:
      return "Failed";
    case OperationProgress::kError:
      return "Error";
    case OperationProgress::kVanished:
      return "Vanished";
  }
  return "Unknown";
}

}  // namespace cellgate::argo

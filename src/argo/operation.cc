#include "cli/sync_operation.h"

namespace cellgate::cli {
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

std::string TargetRevision(const Json& app) {
  std::string target = StringAt(app, {"spec", "source", "targetRevision"});
  if (target.empty()) {
    const Json* sources = Find(app, {"spec", "sources"});
    if (sources != nullptr && sources->is_array() && !sources->empty()) {
      target = StringAt(sources->front(), {"targetRevision"});
    }
  }
  return target;
}

bool AutomatedEnabled(const Json& app) {
  const Json* automated = Find(app, {"spec", "syncPolicy", "automated"});
  if (automated == nullptr || !automated->is_object()) return false;
  const Json* enabled = Find(*automated, {"enabled"});
  return enabled == nullptr || !enabled->is_boolean() || enabled->get<bool>();
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

Result<Json> BuildSyncOperation(const Json& app, const SyncRequest& request) {
  const std::string name =
      StringAt(app, {"metadata", "namespace"}) + "/" + StringAt(app, {"metadata", "name"});
  auto refuse = [&](const std::string& why) {
    return MakeError(ErrorCode::kFailedPrecondition, "sync " + name + ": " + why);
  };
  if (!StringAt(app, {"metadata", "deletionTimestamp"}).empty()) {
    return refuse("application is deleting");
  }
  const std::string target = TargetRevision(app);
  const std::string effective_target = target.empty() ? "HEAD" : target;
  if (AutomatedEnabled(app) && !request.revision.empty() && request.revision != effective_target) {
    return refuse("Cannot sync to " + request.revision + ": auto-sync currently set to " +
                  effective_target);
  }
  for (const auto& o : request.sync_options) {
    if (auto s = CheckSyncOption(o); !s) return std::unexpected(s.error());
  }
  Json sync = Json::object();
  sync["revision"] = request.revision.empty() ? effective_target : request.revision;
  sync["prune"] = request.prune;
  Json options = Json::array();
  if (!request.sync_options.empty()) {
    for (const auto& o : request.sync_options) options.push_back(o);
  } else if (const Json* own = Find(app, {"spec", "syncPolicy", "syncOptions"});
             own != nullptr && own->is_array()) {
    for (const auto& o : *own) {
      if (o.is_string()) options.push_back(o);
    }
  }
  if (!options.empty()) sync["syncOptions"] = std::move(options);
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

OperationProgress ProgressOf(const Json& app) {
  const Json* pending = Find(app, {"operation"});
  const bool still_set = pending != nullptr && !pending->is_null();
  const std::string phase = StringAt(app, {"status", "operationState", "phase"});
  if (still_set) return phase.empty() ? OperationProgress::kPending : OperationProgress::kRunning;
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

}  // namespace cellgate::cli

#include "sync/hook_status.h"

#include "sync/health.h"

namespace cellgate::sync {
namespace {

const Json* Condition(const Json& body, std::string_view type) {
  auto status = body.find("status");
  if (status == body.end() || !status->is_object()) return nullptr;
  auto conditions = status->find("conditions");
  if (conditions == status->end() || !conditions->is_array()) return nullptr;
  for (const auto& c : *conditions) {
    if (c.is_object() && StringAt(c, {"type"}) == type && StringAt(c, {"status"}) == "True") {
      return &c;
    }
  }
  return nullptr;
}

std::string ConditionMessage(const Json& c, std::string_view fallback) {
  std::string m = StringAt(c, {"message"});
  if (m.empty()) m = StringAt(c, {"reason"});
  return m.empty() ? std::string(fallback) : m;
}

}  // namespace

HookStatus AssessHook(const Object& live) {
  const Json& body = live.body();
  if (!body.is_object()) return {OperationPhase::kFailed, "hook is not an object"};
  if (live.Group() == "batch" && live.Kind() == "Job") {
    if (const Json* c = Condition(body, "Complete")) {
      return {OperationPhase::kSucceeded, ConditionMessage(*c, "job completed")};
    }
    if (const Json* c = Condition(body, "Failed")) {
      return {OperationPhase::kFailed, ConditionMessage(*c, "job failed")};
    }
    return {OperationPhase::kRunning, "job is running"};
  }
  if (live.Group().empty() && live.Kind() == "Pod") {
    std::string phase = StringAt(body, {"status", "phase"});
    std::string message = StringAt(body, {"status", "message"});
    if (phase == "Succeeded") {
      return {OperationPhase::kSucceeded, message.empty() ? "pod succeeded" : message};
    }
    if (phase == "Failed")
      return {OperationPhase::kFailed, message.empty() ? "pod failed" : message};
    return {OperationPhase::kRunning, "pod is " + (phase.empty() ? std::string("pending") : phase)};
  }
  auto health = AssessHealth(live);
  if (!health) return {OperationPhase::kFailed, health.error().message()};
  if (!*health) return {OperationPhase::kSucceeded, "created"};
  switch ((*health)->status) {
    case HealthStatus::kHealthy:
      return {OperationPhase::kSucceeded, (*health)->message};
    case HealthStatus::kDegraded:
      return {OperationPhase::kFailed, (*health)->message};
    default:
      return {OperationPhase::kRunning, (*health)->message};
  }
}

}  // namespace cellgate::sync

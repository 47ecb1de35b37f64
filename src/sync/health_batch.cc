// Health of Jobs, CronJobs, HorizontalPodAutoscalers, Argo CD Applications and, as a cellgate
// extension, of any object with kstatus-style Ready/Available conditions.
//
// Job and CronJob follow Argo CD's resource_customizations/batch/{Job,CronJob}/health.lua,
// which replaced gitops-engine's Go check; HPA follows gitops-engine health_hpa.go;
// Application follows the Lua that Argo CD's "Resource Health" page gives for app-of-apps.
#include <string>

#include "core/yaml.h"
#include "sync/health_internal.h"

namespace cellgate::sync::health_internal {
namespace {

std::string ReasonAndMessage(Fields& f, const Json& condition) {
  std::string reason = f.StringIn(condition, "reason");
  std::string message = f.StringIn(condition, "message");
  if (reason.empty()) return message;
  if (message.empty()) return reason;
  return reason + ": " + message;
}

bool IsDegradedHpaCondition(const std::string& type, const std::string& reason) {
  return (type == "AbleToScale" && (reason == "FailedGetScale" || reason == "FailedUpdateScale")) ||
         (type == "ScalingActive" &&
          (reason == "FailedGetResourceMetric" || reason == "InvalidSelector"));
}

}  // namespace

Health JobHealth(const Object& /*obj*/, Fields& f) {
  bool failed = false, complete = false, suspended = false;
  std::string message, fail_message;
  if (const Json* conditions = f.Array({"status", "conditions"})) {
    for (const auto& c : *conditions) {
      std::string type = f.StringIn(c, "type");
      if (type == "Failed") {
        failed = complete = true;
        fail_message = f.StringIn(c, "message");
      } else if (type == "Complete") {
        complete = true;
        message = f.StringIn(c, "message");
      } else if (type == "Suspended") {
        complete = true;
        message = f.StringIn(c, "message");
        if (f.StringIn(c, "status") == "True") suspended = true;
      }
    }
  }
  if (!complete) return Health{HealthStatus::kProgressing, message};
  if (failed) return Health{HealthStatus::kDegraded, fail_message};
  if (suspended) return Health{HealthStatus::kSuspended, message};
  return Health{HealthStatus::kHealthy, message};
}

Health CronJobHealth(const Object& /*obj*/, Fields& f) {
  if (f.Bool({"spec", "suspend"})) return Health{HealthStatus::kSuspended, "CronJob is Suspended"};
  if (f.At({"status"}) == nullptr) return Health{HealthStatus::kProgressing, "Waiting for CronJob"};
  std::string last_schedule = f.String({"status", "lastScheduleTime"});
  if (last_schedule.empty()) {
    // The status cannot tell a missed schedule from one not due yet.
    return Health{HealthStatus::kHealthy, "CronJob has not been scheduled yet"};
  }
  std::string last_success = f.String({"status", "lastSuccessfulTime"});
  if (last_success.empty()) {
    return Health{HealthStatus::kHealthy,
                  "The CronJob never completed successfully. It may not be healthy"};
  }
  const Json* active = f.Array({"status", "active"});
  if (active != nullptr && !active->empty()) {
    return Health{HealthStatus::kHealthy,
                  "The job is running. Its last execution may not have been successful"};
  }
  // RFC 3339 timestamps in UTC ("2024-05-01T10:00:00Z") order as text.
  if (last_success < last_schedule) {
    return Health{HealthStatus::kDegraded,
                  "CronJob has not completed its last execution successfully"};
  }
  return Health{HealthStatus::kHealthy, "CronJob has completed its last execution successfully"};
}

Health HorizontalPodAutoscalerHealth(const Object& obj, Fields& f) {
  Health waiting{HealthStatus::kProgressing, "Waiting to Autoscale"};
  Json conditions;
  if (obj.Version() == "v1") {
    // autoscaling/v1 carries the v2 conditions as JSON in an annotation.
    std::string text = obj.Annotation("autoscaling.alpha.kubernetes.io/conditions");
    if (text.empty()) return waiting;
    auto parsed = ParseJson(text, "autoscaling.alpha.kubernetes.io/conditions");
    if (!parsed || !parsed->is_array()) {
      return Health{HealthStatus::kUnknown,
                    "cannot read the autoscaling.alpha.kubernetes.io/conditions annotation"};
    }
    conditions = std::move(*parsed);
  } else if (const Json* list = f.Array({"status", "conditions"})) {
    conditions = *list;
  }
  for (const auto& c : conditions) {
    std::string type = f.StringIn(c, "type");
    if (IsDegradedHpaCondition(type, f.StringIn(c, "reason"))) {
      return Health{HealthStatus::kDegraded, f.StringIn(c, "message")};
    }
    if ((type == "AbleToScale" || type == "ScalingLimited") && f.StringIn(c, "status") == "True") {
      return Health{HealthStatus::kHealthy, f.StringIn(c, "message")};
    }
  }
  return waiting;
}

Health ApplicationHealth(const Object& /*obj*/, Fields& f) {
  if (f.At({"status", "health"}) == nullptr) return Health{HealthStatus::kProgressing, ""};
  std::string status = f.String({"status", "health", "status"});
  std::string message = f.String({"status", "health", "message"});
  auto parsed = ParseHealthStatus(status);
  if (!parsed) {
    return Health{HealthStatus::kUnknown,
                  status.empty() ? message : "unknown health status \"" + status + "\""};
  }
  return Health{*parsed, message};
}

std::optional<Health> ConditionsHealth(const Object& /*obj*/, Fields& f) {
  const Json* ready = f.Condition("Ready");
  if (ready == nullptr) ready = f.Condition("Available");
  if (ready == nullptr) return std::nullopt;
  auto observed = f.OptionalInt({"status", "observedGeneration"});
  std::int64_t generation = f.Int({"metadata", "generation"});
  if (observed && generation > *observed) {
    return Health{HealthStatus::kProgressing,
                  "Waiting for the controller to observe generation " + std::to_string(generation)};
  }
  if (const Json* stalled = f.Condition("Stalled");
      stalled != nullptr && f.StringIn(*stalled, "status") == "True") {
    return Health{HealthStatus::kDegraded, ReasonAndMessage(f, *stalled)};
  }
  if (const Json* reconciling = f.Condition("Reconciling");
      reconciling != nullptr && f.StringIn(*reconciling, "status") == "True") {
    return Health{HealthStatus::kProgressing, ReasonAndMessage(f, *reconciling)};
  }
  std::string status = f.StringIn(*ready, "status");
  if (status == "True") return Health{HealthStatus::kHealthy, ReasonAndMessage(f, *ready)};
  if (status == "False") return Health{HealthStatus::kDegraded, ReasonAndMessage(f, *ready)};
  return Health{HealthStatus::kProgressing, ReasonAndMessage(f, *ready)};
}

}  // namespace cellgate::sync::health_internal

// Dispatch from group/kind to a rule, the status order, and the typed field reader.
#include "sync/health.h"

#include <cmath>
#include <string>

#include "sync/health_internal.h"

namespace cellgate::sync {

using health_internal::Fields;

namespace {

using Rule = Health (*)(const Object&, Fields&);

Rule FindRule(std::string_view group, std::string_view kind) {
  using namespace health_internal;  // NOLINT(google-build-using-namespace): local dispatch table
  if (group == "apps" || group == "extensions") {
    if (kind == "Deployment") return DeploymentHealth;
    if (kind == "ReplicaSet") return ReplicaSetHealth;
    if (kind == "DaemonSet") return DaemonSetHealth;
    if (group == "apps" && kind == "StatefulSet") return StatefulSetHealth;
    if (group == "extensions" && kind == "Ingress") return IngressHealth;
  } else if (group == "networking.k8s.io") {
    if (kind == "Ingress") return IngressHealth;
  } else if (group.empty()) {
    if (kind == "Pod") return PodHealth;
    if (kind == "Service") return ServiceHealth;
    if (kind == "PersistentVolumeClaim") return PersistentVolumeClaimHealth;
  } else if (group == "batch") {
    if (kind == "Job") return JobHealth;
    if (kind == "CronJob") return CronJobHealth;
  } else if (group == "autoscaling") {
    if (kind == "HorizontalPodAutoscaler") return HorizontalPodAutoscalerHealth;
  } else if (group == "apiregistration.k8s.io") {
    if (kind == "APIService") return APIServiceHealth;
  } else if (group == "apiextensions.k8s.io") {
    if (kind == "CustomResourceDefinition") return CustomResourceDefinitionHealth;
  } else if (group == "argoproj.io") {
    if (kind == "Application") return ApplicationHealth;
  }
  return nullptr;
}

}  // namespace

std::string_view HealthStatusName(HealthStatus status) {
  switch (status) {
    case HealthStatus::kHealthy:
      return "Healthy";
    case HealthStatus::kSuspended:
      return "Suspended";
    case HealthStatus::kProgressing:
      return "Progressing";
    case HealthStatus::kMissing:
      return "Missing";
    case HealthStatus::kDegraded:
      return "Degraded";
    case HealthStatus::kUnknown:
      return "Unknown";
  }
  return "Unknown";
}

std::optional<HealthStatus> ParseHealthStatus(std::string_view name) {
  for (auto s : {HealthStatus::kHealthy, HealthStatus::kSuspended, HealthStatus::kProgressing,
                 HealthStatus::kMissing, HealthStatus::kDegraded, HealthStatus::kUnknown}) {
    if (HealthStatusName(s) == name) return s;
  }
  return std::nullopt;
}

bool IsWorse(HealthStatus current, HealthStatus candidate) {
  return static_cast<int>(candidate) > static_cast<int>(current);
}

HealthStatus Worst(HealthStatus a, HealthStatus b) { return IsWorse(a, b) ? b : a; }

const Health& Worst(const Health& a, const Health& b) {
  return IsWorse(a.status, b.status) ? b : a;
}

namespace {

// argoproj.io/Application without the customization: Argo CD has no check for it, so it has
// no health (and neither the conditions rule applies).
bool IsUnassessedApplication(std::string_view group, std::string_view kind,
                             const HealthOptions& options) {
  return !options.application_health && group == "argoproj.io" && kind == "Application";
}

}  // namespace

bool HasBuiltinHealthRule(std::string_view group, std::string_view kind,
                          const HealthOptions& options) {
  return !IsUnassessedApplication(group, kind, options) && FindRule(group, kind) != nullptr;
}

Result<std::optional<Health>> AssessHealth(const Object& live, const HealthOptions& options) {
  if (!live.body().is_object()) {
    return MakeError(ErrorCode::kInvalidArgument, "assess health: object is not a JSON object");
  }
  Fields f(live.body());
  if (f.At({"metadata", "deletionTimestamp"}) != nullptr &&
      !f.At({"metadata", "deletionTimestamp"})->is_null()) {
    return std::optional<Health>(Health{HealthStatus::kProgressing, "Pending deletion"});
  }
  if (IsUnassessedApplication(live.Group(), live.Kind(), options)) {
    return std::optional<Health>();
  }
  std::optional<Health> health;
  if (Rule rule = FindRule(live.Group(), live.Kind())) {
    health = rule(live, f);
  } else {
    health = health_internal::ConditionsHealth(live, f);
  }
  if (!f.ok()) {
    return std::optional<Health>(
        Health{HealthStatus::kUnknown,
               "cannot assess health of " + live.Key().ToString() + ": " + f.error()});
  }
  return health;
}

namespace health_internal {

const Json* Fields::At(FieldPath path) const {
  const Json* cur = &body_;
  for (auto key : path) {
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(key);
    if (it == cur->end()) return nullptr;
    cur = &*it;
  }
  return cur->is_null() ? nullptr : cur;
}

std::optional<std::int64_t> Fields::OptionalInt(FieldPath path) {
  const Json* v = At(path);
  if (v == nullptr) return std::nullopt;
  if (v->is_number_integer()) return v->get<std::int64_t>();
  if (v->is_number_float()) {
    double d = v->get<double>();
    if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9e15) {
      return static_cast<std::int64_t>(d);
    }
  }
  Fail(path, "an integer");
  return std::nullopt;
}

std::int64_t Fields::Int(FieldPath path, std::int64_t fallback) {
  return OptionalInt(path).value_or(fallback);
}

std::string Fields::String(FieldPath path) {
  const Json* v = At(path);
  if (v == nullptr) return {};
  if (!v->is_string()) {
    Fail(path, "a string");
    return {};
  }
  return v->get<std::string>();
}

bool Fields::Bool(FieldPath path, bool fallback) {
  const Json* v = At(path);
  if (v == nullptr) return fallback;
  if (!v->is_boolean()) {
    Fail(path, "a boolean");
    return fallback;
  }
  return v->get<bool>();
}

const Json* Fields::Array(FieldPath path) {
  const Json* v = At(path);
  if (v == nullptr) return nullptr;
  if (!v->is_array()) {
    Fail(path, "a list");
    return nullptr;
  }
  return v;
}

const Json* Fields::Condition(std::string_view type, FieldPath path) {
  const Json* conditions = Array(path);
  if (conditions == nullptr) return nullptr;
  for (const auto& c : *conditions) {
    if (c.is_object() && StringIn(c, "type") == type) return &c;
  }
  return nullptr;
}

std::string Fields::StringIn(const Json& obj, std::string_view key) {
  if (!obj.is_object()) return {};
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return {};
  if (!it->is_string()) {
    Fail(key, "a string");
    return {};
  }
  return it->get<std::string>();
}

void Fields::Fail(FieldPath path, std::string_view expected) {
  std::string field;
  for (auto key : path) {
    if (!field.empty()) field += '.';
    field += key;
  }
  Fail(field, expected);
}

void Fields::Fail(std::string_view field, std::string_view expected) {
  if (!error_.empty()) return;
  error_ = std::string(field) + ": expected " + std::string(expected);
}

}  // namespace health_internal
}  // namespace cellgate::sync

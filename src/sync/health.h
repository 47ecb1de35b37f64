// Health of live objects, assessed the way Argo CD assesses it (gitops-engine pkg/health and
// Argo CD's built-in resource_customizations for Job, CronJob and Application).
//
// AssessHealth is a pure function of one live object. It returns:
//   - std::nullopt when no rule applies (ConfigMap, Secret, RBAC, most CRs): Argo CD leaves
//     such objects out of the application's health, and so do we;
//   - a Health otherwise. Any object with metadata.deletionTimestamp is Progressing
//     ("Pending deletion"), as in gitops-engine.
// A field of the wrong type (spec.replicas: "three") gives Unknown with a message, not an
// error; only a body that is not a JSON object is an error (kInvalidArgument).
//
// Built-in rules (details and the Argo CD sources they follow are in README.md):
//   apps|extensions Deployment, StatefulSet, DaemonSet, ReplicaSet; core Pod, Service,
//   PersistentVolumeClaim; networking.k8s.io|extensions Ingress; batch Job, CronJob;
//   autoscaling HorizontalPodAutoscaler; apiregistration.k8s.io APIService;
//   apiextensions.k8s.io CustomResourceDefinition; argoproj.io Application (its own
//   status.health, for app-of-apps).
// cellgate extension: objects of other kinds whose status.conditions has Ready or Available
// (kstatus conventions) get a health from those conditions; see README.md.
//
// Aggregation: an application's health is the worst of its resources' health, with Argo CD's
// order (gitops-engine health.IsWorse): Healthy < Suspended < Progressing < Missing <
// Degraded < Unknown.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/object.h"
#include "core/result.h"

namespace cellgate::sync {

// Declared from most to least healthy; the numeric order is the "worse" order.
enum class HealthStatus { kHealthy, kSuspended, kProgressing, kMissing, kDegraded, kUnknown };

// "Healthy", "Suspended", ... as in Argo CD's API.
std::string_view HealthStatusName(HealthStatus status);
std::optional<HealthStatus> ParseHealthStatus(std::string_view name);

struct Health {
  HealthStatus status = HealthStatus::kUnknown;
  std::string message;

  bool operator==(const Health&) const = default;
};

// True when `candidate` is worse than `current` (gitops-engine health.IsWorse).
bool IsWorse(HealthStatus current, HealthStatus candidate);

// The worse of the two; on a tie, `a`.
HealthStatus Worst(HealthStatus a, HealthStatus b);
const Health& Worst(const Health& a, const Health& b);

Result<std::optional<Health>> AssessHealth(const Object& live);

// True when AssessHealth has a rule for this group and kind (ignoring the generic
// conditions rule, which depends on the object's status).
bool HasBuiltinHealthRule(std::string_view group, std::string_view kind);

}  // namespace cellgate::sync

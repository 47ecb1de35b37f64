// Health of live objects, assessed the way Argo CD assesses it (gitops-engine pkg/health and
// Argo CD's built-in resource_customizations for Job and CronJob).
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
//   apiextensions.k8s.io CustomResourceDefinition.
// argoproj.io Application: no health by default, as in Argo CD since 1.8 (the check was
// removed from the built-ins; docs/operator-manual/health.md). With
// HealthOptions::application_health (set when argocd-cm holds a health customization for
// argoproj.io/Application) a child Application's health is its own status.health, as the
// script in Argo CD's documentation computes it (Progressing while it has none).
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

// What the user configured beyond the built-in rules.
struct HealthOptions {
  // Assess argoproj.io/Application objects by their status.health (app of apps).
  bool application_health = false;

  bool operator==(const HealthOptions&) const = default;
};

// The worse of the two; on a tie, `a`.
HealthStatus Worst(HealthStatus a, HealthStatus b);
const Health& Worst(const Health& a, const Health& b);

Result<std::optional<Health>> AssessHealth(const Object& live, const HealthOptions& options = {});

// True when AssessHealth has a rule for this group and kind under `options` (ignoring the
// generic conditions rule, which depends on the object's status).
bool HasBuiltinHealthRule(std::string_view group, std::string_view kind,
                          const HealthOptions& options = {});

}  // namespace cellgate::sync

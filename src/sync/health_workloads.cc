// Health of the apps/v1 workload controllers. The checks are kubectl's `rollout status`
// checks, as gitops-engine's health_deployment.go, health_statefulset.go,
// health_daemonset.go and health_replicaset.go apply them.
#include <string>

#include "sync/health_internal.h"

namespace cellgate::sync::health_internal {
namespace {

Health Healthy(std::string message = {}) {
  return Health{HealthStatus::kHealthy, std::move(message)};
}
Health Progressing(std::string message) {
  return Health{HealthStatus::kProgressing, std::move(message)};
}

std::string N(std::int64_t v) { return std::to_string(v); }

}  // namespace

Health DeploymentHealth(const Object& obj, Fields& f) {
  if (f.Bool({"spec", "paused"})) return Health{HealthStatus::kSuspended, "Deployment is paused"};
  std::int64_t generation = f.Int({"metadata", "generation"});
  std::int64_t observed = f.Int({"status", "observedGeneration"});
  if (generation > observed) {
    return Progressing(
        "Waiting for rollout to finish: observed deployment generation less than desired "
        "generation");
  }
  const Json* progressing = f.Condition("Progressing");
  if (progressing != nullptr && f.StringIn(*progressing, "reason") == "ProgressDeadlineExceeded") {
    return Health{HealthStatus::kDegraded,
                  "Deployment \"" + obj.Name() + "\" exceeded its progress deadline"};
  }
  auto replicas = f.OptionalInt({"spec", "replicas"});
  std::int64_t updated = f.Int({"status", "updatedReplicas"});
  std::int64_t total = f.Int({"status", "replicas"});
  std::int64_t available = f.Int({"status", "availableReplicas"});
  if (replicas && updated < *replicas) {
    return Progressing("Waiting for rollout to finish: " + N(updated) + " out of " + N(*replicas) +
                       " new replicas have been updated...");
  }
  if (total > updated) {
    return Progressing("Waiting for rollout to finish: " + N(total - updated) +
                       " old replicas are pending termination...");
  }
  if (available < updated) {
    return Progressing("Waiting for rollout to finish: " + N(available) + " of " + N(updated) +
                       " updated replicas are available...");
  }
  return Healthy();
}

Health StatefulSetHealth(const Object& /*obj*/, Fields& f) {
  std::int64_t generation = f.Int({"metadata", "generation"});
  std::int64_t observed = f.Int({"status", "observedGeneration"});
  if (observed == 0 || generation > observed) {
    return Progressing("Waiting for statefulset spec update to be observed...");
  }
  auto replicas = f.OptionalInt({"spec", "replicas"});
  std::int64_t ready = f.Int({"status", "readyReplicas"});
  std::int64_t updated = f.Int({"status", "updatedReplicas"});
  if (replicas && ready < *replicas) {
    return Progressing("Waiting for " + N(*replicas - ready) + " pods to be ready...");
  }
  std::string strategy = f.String({"spec", "updateStrategy", "type"});
  // The API server defaults the strategy to RollingUpdate; a manifest may leave it out.
  if (strategy.empty()) strategy = "RollingUpdate";
  if (strategy == "RollingUpdate" && f.At({"spec", "updateStrategy", "rollingUpdate"})) {
    auto partition = f.OptionalInt({"spec", "updateStrategy", "rollingUpdate", "partition"});
    if (replicas && partition && updated < *replicas - *partition) {
      return Progressing("Waiting for partitioned roll out to finish: " + N(updated) + " out of " +
                         N(*replicas - *partition) + " new pods have been updated...");
    }
    return Healthy("partitioned roll out complete: " + N(updated) +
                   " new pods have been updated...");
  }
  if (strategy == "OnDelete") {
    return Healthy("statefulset has " + N(ready) + " ready pods");
  }
  std::string update_revision = f.String({"status", "updateRevision"});
  std::string current_revision = f.String({"status", "currentRevision"});
  if (update_revision != current_revision) {
    return Progressing("waiting for statefulset rolling update to complete " + N(updated) +
                       " pods at revision " + update_revision + "...");
  }
  return Healthy("statefulset rolling update complete " + N(f.Int({"status", "currentReplicas"})) +
                 " pods at revision " + current_revision + "...");
}

Health DaemonSetHealth(const Object& obj, Fields& f) {
  std::int64_t generation = f.Int({"metadata", "generation"});
  std::int64_t observed = f.Int({"status", "observedGeneration"});
  if (generation > observed) {
    return Progressing(
        "Waiting for rollout to finish: observed daemon set generation less than desired "
        "generation");
  }
  std::int64_t desired = f.Int({"status", "desiredNumberScheduled"});
  std::int64_t updated = f.Int({"status", "updatedNumberScheduled"});
  std::int64_t available = f.Int({"status", "numberAvailable"});
  if (f.String({"spec", "updateStrategy", "type"}) == "OnDelete") {
    return Healthy("daemon set " + N(updated) + " out of " + N(desired) +
                   " new pods have been updated");
  }
  if (updated < desired) {
    return Progressing("Waiting for daemon set \"" + obj.Name() + "\" rollout to finish: " +
                       N(updated) + " out of " + N(desired) + " new pods have been updated...");
  }
  if (available < desired) {
    return Progressing("Waiting for daemon set \"" + obj.Name() + "\" rollout to finish: " +
                       N(available) + " of " + N(desired) + " updated pods are available...");
  }
  return Healthy();
}

Health ReplicaSetHealth(const Object& /*obj*/, Fields& f) {
  std::int64_t generation = f.Int({"metadata", "generation"});
  std::int64_t observed = f.Int({"status", "observedGeneration"});
  if (generation > observed) {
    return Progressing(
        "Waiting for rollout to finish: observed replica set generation less than desired "
        "generation");
  }
  const Json* failure = f.Condition("ReplicaFailure");
  if (failure != nullptr && f.StringIn(*failure, "status") == "True") {
    return Health{HealthStatus::kDegraded, f.StringIn(*failure, "message")};
  }
  auto replicas = f.OptionalInt({"spec", "replicas"});
  std::int64_t available = f.Int({"status", "availableReplicas"});
  if (replicas && available < *replicas) {
    return Progressing("Waiting for rollout to finish: " + N(available) + " out of " +
                       N(*replicas) + " new replicas are available...");
  }
  return Healthy();
}

}  // namespace cellgate::sync::health_internal

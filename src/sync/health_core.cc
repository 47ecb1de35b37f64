// Health of Pods, Services, Ingresses, PersistentVolumeClaims, APIServices and CRDs
// (gitops-engine health_pod.go, health_service.go, health_ingress.go, health_pvc.go,
// health_apiservice.go, health_customresourcedefinition.go).
#include <string>
#include <vector>

#include "sync/health_internal.h"

namespace cellgate::sync::health_internal {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Waiting reasons that mean the container cannot start: ErrImagePull, CreateContainerError,
// CrashLoopBackOff, ImagePullBackOff, ... (gitops-engine matches the same three shapes).
bool IsContainerError(std::string_view reason) {
  return reason.starts_with("Err") || EndsWith(reason, "Error") || EndsWith(reason, "BackOff");
}

std::string ContainerFailMessage(Fields& f, const Json& status) {
  const Json* terminated = nullptr;
  if (auto state = status.find("state"); state != status.end() && state->is_object()) {
    if (auto t = state->find("terminated"); t != state->end() && t->is_object()) terminated = &*t;
  }
  if (terminated == nullptr) return {};
  std::string message = f.StringIn(*terminated, "message");
  if (!message.empty()) return message;
  if (f.StringIn(*terminated, "reason") == "OOMKilled") return "OOMKilled";
  auto code = terminated->find("exitCode");
  if (code != terminated->end() && code->is_number_integer() && code->get<std::int64_t>() != 0) {
    return "container \"" + f.StringIn(status, "name") + "\" failed with exit code " +
           std::to_string(code->get<std::int64_t>());
  }
  return {};
}

bool HasLoadBalancerAddress(Fields& f) {
  const Json* ingress = f.Array({"status", "loadBalancer", "ingress"});
  return ingress != nullptr && !ingress->empty();
}

}  // namespace

Health PodHealth(const Object& /*obj*/, Fields& f) {
  std::string restart_policy = f.String({"spec", "restartPolicy"});
  if (restart_policy.empty()) restart_policy = "Always";  // the API server's default
  std::string pod_message = f.String({"status", "message"});
  const Json* statuses = f.Array({"status", "containerStatuses"});

  // Only for restartPolicy Always: a hook Pod (OnFailure/Never) that is still pulling its image
  // must not fail the hook early (the reason gitops-engine gives).
  if (restart_policy == "Always" && statuses != nullptr) {
    std::vector<std::string> messages;
    for (const auto& cs : *statuses) {
      if (!cs.is_object()) continue;
      auto state = cs.find("state");
      if (state == cs.end() || !state->is_object()) continue;
      auto waiting = state->find("waiting");
      if (waiting == state->end() || !waiting->is_object()) continue;
      std::string reason = f.StringIn(*waiting, "reason");
      if (!IsContainerError(reason)) continue;
      std::string message = f.StringIn(*waiting, "message");
      messages.push_back(message.empty() ? reason : message);
    }
    if (!messages.empty()) {
      std::string joined;
      for (const auto& m : messages) joined += (joined.empty() ? "" : ", ") + m;
      return Health{HealthStatus::kDegraded, joined};
    }
  }

  std::string phase = f.String({"status", "phase"});
  if (phase == "Pending") return Health{HealthStatus::kProgressing, pod_message};
  if (phase == "Succeeded") return Health{HealthStatus::kHealthy, pod_message};
  if (phase == "Failed") {
    if (!pod_message.empty()) return Health{HealthStatus::kDegraded, pod_message};
    for (auto field : {"initContainerStatuses", "containerStatuses"}) {
      const Json* list = f.Array({"status", field});
      if (list == nullptr) continue;
      for (const auto& cs : *list) {
        if (!cs.is_object()) continue;
        if (auto m = ContainerFailMessage(f, cs); !m.empty()) {
          return Health{HealthStatus::kDegraded, m};
        }
      }
    }
    return Health{HealthStatus::kDegraded, ""};
  }
  if (phase == "Running") {
    if (restart_policy != "Always") {
      // Pods that run to completion are usually hooks: Running means not done yet.
      return Health{HealthStatus::kProgressing, pod_message};
    }
    const Json* ready = f.Condition("Ready");
    if (ready != nullptr && f.StringIn(*ready, "status") == "True") {
      return Health{HealthStatus::kHealthy, pod_message};
    }
    if (statuses != nullptr) {
      for (const auto& cs : *statuses) {
        if (!cs.is_object()) continue;
        auto last = cs.find("lastState");
        if (last != cs.end() && last->is_object() && last->contains("terminated")) {
          return Health{HealthStatus::kDegraded, pod_message};
        }
      }
    }
    return Health{HealthStatus::kProgressing, pod_message};
  }
  return Health{HealthStatus::kUnknown, pod_message};
}

Health ServiceHealth(const Object& /*obj*/, Fields& f) {
  if (f.String({"spec", "type"}) == "LoadBalancer" && !HasLoadBalancerAddress(f)) {
    return Health{HealthStatus::kProgressing, "Waiting for the load balancer to get an address"};
  }
  return Health{HealthStatus::kHealthy, ""};
}

Health IngressHealth(const Object& /*obj*/, Fields& f) {
  if (!HasLoadBalancerAddress(f)) {
    return Health{HealthStatus::kProgressing, "Waiting for the ingress to get an address"};
  }
  return Health{HealthStatus::kHealthy, ""};
}

Health PersistentVolumeClaimHealth(const Object& /*obj*/, Fields& f) {
  std::string phase = f.String({"status", "phase"});
  if (phase == "Bound") return Health{HealthStatus::kHealthy, ""};
  if (phase == "Pending") return Health{HealthStatus::kProgressing, ""};
  if (phase == "Lost") return Health{HealthStatus::kDegraded, ""};
  return Health{HealthStatus::kUnknown, ""};
}

Health APIServiceHealth(const Object& /*obj*/, Fields& f) {
  const Json* available = f.Condition("Available");
  if (available == nullptr) return Health{HealthStatus::kProgressing, "Waiting to be processed"};
  std::string message = f.StringIn(*available, "reason") + ": " + f.StringIn(*available, "message");
  if (f.StringIn(*available, "status") == "True") return Health{HealthStatus::kHealthy, message};
  return Health{HealthStatus::kProgressing, message};
}

Health CustomResourceDefinitionHealth(const Object& /*obj*/, Fields& f) {
  const Json* conditions = f.Array({"status", "conditions"});
  if (conditions == nullptr || conditions->empty()) {
    return Health{HealthStatus::kProgressing, "Status conditions not found"};
  }
  bool established = false, terminating = false, names_rejected = false, violations = false;
  std::string message;
  for (const auto& c : *conditions) {
    std::string type = f.StringIn(c, "type");
    std::string status = f.StringIn(c, "status");
    if (type == "Terminating" && status == "True") {
      terminating = true;
      message = f.StringIn(c, "message");
    } else if (type == "NamesAccepted" && status == "False") {
      names_rejected = true;
      message = f.StringIn(c, "message");
    } else if (type == "Established") {
      if (status == "True") {
        established = true;
      } else {
        message = f.StringIn(c, "message");
      }
    } else if (type == "NonStructuralSchema" && status == "True") {
      violations = true;
      message = f.StringIn(c, "message");
    }
  }
  if (terminating) return Health{HealthStatus::kProgressing, "CRD is being terminated: " + message};
  if (names_rejected) {
    return Health{HealthStatus::kDegraded, "CRD names have not been accepted: " + message};
  }
  if (!established) return Health{HealthStatus::kDegraded, "CRD is not established: " + message};
  if (violations) return Health{HealthStatus::kDegraded, "Schema violations found: " + message};
  return Health{HealthStatus::kHealthy, "CRD is healthy"};
}

}  // namespace cellgate::sync::health_internal

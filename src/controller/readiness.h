// What a controller replica answers on /readyz.
//
// Ready means "this replica can do its part now":
//   - a replica that leads (or runs without leader election) is ready only once it
//     reconciles and its informer caches (the cell registry, the hub's Applications and
//     AppProjects) have listed; before that it answers 503 naming what is missing;
//   - a standby (leader election on, another replica holds the Lease) is ready: it has
//     installed the CRDs and serves HTTP, and that is all it does until it leads.
//
// The standby answers ready as controller-runtime's managers do (their readyz checks do
// not look at leadership), and because the Deployment needs it: with maxSurge 1 and
// maxUnavailable 0 a new replica starts as a standby, and a rollout (and the
// PodDisruptionBudget's minAvailable 1 during a node drain) waits for it to be ready.
// src/http/README.md has the reasoning.
//
// Thread-safety: a pure function.
#pragma once

#include <optional>

#include "core/result.h"

namespace cellgate::controller {

struct ReplicaState {
  bool leader_elect = true;
  bool leading = false;          // the elector says this replica holds the Lease
  std::optional<Status> caches;  // FleetRuntime::Ready() once the runtime exists, else unset
};

Status ReplicaReadiness(const ReplicaState& state);

}  // namespace cellgate::controller

// Whether a hook has finished, and how: a pure function of the live hook object, as
// gitops-engine's hook handling judges it (sync_context.go getResourceResult / hook health):
//   batch Job    condition Complete=True -> Succeeded, Failed=True -> Failed (its message),
//                Suspended=True is Running (it may be resumed), anything else Running;
//   core Pod     status.phase Succeeded -> Succeeded, Failed -> Failed, else Running;
//   other kinds  by health (health.h): Healthy -> Succeeded, Degraded -> Failed, no health
//                rule -> Succeeded once it exists, anything else Running.
// A hook being deleted (deletionTimestamp) that had not finished is Running.
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "core/object.h"
#include "sync/operation.h"

namespace cellgate::sync {

struct HookStatus {
  OperationPhase phase = OperationPhase::kRunning;  // kRunning, kSucceeded or kFailed
  std::string message;

  bool done() const { return phase != OperationPhase::kRunning; }
};

HookStatus AssessHook(const Object& live);

}  // namespace cellgate::sync

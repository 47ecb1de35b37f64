// Deciding whether to write an Application's status at all, so a steady fleet makes no
// writes: the live status and the freshly built one (app_status.h BuildStatus) are compared
// with reconciledAt and observedAt left out. Equal means no write, unless the live
// reconciledAt is older than `reconciled_at_max_age` (or missing), so "last reconciled"
// stays roughly true without a write per reconcile. Argo CD writes reconciledAt on every
// refresh; at fleet scale that is a write per app per cell every few minutes for nothing.
//
// The comparison is semantic (object key order does not matter). The write itself is the
// controller's: StatusApplyObject gives the body for a server-side apply of the status by
// the controller's field manager (Argo CD's Application CRD has no status subresource, so
// the status is written on the object; applying only `status` leaves spec to its owners).
//
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <string>

#include "core/object.h"
#include "runtime/time_format.h"

namespace cellgate::fleet {

struct StatusUpdateOptions {
  std::chrono::minutes reconciled_at_max_age{10};
};

struct StatusUpdate {
  bool write = false;
  // Why: "new status", "changed: health, sync", "reconciledAt older than 10m"; "" if no write.
  std::string reason;
};

// True when the live status has no reconciledAt or one older than reconciled_at_max_age.
bool ReconciledAtDue(const Json& live_status, runtime::WallTime now,
                     const StatusUpdateOptions& options);

StatusUpdate PlanStatusUpdate(const Json& live_status, const Json& desired_status,
                              runtime::WallTime now, const StatusUpdateOptions& options = {});

// {apiVersion, kind, metadata {name, namespace}, status}: only what a status apply owns.
Object StatusApplyObject(const Object& application, const Json& status);

}  // namespace cellgate::fleet

// The controller's writes to an Application object in its home cluster.
//
//  - Status: server-side apply of {identity, status} by the controller's field manager
//    (status_update.h's StatusApplyObject): the Application CRD has no status subresource,
//    and applying only `status` leaves spec, operation and metadata to their owners.
//  - `operation` removal, the refresh annotation's removal and finalizer removal: fields
//    other clients wrote (`argocd app sync`, kubectl), which a server-side apply of ours
//    cannot remove. These read the object fresh, edit it and PUT it back conditional on its
//    resourceVersion, retrying a conflict a few times, as client-go's RetryOnConflict.
//
// Errors carry the Application and the API server's message. Thread-safety: as thread-safe as
// the home's client.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "controller/app_ref.h"
#include "controller/home_cluster.h"
#include "core/object.h"
#include "core/result.h"

namespace cellgate::controller {

inline constexpr std::string_view kControllerFieldManager = "cellgate-controller";

// Server-side applies `status` as the Application's status; returns the resourceVersion the
// hub gave the written object.
Result<std::string> WriteStatus(HomeCluster& home, const Object& application, const Json& status);

// GET, `edit` (returns false when there is nothing to change: no write), PUT with the read
// resourceVersion; a conflict starts over, up to `attempts` times. kNotFound when the
// Application is gone.
Status EditApplication(HomeCluster& home, const AppRef& ref,
                       const std::function<bool(Json& body)>& edit, int attempts = 4);

Status ClearOperation(HomeCluster& home, const AppRef& ref);
Status RemoveRefreshAnnotation(HomeCluster& home, const AppRef& ref);
Status RemoveFinalizers(HomeCluster& home, const AppRef& ref,
                        const std::vector<std::string>& finalizers);

}  // namespace cellgate::controller

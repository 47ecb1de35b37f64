// ParseAppSyncSpec for tests: an Application's YAML read as the engine reads it
// (argo::ParseApplication, then SyncSpecFor).
#pragma once

#include <string_view>

#include "argo/application.h"
#include "core/object.h"
#include "core/result.h"
#include "engine/app_sync.h"

namespace cellgate::engine::testing {

// The engine never reads the source, so a test Application may leave spec.source out: a
// placeholder fills it.
inline Result<AppSyncSpec> ParseAppSyncSpec(
    Json application,
    std::string_view control_plane_namespace = argo::kDefaultControlPlaneNamespace) {
  if (application.is_object() && application.contains("spec") && application["spec"].is_object() &&
      !application["spec"].contains("source") && !application["spec"].contains("sources")) {
    application["spec"]["source"] = {{"repoURL", "https://example.invalid/unused.git"}};
  }
  CG_ASSIGN_OR_RETURN(argo::Application app, argo::ParseApplication(application));
  return SyncSpecFor(app, control_plane_namespace);
}

}  // namespace cellgate::engine::testing

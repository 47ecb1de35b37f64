// The parts of an Argo CD Application (argoproj.io/v1alpha1) that steer a sync, read from the
// manifest as Argo CD's Go types define them (pkg/apis/application/v1alpha1/types.go):
//
//   metadata.name, metadata.namespace       -> the instance name used for tracking
//   spec.destination.namespace              -> where namespaced objects without one go
//   spec.syncPolicy.automated               -> automated sync; prune, selfHeal, allowEmpty
//   spec.syncPolicy.syncOptions[]           -> "CreateNamespace=true", ... (plan.h)
//   spec.ignoreDifferences[]                -> ignore.h
//
// Argo CD names an application's resources by its "instance name": the plain name for
// Applications in the control plane's namespace (argocd), "<namespace>_<name>" for
// Applications in any other namespace (the apps-in-any-namespace feature). We follow it, so
// objects synced by Argo CD and by cellgate carry the same tracking id.
//
// Rendering reads the source; this file reads the policy. Wrong types are kInvalidArgument
// with the field path; unknown fields are ignored, as the Go decoder does.
//
// Thread-safety: pure functions and values.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/object.h"
#include "core/result.h"
#include "sync/ignore.h"
#include "sync/plan.h"

namespace cellgate::sync {

inline constexpr std::string_view kDefaultControlPlaneNamespace = "argocd";

struct AppSyncSpec {
  std::string name;           // metadata.name
  std::string app_namespace;  // metadata.namespace ("" when not set)
  std::string instance;       // tracking name: see above
  std::string destination_namespace;
  bool automated = false;  // spec.syncPolicy.automated is present
  bool auto_prune = false;
  bool self_heal = false;
  bool allow_empty = false;
  std::vector<std::string> sync_options;
  std::vector<IgnoreDifference> ignore_differences;

  // The plan options this spec implies (destination namespace, prune from automated.prune,
  // allowEmpty, syncOptions). `prune` forces pruning on (the CLI's --prune).
  Result<AppSyncOptions> PlanOptions(bool prune) const;
};

// "<namespace>_<name>" unless the Application lives in `control_plane_namespace` or names no
// namespace, then "<name>".
std::string InstanceName(std::string_view app_namespace, std::string_view name,
                         std::string_view control_plane_namespace = kDefaultControlPlaneNamespace);

// Reads an Application manifest. The destination namespace may be overridden afterwards by
// the caller (the CLI keeps it; only the destination cluster is replaced by --context).
Result<AppSyncSpec> ParseAppSyncSpec(
    const Json& application,
    std::string_view control_plane_namespace = kDefaultControlPlaneNamespace);

}  // namespace cellgate::sync

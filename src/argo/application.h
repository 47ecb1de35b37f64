// The one typed model of an Argo CD Application (argoproj.io/v1alpha1, kind Application):
// every part that reads an Application (render, sync, the controller, the CLI) takes this
// value, parsed once per object version by ParseApplication. Field names and meanings are
// Argo CD's (pkg/apis/application/v1alpha1/types.go); values are accepted or refused as its
// Go structs decode them (application_fields.h), with its defaults:
//
//  - metadata.name is required; kind and apiVersion must be Application and
//    argoproj.io/v1alpha1.
//  - spec.project: "" means "default" (ApplicationSpec.GetProject).
//  - spec.source / spec.sources: a non-empty `sources` wins over `source` (GetSource); every
//    entry of `sources` is parsed and kept; `source` is the one this release renders and
//    syncs (sources[0]), and a note says the rest are not rendered yet. One of them is
//    required; spec.sourceHydrator is refused as not supported.
//  - spec.syncPolicy.automated: the block's presence turns automation on, `enabled: false`
//    turns it off again (absent enabled means true, SyncPolicy.IsAutomatedSyncEnabled);
//    prune, selfHeal, allowEmpty, enabled are booleans and nothing else.
//  - spec.syncPolicy.syncOptions[]: "Key=Value" strings, kept as written.
//  - spec.syncPolicy.retry: retry_strategy.h. spec.revisionHistoryLimit: default 10.
//  - spec.ignoreDifferences: a list, kept as written (sync/ignore.h reads the entries).
//  - operation: operation.h.
//  - annotation argocd.argoproj.io/refresh: present = a refresh was requested; "hard" means
//    hard, anything else normal (IsRefreshRequested).
//  - annotation argocd.argoproj.io/manifest-generate-paths: ';'-separated paths, relative
//    to the source path, or from the repository root when they start with '/'.
//  - finalizers: resources-finalizer.argocd.argoproj.io and its /foreground variant mean
//    cascading deletion in the foreground, /background in the background; the first of them
//    listed wins (GetPropagationPolicy).
//
// Errors are kInvalidArgument and name the field ("spec.syncPolicy.retry.limit: must be an
// integer, got a string"), wrapped in "Application <namespace>/<name>" once the name is known.
//
// Thread-safety: values and pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "argo/application_source.h"
#include "argo/operation.h"
#include "argo/retry_strategy.h"
#include "core/object.h"
#include "core/result.h"

namespace cellgate::argo {

inline constexpr std::string_view kDefaultControlPlaneNamespace = "argocd";
inline constexpr std::string_view kRefreshAnnotation = "argocd.argoproj.io/refresh";
inline constexpr std::string_view kManifestGeneratePathsAnnotation =
    "argocd.argoproj.io/manifest-generate-paths";
inline constexpr std::string_view kResourcesFinalizer = "resources-finalizer.argocd.argoproj.io";
inline constexpr std::string_view kForegroundFinalizer =
    "resources-finalizer.argocd.argoproj.io/foreground";
inline constexpr std::string_view kBackgroundFinalizer =
    "resources-finalizer.argocd.argoproj.io/background";
inline constexpr int kDefaultRevisionHistoryLimit = 10;

struct ApplicationDestination {
  std::string server;
  std::string name;
  std::string ns;  // `namespace`
};

struct AutomatedSync {
  bool prune = false;
  bool self_heal = false;
  bool allow_empty = false;
  bool enabled = true;
};

struct SyncPolicy {
  std::optional<AutomatedSync> automated;
  std::vector<std::string> sync_options;
  std::optional<RetryStrategy> retry;
  Json managed_namespace_metadata;  // raw; null when absent

  bool IsAutomated() const { return automated.has_value() && automated->enabled; }
  // The value of "Key=Value" in sync_options, or "" when absent.
  std::string Option(std::string_view key) const;
};

// spec.info[] (Argo CD's Info): free-form links and notes shown by the UI.
struct Info {
  std::string name;
  std::string value;
};

enum class RefreshType { kNone, kNormal, kHard };
enum class CascadeDeletion { kNone, kForeground, kBackground };

struct Application {
  // metadata
  std::string name;
  std::string ns;  // where the Application lives (e.g. argocd); "" when not set
  std::string uid;
  std::string resource_version;
  std::int64_t generation = 0;
  bool deleting = false;                           // metadata.deletionTimestamp is set
  std::map<std::string, std::string> annotations;  // string values only
  std::vector<std::string> finalizers;
  RefreshType refresh = RefreshType::kNone;
  std::vector<std::string> manifest_generate_paths;  // as written, split on ';' and trimmed
  CascadeDeletion cascade = CascadeDeletion::kNone;

  // spec
  std::string project;  // "" means "default"
  ApplicationDestination destination;
  Json destination_json;                   // spec.destination as written: for status comparedTo
  ApplicationSource source;                // spec.source, or spec.sources[0]
  Json source_json;                        // the same, as written: for status comparedTo / history
  std::vector<ApplicationSource> sources;  // spec.sources as written; empty with spec.source
  int source_count = 1;                    // > 1 when spec.sources has entries not rendered
  std::vector<std::string> notes;          // caveats for the user (e.g. sources[1..] not rendered)
  SyncPolicy sync_policy;
  Json ignore_differences = Json::array();
  std::vector<Info> info;
  int revision_history_limit = kDefaultRevisionHistoryLimit;

  std::optional<Operation> operation;
  std::string operation_phase;  // status.operationState.phase; "" when none

  std::string Project() const { return project.empty() ? "default" : project; }
  std::string Key() const { return ns + "/" + name; }  // the work queue key
  // spec.source's targetRevision, "HEAD" when it names none.
  std::string TargetRevision() const;
  // Argo CD's InstanceName: "<namespace>_<name>" unless the Application lives in
  // `control_plane_namespace` or names no namespace, then "<name>". Objects synced by Argo
  // CD and by cellgate carry the same tracking id.
  std::string InstanceName(
      std::string_view control_plane_namespace = kDefaultControlPlaneNamespace) const;
};

std::string InstanceName(std::string_view app_namespace, std::string_view name,
                         std::string_view control_plane_namespace = kDefaultControlPlaneNamespace);

Result<Application> ParseApplication(const Json& manifest);

// manifest-generate-paths resolved to repository-relative paths without leading '/':
// "." is the source path itself, "../common" a sibling, "/shared" the repository's shared/.
std::vector<std::string> ResolvedManifestGeneratePaths(const Application& app);

}  // namespace cellgate::argo

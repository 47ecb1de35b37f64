// The Argo CD Application (argoproj.io/v1alpha1) as the controller reads it: everything
// beyond source and destination (render::ParseApplication covers those), parsed per Argo
// CD's Go types (pkg/apis/application/v1alpha1) with its defaults:
//
//  - spec.project: "" means "default".
//  - spec.syncPolicy.automated {prune, selfHeal, allowEmpty, enabled}: the block's presence
//    turns automation on; `enabled: false` turns it off again (nil enabled means true).
//  - spec.syncPolicy.syncOptions[]: "Key=Value" strings, kept as written.
//  - spec.syncPolicy.retry {limit, backoff {duration, factor, maxDuration}, refresh}: see
//    retry_strategy.h for the defaults and the backoff formula.
//  - spec.ignoreDifferences: kept as raw JSON (sync/ignore.h parses it).
//  - spec.revisionHistoryLimit: default 10.
//  - operation {sync {revision, revisions, prune, dryRun, syncOptions, resources[],
//    syncStrategy {apply|hook {force}}, source}, initiatedBy {username, automated}, retry}.
//  - annotation argocd.argoproj.io/refresh: present = a refresh was requested; "hard"
//    means hard, anything else normal (Argo CD's IsRefreshRequested).
//  - annotation argocd.argoproj.io/manifest-generate-paths: ';'-separated paths, relative
//    to the source path, or absolute from the repository root when they start with '/'.
//  - finalizers: resources-finalizer.argocd.argoproj.io and its /foreground variant mean
//    cascading deletion in the foreground, /background in the background (Argo CD's
//    GetPropagationPolicy: the first of them listed wins).
//
// Errors name the field: "spec.syncPolicy.retry.limit: must be an integer".
//
// Thread-safety: values and pure functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/object.h"
#include "core/result.h"
#include "fleet/retry_strategy.h"
#include "render/application.h"

namespace cellgate::fleet {

inline constexpr std::string_view kRefreshAnnotation = "argocd.argoproj.io/refresh";
inline constexpr std::string_view kManifestGeneratePathsAnnotation =
    "argocd.argoproj.io/manifest-generate-paths";
inline constexpr std::string_view kResourcesFinalizer = "resources-finalizer.argocd.argoproj.io";
inline constexpr std::string_view kForegroundFinalizer =
    "resources-finalizer.argocd.argoproj.io/foreground";
inline constexpr std::string_view kBackgroundFinalizer =
    "resources-finalizer.argocd.argoproj.io/background";
inline constexpr int kDefaultRevisionHistoryLimit = 10;

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

struct SyncOperationResource {
  std::string group;
  std::string kind;
  std::string name;
  std::string ns;
};

enum class SyncStrategyKind { kHook, kApply };  // Argo CD's default is hook

struct SyncOperation {
  std::string revision;
  std::vector<std::string> revisions;
  bool prune = false;
  bool dry_run = false;
  std::vector<std::string> sync_options;
  std::vector<SyncOperationResource> resources;  // empty: the whole application
  SyncStrategyKind strategy = SyncStrategyKind::kHook;
  bool force = false;
  Json source;  // raw override (rollbacks); null when absent
};

struct OperationInitiator {
  std::string username;
  bool automated = false;
};

struct Operation {
  std::optional<SyncOperation> sync;
  OperationInitiator initiated_by;
  RetryStrategy retry;
  Json raw;  // the operation as written, echoed into status.operationState.operation
};

enum class RefreshType { kNone, kNormal, kHard };
enum class CascadeDeletion { kNone, kForeground, kBackground };

struct AppModel {
  render::Application app;  // name, namespace, project, source, destination
  std::string uid;
  std::string resource_version;
  std::int64_t generation = 0;
  bool deleting = false;  // metadata.deletionTimestamp is set
  std::vector<std::string> finalizers;
  Json source_json;       // spec.source, or spec.sources[0]: for status comparedTo/history
  Json destination_json;  // spec.destination as written
  SyncPolicy sync_policy;
  Json ignore_differences = Json::array();
  int revision_history_limit = kDefaultRevisionHistoryLimit;
  std::optional<Operation> operation;
  RefreshType refresh = RefreshType::kNone;
  std::vector<std::string> manifest_generate_paths;  // as written, split on ';' and trimmed
  CascadeDeletion cascade = CascadeDeletion::kNone;

  std::string Project() const { return app.project.empty() ? "default" : app.project; }
  std::string Key() const { return app.ns + "/" + app.name; }  // the work queue key
};

Result<AppModel> ParseAppModel(const Json& manifest);

// manifest-generate-paths resolved to repository-relative paths without leading '/':
// "." is the source path itself, "../common" a sibling, "/shared" the repository's shared/.
std::vector<std::string> ResolvedManifestGeneratePaths(const AppModel& app);

}  // namespace cellgate::fleet

// AppProject (argoproj.io/v1alpha1): what an application may deploy, from where, to where,
// enforced exactly as Argo CD enforces it (pkg/apis/application/v1alpha1
// app_project_types.go and types.go), so existing projects mean the same here.
//
// Rules (README.md spells out the subtle cases):
//  - sourceRepos: Argo CD-normalised URLs (NormalizeGitUrl in repository_secret.h:
//    lowercased, scp-like SSH as ssh form, ".git" and "ssh://" dropped) matched as gobwas globs
//    with '/' as separator. A repo is permitted if some entry matches and no "!" entry excludes it.
//    Quirk kept: a "!" entry that does not exclude the repo counts as a match, so
//    ["!https://bad/*"] alone permits every other repo.
//  - destinations: server, name and namespace are gobwas globs without separators, each
//    with "!" negation. An entry matches when (server or name matches) and namespace
//    matches. An entry that does not match denies when its "!name" fails, its "!server"
//    fails while its namespace matches, or its "!namespace" fails while its server matches
//    (Argo CD since 2.13). Permitted: some entry matched and none denied. Argo CD checks the
//    resolved destination, so pass both the server and the name of the destination cell.
//  - permitOnlyProjectScopedClusters: the destination must also be a cell scoped to this
//    project (its Secret's `project`).
//  - group/kind lists use Go filepath.Match globs; cluster-scoped entries may also name
//    objects (`name`, a filepath glob; absent = all). Namespaced kinds: namespaceResourceWhitelist
//    absent = all allowed, present but empty = none; clusterResourceWhitelist absent or empty
//    = no cluster-scoped kind allowed. Blacklists deny what they match. A namespaced object
//    must also be in a permitted destination namespace.
//  - sourceNamespaces: an Application outside the controller namespace must match one
//    entry (gobwas glob, or /regex/ — PCRE2 with a match limit here, regexp2 in Argo CD).
//  - The project "default" allows everything (sourceRepos *, destinations */*, cluster
//    resources */*) when no AppProject named default exists (Argo CD's server creates it so).
//
// Violations name the rule and, where one exists, the entry:
//   resource apps/Deployment shop/api is not permitted in project team-a:
//   namespaceResourceBlacklist entry apps/Deployment
// Callers apply nothing of an application with violations.
//
// Thread-safety: values and pure functions.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/object.h"
#include "core/result.h"

namespace cellgate::argo {

inline constexpr std::string_view kDefaultProject = "default";

struct GroupKindPattern {
  std::string group;  // "" is the core group; globs allowed
  std::string kind;
  std::string name;  // cluster-scoped lists only: object names (glob); "" = every object
  std::string ToString() const;  // "apps/Deployment", "ConfigMap", "*/*", "Namespace name kube-*"
};

struct ProjectDestination {
  std::string server;
  std::string name;
  std::string ns;  // `namespace`
};

struct AppProject {
  std::string name;
  std::vector<std::string> source_repos;
  std::vector<ProjectDestination> destinations;
  std::vector<GroupKindPattern> cluster_resource_whitelist;
  std::vector<GroupKindPattern> cluster_resource_blacklist;
  // Absent (nullopt) allows every namespaced kind; present and empty allows none.
  std::optional<std::vector<GroupKindPattern>> namespace_resource_whitelist;
  std::vector<GroupKindPattern> namespace_resource_blacklist;
  std::vector<std::string> source_namespaces;
  bool permit_only_project_scoped_clusters = false;
};

// Parses an AppProject manifest; kInvalidArgument names the field ("spec.destinations[1]
// .server: must be a string").
Result<AppProject> ParseAppProject(const Json& manifest);

// The implicit default project.
AppProject DefaultProject();

struct FindProjectOptions {
  // Whether "default" falls back to DefaultProject() when `projects` has none of that name.
  // Only the hub has it: a cluster whose AppProjects the controller does not install (a cell
  // storing its own Applications) never gets an implicit allow-all project.
  bool implicit_default = true;
};

// The project named `name` ("" means "default") among `projects`, which the caller lists
// from the controller namespace only (Argo CD: util/argo GetAppProjectByName, and the
// ApplicationSet controller's validateGeneratedApplications, both read that namespace
// alone). kNotFound otherwise, with Argo CD's wording:
// "application references project team-a which does not exist".
Result<AppProject> FindProject(std::span<const AppProject> projects, std::string_view name,
                               FindProjectOptions options = {});

// Where an application deploys, resolved to a cell: both its server and name, and the
// project the cell is scoped to (its Secret's `project`, "" if none).
struct ResolvedDestination {
  std::string server;
  std::string name;
  std::string ns;
  std::string cell_project;
};

// What the project rules judge of an Application.
struct AppPlacement {
  std::string name;                    // for messages
  std::string ns;                      // where the Application lives
  std::vector<std::string> repo_urls;  // every source
  ResolvedDestination destination;
};

struct ProjectViolation {
  std::string rule;     // "sourceRepos", "destinations", "namespaceResourceBlacklist", ...
  std::string message;  // the whole sentence, as above
};

bool IsSourcePermitted(const AppProject& project, std::string_view repo_url);
bool IsDestinationPermitted(const AppProject& project, const ResolvedDestination& destination);
// `name` is the object's name, checked against the names of cluster-scoped entries.
bool IsGroupKindPermitted(const AppProject& project, std::string_view group, std::string_view kind,
                          bool namespaced, std::string_view name = "");
bool IsAppNamespacePermitted(const AppProject& project, std::string_view app_namespace,
                             std::string_view controller_namespace);

// Source repos, destination and the Application's own namespace.
std::vector<ProjectViolation> CheckApplication(const AppProject& project, const AppPlacement& app,
                                               std::string_view controller_namespace = "argocd");

// Every object's group/kind, and for namespaced objects their namespace (the destination
// namespace when the object names none) as a destination on the same cell.
// `is_namespaced` answers from discovery.
std::vector<ProjectViolation> CheckResources(
    const AppProject& project, std::span<const Object> objects,
    const std::function<bool(const Object&)>& is_namespaced,
    const ResolvedDestination& destination);

}  // namespace cellgate::argo

// AppProject accept/reject rules as tables, each checked against Argo CD's
// pkg/apis/application/v1alpha1/app_project_types.go (IsSourcePermitted,
// isDestinationMatched, IsGroupKindNamePermitted, IsAppNamespacePermitted), types.go
// (isResourceInList, isNamedResourceInList, ClusterResourceRestrictionItem) and
// util/glob/list.go (MatchStringInList with REGEXP). The destination cases include those of
// Argo CD's types_test.go TestAppProject_IsDestinationPermitted and
// TestAppProject_IsNegatedDestinationPermitted, restated.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "argo/app_project.h"
#include "core/yaml.h"

namespace cellgate::argo {
namespace {

AppProject Parse(const std::string& spec_yaml) {
  auto docs = ParseYamlDocuments(
      "apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata: {name: p}\n" + spec_yaml,
      "test");
  EXPECT_TRUE(docs && docs->size() == 1);
  auto p = ParseAppProject(docs->front().value);
  EXPECT_TRUE(p) << p.error().message();
  return p.value_or(AppProject{});
}

TEST(AppProjectRules, SourceRepos) {
  struct Case {
    std::vector<std::string> repos;
    std::string url;
    bool want;
  };
  for (const Case& c : std::vector<Case>{
           {{"*"}, "https://github.com/a/b", true},
           {{}, "https://github.com/a/b", false},
           {{"https://github.com/a/*"}, "https://github.com/a/b", true},
           {{"https://github.com/a/*"}, "https://github.com/a/b/c", false},  // '/' separates
           {{"https://github.com/a/**"}, "https://github.com/a/b/c", true},
           {{"https://github.com/A/B.git"}, "https://github.com/a/b", true},  // normalised
           {{"git@github.com:a/b.git"}, "ssh://git@github.com/a/b", true},
           {{"https://github.com/*", "!https://github.com/bad/*"},
            "https://github.com/bad/x",
            false},
           {{"https://github.com/*/*", "!https://github.com/bad/*"},
            "https://github.com/ok/x",
            true},
           {{"!https://github.com/bad/*"}, "https://github.com/ok/x", true},  // quirk kept
           {{"https://github.com/[ab"}, "https://github.com/a", false},       // malformed
       }) {
    AppProject p;
    p.name = "p";
    p.source_repos = c.repos;
    EXPECT_EQ(IsSourcePermitted(p, c.url), c.want) << c.url;
  }
}

TEST(AppProjectRules, Destinations) {
  struct Case {
    std::string name;
    std::vector<ProjectDestination> destinations;
    ResolvedDestination app;
    bool want;
  };
  const std::string in_cluster = "https://kubernetes.default.svc";
  for (const Case& c : std::vector<Case>{
           {"server and namespace match",
            {{.server = in_cluster, .ns = "default"}},
            {.server = in_cluster, .ns = "default"},
            true},
           {"namespace does not match",
            {{.server = in_cluster, .ns = "default"}},
            {.server = in_cluster, .ns = "kube-system"},
            false},
           {"server does not match",
            {{.server = "https://my-cluster", .ns = "default"}},
            {.server = in_cluster, .ns = "default"},
            false},
           {"wildcard namespace",
            {{.server = in_cluster, .ns = "*"}},
            {.server = in_cluster, .ns = "kube-system"},
            true},
           {"wildcard server",
            {{.server = "https://*.default.svc", .ns = "default"}},
            {.server = in_cluster, .ns = "default"},
            true},
           {"prefixed server",
            {{.server = "https://team1-*", .ns = "default"}},
            {.server = "https://test2-dev-cluster", .ns = "default"},
            false},
           {"prefixed namespace",
            {{.server = in_cluster, .ns = "test-*"}},
            {.server = in_cluster, .ns = "test-foo"},
            true},
           {"prefix needs its dash",
            {{.server = in_cluster, .ns = "test-*"}},
            {.server = in_cluster, .ns = "test"},
            false},
           {"by name", {{.name = "test", .ns = "*"}}, {.name = "test", .ns = "test"}, true},
           {"by other name", {{.name = "test2", .ns = "*"}}, {.name = "test", .ns = "test"}, false},
           {"negated namespace set on another server",
            {{.server = in_cluster, .name = "host-cluster", .ns = "!{kube-system,argocd}"},
             {.server = "https://eks", .name = "destination-cluster-01", .ns = "*"}},
            {.server = "https://eks", .ns = "kube-system"},
            true},
           {"negated server",
            {{.server = "!" + in_cluster, .ns = "default"}},
            {.server = in_cluster, .ns = "default"},
            false},
           {"negated namespace",
            {{.server = in_cluster, .ns = "!default"}},
            {.server = in_cluster, .ns = "kube-system"},
            true},
           {"negated other server",
            {{.server = "!https://my-cluster", .ns = "default"}},
            {.server = in_cluster, .ns = "default"},
            true},
           {"negated server any namespace",
            {{.server = "!" + in_cluster, .ns = "*"}},
            {.server = in_cluster, .ns = "kube-system"},
            false},
           {"negated server glob",
            {{.server = "!https://*.default.svc", .ns = "default"}},
            {.server = in_cluster, .ns = "default"},
            false},
           {"negated other server glob",
            {{.server = "!https://team1-*", .ns = "default"}},
            {.server = "https://test2-dev-cluster", .ns = "default"},
            true},
           {"negated namespace glob",
            {{.server = in_cluster, .ns = "!test-*"}},
            {.server = in_cluster, .ns = "test-foo"},
            false},
           {"negated namespace glob misses",
            {{.server = in_cluster, .ns = "!test-*"}},
            {.server = in_cluster, .ns = "test"},
            true},
           {"negated name", {{.name = "!test", .ns = "*"}}, {.name = "test", .ns = "test"}, false},
           {"negated other name",
            {{.name = "!test2", .ns = "*"}},
            {.name = "test", .ns = "test"},
            true},
           {"allow then deny the same namespace",
            {{.server = "*", .ns = "kube-system"}, {.server = "*", .ns = "!kube-system"}},
            {.server = in_cluster, .ns = "kube-system"},
            false},
           {"allow all then deny one namespace",
            {{.server = "*", .ns = "*"}, {.server = "*", .ns = "!kube-system"}},
            {.server = in_cluster, .ns = "kube-system"},
            false},
           {"negated server with another namespace",
            {{.server = "*", .ns = "test"}, {.server = "!https://test-server", .ns = "other"}},
            {.server = "https://test-server", .ns = "test"},
            true},
           {"negated namespace on another server",
            {{.server = "*", .ns = "*"}, {.server = "https://test-server", .ns = "!other"}},
            {.server = "https://other-test-server", .ns = "other"},
            true},
           {"no destinations", {}, {.server = in_cluster, .ns = "default"}, false},
           {"a negated name denies a destination without a name",
            {{.server = "*", .ns = "*"}, {.name = "!prod", .ns = "x"}},
            {.server = in_cluster, .ns = "default"},
            false},
       }) {
    AppProject p;
    p.name = "p";
    p.destinations = c.destinations;
    EXPECT_EQ(IsDestinationPermitted(p, c.app), c.want) << c.name;
  }
}

TEST(AppProjectRules, GroupKinds) {
  struct Case {
    std::string spec;
    std::string group;
    std::string kind;
    bool namespaced;
    std::string name;
    bool want;
  };
  for (const Case& c : std::vector<Case>{
           // Namespaced: whitelist absent = all, empty = none; blacklist subtracts.
           {"spec: {}", "apps", "Deployment", true, "", true},
           {"spec: {namespaceResourceWhitelist: []}", "apps", "Deployment", true, "", false},
           {"spec: {namespaceResourceWhitelist: [{group: apps, kind: '*'}]}", "apps", "Deployment",
            true, "", true},
           {"spec: {namespaceResourceWhitelist: [{group: apps, kind: '*'}]}", "", "ConfigMap", true,
            "", false},
           {"spec: {namespaceResourceBlacklist: [{group: '*', kind: Secret}]}", "", "Secret", true,
            "", false},
           {"spec: {namespaceResourceBlacklist: [{group: '', kind: 'Config?ap'}]}", "", "ConfigMap",
            true, "", false},
           // filepath.Match: '*' stops at '/', a malformed pattern matches nothing.
           {"spec: {namespaceResourceWhitelist: [{group: '[', kind: '*'}]}", "apps", "Deployment",
            true, "", false},
           // A name on a namespaced entry is not part of the type and is ignored.
           {"spec: {namespaceResourceBlacklist: [{kind: ConfigMap, name: other}]}", "", "ConfigMap",
            true, "mine", false},
           // Cluster-scoped: whitelist absent or empty = none.
           {"spec: {}", "", "Namespace", false, "shop", false},
           {"spec: {clusterResourceWhitelist: []}", "", "Namespace", false, "shop", false},
           {"spec: {clusterResourceWhitelist: [{group: '*', kind: '*'}]}", "", "Namespace", false,
            "shop", true},
           {"spec: {clusterResourceWhitelist: [{group: '*', kind: '*'}], "
            "clusterResourceBlacklist: [{group: rbac.authorization.k8s.io, kind: '*'}]}",
            "rbac.authorization.k8s.io", "ClusterRole", false, "admin", false},
           // Cluster-scoped entries may name objects (filepath.Match); no name = all.
           {"spec: {clusterResourceWhitelist: [{group: '', kind: Namespace, name: 'team-a-*'}]}",
            "", "Namespace", false, "team-a-web", true},
           {"spec: {clusterResourceWhitelist: [{group: '', kind: Namespace, name: 'team-a-*'}]}",
            "", "Namespace", false, "kube-system", false},
           {"spec: {clusterResourceWhitelist: [{group: '*', kind: '*'}], "
            "clusterResourceBlacklist: [{group: '', kind: Namespace, name: kube-system}]}",
            "", "Namespace", false, "kube-system", false},
           {"spec: {clusterResourceWhitelist: [{group: '*', kind: '*'}], "
            "clusterResourceBlacklist: [{group: '', kind: Namespace, name: kube-system}]}",
            "", "Namespace", false, "shop", true},
       }) {
    AppProject p = Parse(c.spec);
    EXPECT_EQ(IsGroupKindPermitted(p, c.group, c.kind, c.namespaced, c.name), c.want)
        << c.spec << " " << c.group << "/" << c.kind << " " << c.name;
  }
}

TEST(AppProjectRules, SourceNamespaces) {
  struct Case {
    std::vector<std::string> allowed;
    std::string ns;
    bool want;
  };
  for (const Case& c : std::vector<Case>{
           {{}, "argocd", true},  // the controller namespace
           {{}, "", true},
           {{}, "team-a", false},
           {{"team-*"}, "team-a", true},
           {{"team-*"}, "other", false},
           {{"/^team-[a-c]$/"}, "team-b", true},
           {{"/^team-[a-c]$/"}, "team-d", false},
           {{"/team/"}, "my-team-x", true},  // unanchored, as a regexp search
           {{"/[/"}, "team-a", false},       // an invalid expression matches nothing
           {{"*"}, "anything", true},
       }) {
    AppProject p;
    p.name = "p";
    p.source_namespaces = c.allowed;
    EXPECT_EQ(IsAppNamespacePermitted(p, c.ns, "argocd"), c.want) << c.ns;
  }
}

// What ParseAppProject refuses: the types Argo CD's CRD schema declares.
TEST(AppProjectRules, ParseRefusesWrongTypes) {
  struct Case {
    std::string spec;
    std::string error;  // "" = accepted
  };
  for (const Case& c : std::vector<Case>{
           {"spec: {}", ""},
           {"spec: {sourceRepos: '*'}", "spec.sourceRepos: must be a list"},
           {"spec: {sourceRepos: [1]}", "spec.sourceRepos[0]: must be a string"},
           {"spec: {destinations: [{server: 1}]}", "spec.destinations[0].server: must be a string"},
           {"spec: {destinations: [x]}", "spec.destinations[0]: must be an object"},
           {"spec: {clusterResourceWhitelist: [{kind: 1}]}",
            "spec.clusterResourceWhitelist[0].kind: must be a string"},
           {"spec: {clusterResourceBlacklist: [{kind: Namespace, name: 1}]}",
            "spec.clusterResourceBlacklist[0].name: must be a string"},
           {"spec: {namespaceResourceBlacklist: [Secret]}",
            "spec.namespaceResourceBlacklist[0]: must be an object"},
           {"spec: {permitOnlyProjectScopedClusters: 'true'}",
            "spec.permitOnlyProjectScopedClusters: must be a boolean"},
           {"spec: {sourceNamespaces: [team-a, 2]}", "spec.sourceNamespaces[1]: must be a string"},
           {"spec: []", "spec: must be an object"},
       }) {
    auto docs = ParseYamlDocuments(
        "apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata: {name: p}\n" + c.spec, "t");
    ASSERT_TRUE(docs && docs->size() == 1);
    auto p = ParseAppProject(docs->front().value);
    if (c.error.empty()) {
      EXPECT_TRUE(p) << c.spec << ": " << p.error().message();
      continue;
    }
    ASSERT_FALSE(p) << c.spec;
    EXPECT_EQ(p.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(p.error().message().find("AppProject p: " + c.error), std::string::npos)
        << p.error().message();
  }
}

}  // namespace
}  // namespace cellgate::argo

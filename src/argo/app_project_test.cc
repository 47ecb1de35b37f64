#include "argo/app_project.h"

#include <gtest/gtest.h>

#include "argo/repository_secret.h"
#include "core/yaml.h"

namespace cellgate::argo {
namespace {

AppProject Project(const std::string& yaml) {
  auto docs = ParseYamlDocuments(yaml, "test");
  EXPECT_TRUE(docs && docs->size() == 1);
  auto p = ParseAppProject(docs->front().value);
  EXPECT_TRUE(p) << p.error().message();
  return p.value_or(AppProject{});
}

Object Obj(const std::string& api_version, const std::string& kind, const std::string& ns,
           const std::string& name) {
  Json meta = {{"name", name}};
  if (!ns.empty()) meta["namespace"] = ns;
  return Object(Json{{"apiVersion", api_version}, {"kind", kind}, {"metadata", meta}});
}

const ResolvedDestination kShop{.server = "https://10.0.0.1:6443", .name = "cell-1", .ns = "shop"};

const char* kTeamA = R"(
apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata: {name: team-a, namespace: argocd}
spec:
  sourceRepos:
  - https://github.com/acme/*
  destinations:
  - {server: 'https://10.0.0.*', namespace: 'shop'}
  - {name: 'cell-*', namespace: 'web-*'}
  clusterResourceWhitelist:
  - {group: '', kind: Namespace}
  namespaceResourceBlacklist:
  - {group: apps, kind: Deployment}
)";

TEST(ParseAppProject, ReadsEverySpecField) {
  AppProject p = Project(R"(
apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata: {name: team-a}
spec:
  sourceRepos: ['*']
  sourceNamespaces: [team-a-*]
  destinations: [{server: '*', name: in-cluster, namespace: '!kube-system'}]
  clusterResourceWhitelist: [{group: '*', kind: '*'}]
  clusterResourceBlacklist: [{group: rbac.authorization.k8s.io, kind: ClusterRole}]
  namespaceResourceWhitelist: []
  namespaceResourceBlacklist: [{kind: Secret}]
  permitOnlyProjectScopedClusters: true
)");
  EXPECT_EQ(p.name, "team-a");
  EXPECT_EQ(p.source_repos, (std::vector<std::string>{"*"}));
  EXPECT_EQ(p.source_namespaces, (std::vector<std::string>{"team-a-*"}));
  ASSERT_EQ(p.destinations.size(), 1u);
  EXPECT_EQ(p.destinations[0].name, "in-cluster");
  EXPECT_EQ(p.destinations[0].ns, "!kube-system");
  EXPECT_EQ(p.cluster_resource_blacklist[0].ToString(), "rbac.authorization.k8s.io/ClusterRole");
  ASSERT_TRUE(p.namespace_resource_whitelist.has_value());
  EXPECT_TRUE(p.namespace_resource_whitelist.value_or(std::vector<GroupKindPattern>{{}}).empty());
  EXPECT_EQ(p.namespace_resource_blacklist[0].ToString(), "Secret");
  EXPECT_TRUE(p.permit_only_project_scoped_clusters);
}

TEST(ParseAppProject, TypeErrorsNameTheField) {
  auto bad = ParseAppProject(
      Json::parse(R"({"kind":"AppProject","metadata":{"name":"p"},"spec":{"destinations":[{},
        {"server": 5}]}})"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.error().message().find("spec.destinations[1].server: must be a string"),
            std::string::npos)
      << bad.error().message();
  auto list = ParseAppProject(
      Json::parse(R"({"kind":"AppProject","metadata":{"name":"p"},"spec":{"sourceRepos":"*"}})"));
  ASSERT_FALSE(list);
  EXPECT_NE(list.error().message().find("spec.sourceRepos: must be a list"), std::string::npos);
  EXPECT_FALSE(ParseAppProject(Json::parse(R"({"kind":"Application"})")));
}

TEST(NormalizeGitUrl, AsArgoCd) {
  EXPECT_EQ(NormalizeGitUrl(" https://GitHub.com/Acme/Repo.git "), "https://github.com/acme/repo");
  EXPECT_EQ(NormalizeGitUrl("git@github.com:acme/repo.git"), "git@github.com/acme/repo");
  EXPECT_EQ(NormalizeGitUrl("ssh://git@github.com/acme/repo"), "git@github.com/acme/repo");
  EXPECT_EQ(NormalizeGitUrl("https://github.com/acme/*"), "https://github.com/acme/*");
}

TEST(SourceRepos, GlobsWithSlashSeparator) {
  AppProject p = Project(kTeamA);
  EXPECT_TRUE(IsSourcePermitted(p, "https://github.com/acme/shop"));
  EXPECT_TRUE(IsSourcePermitted(p, "https://GITHUB.com/acme/shop.git"));
  EXPECT_FALSE(IsSourcePermitted(p, "https://github.com/acme/team/shop"));  // '*' stops at '/'
  EXPECT_FALSE(IsSourcePermitted(p, "https://gitlab.com/acme/shop"));
  p.source_repos = {"https://github.com/acme/**"};
  EXPECT_TRUE(IsSourcePermitted(p, "https://github.com/acme/team/shop"));
}

TEST(SourceRepos, NegationExcludesAndAdmitsEverythingElseAsInArgoCd) {
  AppProject p;
  p.name = "p";
  p.source_repos = {"https://github.com/acme/*", "!https://github.com/acme/secret-*"};
  EXPECT_TRUE(IsSourcePermitted(p, "https://github.com/acme/shop"));
  EXPECT_FALSE(IsSourcePermitted(p, "https://github.com/acme/secret-keys"));
  // Argo CD counts a "!" entry that does not exclude a repo as a match.
  EXPECT_TRUE(IsSourcePermitted(p, "https://gitlab.com/other/repo"));
}

TEST(SourceRepos, UnparsableUrlsNormaliseToEmptyAsInArgoCd) {
  // Go's url.Parse refuses a non-numeric port, so both sides normalise to "".
  EXPECT_EQ(NormalizeGitUrl("ssh://git@github.com:argoproj/test"), "");
  AppProject p;
  p.name = "p";
  p.source_repos = {"!ssh://git@GITHUB.com:argoproj/test"};
  EXPECT_FALSE(IsSourcePermitted(p, "ssh://git@github.com:argoproj/test"));
}

TEST(SourceRepos, NegationAloneAdmitsEverythingElseAsInArgoCd) {
  AppProject p;
  p.name = "p";
  p.source_repos = {"!https://github.com/bad/*"};
  EXPECT_TRUE(IsSourcePermitted(p, "https://github.com/good/x"));
  EXPECT_FALSE(IsSourcePermitted(p, "https://github.com/bad/x"));
  p.source_repos.clear();
  EXPECT_FALSE(IsSourcePermitted(p, "https://github.com/good/x"));  // nothing listed
}

TEST(Destinations, ServerOrNameWithNamespace) {
  AppProject p = Project(kTeamA);
  EXPECT_TRUE(IsDestinationPermitted(p, kShop));
  EXPECT_FALSE(IsDestinationPermitted(p, {.server = "https://10.0.0.1:6443", .ns = "other"}));
  EXPECT_TRUE(IsDestinationPermitted(p, {.server = "https://x", .name = "cell-9", .ns = "web-1"}));
  EXPECT_FALSE(IsDestinationPermitted(p, {.server = "https://x", .name = "hub", .ns = "web-1"}));
  // An empty name never matches a name pattern (only a server can then).
  EXPECT_FALSE(IsDestinationPermitted(p, {.server = "https://x", .ns = "web-1"}));
}

TEST(Destinations, NegatedPartsDenyAcrossEntries) {
  AppProject p;
  p.name = "p";
  p.destinations = {{.server = "*", .ns = "*"}, {.server = "*", .ns = "!kube-system"}};
  EXPECT_TRUE(IsDestinationPermitted(p, {.server = "https://a", .ns = "shop"}));
  EXPECT_FALSE(IsDestinationPermitted(p, {.server = "https://a", .ns = "kube-system"}));
  p.destinations = {{.server = "!https://prod", .ns = "*"}};
  EXPECT_TRUE(IsDestinationPermitted(p, {.server = "https://staging", .ns = "x"}));
  EXPECT_FALSE(IsDestinationPermitted(p, {.server = "https://prod", .ns = "x"}));
}

// Argo CD 2.13 and later (app_project_types.go isDestinationMatched, "refine deny
// destination checks"): an entry's "!server" denies only where its namespace matches, and
// its "!namespace" only where its server matches.
TEST(Destinations, ANegatedPartDeniesOnlyWhereTheRestOfItsEntryMatches) {
  AppProject p;
  p.name = "p";
  p.destinations = {{.server = "*", .ns = "*"},
                    {.server = "!https://hub", .ns = "kube-system"},
                    {.server = "https://hub", .ns = "!argocd"}};
  // "!https://hub" fails for the hub, but its namespace kube-system is not this one.
  EXPECT_TRUE(IsDestinationPermitted(p, {.server = "https://hub", .ns = "default"}));
  // ... and denies where it is.
  EXPECT_FALSE(IsDestinationPermitted(p, {.server = "https://hub", .ns = "kube-system"}));
  // "!argocd" fails for argocd, and denies on the hub only.
  EXPECT_FALSE(IsDestinationPermitted(p, {.server = "https://hub", .ns = "argocd"}));
  EXPECT_TRUE(IsDestinationPermitted(p, {.server = "https://cell", .ns = "argocd"}));
}

TEST(Destinations, ProjectScopedClustersOnly) {
  AppProject p = DefaultProject();
  p.name = "team-a";
  p.permit_only_project_scoped_clusters = true;
  ResolvedDestination d = kShop;
  EXPECT_FALSE(IsDestinationPermitted(p, d));
  d.cell_project = "team-a";
  EXPECT_TRUE(IsDestinationPermitted(p, d));
}

TEST(GroupKinds, NamespacedWhitelistAbsentAllowsAllEmptyAllowsNone) {
  AppProject p;
  p.name = "p";
  EXPECT_TRUE(IsGroupKindPermitted(p, "apps", "Deployment", true));
  p.namespace_resource_whitelist = std::vector<GroupKindPattern>{};
  EXPECT_FALSE(IsGroupKindPermitted(p, "apps", "Deployment", true));
  p.namespace_resource_whitelist = std::vector<GroupKindPattern>{{"apps", "*"}};
  EXPECT_TRUE(IsGroupKindPermitted(p, "apps", "StatefulSet", true));
  EXPECT_FALSE(IsGroupKindPermitted(p, "", "ConfigMap", true));
}

TEST(GroupKinds, ClusterWhitelistEmptyDeniesAllClusterScoped) {
  AppProject p;
  p.name = "p";
  EXPECT_FALSE(IsGroupKindPermitted(p, "", "Namespace", false));
  p.cluster_resource_whitelist = {{"", "Namespace"}};
  EXPECT_TRUE(IsGroupKindPermitted(p, "", "Namespace", false));
  EXPECT_FALSE(IsGroupKindPermitted(p, "rbac.authorization.k8s.io", "ClusterRole", false));
  p.cluster_resource_whitelist = {{"*", "*"}};
  p.cluster_resource_blacklist = {{"rbac.authorization.k8s.io", "Cluster*"}};
  EXPECT_FALSE(IsGroupKindPermitted(p, "rbac.authorization.k8s.io", "ClusterRole", false));
  EXPECT_TRUE(IsGroupKindPermitted(p, "", "Namespace", false));
}

TEST(GroupKinds, DefaultProjectAllowsEverything) {
  AppProject p = DefaultProject();
  EXPECT_TRUE(IsGroupKindPermitted(p, "rbac.authorization.k8s.io", "ClusterRole", false));
  EXPECT_TRUE(IsGroupKindPermitted(p, "apps", "Deployment", true));
  EXPECT_TRUE(IsSourcePermitted(p, "git@anywhere:x/y.git"));
  EXPECT_TRUE(IsDestinationPermitted(p, kShop));
}

TEST(FindProject, DefaultIsImplicitOthersMustExist) {
  std::vector<AppProject> none;
  auto d = FindProject(none, "");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->name, "default");
  EXPECT_EQ(d->source_repos, (std::vector<std::string>{"*"}));
  auto missing = FindProject(none, "team-a");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message(),
            "application references project team-a which does not exist");
  AppProject strict;
  strict.name = "default";  // an explicit default replaces the implicit one
  std::vector<AppProject> some{strict};
  auto explicit_default = FindProject(some, "default");
  ASSERT_TRUE(explicit_default);
  EXPECT_TRUE(explicit_default->source_repos.empty());
}

TEST(SourceNamespaces, ControllerNamespaceAlwaysOthersByGlobOrRegex) {
  AppProject p;
  p.name = "p";
  EXPECT_TRUE(IsAppNamespacePermitted(p, "argocd", "argocd"));
  EXPECT_TRUE(IsAppNamespacePermitted(p, "", "argocd"));
  EXPECT_FALSE(IsAppNamespacePermitted(p, "team-a", "argocd"));
  p.source_namespaces = {"team-*"};
  EXPECT_TRUE(IsAppNamespacePermitted(p, "team-a", "argocd"));
  p.source_namespaces = {"/^apps-[0-9]+$/"};
  EXPECT_TRUE(IsAppNamespacePermitted(p, "apps-12", "argocd"));
  EXPECT_FALSE(IsAppNamespacePermitted(p, "apps-x", "argocd"));
  p.source_namespaces = {"/([/"};  // invalid expression: matches nothing
  EXPECT_FALSE(IsAppNamespacePermitted(p, "apps-12", "argocd"));
}

// A tenant's pattern with catastrophic backtracking (2^n paths on a near miss) stops at the
// match limit and matches nothing, instead of holding a reconcile worker for ever. Namespace
// names are at most 63 characters; 40 are plenty for a backtracking engine to never return.
TEST(SourceNamespaces, CatastrophicBacktrackingPatternIsBoundedAndMatchesNothing) {
  AppProject p;
  p.name = "p";
  const std::string near_miss = std::string(40, 'a') + "!";
  for (const char* hostile : {"/^(a+)+$/", "/^(a|a)*$/", "/^(a|aa)+$/", "/(a*)*b/"}) {
    p.source_namespaces = {hostile};
    EXPECT_FALSE(IsAppNamespacePermitted(p, near_miss, "argocd")) << hostile;
  }
  p.source_namespaces = {"/^(a+)+$/"};
  EXPECT_TRUE(IsAppNamespacePermitted(p, std::string(40, 'a'), "argocd"));
}

// The implicit default project is the hub's only (FindProjectOptions).
TEST(FindProject, NoImplicitDefaultWhenNotAsked) {
  std::vector<AppProject> none;
  auto d = FindProject(none, "", {.implicit_default = false});
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(d.error().message(), "application references project default which does not exist");
}

TEST(CheckApplication, ViolationsNameTheRuleAndEntry) {
  AppProject p = Project(kTeamA);
  AppPlacement ok{.name = "shop",
                  .ns = "argocd",
                  .repo_urls = {"https://github.com/acme/shop"},
                  .destination = kShop};
  EXPECT_TRUE(CheckApplication(p, ok).empty());

  AppPlacement bad = ok;
  bad.ns = "team-b";
  bad.repo_urls = {"https://gitlab.com/x/y"};
  bad.destination.ns = "kube-system";
  auto v = CheckApplication(p, bad);
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].rule, "sourceNamespaces");
  EXPECT_EQ(v[0].message,
            "application team-b/shop is not permitted in project team-a: sourceNamespaces does "
            "not include namespace team-b");
  EXPECT_EQ(v[1].message,
            "application repo https://gitlab.com/x/y is not permitted in project team-a: no "
            "sourceRepos entry matches it");
  EXPECT_EQ(v[2].rule, "destinations");
  EXPECT_EQ(v[2].message,
            "application destination server https://10.0.0.1:6443 (cell-1) namespace "
            "kube-system is not permitted in project team-a: no destinations entry matches it");
}

TEST(CheckApplication, NamesTheExcludingSourceEntry) {
  AppProject p = DefaultProject();
  p.name = "p";
  p.source_repos = {"*", "!https://github.com/acme/secret-*"};
  AppPlacement app{.name = "a",
                   .ns = "argocd",
                   .repo_urls = {"https://github.com/acme/secret-keys"},
                   .destination = kShop};
  auto v = CheckApplication(p, app);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].rule, "sourceRepos");
  EXPECT_EQ(v[0].message,
            "application repo https://github.com/acme/secret-keys is not permitted in project "
            "p: sourceRepos entry !https://github.com/acme/secret-* excludes it");
}

TEST(CheckApplication, NamesTheDenyingDestinationEntry) {
  AppProject p;
  p.name = "p";
  p.source_repos = {"*"};
  p.destinations = {{.server = "*", .ns = "*"}, {.server = "*", .ns = "!kube-*"}};
  AppPlacement app{.name = "a",
                   .ns = "argocd",
                   .repo_urls = {"https://x/y"},
                   .destination = {.server = "https://s", .ns = "kube-system"}};
  auto v = CheckApplication(p, app);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].message,
            "application destination server https://s namespace kube-system is not permitted "
            "in project p: destinations entry {server *, namespace !kube-*} excludes it");
}

TEST(CheckResources, EveryObjectJudgedWithRuleInTheMessage) {
  AppProject p = Project(kTeamA);
  std::vector<Object> objects{Obj("apps/v1", "Deployment", "shop", "api"),
                              Obj("v1", "ConfigMap", "", "settings"),  // destination namespace
                              Obj("v1", "ConfigMap", "other", "leak"),
                              Obj("v1", "Namespace", "", "shop"),
                              Obj("rbac.authorization.k8s.io/v1", "ClusterRole", "", "admin")};
  auto namespaced = [](const Object& o) {
    return o.Kind() != "Namespace" && o.Kind() != "ClusterRole";
  };
  auto v = CheckResources(p, objects, namespaced, kShop);
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].rule, "namespaceResourceBlacklist");
  EXPECT_EQ(v[0].message,
            "resource apps/Deployment shop/api is not permitted in project team-a: "
            "namespaceResourceBlacklist entry apps/Deployment");
  EXPECT_EQ(v[1].message,
            "resource ConfigMap other/leak is not permitted in project team-a: namespace other "
            "is not a permitted destination");
  EXPECT_EQ(v[2].rule, "clusterResourceWhitelist");
  EXPECT_EQ(v[2].message,
            "resource rbac.authorization.k8s.io/ClusterRole admin is not permitted in project "
            "team-a: not in clusterResourceWhitelist");

  AppProject none;
  none.name = "locked";
  none.destinations = {{.server = "*", .ns = "*"}};
  none.namespace_resource_whitelist = std::vector<GroupKindPattern>{};
  auto locked = CheckResources(none, objects, namespaced, kShop);
  ASSERT_EQ(locked.size(), 5u);
  EXPECT_NE(locked[0].message.find("namespaceResourceWhitelist is empty"), std::string::npos);
  EXPECT_NE(locked[3].message.find("clusterResourceWhitelist is empty"), std::string::npos);
  EXPECT_TRUE(CheckResources(DefaultProject(), objects, namespaced, kShop).empty());
}

}  // namespace
}  // namespace cellgate::argo

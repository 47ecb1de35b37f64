#include "appset_controller/change_detection.h"

#include <gtest/gtest.h>

#include "appset_controller/appsets_test_util.h"

namespace cellgate::appset_controller {
namespace {

using testing::YamlJson;
using testing::YamlObject;

TEST(ChangeDetection, OwnerKeyIsTheControllingApplicationSet) {
  Object app = YamlObject(R"(
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: a
  namespace: shop
  ownerReferences:
  - {apiVersion: v1, kind: ConfigMap, name: other, uid: u0}
  - {apiVersion: argoproj.io/v1alpha1, kind: ApplicationSet, name: web, uid: u1, controller: true}
)");
  EXPECT_EQ(OwnerKey(app), "shop/web");
  app.mutable_body()["metadata"]["ownerReferences"][1]["controller"] = false;
  EXPECT_EQ(OwnerKey(app), "");
  app.mutable_body()["metadata"]["ownerReferences"][1]["controller"] = true;
  app.mutable_body()["metadata"]["ownerReferences"][1]["kind"] = "Deployment";
  EXPECT_EQ(OwnerKey(app), "");  // controlled, but not by an ApplicationSet
  auto [ns, name] = SplitAppSetKey("shop/web");
  EXPECT_EQ(ns, "shop");
  EXPECT_EQ(name, "web");
}

TEST(ChangeDetection, AppSetFingerprintIgnoresStatusOrderAndTheRefreshAnnotation) {
  Json a = YamlJson(R"(
metadata: {name: web, resourceVersion: "1", annotations: {team: a}}
spec: {generators: [{list: {elements: []}}], template: {metadata: {name: x}}}
status: {conditions: []}
)");
  Json b = a;
  b["metadata"]["resourceVersion"] = "2";
  b["status"]["conditions"] = Json::array({{{"type", "ErrorOccurred"}}});
  b["metadata"]["annotations"][std::string(kRefreshAnnotation)] = "true";
  EXPECT_EQ(AppSetSpecFingerprint(a), AppSetSpecFingerprint(b));
  EXPECT_TRUE(RefreshRequested(b));
  EXPECT_FALSE(RefreshRequested(a));
  Json reordered = YamlJson(R"(
spec: {template: {metadata: {name: x}}, generators: [{list: {elements: []}}]}
metadata: {annotations: {team: a}, name: web}
)");
  EXPECT_EQ(AppSetSpecFingerprint(a), AppSetSpecFingerprint(reordered));
  b["spec"]["template"]["metadata"]["name"] = "y";
  EXPECT_NE(AppSetSpecFingerprint(a), AppSetSpecFingerprint(b));
  Json deleting = a;
  deleting["metadata"]["deletionTimestamp"] = "2024-01-01T00:00:00Z";
  EXPECT_NE(AppSetSpecFingerprint(a), AppSetSpecFingerprint(deleting));
  EXPECT_TRUE(BeingDeleted(deleting));
}

TEST(ChangeDetection, AppFingerprintsSeparateWhatTheApplicationSetOwnsFromStatus) {
  Json app = YamlJson(R"(
metadata: {name: a, labels: {x: "1"}, finalizers: [f]}
spec: {project: default}
status: {sync: {status: Synced}, health: {status: Healthy}, reconciledAt: "2024-01-01T00:00:00Z"}
)");
  Json churn = app;
  churn["status"]["reconciledAt"] = "2024-01-01T00:05:00Z";
  churn["metadata"]["resourceVersion"] = "9";
  EXPECT_EQ(AppSpecFingerprint(app), AppSpecFingerprint(churn));
  EXPECT_EQ(AppStatusFingerprint(app), AppStatusFingerprint(churn));
  Json degraded = app;
  degraded["status"]["health"]["status"] = "Degraded";
  EXPECT_EQ(AppSpecFingerprint(app), AppSpecFingerprint(degraded));
  EXPECT_NE(AppStatusFingerprint(app), AppStatusFingerprint(degraded));
  Json edited = app;
  edited["metadata"]["finalizers"] = Json::array();
  EXPECT_NE(AppSpecFingerprint(app), AppSpecFingerprint(edited));
}

TEST(ChangeDetection, ClustersGeneratorsAtAnyDepth) {
  EXPECT_TRUE(UsesClustersGenerator(YamlJson("[{clusters: {}}]")));
  EXPECT_FALSE(UsesClustersGenerator(YamlJson("[{list: {elements: []}}]")));
  EXPECT_TRUE(UsesClustersGenerator(YamlJson(R"(
- matrix:
    generators:
    - git: {repoURL: r, revision: HEAD, files: [{path: a}]}
    - merge:
        generators:
        - clusters: {selector: {matchLabels: {a: b}}}
)")));
}

TEST(ChangeDetection, LiteralReposAreNormalisedAndSkipTemplateTags) {
  Json spec = YamlJson(R"(
generators:
- matrix:
    generators:
    - git: {repoURL: "https://GitLab.internal/platform/app-registry.git/", revision: HEAD}
    - clusters: {template: {spec: {source: {repoURL: "https://example.com/b"}}}}
template:
  spec:
    source: {repoURL: "https://gitlab.internal/{{.values.repo}}"}
    sources: [{repoURL: "https://example.com/c"}]
)");
  std::set<std::string> want = {"https://gitlab.internal/platform/app-registry",
                                "https://example.com/b", "https://example.com/c"};
  EXPECT_EQ(LiteralRepos(spec), want);
  Object app = YamlObject(
      "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a}\n"
      "spec: {source: {repoURL: 'https://gitlab.internal/team/api.git'}}\n");
  EXPECT_EQ(SourceRepos({app}), std::set<std::string>{"https://gitlab.internal/team/api"});
}

}  // namespace
}  // namespace cellgate::appset_controller

#include "sync/app_spec.h"

#include <gtest/gtest.h>

#include "sync/testing/golden.h"

namespace cellgate::sync {
namespace {

using testing::OneObject;

TEST(AppSpecTest, ReadsSyncPolicyAndIgnoreDifferences) {
  Object app = OneObject(R"(
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: core-backend, namespace: argocd}
spec:
  destination: {server: https://kubernetes.default.svc, namespace: default}
  syncPolicy:
    automated: {prune: true, selfHeal: true}
    syncOptions: [CreateNamespace=true, PrunePropagationPolicy=background]
  ignoreDifferences:
  - group: apps
    kind: Deployment
    jqPathExpressions: ['.spec.template.spec.containers[] | select(.name == "sidecar")']
)");
  auto spec = ParseAppSyncSpec(app.body());
  ASSERT_TRUE(spec) << spec.error().message();
  EXPECT_EQ(spec->name, "core-backend");
  EXPECT_EQ(spec->instance, "core-backend");
  EXPECT_EQ(spec->destination_namespace, "default");
  EXPECT_TRUE(spec->automated);
  EXPECT_TRUE(spec->auto_prune);
  EXPECT_TRUE(spec->self_heal);
  EXPECT_FALSE(spec->allow_empty);
  ASSERT_EQ(spec->ignore_differences.size(), 1u);
  EXPECT_EQ(spec->ignore_differences[0].kind, "Deployment");
  auto options = spec->PlanOptions(false);
  ASSERT_TRUE(options);
  EXPECT_TRUE(options->prune);
  EXPECT_TRUE(options->create_namespace);
  EXPECT_EQ(options->prune_propagation, PropagationPolicy::kBackground);
  EXPECT_EQ(options->destination_namespace, "default");
}

TEST(AppSpecTest, PruneOnlyWhenAutomatedOrForced) {
  Object app = OneObject(R"(
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: web}
spec:
  syncPolicy: {syncOptions: [PruneLast=true]}
)");
  auto spec = ParseAppSyncSpec(app.body());
  ASSERT_TRUE(spec) << spec.error().message();
  EXPECT_FALSE(spec->automated);
  EXPECT_FALSE(spec->PlanOptions(false)->prune);
  EXPECT_TRUE(spec->PlanOptions(true)->prune);
  EXPECT_TRUE(spec->PlanOptions(false)->prune_last);
}

TEST(AppSpecTest, InstanceNameFollowsAppsInAnyNamespace) {
  EXPECT_EQ(InstanceName("argocd", "web"), "web");
  EXPECT_EQ(InstanceName("", "web"), "web");
  EXPECT_EQ(InstanceName("team-a", "web"), "team-a_web");
  EXPECT_EQ(InstanceName("team-a", "web", "team-a"), "web");
}

TEST(AppSpecTest, WrongTypesNameTheField) {
  auto bad_prune = ParseAppSyncSpec(OneObject(R"(
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: web}
spec: {syncPolicy: {automated: {prune: "yes"}}}
)")
                                        .body());
  ASSERT_FALSE(bad_prune);
  EXPECT_EQ(bad_prune.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad_prune.error().message(),
            "Application web: spec.syncPolicy.automated.prune: must be a boolean");

  auto bad_option = ParseAppSyncSpec(OneObject(R"(
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: web}
spec: {syncPolicy: {syncOptions: [PrunePropagationPolicy=sideways]}}
)")
                                         .body());
  ASSERT_FALSE(bad_option);
  EXPECT_NE(bad_option.error().message().find("PrunePropagationPolicy=sideways"),
            std::string::npos);

  auto bad_ignore = ParseAppSyncSpec(OneObject(R"(
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: web}
spec: {ignoreDifferences: [{kind: Deployment, jsonPointers: /spec}]}
)")
                                         .body());
  ASSERT_FALSE(bad_ignore);
  EXPECT_NE(bad_ignore.error().message().find("ignoreDifferences[0]"), std::string::npos)
      << bad_ignore.error().message();
}

}  // namespace
}  // namespace cellgate::sync

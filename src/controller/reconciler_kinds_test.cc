// Kinds in a render that the destination cell does not serve. Argo CD takes a resource's
// scope from the cluster's discovery by group and kind (controller/state.go IsNamespaced),
// shows an object of a kind the cell does not serve as Missing, and refuses the sync before
// anything is written (gitops-engine sync_context.go getSyncTasks: "one or more
// synchronization tasks are not valid"); the reason names kind, version and cell.
#include <gtest/gtest.h>

#include <string>

#include "controller/reconciler_fixture.h"

namespace cellgate::controller {
namespace {

using testing::Dest;
using testing::kAutomated;
using testing::kCell2;
using testing::kRepo;

using KindsTest = testing::ReconcilerTest;

const char* const kNoRetry = "    retry: {limit: 0}\n";

const Json* ResourceOf(const Json& status, const std::string& kind) {
  auto resources = status.find("resources");
  if (resources == status.end() || !resources->is_array()) return nullptr;
  for (const auto& r : *resources) {
    if (StringAt(r, {"kind"}) == kind) return &r;
  }
  return nullptr;
}

TEST_F(KindsTest, V1beta1CrdIsClusterScopedAndItsSyncNamesTheUnservedVersion) {
  source_.Publish(kRepo, {{"app/crd.yaml",
                           "apiVersion: apiextensions.k8s.io/v1beta1\n"
                           "kind: CustomResourceDefinition\n"
                           "metadata: {name: gadgets.example.com}\n"
                           "spec:\n  group: example.com\n  version: v1\n  scope: Cluster\n"
                           "  names: {kind: Gadget, plural: gadgets}\n"}});
  Start();
  WaitForProbes();
  AppRef ref = PutApp(testing::AppYaml("web", Dest(kCell2), std::string(kAutomated) + kNoRetry));
  Reconcile(ref);
  Json status = Status(ref);
  const Json* crd = ResourceOf(status, "CustomResourceDefinition");
  ASSERT_NE(crd, nullptr) << status.dump();
  EXPECT_EQ(StringAt(*crd, {"namespace"}), "") << "cluster-scoped by discovery of its kind";
  EXPECT_EQ(StringAt(*crd, {"version"}), "v1beta1");
  EXPECT_EQ(StringAt(status, {"operationState", "phase"}), "Failed") << status.dump();
  EXPECT_EQ(StringAt(status, {"operationState", "message"}),
            "one or more synchronization tasks are not valid: cell cell-2 does not serve "
            "apiextensions.k8s.io/v1beta1 CustomResourceDefinition (it serves "
            "apiextensions.k8s.io/v1)")
      << status.dump();
  EXPECT_TRUE(Cell(kCell2).LogWith("apply ").empty()) << "nothing is applied";
}

TEST_F(KindsTest, KindNeitherServedNorDefinedIsNamedWithItsVersionAndCell) {
  source_.Publish(kRepo, {{"app/w.yaml",
                           "apiVersion: example.com/v1\nkind: Widget\n"
                           "metadata: {name: w}\n"},
                          {"app/web.yaml", testing::kWebConfigMap}});
  Start();
  WaitForProbes();
  AppRef ref = PutApp(testing::AppYaml("web", Dest(kCell2), std::string(kAutomated) + kNoRetry));
  Reconcile(ref);
  Json status = Status(ref);
  EXPECT_EQ(StringAt(status, {"operationState", "message"}),
            "one or more synchronization tasks are not valid: cell cell-2 does not serve "
            "example.com/v1 Widget, and no CustomResourceDefinition of the app defines it")
      << status.dump();
  EXPECT_FALSE(Cell(kCell2).Find(ObjectKey{"", "ConfigMap", "shop", "web"}))
      << "the other objects are not applied either";
}

// A kind the cell does not serve yet, defined by the app's own CRD, takes that CRD's scope.
TEST_F(KindsTest, KindDefinedByACrdOfTheAppTakesItsScope) {
  source_.Publish(kRepo, {{"app/g.yaml",
                           "apiVersion: example.com/v1\nkind: Gadget\n"
                           "metadata: {name: g}\n"},
                          {"app/crd.yaml",
                           "apiVersion: apiextensions.k8s.io/v1\n"
                           "kind: CustomResourceDefinition\n"
                           "metadata: {name: gadgets.example.com}\n"
                           "spec:\n  group: example.com\n  scope: Cluster\n"
                           "  names: {kind: Gadget, plural: gadgets}\n"
                           "  versions: [{name: v1, served: true, storage: true}]\n"}});
  Start();
  WaitForProbes();
  AppRef ref = PutApp(testing::AppYaml("web", Dest(kCell2), ""));
  Reconcile(ref);
  Json status = Status(ref);
  EXPECT_EQ(ConditionTypes(status), "") << status.dump();
  const Json* gadget = ResourceOf(status, "Gadget");
  ASSERT_NE(gadget, nullptr) << status.dump();
  EXPECT_EQ(StringAt(*gadget, {"namespace"}), "") << "cluster-scoped by the app's CRD";
}

}  // namespace
}  // namespace cellgate::controller

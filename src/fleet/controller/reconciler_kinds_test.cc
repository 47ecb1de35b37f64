// Kinds in a render that the destination cell does not serve. Argo CD takes a resource's
// scope from the cluster's discovery by group and kind (controller/state.go IsNamespaced);
// a kind neither the cell serves at that version nor the app's own CustomResourceDefinitions
// define is reported before anything is compared or applied, naming kind, version and cell.
#include <gtest/gtest.h>

#include <string>

#include "fleet/controller/reconciler_fixture.h"

namespace cellgate::fleet::controller {
namespace {

using testing::Dest;
using testing::kAutomated;
using testing::kCell2;
using testing::kRepo;

using KindsTest = testing::ReconcilerTest;

std::string ConditionMessage(const Json& status, std::string_view type) {
  for (const auto& c : status.value("conditions", Json::array())) {
    if (c.value("type", std::string()) == type) return c.value("message", std::string());
  }
  return "";
}

TEST_F(KindsTest, V1beta1CrdInACellServingOnlyV1IsAClearComparisonError) {
  source_.Publish(kRepo, {{"app/crd.yaml",
                           "apiVersion: apiextensions.k8s.io/v1beta1\n"
                           "kind: CustomResourceDefinition\n"
                           "metadata: {name: gadgets.example.com}\n"
                           "spec:\n  group: example.com\n  version: v1\n  scope: Cluster\n"
                           "  names: {kind: Gadget, plural: gadgets}\n"}});
  Start();
  WaitForProbes();
  AppRef ref = PutApp(testing::AppYaml("web", Dest(kCell2), kAutomated));
  Reconcile(ref);
  Json status = Status(ref);
  EXPECT_EQ(ConditionTypes(status), "ComparisonError") << status.dump();
  EXPECT_EQ(ConditionMessage(status, "ComparisonError"),
            "cell cell-2 does not serve apiextensions.k8s.io/v1beta1 CustomResourceDefinition "
            "(it serves apiextensions.k8s.io/v1)")
      << status.dump();
  EXPECT_TRUE(Cell(kCell2).LogWith("apply ").empty()) << "nothing is applied";
}

TEST_F(KindsTest, KindNeitherServedNorDefinedIsAClearComparisonError) {
  source_.Publish(kRepo, {{"app/w.yaml",
                           "apiVersion: example.com/v1\nkind: Widget\n"
                           "metadata: {name: w}\n"},
                          {"app/web.yaml", testing::kWebConfigMap}});
  Start();
  WaitForProbes();
  AppRef ref = PutApp(testing::AppYaml("web", Dest(kCell2), kAutomated));
  Reconcile(ref);
  Json status = Status(ref);
  EXPECT_EQ(ConditionMessage(status, "ComparisonError"),
            "cell cell-2 does not serve example.com/v1 Widget, and no CustomResourceDefinition "
            "of the app defines it")
      << status.dump();
  EXPECT_FALSE(Cell(kCell2).Find(ObjectKey{"", "ConfigMap", "shop", "web"}))
      << "the other objects are not applied either";
}

// A kind the cell does not serve yet, defined by the app's own CRD, takes that CRD's scope and
// is no error.
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
  bool found = false;
  for (const auto& r : status.value("resources", Json::array())) {
    if (StringAt(r, {"kind"}) != "Gadget") continue;
    found = true;
    EXPECT_EQ(StringAt(r, {"namespace"}), "") << "cluster-scoped by the app's CRD";
  }
  EXPECT_TRUE(found) << status.dump();
}

}  // namespace
}  // namespace cellgate::fleet::controller

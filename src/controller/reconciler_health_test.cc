// Health as Argo CD reports it: child Applications of an app of apps (no health unless
// argocd-cm customizes it) and an app whose desired state cannot be loaded (health from what
// is live).
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "controller/reconciler.h"
#include "controller/reconciler_fixture.h"

namespace cellgate::controller {
namespace {

using testing::Dest;
using testing::kAutomated;
using testing::kCell2;
using testing::kRepo;
using testing::kWebConfigMap;
using testing::ReconcilerTest;

const char* const kChildApp =
    "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: child\n"
    "  namespace: shop\nspec:\n  project: default\n"
    "  source: {repoURL: 'https://git.example/other.git', path: x}\n"
    "  destination: {server: 'https://kubernetes.default.svc', namespace: shop}\n";

const char* const kApiDeployment =
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 1\n"
    "  selector: {matchLabels: {app: api}}\n"
    "  template:\n    metadata: {labels: {app: api}}\n"
    "    spec: {containers: [{name: api, image: 'registry.example/api:1'}]}\n";

class ReconcilerHealthTest : public ReconcilerTest {
 protected:
  void SetUp() override {
    ReconcilerTest::SetUp();
    Cell(kCell2).Serve({"argoproj.io", "v1alpha1", "Application"}, true, "applications");
  }

  static ObjectKey ChildKey() { return ObjectKey{"argoproj.io", "Application", "shop", "child"}; }

  void SetChildHealth(const std::string& status, const std::string& message) {
    Cell(kCell2).Edit(ChildKey(), [&](Json& body) {
      body["status"]["health"] = {{"status", status}, {"message", message}};
    });
  }

  static std::optional<Json> Resource(const Json& status, const std::string& kind) {
    auto resources = status.find("resources");
    if (resources == status.end() || !resources->is_array()) return std::nullopt;
    for (const auto& r : *resources) {
      if (r.value("kind", "") == kind) return r;
    }
    return std::nullopt;
  }
};

// Argo CD 1.8 removed the Application health check (docs/operator-manual/health.md, "Argocd
// App"): gitops-engine's GetResourceHealth finds no check for argoproj.io/Application, so
// setApplicationHealth (controller/health.go) skips the child and the parent stays Healthy.
TEST_F(ReconcilerHealthTest, ChildApplicationsDoNotAffectTheParentByDefault) {
  source_.Publish(kRepo, {{"app/child.yaml", kChildApp}, {"app/web.yaml", kWebConfigMap}});
  Start();
  WaitForProbes();
  AppRef parent = PutApp(testing::AppYaml("parent", Dest(kCell2), kAutomated));
  Reconcile(parent);
  ASSERT_TRUE(Cell(kCell2).Find(ChildKey())) << "the child Application was not applied";
  Json status = Status(parent);
  EXPECT_EQ(StringAt(status, {"health", "status"}), "Healthy")
      << "a child without status.health is not Progressing by default: " << status.dump();

  for (const char* child : {"Degraded", "Progressing", "Suspended"}) {
    SetChildHealth(child, "child says " + std::string(child));
    Reconcile(parent);
    status = Status(parent);
    EXPECT_EQ(StringAt(status, {"health", "status"}), "Healthy") << child << ": " << status.dump();
    std::optional<Json> r = Resource(status, "Application");
    ASSERT_TRUE(r) << status.dump();
    EXPECT_FALSE(r->contains("health")) << "no health for the child: " << r->dump();
    EXPECT_EQ(StringAt(*r, {"status"}), "Synced");
  }
}

// With the customization in argocd-cm (read by FleetRuntime: fleet_runtime_settings_test.cc)
// the parent follows its child again. As in setApplicationHealth, a child whose health is
// Missing or Unknown still does not count.
TEST_F(ReconcilerHealthTest, ChildApplicationsCountWithTheHealthCustomization) {
  source_.Publish(kRepo, {{"app/child.yaml", kChildApp}, {"app/web.yaml", kWebConfigMap}});
  Start();
  WaitForProbes();
  EXPECT_TRUE(reconciler_->SetHealthOptions({.application_health = true}));
  EXPECT_FALSE(reconciler_->SetHealthOptions({.application_health = true})) << "no change";
  AppRef parent = PutApp(testing::AppYaml("parent", Dest(kCell2), kAutomated));
  Reconcile(parent);
  ASSERT_TRUE(Cell(kCell2).Find(ChildKey()));
  EXPECT_EQ(StringAt(Status(parent), {"health", "status"}), "Progressing")
      << "a child without status.health is Progressing (the documented script)";

  SetChildHealth("Degraded", "child is broken");
  Reconcile(parent);
  Json status = Status(parent);
  EXPECT_EQ(StringAt(status, {"health", "status"}), "Degraded") << status.dump();
  EXPECT_EQ(StringAt(status, {"health", "message"}), "child is broken");
  std::optional<Json> r = Resource(status, "Application");
  ASSERT_TRUE(r) << status.dump();
  EXPECT_EQ(StringAt(*r, {"health", "status"}), "Degraded");

  SetChildHealth("Unknown", "child cannot tell");
  Reconcile(parent);
  EXPECT_EQ(StringAt(Status(parent), {"health", "status"}), "Healthy") << Status(parent).dump();

  // Turning the customization off again takes effect at the next pass.
  SetChildHealth("Degraded", "child is broken");
  Reconcile(parent);
  ASSERT_EQ(StringAt(Status(parent), {"health", "status"}), "Degraded");
  EXPECT_TRUE(reconciler_->SetHealthOptions({}));
  Reconcile(parent);
  EXPECT_EQ(StringAt(Status(parent), {"health", "status"}), "Healthy");
}

// The customization is what makes sync waves wait for child apps in Argo CD (health.md: "You
// might need to restore it if you are using app-of-apps pattern and orchestrating
// synchronization using sync waves"): gitops-engine's sync context waits for a wave's
// resources by GetResourceHealth with the same overrides, and an object without health does
// not hold its wave.
TEST_F(ReconcilerHealthTest, ChildApplicationHoldsItsWaveOnlyWithTheCustomization) {
  std::string child = kChildApp;
  child.insert(child.find("  namespace: shop\n"),
               "  annotations: {argocd.argoproj.io/sync-wave: '0'}\n");
  const std::string web_in_wave_1 =
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n"
      "  annotations: {argocd.argoproj.io/sync-wave: '1'}\ndata:\n  color: blue\n";
  source_.Publish(kRepo, {{"app/child.yaml", child}, {"app/web.yaml", web_in_wave_1}});
  options_.executor.health_timeout = std::chrono::milliseconds(300);
  Start();
  WaitForProbes();

  AppRef first = PutApp(testing::AppYaml("first", Dest(kCell2), kAutomated));
  Reconcile(first);
  EXPECT_TRUE(Cell(kCell2).Find(ConfigMapKey("web"))) << "by default the child holds no wave";
  EXPECT_EQ(StringAt(Status(first), {"operationState", "phase"}), "Succeeded")
      << Status(first).dump();

  // With the customization, a child without status.health is Progressing and holds wave 0.
  Cell(kCell2).Erase(ConfigMapKey("web"));
  Cell(kCell2).Erase(ChildKey());
  ASSERT_TRUE(reconciler_->SetHealthOptions({.application_health = true}));
  AppRef second = PutApp(testing::AppYaml("second", Dest(kCell2), kAutomated));
  Reconcile(second);
  EXPECT_TRUE(Cell(kCell2).Find(ChildKey()));
  EXPECT_FALSE(Cell(kCell2).Find(ConfigMapKey("web")))
      << "wave 1 must wait for the child app of wave 0";
  EXPECT_NE(StringAt(Status(second), {"operationState", "phase"}), "Succeeded")
      << Status(second).dump();
}

// Argo CD's CompareAppState (controller/state.go): when the target state fails to load
// (failedToLoadObjs), sync is Unknown but health is still computed over the live objects the
// app manages; with none, Healthy (argoproj/argo-cd#10682 calls that intended).
TEST_F(ReconcilerHealthTest, NewAppWhosePathIsMissingIsHealthyWithSyncUnknown) {
  source_.Publish(kRepo, {{"elsewhere/web.yaml", kWebConfigMap}});
  Start();
  WaitForProbes();
  AppRef ref = PutApp(testing::AppYaml("web", Dest(kCell2), kAutomated));
  Requeue next = Reconcile(ref);
  EXPECT_EQ(next.kind, Requeue::Kind::kBackoff);
  Json status = Status(ref);
  EXPECT_EQ(ConditionTypes(status), "ComparisonError") << status.dump();
  EXPECT_EQ(StringAt(status, {"sync", "status"}), "Unknown");
  EXPECT_EQ(StringAt(status, {"health", "status"}), "Healthy") << status.dump();
  EXPECT_TRUE(status.value("resources", Json::array()).empty()) << status.dump();
  EXPECT_TRUE(Cell(kCell2).LogWith("apply").empty());
}

// Once objects are live, a render failure reports their health, and lists them as Argo CD
// does in that state: sync status Unknown and requiresPruning (no target object). Nothing is
// pruned or applied.
TEST_F(ReconcilerHealthTest, RenderFailureReportsTheHealthOfWhatIsLive) {
  source_.Publish(kRepo, {{"app/web.yaml", kWebConfigMap}, {"app/api.yaml", kApiDeployment}});
  Start();
  WaitForProbes();
  AppRef ref = PutApp(testing::AppYaml("web", Dest(kCell2), kAutomated));
  Reconcile(ref);
  const ObjectKey api{"apps", "Deployment", "shop", "api"};
  ASSERT_TRUE(Cell(kCell2).Find(api));
  Cell(kCell2).Edit(api, [](Json& body) {
    body["status"] = {
        {"observedGeneration", body["metadata"].value("generation", 1)},
        {"replicas", 1},
        {"updatedReplicas", 1},
        {"conditions",
         {{{"type", "Progressing"}, {"status", "False"}, {"reason", "ProgressDeadlineExceeded"}}}}};
  });
  const auto writes = Cell(kCell2).LogWith("apply").size() + Cell(kCell2).LogWith("delete").size();

  source_.Publish(kRepo, {{"elsewhere/web.yaml", kWebConfigMap}});  // the path is gone
  Reconcile(ref);
  Json status = Status(ref);
  EXPECT_EQ(ConditionTypes(status), "ComparisonError") << status.dump();
  EXPECT_EQ(StringAt(status, {"sync", "status"}), "Unknown");
  EXPECT_EQ(StringAt(status, {"health", "status"}), "Degraded") << status.dump();
  EXPECT_NE(StringAt(status, {"health", "message"}).find("progress deadline"), std::string::npos)
      << status.dump();
  ASSERT_EQ(status["resources"].size(), 2u) << status.dump();
  for (const auto& r : status["resources"]) {
    EXPECT_EQ(StringAt(r, {"status"}), "Unknown") << r.dump();
    EXPECT_TRUE(r.value("requiresPruning", false)) << r.dump();
  }
  std::optional<Json> deployment = Resource(status, "Deployment");
  ASSERT_TRUE(deployment);
  EXPECT_EQ(StringAt(*deployment, {"health", "status"}), "Degraded");
  EXPECT_EQ(Cell(kCell2).LogWith("apply").size() + Cell(kCell2).LogWith("delete").size(), writes)
      << "nothing is applied or pruned while the desired state is unknown";
  EXPECT_TRUE(Cell(kCell2).Find(ConfigMapKey("web")));
}

}  // namespace
}  // namespace cellgate::controller

// Tenant lines the reconciler keeps: where projects come from, which namespaces are the
// control plane, what an Application stored in a cell may reach, and two apps claiming one
// object. Argo CD's behaviour cited per test is from its source (util/argo/argo.go
// GetAppProjectByName, pkg/apis/application/v1alpha1 Application.InstanceName and
// AppProject.IsAppNamespacePermitted, controller/state.go and controller/sync.go).
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "controller/controller.h"
#include "controller/fleet_runtime.h"
#include "controller/reconciler_fixture.h"
#include "sync/tracking.h"

namespace cellgate::controller {
namespace {

using namespace std::chrono_literals;
using testing::Dest;
using testing::Eventually;
using testing::kAutomated;
using testing::kCell2;
using testing::kCell3;
using testing::kRepo;
using testing::kWebConfigMap;

std::string AllowAllProject(const std::string& name, const std::string& ns,
                            const std::string& extra = "") {
  return "apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata:\n  name: " + name +
         "\n  namespace: " + ns +
         "\nspec:\n  sourceRepos: ['*']\n  destinations: [{server: '*', namespace: '*'}]\n"
         "  clusterResourceWhitelist: [{group: '*', kind: '*'}]\n" +
         extra;
}

std::string WithProject(std::string yaml, const std::string& project) {
  yaml.replace(yaml.find("project: default"), 16, "project: " + project);
  return yaml;
}

class TenancyTest : public testing::ReconcilerTest {
 protected:
  std::string ConditionMessage(const Json& status, std::string_view type) {
    for (const auto& c : status.value("conditions", Json::array())) {
      if (c.value("type", "") == type) return c.value("message", "");
    }
    return "";
  }
  std::string TrackingIdOf(const std::string& server, const std::string& name) {
    auto cm = Cell(server).Find(ConfigMapKey(name));
    return cm ? cm->Annotation(sync::kTrackingIdAnnotation) : "";
  }
};

// Argo CD reads an app's project from the controller namespace only (GetAppProjectByName
// with the controller's namespace); an AppProject a tenant writes next to its Applications
// is never consulted.
TEST_F(TenancyTest, ProjectInTheAppsOwnNamespaceIsNotUsed) {
  source_.Publish(kRepo, {{"app/web.yaml", kWebConfigMap}});
  ASSERT_TRUE(hub_.cluster().Create(testing::ParseOne(AllowAllProject("team-a", "argocd")), {}));
  Start();
  WaitForProbes();
  AppRef ref = PutApp(WithProject(testing::AppYaml("web", Dest(kCell2), kAutomated), "team-a"));
  Reconcile(ref);
  Json status = Status(ref);
  EXPECT_EQ(ConditionTypes(status), "InvalidSpecError") << status.dump();
  EXPECT_EQ(ConditionMessage(status, "InvalidSpecError"),
            "application references project team-a which does not exist");
  EXPECT_TRUE(Cell(kCell2).LogWith("apply").empty());
  EXPECT_EQ(home_->projects().Get("argocd", "team-a"), nullptr)
      << "AppProjects outside the controller namespace are not even watched";
}

// `argocd` is not a control-plane namespace when the controller runs in another one: its
// Applications need the project's sourceNamespaces (IsAppNamespacePermitted).
TEST_F(TenancyTest, AppInArgocdNeedsSourceNamespacesWhenTheControllerIsElsewhere) {
  source_.Publish(kRepo, {{"app/web.yaml", kWebConfigMap}});
  ASSERT_TRUE(hub_.cluster().Create(testing::ParseOne(AllowAllProject("team-b", "cellgate")), {}));
  Start();
  WaitForProbes();
  ASSERT_TRUE(Eventually([&] { return home_->projects().Get("cellgate", "team-b") != nullptr; }));
  AppRef ref = PutApp(WithProject(testing::AppYaml("web", Dest(kCell2), kAutomated), "team-b"));
  Reconcile(ref);
  Json status = Status(ref);
  EXPECT_EQ(ConditionTypes(status), "InvalidSpecError") << status.dump();
  EXPECT_NE(ConditionMessage(status, "InvalidSpecError")
                .find("sourceNamespaces does not include namespace argocd"),
            std::string::npos)
      << status.dump();
  EXPECT_TRUE(Cell(kCell2).LogWith("apply").empty());
}

// Application.InstanceName: the plain name only in the controller namespace, else
// "<namespace>_<name>"; so argocd/web and cellgate/web never share a tracking id. The second
// app to want the object gets Argo CD's SharedResourceWarning (controller/state.go).
TEST_F(TenancyTest, SameNameInTwoNamespacesIsASharedResourceNotOneApp) {
  source_.Publish(kRepo, {{"app/web.yaml", kWebConfigMap}});
  Start();
  WaitForProbes();
  AppRef first = PutApp(testing::AppYaml("web", Dest(kCell2), kAutomated, "cellgate"));
  Reconcile(first);
  ASSERT_EQ(StringAt(Status(first), {"sync", "status"}), "Synced") << Status(first).dump();
  EXPECT_EQ(TrackingIdOf(kCell2, "web"), "web:/ConfigMap:shop/web");

  AppRef second = PutApp(testing::AppYaml("web", Dest(kCell2), "", "argocd"));  // manual
  Reconcile(second);
  Json status = Status(second);
  EXPECT_EQ(StringAt(status, {"sync", "status"}), "OutOfSync") << status.dump();
  EXPECT_EQ(ConditionMessage(status, "SharedResourceWarning"),
            "ConfigMap/web is part of applications argocd/web and web")
      << status.dump();
  // The live object is shown, compared with this app's desired state (its tracking id is the
  // other app's, so OutOfSync), not Missing: Argo CD pairs a target with the live object of its
  // key whoever tracks it (gitops-engine GetManagedLiveObjs, controller/state.go).
  EXPECT_EQ(StringAt(status, {"health", "status"}), "Healthy") << status.dump();
  ASSERT_EQ(status["resources"].size(), 1u) << status.dump();
  EXPECT_EQ(StringAt(status["resources"][0], {"status"}), "OutOfSync");
  EXPECT_EQ(StringAt(status["resources"][0], {"health", "status"}), "") << status.dump();
  EXPECT_EQ(TrackingIdOf(kCell2, "web"), "web:/ConfigMap:shop/web");
  EXPECT_EQ(ConditionMessage(Status(first), "SharedResourceWarning"), "");
}

// A shared object that already is what this app wants (its ignoreDifferences leave out the
// tracking annotation) is Synced, with the warning.
TEST_F(TenancyTest, SharedObjectEqualToTheDesiredStateIsSynced) {
  source_.Publish(kRepo, {{"app/web.yaml", kWebConfigMap}});
  Start();
  WaitForProbes();
  AppRef first = PutApp(testing::AppYaml("web", Dest(kCell2), kAutomated, "cellgate"));
  Reconcile(first);
  ASSERT_EQ(StringAt(Status(first), {"sync", "status"}), "Synced") << Status(first).dump();

  AppRef second =
      PutApp(testing::AppYaml("web", Dest(kCell2),
                              "  ignoreDifferences:\n  - kind: ConfigMap\n    jsonPointers:\n"
                              "    - /metadata/annotations\n    - /metadata/labels\n",
                              "argocd"));
  Reconcile(second);
  Json status = Status(second);
  EXPECT_EQ(StringAt(status, {"sync", "status"}), "Synced") << status.dump();
  EXPECT_EQ(StringAt(status, {"health", "status"}), "Healthy") << status.dump();
  EXPECT_EQ(ConditionMessage(status, "SharedResourceWarning"),
            "ConfigMap/web is part of applications argocd/web and web")
      << status.dump();
  EXPECT_EQ(TrackingIdOf(kCell2, "web"), "web:/ConfigMap:shop/web")
      << "a manual app applies nothing";
}

// FailOnSharedResource=true: the sync fails before applying anything, with Argo CD's
// message (controller/sync.go: "Shared resource found: " + the condition's message).
TEST_F(TenancyTest, FailOnSharedResourceFailsTheSyncAndLeavesTheObjectAlone) {
  source_.Publish(kRepo, {{"app/web.yaml", kWebConfigMap}});
  Start();
  WaitForProbes();
  AppRef first = PutApp(testing::AppYaml("web", Dest(kCell2), kAutomated, "cellgate"));
  Reconcile(first);
  ASSERT_EQ(TrackingIdOf(kCell2, "web"), "web:/ConfigMap:shop/web");
  Cell(kCell2).ClearLog();

  AppRef second = PutApp(
      testing::AppYaml("web", Dest(kCell2),
                       // No retries: the first failure ends the operation (with retries it would
                       // stay Running with "... Retrying attempt #1 at ...", as in Argo CD).
                       std::string(kAutomated) +
                           "    syncOptions: [FailOnSharedResource=true]\n    retry: {limit: 0}\n",
                       "argocd"));
  Reconcile(second);
  Json status = Status(second);
  EXPECT_EQ(StringAt(status, {"operationState", "phase"}), "Failed") << status.dump();
  EXPECT_EQ(StringAt(status, {"operationState", "message"}),
            "Shared resource found: ConfigMap/web is part of applications argocd/web and web");
  EXPECT_NE(ConditionMessage(status, "SharedResourceWarning"), "") << status.dump();
  EXPECT_TRUE(Cell(kCell2).LogWith("apply ").empty()) << "nothing of the second app is applied";
  EXPECT_EQ(TrackingIdOf(kCell2, "web"), "web:/ConfigMap:shop/web");
}

TEST_F(TenancyTest, CellLocalModeIsOptIn) {
  EXPECT_FALSE(FleetRuntimeOptions{}.cell_local_apps);
  EXPECT_FALSE(ControllerOptions{}.cell_local_apps);
}

// An Application stored in a cell reaches that cell only, however its destination names
// another one.
TEST_F(TenancyTest, AppStoredInACellDeploysOnlyToThatCell) {
  Start();
  WaitForProbes();
  for (const argo::ApplicationDestination& other :
       {argo::ApplicationDestination{.name = "cell-2"},
        argo::ApplicationDestination{.server = kCell2},
        argo::ApplicationDestination{.server = "https://hub.example:6443"}}) {
    auto name = cells_->ResolveName("cell-3", other);
    ASSERT_FALSE(name) << "resolved to " << *name;
    EXPECT_EQ(name.error().code(), ErrorCode::kPermissionDenied) << name.error().message();
    EXPECT_NE(name.error().message().find("may deploy only to that cell"), std::string::npos)
        << name.error().message();
  }
  for (const argo::ApplicationDestination& itself :
       {argo::ApplicationDestination{.name = "cell-3"},
        argo::ApplicationDestination{.server = kCell3},
        argo::ApplicationDestination{.server = std::string(argo::kInClusterServer)},
        argo::ApplicationDestination{.name = std::string(argo::kInClusterName)}}) {
    auto name = cells_->ResolveName("cell-3", itself);
    ASSERT_TRUE(name) << name.error().message();
    EXPECT_EQ(*name, "cell-3");
  }
  auto hub_app = cells_->ResolveName("", {.name = "cell-2"});
  ASSERT_TRUE(hub_app) << hub_app.error().message();
  EXPECT_EQ(*hub_app, "cell-2");
}

// A home over cell-3's own API (cell-local mode).
class CellHomeTest : public TenancyTest {
 protected:
  void StartCellHome() {
    engine::testing::FakeCell& cell = Cell(kCell3);
    cell.Put(testing::ParseOne("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: cellgate\n"));
    cell.Serve(kApplicationGvk, true, "applications");
    cell.Serve(kAppProjectGvk, true, "appprojects");
    cell_home_ = std::make_shared<HomeCluster>(
        HomeClusterOptions{
            .name = "cell-3", .app_namespaces = {"cellgate"}, .controller_namespace = "cellgate"},
        HomeClusterClients{.reader = cell, .applier = cell, .watcher = cell}, clock_, nullptr,
        nullptr);
    ASSERT_TRUE(cell_home_->Start());
    ASSERT_TRUE(cell_home_->WaitForSync(5s));
    homes_.Put(cell_home_);
  }
  void TearDown() override {
    if (cell_home_) cell_home_->Stop();
    TenancyTest::TearDown();
  }
  std::shared_ptr<HomeCluster> cell_home_;
};

// Outside the hub there is no implicit allow-all `default` project.
TEST_F(CellHomeTest, CellHomeHasNoImplicitDefaultProject) {
  Start();
  StartCellHome();
  auto project = cell_home_->Project("default");
  ASSERT_FALSE(project) << "an implicit default project was applied in a cell";
  EXPECT_EQ(project.error().message(),
            "application references project default which does not exist");
  auto hub_default = home_->Project("");
  ASSERT_TRUE(hub_default) << hub_default.error().message();
  EXPECT_EQ(hub_default->name, "default");

  Cell(kCell3).Put(testing::ParseOne(AllowAllProject("default", "cellgate")));
  ASSERT_TRUE(Eventually([&] { return cell_home_->Project("default").has_value(); }));
}

// A cell's app and a hub app with the same namespace and name have one instance name; when
// both deploy to that cell the cell's is refused instead of sharing (and pruning) objects.
TEST_F(CellHomeTest, CellAppSharingAnInstanceNameWithAHubAppInItsCellIsRefused) {
  source_.Publish(kRepo, {{"app/web.yaml", kWebConfigMap}});
  Start();
  WaitForProbes();
  StartCellHome();
  Cell(kCell3).Put(testing::ParseOne(AllowAllProject("default", "cellgate")));
  PutApp(testing::AppYaml("web", Dest(kCell3), kAutomated, "cellgate"));
  Object local = testing::ParseOne(
      testing::AppYaml("web", Dest(std::string(argo::kInClusterServer)), kAutomated, "cellgate"));
  Cell(kCell3).Put(local);
  ASSERT_TRUE(Eventually([&] { return cell_home_->apps().Get("cellgate", "web") != nullptr; }));

  reconciler_->Reconcile({"cell-3", "cellgate", "web"});
  auto stored = Cell(kCell3).Find({"argoproj.io", "Application", "cellgate", "web"});
  ASSERT_TRUE(stored);
  Json status = stored->body().value("status", Json::object());
  EXPECT_EQ(ConditionTypes(status), "InvalidSpecError") << status.dump();
  EXPECT_NE(ConditionMessage(status, "InvalidSpecError").find("same instance name web"),
            std::string::npos)
      << status.dump();
  EXPECT_FALSE(Cell(kCell3).Find(ConfigMapKey("web"))) << "the cell's app applied nothing";
}

}  // namespace
}  // namespace cellgate::controller

// Tenant lines on real cells: two Applications of the same name in two namespaces wanting
// one object (Argo CD: distinct instance names "<namespace>_<name>", the SharedResourceWarning
// condition, FailOnSharedResource failing the sync), and an Application stored in a cell
// (cell-local mode) that names another cell as its destination.
#include "controller_e2e_util.h"

namespace cellgate::controller::e2e {
namespace {

const kube::GroupVersionKind kConfigMap{"", "v1", "ConfigMap"};

std::string Condition(const std::optional<Object>& app, const std::string& type) {
  if (!app) return "";
  for (const auto& c :
       app->body().value("status", Json::object()).value("conditions", Json::array())) {
    if (c.value("type", "") == type) return c.value("message", "");
  }
  return "";
}

class ControllerTenancyTest : public ControllerE2E {
 protected:
  // An Application manifest: repository `repo`, path app, branch main.
  std::string AppManifest(const std::string& ns, const std::string& name,
                          const std::string& project, const std::string& repo,
                          const std::string& destination, const std::string& target_ns,
                          const std::string& sync_policy) {
    return "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: " + name +
           "\n  namespace: " + ns + "\nspec:\n  project: " + project +
           "\n  source:\n    repoURL: " + Url(repo) +
           "\n    path: app\n    targetRevision: main\n  destination:\n    " + destination +
           "\n    namespace: " + target_ns + "\n  syncPolicy:\n" + sync_policy;
  }
};

TEST_F(ControllerTenancyTest, SecondAppClaimingAnObjectIsReportedAndFailsOnSharedResource) {
  const std::string target_ns = ns();
  CreateCellNamespace("cell-2", target_ns);
  git::testing::Origin& repo = Repo("shared");
  repo.Write("app/web.yaml", WebConfigMap("blue"));
  repo.CommitAndPublish("blue");
  Register("cell-2", "cell-a");
  // Applications in `argocd` of the hub: its own project admits that namespace.
  RunKubectl("cell-1", "create namespace argocd");
  RunKubectl("cell-1", "-n argocd delete applications.argoproj.io web --ignore-not-found");
  auto project = hub().applier().Apply(DefaultProject({"argocd"}, "shared"), {});
  ASSERT_TRUE(project) << project.error().message();
  CreateApp("web", "shared", "cell-a", target_ns, "{prune: true, selfHeal: true}");
  StartController();
  ASSERT_TRUE(
      Eventually([&] { return SyncedAndHealthy(hub(), ns(), "web"); }, std::chrono::seconds(90)))
      << Describe(hub(), ns(), "web");
  auto tracking = [&] {
    auto cm = Get(cell("cell-2"), target_ns, "web", kConfigMap);
    return cm ? cm->Annotation("argocd.argoproj.io/tracking-id") : std::string("<none>");
  };
  ASSERT_EQ(tracking(), "web:/ConfigMap:" + target_ns + "/web");

  // argocd/web is "argocd_web", not "web": it does not take ns()/web's object for its own.
  auto second = hub().applier().Create(
      Yaml(AppManifest("argocd", "web", "shared", "shared", "name: cell-a", target_ns,
                       "    automated: {prune: true}\n"
                       "    syncOptions: [FailOnSharedResource=true]\n"
                       "    retry: {limit: 0}\n")),
      {});
  ASSERT_TRUE(second) << second.error().message();
  const std::string message = "ConfigMap/web is part of applications argocd/web and web";
  EXPECT_TRUE(Eventually(
      [&] {
        auto app = Get(hub(), "argocd", "web");
        return Condition(app, "SharedResourceWarning") == message &&
               StringAt(app->body(), {"status", "operationState", "phase"}) == "Failed";
      },
      std::chrono::seconds(90)))
      << Describe(hub(), "argocd", "web");
  auto app = Get(hub(), "argocd", "web");
  ASSERT_TRUE(app);
  EXPECT_EQ(StringAt(app->body(), {"status", "operationState", "message"}),
            "Shared resource found: " + message);
  // The live object is shown compared with this app's desired state, not as Missing.
  EXPECT_EQ(StringAt(app->body(), {"status", "sync", "status"}), "OutOfSync");
  EXPECT_EQ(StringAt(app->body(), {"status", "health", "status"}), "Healthy")
      << Describe(hub(), "argocd", "web");
  EXPECT_EQ(tracking(), "web:/ConfigMap:" + target_ns + "/web") << "the object was taken over";
  EXPECT_TRUE(SyncedAndHealthy(hub(), ns(), "web")) << Describe(hub(), ns(), "web");
  RunKubectl("cell-1", "-n argocd delete applications.argoproj.io web --ignore-not-found");
}

TEST_F(ControllerTenancyTest, CellLocalAppNamingAnotherCellIsRefused) {
  auto crds = runtime::InstallEmbeddedCrds(cell("cell-2"));
  ASSERT_TRUE(crds) << crds.error().message();
  RunKubectl("cell-2", "create namespace argocd");
  CreateCellNamespace("cell-2", ns());
  CreateCellNamespace("cell-3", ns());
  auto project = cell("cell-2").applier().Apply(DefaultProject({"argocd"}), {});
  ASSERT_TRUE(project) << project.error().message();
  git::testing::Origin& repo = Repo("escape");
  repo.Write("app/web.yaml", WebConfigMap("blue"));
  repo.CommitAndPublish("blue");
  Register("cell-2", "cell-a");
  Register("cell-3", "cell-b");
  ControllerOptions options = Options();
  options.cell_local_apps = true;
  StartController(std::move(options));

  // Stored in cell-a, aimed at cell-b: refused. Aimed at cell-a itself: deployed.
  auto escape = cell("cell-2").applier().Create(
      Yaml(AppManifest("argocd", "escape", "default", "escape", "name: cell-b", ns(),
                       "    automated: {prune: true}\n")),
      {});
  ASSERT_TRUE(escape) << escape.error().message();
  EXPECT_TRUE(Eventually(
      [&] {
        return Condition(Get(cell("cell-2"), "argocd", "escape"), "InvalidSpecError")
                   .find("may deploy only to that cell") != std::string::npos;
      },
      std::chrono::seconds(90)))
      << Describe(cell("cell-2"), "argocd", "escape");
  EXPECT_FALSE(Get(cell("cell-3"), ns(), "web", kConfigMap)) << "cell-a's app reached cell-b";

  auto local =
      cell("cell-2").applier().Create(Yaml(AppManifest("argocd", "local", "default", "escape",
                                                       "server: https://kubernetes.default.svc",
                                                       ns(), "    automated: {prune: true}\n")),
                                      {});
  ASSERT_TRUE(local) << local.error().message();
  EXPECT_TRUE(Eventually([&] { return SyncedAndHealthy(cell("cell-2"), "argocd", "local"); },
                         std::chrono::seconds(90)))
      << Describe(cell("cell-2"), "argocd", "local");
  auto cm = Get(cell("cell-2"), ns(), "web", kConfigMap);
  ASSERT_TRUE(cm);
  EXPECT_EQ(cm->Annotation("argocd.argoproj.io/tracking-id"),
            "argocd_local:/ConfigMap:" + ns() + "/web");
}

}  // namespace
}  // namespace cellgate::controller::e2e

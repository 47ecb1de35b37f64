// The seed ApplicationSets (examples/seeds/, verbatim apart from the repository URL and the
// namespace, which is the test's own) reconciled by the ApplicationSet controller on a real
// hub (cell-1) with cell-2 and cell-3 registered as cluster Secrets, and git served over smart
// HTTP.
#include "appsets_e2e_util.h"

namespace cellgate::appset_controller::e2e {
namespace {

using std::chrono::seconds;

class AppSetSeedsE2E : public AppSetsE2E {};

// Seed 001: `clusters: {}` over every registered cell, the hub's in-cluster included (Argo
// CD's default), legacy {{param}} templates.
TEST_F(AppSetSeedsE2E, BackendServicesOnEveryCell) {
  auto& manifests = Repo("manifests");
  manifests.Write("apps/backend/configmap.yaml", "apiVersion: v1\nkind: ConfigMap\n");
  manifests.CommitAndPublish("backend");
  Register("cell-2", "cell-2", {});
  Register("cell-3", "cell-3", {});
  Json seed = Seed("backend-services.yaml");
  seed["spec"]["template"]["spec"]["source"]["repoURL"] = Url("manifests");
  PutAppSet(seed);
  StartController();
  ASSERT_TRUE(WaitForApps({"in-cluster-backend", "cell-2-backend", "cell-3-backend"}));
  Object appset = AppSet("backend-services");
  std::map<std::string, std::string> servers = {
      {"in-cluster-backend", "https://kubernetes.default.svc"},
      {"cell-2-backend", ServerOf("cell-2")},
      {"cell-3-backend", ServerOf("cell-3")}};
  for (const auto& [name, app] : Apps()) {
    SCOPED_TRACE(name);
    const Json& b = app.body();
    EXPECT_EQ(Plain(b["metadata"]["ownerReferences"]), Plain(OwnerReferenceTo(appset)));
    EXPECT_EQ(b["metadata"]["finalizers"], Json::array({"resources-finalizer.argocd.argoproj.io"}));
    EXPECT_EQ(b["spec"]["project"], "default");
    EXPECT_EQ(Plain(b["spec"]["source"]), Plain(Json({{"repoURL", Url("manifests")},
                                                      {"targetRevision", "HEAD"},
                                                      {"path", "apps/backend"}})));
    EXPECT_EQ(Plain(b["spec"]["destination"]),
              Plain(Json({{"server", servers.at(name)}, {"namespace", "backend-prod"}})));
  }
  ASSERT_TRUE(Eventually([&] {
    return Condition("backend-services", "ResourcesUpToDate").value("status", "") == "True" &&
           AppSet("backend-services").body()["status"].value("resourcesCount", 0) == 3;
  }));
  EXPECT_EQ(Condition("backend-services", "ErrorOccurred")["status"], "False");
  Json resources = AppSet("backend-services").body()["status"]["resources"];
  ASSERT_EQ(resources.size(), 3u);
  EXPECT_EQ(resources[0]["name"], "cell-2-backend");
  EXPECT_EQ(resources[0]["kind"], "Application");
  // The template names the manifests repository: a webhook for it reaches this set.
  EXPECT_EQ(controller_->Refresh(Url("manifests")), 1);

  // An owned Application edited or deleted by someone else is restored.
  Object edited = Apps().at("cell-2-backend");
  edited.mutable_body()["spec"]["source"]["path"] = "apps/elsewhere";
  ASSERT_TRUE(hub().applier().Update(edited, {}));
  ASSERT_TRUE(Eventually([&] {
    return StringAt(Apps().at("cell-2-backend").body(), {"spec", "source", "path"}) ==
           "apps/backend";
  }));
}

// Seed 002: a per-cell Kustomize overlay; here with in-cluster disabled, so only the two
// registered cells.
TEST_F(AppSetSeedsE2E, GuestbookOverlayPerCell) {
  auto& repo = Repo("gitops-repo");
  repo.Write("apps/guestbook/overlays/cell-2/kustomization.yaml", "resources: []\n");
  repo.Write("apps/guestbook/overlays/cell-3/kustomization.yaml", "resources: []\n");
  repo.CommitAndPublish("overlays");
  Register("cell-2", "cell-2", {{"environment", "production"}});
  Register("cell-3", "cell-3", {{"environment", "production"}});
  Json seed = Seed("guestbook.yaml");
  seed["spec"]["template"]["spec"]["source"]["repoURL"] = Url("gitops-repo");
  PutAppSet(seed);
  StartController(/*in_cluster=*/false);
  ASSERT_TRUE(WaitForApps({"cell-2-guestbook", "cell-3-guestbook"}));
  Object appset = AppSet("guestbook");
  for (const std::string cell : {"cell-2", "cell-3"}) {
    Json b = Apps().at(cell + "-guestbook").body();
    EXPECT_EQ(Plain(b["metadata"]["ownerReferences"]), Plain(OwnerReferenceTo(appset)));
    EXPECT_EQ(b["spec"]["source"]["path"], "apps/guestbook/overlays/" + cell);
    EXPECT_EQ(b["spec"]["source"]["repoURL"], Url("gitops-repo"));
    EXPECT_EQ(Plain(b["spec"]["destination"]),
              Plain(Json({{"server", ServerOf(cell)}, {"namespace", "guestbook"}})));
    EXPECT_EQ(Plain(b["spec"]["syncPolicy"]),
              Plain(Json({{"automated", {{"prune", true}, {"selfHeal", true}}}})));
  }

  // A cell that leaves the registry takes its Application with it (policy sync).
  ASSERT_TRUE(hub().applier().Delete(
      Yaml("apiVersion: v1\nkind: Secret\nmetadata:\n  name: " +
           argo::ClusterSecretName(ServerOf("cell-3")) + "\n  namespace: " + ns()),
      {}));
  ASSERT_TRUE(WaitForApps({"cell-2-guestbook"}));
  // Its cluster is gone, so the resources finalizer came off first and the delete completed.
  ASSERT_TRUE(Eventually([&] { return !Apps().contains("cell-3-guestbook"); }));
}

// Seed 003: a matrix of git files (apps/*/config.yaml) and production cells, goTemplate, Helm
// value files per region.
TEST_F(AppSetSeedsE2E, MicroservicesMatrixFollowsGitAndLabels) {
  auto& registry = Repo("app-registry");
  for (const std::string svc : {"api", "web"}) {
    registry.Write("apps/" + svc + "/config.yaml",
                   ReadSource("src/appset/testdata/seed-003-repo/apps/" + svc + "/config.yaml"));
  }
  registry.CommitAndPublish("registry");
  Register("cell-2", "cell-2", {{"environment", "production"}, {"region", "eu-west-1"}});
  Register("cell-3", "cell-3", {{"environment", "production"}, {"region", "us-east-1"}});
  Json seed = Seed("microservices.yaml");
  seed["spec"]["generators"][0]["matrix"]["generators"][0]["git"]["repoURL"] = Url("app-registry");
  PutAppSet(seed);
  StartController();
  ASSERT_TRUE(WaitForApps({"api-cell-2", "api-cell-3", "web-cell-2", "web-cell-3"}));
  Object appset = AppSet("microservices");
  struct Want {
    std::string repo, branch, ns, region, cell;
  };
  for (const auto& w : {Want{"platform/api", "main", "api", "eu-west-1", "cell-2"},
                        Want{"platform/api", "main", "api", "us-east-1", "cell-3"},
                        Want{"platform/web", "release-2", "web", "eu-west-1", "cell-2"},
                        Want{"platform/web", "release-2", "web", "us-east-1", "cell-3"}}) {
    std::string name = w.ns + "-" + w.cell;
    SCOPED_TRACE(name);
    Json b = Apps().at(name).body();
    EXPECT_EQ(Plain(b["metadata"]["ownerReferences"]), Plain(OwnerReferenceTo(appset)));
    EXPECT_EQ(
        Plain(b["spec"]["source"]),
        Plain(Json({{"repoURL", "https://gitlab.internal/" + w.repo},
                    {"targetRevision", w.branch},
                    {"path", "deploy/"},
                    {"helm", {{"valueFiles", Json::array({"values-" + w.region + ".yaml"})}}}})));
    EXPECT_EQ(Plain(b["spec"]["destination"]),
              Plain(Json({{"server", ServerOf(w.cell)}, {"namespace", w.ns}})));
  }

  // A new config file in git: new Applications after a refresh of that repository.
  registry.Write("apps/billing/config.yaml",
                 "values:\n  repo: platform/billing\n  branch: main\n  namespace: billing\n");
  registry.CommitAndPublish("billing");
  EXPECT_EQ(controller_->Refresh(Url("app-registry")), 1);
  ASSERT_TRUE(WaitForApps({"api-cell-2", "api-cell-3", "billing-cell-2", "billing-cell-3",
                           "web-cell-2", "web-cell-3"}));

  // cell-3 relabelled out of production: its Applications are deleted (policy sync). No
  // application controller runs here, so they stay with a deletionTimestamp behind their
  // resources finalizer: the cell still exists and its resources are to be cleaned up.
  Register("cell-3", "cell-3", {{"environment", "staging"}, {"region", "us-east-1"}});
  ASSERT_TRUE(WaitForApps({"api-cell-2", "billing-cell-2", "web-cell-2"}));
  auto apps = Apps();
  ASSERT_TRUE(apps.contains("api-cell-3"));
  EXPECT_TRUE(BeingDeleted(apps.at("api-cell-3").body()));
  EXPECT_EQ(apps.at("api-cell-3").body()["metadata"]["finalizers"],
            Json::array({"resources-finalizer.argocd.argoproj.io"}));
  ASSERT_TRUE(Eventually(
      [&] { return Condition("microservices", "ErrorOccurred").value("status", "") == "False"; }));
}

}  // namespace
}  // namespace cellgate::appset_controller::e2e

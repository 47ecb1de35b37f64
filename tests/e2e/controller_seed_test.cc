// Seed 000 verbatim: examples/cellular-tutorial as a real repository (only its repoURL
// changed), the argoproj.io CRDs in two cells, those cells registered by cluster Secrets, and
// each cell's clusters/<cell>/root-app.yaml applied into that cell with kubectl. The root app
// (in the cell, destination https://kubernetes.default.svc = that cell) syncs its child
// Applications into the same cell, which deploy the services there; status is written as
// Argo CD writes it. Cell-local mode is opt-in (ControllerOptions::cell_local_apps), and a
// cell gets no implicit project: each cell holds the `default` AppProject in the controller
// namespace, admitting the tutorial's `argocd` namespace (the test's controller namespace is
// its own, so `argocd` is not the control plane here).
#include <filesystem>
#include <fstream>
#include <sstream>

#include "controller_e2e_util.h"

namespace cellgate::controller::e2e {
namespace {

constexpr const char* kArticleRepo = "https://github.com/your-org/cellular-tutorial.git";
const char* const kChildren[] = {"core-backend", "identity-service", "ingress-controller"};

// Copies the tutorial into the repository, replacing only the repoURL.
void CopyTutorial(const git::testing::Origin& repo, const std::string& url) {
  const std::filesystem::path root =
      std::filesystem::path(CELLGATE_SOURCE_DIR) / "examples/cellular-tutorial";
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    std::string content = text.str();
    for (auto at = content.find(kArticleRepo); at != std::string::npos;
         at = content.find(kArticleRepo, at)) {
      content.replace(at, std::string(kArticleRepo).size(), url);
    }
    repo.Write(std::filesystem::relative(entry.path(), root).string(), content);
  }
}

class ControllerSeedTest : public ControllerE2E {
 protected:
  // Local cells run no load-balancer controller: play one, giving the tutorial's LoadBalancer
  // Service an address once it exists (a cloud would), so its health can become Healthy.
  void AssignLoadBalancerAddress(const std::string& context) {
    RunKubectl(context,
               "-n default patch service ingress-controller --subresource=status --type=merge "
               "-p '{\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"127.0.0.1\"}]}}}'");
  }
};

TEST_F(ControllerSeedTest, TutorialRootAppPerCellDeploysIntoThatCellOnly) {
  git::testing::Origin& repo = Repo("tutorial");
  CopyTutorial(repo, Url("tutorial"));
  const std::string commit = repo.CommitAndPublish("cellular tutorial");
  for (const char* context : {"cell-2", "cell-3"}) {
    auto crds = runtime::InstallEmbeddedCrds(cell(context));
    ASSERT_TRUE(crds) << context << ": " << crds.error().message();
    RunKubectl(context, "create namespace argocd");
    CreateCellNamespace(context, ns());
    auto project = cell(context).applier().Apply(DefaultProject({"argocd"}), {});
    ASSERT_TRUE(project) << context << ": " << project.error().message();
  }
  Register("cell-2", "cell-us-east-1a");
  Register("cell-3", "cell-us-east-1b");
  ControllerOptions options = Options();
  options.cell_local_apps = true;
  StartController(std::move(options));

  const std::filesystem::path root_a = repo.work() / "clusters/cell-us-east-1a/root-app.yaml";
  std::string out = RunKubectl("cell-2", "apply -f " + root_a.string());
  ASSERT_NE(out.find("cell-bootstrap"), std::string::npos) << out;

  kube::ClusterClient& a = cell("cell-2");
  kube::ClusterClient& b = cell("cell-3");
  ASSERT_TRUE(Eventually(
      [&] {
        AssignLoadBalancerAddress("cell-2");
        return SyncedAndHealthy(a, "argocd", "cell-bootstrap");
      },
      std::chrono::seconds(180)))
      << Describe(a, "argocd", "cell-bootstrap");
  // The root app is Healthy whatever its children's health (Argo CD since 1.8), so the load
  // balancer is played for each child until that child is Healthy.
  for (const char* child : kChildren) {
    EXPECT_TRUE(Eventually(
        [&] {
          AssignLoadBalancerAddress("cell-2");
          return SyncedAndHealthy(a, "argocd", child);
        },
        std::chrono::seconds(120)))
        << Describe(a, "argocd", child);
    auto deployment = Get(a, "default", child, {"apps", "v1", "Deployment"});
    ASSERT_TRUE(deployment) << child << " was not deployed into cell-us-east-1a";
    EXPECT_FALSE(Get(b, "default", child, {"apps", "v1", "Deployment"}))
        << child << " must not reach cell-us-east-1b, whose root app is not applied yet";
    EXPECT_FALSE(Get(b, "argocd", child)) << "child Applications stay in their own cell";
  }

  auto app = Get(a, "argocd", "cell-bootstrap");
  ASSERT_TRUE(app);
  const Json& status = app->body()["status"];
  EXPECT_EQ(StringAt(status, {"sync", "revision"}), commit);
  ASSERT_TRUE(status["resources"].is_array());
  EXPECT_EQ(status["resources"].size(), 3u) << status["resources"].dump();
  for (const auto& r : status["resources"]) {
    EXPECT_EQ(r.value("kind", ""), "Application");
    EXPECT_EQ(r.value("status", ""), "Synced");
  }
  ASSERT_TRUE(status["history"].is_array());
  ASSERT_GE(status["history"].size(), 1u);
  EXPECT_EQ(StringAt(status["history"].back(), {"revision"}), commit);
  EXPECT_EQ(StringAt(status, {"operationState", "phase"}), "Succeeded");
  EXPECT_EQ(StringAt(status, {"operationState", "syncResult", "revision"}), commit);
  EXPECT_FALSE(StringAt(status, {"reconciledAt"}).empty());
  // kubectl's printer columns read the same fields.
  std::string table = RunKubectl("cell-2", "-n argocd get applications");
  EXPECT_NE(table.find("Synced"), std::string::npos) << table;
  EXPECT_NE(table.find("Healthy"), std::string::npos) << table;

  // The second cell: its own root app, its own copies.
  const std::filesystem::path root_b = repo.work() / "clusters/cell-us-east-1b/root-app.yaml";
  out = RunKubectl("cell-3", "apply -f " + root_b.string());
  ASSERT_NE(out.find("cell-bootstrap"), std::string::npos) << out;
  ASSERT_TRUE(Eventually(
      [&] {
        AssignLoadBalancerAddress("cell-3");
        return SyncedAndHealthy(b, "argocd", "cell-bootstrap");
      },
      std::chrono::seconds(180)))
      << Describe(b, "argocd", "cell-bootstrap");
  // The root app is Healthy whatever its children's health (Argo CD since 1.8), so the load
  // balancer is played for each child until that child is Healthy.
  for (const char* child : kChildren) {
    EXPECT_TRUE(Eventually(
        [&] {
          AssignLoadBalancerAddress("cell-3");
          return SyncedAndHealthy(b, "argocd", child);
        },
        std::chrono::seconds(120)))
        << Describe(b, "argocd", child);
    EXPECT_TRUE(Get(b, "default", child, {"apps", "v1", "Deployment"}));
  }
}

}  // namespace
}  // namespace cellgate::controller::e2e

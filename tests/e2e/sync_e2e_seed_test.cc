// Seed 000's cell layout end to end: the tutorial's three services (ingress-controller,
// identity-service, core-backend) synced by `cellgate sync` from a real git repository into
// a real cell, then updated by a new commit, then pruned when a file is removed; `status`
// and `diff` agree with the cell at every step, and Deployments progress to Healthy (kwok
// makes their Pods Running and Ready).
#include <atomic>

#include "sync_e2e_util.h"

namespace cellgate::engine::e2e {
namespace {

const fs::path kTutorial = fs::path(CELLGATE_SOURCE_DIR) / "examples/cellular-tutorial/apps";
const char* const kServices[] = {"ingress-controller", "identity-service", "core-backend"};

// Plays the cloud provider for Services of type LoadBalancer (local cells have none): gives
// each one an address, so the Service becomes Healthy as it would in a real cell.
class LoadBalancerProvider {
 public:
  explicit LoadBalancerProvider(std::string ns) : ns_(std::move(ns)) {
    thread_ = std::thread([this] {
      while (!stop_) {
        CommandResult r = Shell(Kubectl() + "get svc -n " + ns_ +
                                " -o jsonpath='{range .items[?(@.spec.type==\"LoadBalancer\")]}"
                                "{.metadata.name} {.status.loadBalancer.ingress}{\"\\n\"}{end}'");
        std::istringstream lines(r.output);
        std::string line;
        while (std::getline(lines, line)) {
          if (line.empty() || line.find(' ') != line.size() - 1) continue;  // has an address
          (void)Shell(
              Kubectl() + "patch svc " + line.substr(0, line.size() - 1) + " -n " + ns_ +
              " --subresource=status --type=merge -p "
              "'{\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"203.0.113.10\"}]}}}'");
        }
        std::this_thread::sleep_for(200ms);
      }
    });
  }
  ~LoadBalancerProvider() {
    stop_ = true;
    thread_.join();
  }

 private:
  std::string ns_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

class SeedAppsE2E : public SyncE2ETest {
 protected:
  void SetUp() override {
    SyncE2ETest::SetUp();
    origin_ = std::make_unique<git::testing::Origin>(tmp_.path() / "repo");
    for (const char* svc : kServices) {
      for (const auto& entry : fs::directory_iterator(kTutorial / svc)) {
        std::ifstream in(entry.path());
        std::stringstream text;
        text << in.rdbuf();
        origin_->Write(std::string("apps/") + svc + "/" + entry.path().filename().string(),
                       text.str());
      }
    }
    origin_->CommitAndPublish("tutorial apps");
    suffix_ = UniqueSuffix();
    std::string apps;
    for (const char* svc : kServices) {
      // Unique names: the app name is the tracking id, and other tests share the cell.
      apps += "---\n" + ApplicationYaml(std::string(svc) + "-" + suffix_, origin_->url(),
                                        std::string("apps/") + svc, ns_,
                                        "  syncPolicy:\n    automated:\n      prune: true\n"
                                        "      selfHeal: true\n");
    }
    file_ = AppFile(apps);
  }

  std::vector<std::string> Args(const std::string& command, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {command, "-f", file_};
    for (auto& a : CellArgs()) args.push_back(a);
    for (auto& a : extra) args.push_back(a);
    return args;
  }

  std::string Jsonpath(const std::string& what, const std::string& path) {
    return MustKubectl("get " + what + " -n " + ns_ + " -o jsonpath='" + path + "'");
  }

  std::unique_ptr<git::testing::Origin> origin_;
  std::string suffix_;
  std::string file_;
};

TEST_F(SeedAppsE2E, CreateUpdatePruneWithHealth) {
  LoadBalancerProvider lb(ns_);

  // Create: every object of the three apps, waited for until healthy.
  CliResult created = Cli(Args("sync", {"--timeout", "2m"}));
  ASSERT_EQ(created.code, 0) << created.out << created.err;
  for (const char* svc : kServices) {
    EXPECT_NE(created.out.find("Application " + std::string(svc) + "-" + suffix_ +
                               " in cell-1: Succeeded"),
              std::string::npos)
        << created.out;
  }
  // Health progressed: the Deployments were Progressing first, then Healthy.
  EXPECT_NE(created.err.find("Progressing"), std::string::npos) << created.err;
  EXPECT_NE(created.err.find("waiting for apps/Deployment " + ns_), std::string::npos)
      << created.err;
  for (const char* svc : kServices) {
    std::string deploy = std::string("deployment/") + svc;
    EXPECT_EQ(Jsonpath(deploy, "{.status.availableReplicas}"), Jsonpath(deploy, "{.spec.replicas}"))
        << svc;
    EXPECT_EQ(Jsonpath(deploy, "{.metadata.annotations.argocd\\.argoproj\\.io/tracking-id}"),
              std::string(svc) + "-" + suffix_ + ":apps/Deployment:" + ns_ + "/" + svc);
    EXPECT_EQ(Jsonpath(deploy, "{.metadata.labels.app\\.cellgate\\.io/instance}"),
              std::string(svc) + "-" + suffix_);
  }
  EXPECT_EQ(Jsonpath("configmap/ingress-controller", "{.data.proxy-body-size}"), "8m");
  EXPECT_EQ(Jsonpath("service/ingress-controller", "{.status.loadBalancer.ingress[0].ip}"),
            "203.0.113.10");

  CliResult status = Cli(Args("status"));
  EXPECT_EQ(status.code, 0) << status.out << status.err;
  for (const char* svc : kServices) {
    EXPECT_NE(status.out.find(std::string(svc) + "-" + suffix_ + " in cell-1: Synced, Healthy"),
              std::string::npos)
        << status.out;
  }
  CliResult same = Cli(Args("diff"));
  EXPECT_EQ(same.code, 0) << same.out << same.err;
  EXPECT_EQ(same.out, "");

  // Update: a new commit changes core-backend's image and replicas.
  fs::path deploy_file = origin_->work() / "apps/core-backend/deployment.yaml";
  std::ifstream in(deploy_file);
  std::stringstream text;
  text << in.rdbuf();
  std::string updated = text.str();
  updated.replace(updated.find("core-backend:2.9.0"), 18, "core-backend:2.10.0");
  updated.replace(updated.find("replicas: 3"), 11, "replicas: 4");
  origin_->Write("apps/core-backend/deployment.yaml", updated);
  origin_->CommitAndPublish("core-backend 2.10.0");

  CliResult changes = Cli(Args("diff"));
  EXPECT_EQ(changes.code, 1) << changes.out << changes.err;
  EXPECT_NE(changes.out.find("diff apps/Deployment " + ns_ + "/core-backend (OutOfSync"),
            std::string::npos)
      << changes.out;
  EXPECT_NE(changes.out.find("-        image: ghcr.io/your-org/core-backend:2.9.0"),
            std::string::npos)
      << changes.out;
  EXPECT_NE(changes.out.find("+        image: ghcr.io/your-org/core-backend:2.10.0"),
            std::string::npos)
      << changes.out;
  EXPECT_NE(changes.out.find("+  replicas: 4"), std::string::npos) << changes.out;
  EXPECT_EQ(changes.out.find("identity-service"), std::string::npos) << "only what changed";

  CliResult update = Cli(Args("sync", {"--timeout", "2m"}));
  ASSERT_EQ(update.code, 0) << update.out << update.err;
  EXPECT_EQ(Jsonpath("deployment/core-backend", "{.spec.template.spec.containers[0].image}"),
            "ghcr.io/your-org/core-backend:2.10.0");
  EXPECT_EQ(Jsonpath("deployment/core-backend", "{.status.availableReplicas}"), "4");

  // Prune: a file removed from Git is deleted from the cell (automated.prune), nothing else.
  std::string service_uid = Jsonpath("service/core-backend", "{.metadata.uid}");
  fs::remove(origin_->work() / "apps/identity-service/service.yaml");
  origin_->CommitAndPublish("identity-service: no Service");
  CliResult pruned = Cli(Args("sync", {"--timeout", "2m"}));
  ASSERT_EQ(pruned.code, 0) << pruned.out << pruned.err;
  EXPECT_NE(pruned.out.find("Pruned"), std::string::npos) << pruned.out;
  CommandResult gone = Shell(Kubectl() + "get service identity-service -n " + ns_);
  EXPECT_NE(gone.status, 0);
  EXPECT_NE(gone.output.find("NotFound"), std::string::npos) << gone.output;
  EXPECT_EQ(Jsonpath("deployment/identity-service", "{.status.availableReplicas}"), "3");
  EXPECT_EQ(Jsonpath("service/core-backend", "{.metadata.uid}"), service_uid)
      << "objects still rendered are not touched by the prune";

  CliResult final_status = Cli(Args("status"));
  EXPECT_EQ(final_status.code, 0) << final_status.out << final_status.err;
  CliResult final_diff = Cli(Args("diff"));
  EXPECT_EQ(final_diff.code, 0) << final_diff.out << final_diff.err;
}

}  // namespace
}  // namespace cellgate::engine::e2e

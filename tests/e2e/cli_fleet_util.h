// Shared set-up for the fleet CLI's end-to-end tests (`cellgate cell ...`, `cellgate app ...`
// run in-process) against real local cells: cell-1 is the hub, cell-2 and cell-3 are cells.
// Each test gets a namespace of its own in the hub (its controller namespace: cluster Secrets
// and Applications), deleted afterwards, so no other test's controller watches what it
// writes. The argoproj.io CRDs are installed in the hub (the controller's installer, which
// writes nothing when they are current). Tests fail, never skip, when no cell answers.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "kube/cluster_client.h"
#include "kube/kubeconfig.h"
#include "runtime/crd_installer.h"
#include "sync_e2e_util.h"

namespace cellgate::cli::e2e {

using engine::e2e::Cli;
using engine::e2e::CliResult;
using engine::e2e::Eventually;
using engine::e2e::KubeconfigPath;
using engine::e2e::MustKubectl;
using engine::e2e::Shell;
using engine::e2e::UniqueSuffix;

inline const kube::GroupVersionKind kSecretGvk{"", "v1", "Secret"};
inline const kube::GroupVersionKind kAppGvk{"argoproj.io", "v1alpha1", "Application"};

inline std::unique_ptr<kube::ClusterClient> OpenCell(const std::string& context) {
  auto config = kube::LoadKubeconfig({.paths = {KubeconfigPath()}, .context = context});
  EXPECT_TRUE(config) << config.error().message() << " (run scripts/local-cells up)";
  if (!config) return nullptr;
  auto client = kube::ClusterClient::Create(*config);
  EXPECT_TRUE(client) << client.error().message();
  return client ? std::move(*client) : nullptr;
}

class CliFleetE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    hub_ = OpenCell("cell-1");
    ASSERT_NE(hub_, nullptr);
    auto version = hub_->ServerVersion();
    ASSERT_TRUE(version) << "cell-1 is not reachable: " << version.error().message();
    auto crds = runtime::InstallEmbeddedCrds(*hub_);
    ASSERT_TRUE(crds) << crds.error().message();
    std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& c : test) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    ns_ = "clif-" + test.substr(0, 28) + "-" + UniqueSuffix();
    MustKubectl("create namespace " + ns_, "cell-1");
  }

  void TearDown() override {
    if (!ns_.empty())
      (void)Shell(engine::e2e::Kubectl("cell-1") + "delete namespace " + ns_ + " --wait=false");
  }

  // `cellgate <args> --kubeconfig K` (the hub context is each caller's).
  static CliResult Run(std::vector<std::string> args) {
    args.push_back("--kubeconfig");
    args.push_back(KubeconfigPath());
    return Cli(std::move(args));
  }

  std::vector<Object> ClusterSecrets() {
    auto list = hub_->reader().List(kSecretGvk, ns_,
                                    {.label_selector = "argocd.argoproj.io/secret-type=cluster"});
    EXPECT_TRUE(list) << list.error().message();
    return list ? list->items : std::vector<Object>{};
  }

  kube::ClusterClient& hub() { return *hub_; }
  const std::string& ns() const { return ns_; }

 private:
  std::unique_ptr<kube::ClusterClient> hub_;
  std::string ns_;
};

}  // namespace cellgate::cli::e2e

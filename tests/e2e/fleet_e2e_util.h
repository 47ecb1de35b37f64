// Shared set-up for the fleet's end-to-end tests: ClusterConfigs and clients for the local
// cells of $CELLGATE_KUBECONFIG (cell-1 is the hub), and one fresh namespace per test,
// deleted afterwards. The tests fail, never skip, when no cell answers.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "kube/cluster_client.h"
#include "kube/kubeconfig.h"
#include "kube_e2e_util.h"

namespace cellgate::runtime::e2e {

using kube::e2e::Eventually;
using kube::e2e::KubeconfigPath;
using kube::e2e::UniqueSuffix;
using kube::e2e::Yaml;

inline Result<kube::ClusterConfig> CellConfig(const std::string& context) {
  return kube::LoadKubeconfig({.paths = {KubeconfigPath()}, .context = context});
}

class FleetE2ETest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto config = CellConfig("cell-1");
    ASSERT_TRUE(config) << config.error().message() << " (kubeconfig " << KubeconfigPath()
                        << "; run scripts/local-cells up)";
    hub_config_ = *config;
    auto client = kube::ClusterClient::Create(hub_config_);
    ASSERT_TRUE(client) << client.error().message();
    hub_ = std::move(*client);
    auto version = hub_->ServerVersion();
    ASSERT_TRUE(version) << "cell-1 is not reachable: " << version.error().message();
    std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& c : test) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    ns_ = "fleet-" + test.substr(0, 30) + "-" + UniqueSuffix();
    ASSERT_TRUE(CreateNamespace(*hub_, ns_));
  }

  void TearDown() override {
    if (hub_ && !ns_.empty()) DeleteNamespace(*hub_, ns_);
  }

  static Status CreateNamespace(kube::ClusterClient& cell, const std::string& name) {
    auto ns =
        cell.applier().Apply(Yaml("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + name +
                                  "\n  labels: {cellgate.io/e2e: fleet}"),
                             {});
    CG_TRY(ns);
    return Ok();
  }

  static void DeleteNamespace(kube::ClusterClient& cell, const std::string& name) {
    (void)cell.applier().Delete(Yaml("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + name),
                                {});
  }

  kube::ClusterClient& hub() { return *hub_; }
  const kube::ClusterConfig& hub_config() const { return hub_config_; }
  const std::string& ns() const { return ns_; }

 private:
  kube::ClusterConfig hub_config_;
  std::unique_ptr<kube::ClusterClient> hub_;
  std::string ns_;
};

}  // namespace cellgate::runtime::e2e

// Shared set-up for the kube client's end-to-end tests: a ClusterClient for context cell-1
// of the local cells' kubeconfig and a namespace of its own per test binary run.
//
// The kubeconfig is $CELLGATE_KUBECONFIG, else $CELLGATE_HOME/kubeconfig, else
// <source>/.cellgate/kubeconfig (scripts/local-cells up). The tests fail, never skip, when
// no cell answers.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "core/yaml.h"
#include "kube/cluster_client.h"
#include "kube/kubeconfig.h"

namespace cellgate::kube::e2e {

inline std::string KubeconfigPath() {
  if (const char* k = std::getenv("CELLGATE_KUBECONFIG"); k && *k) return k;
  if (const char* h = std::getenv("CELLGATE_HOME"); h && *h) return std::string(h) + "/kubeconfig";
  return std::string(CELLGATE_SOURCE_DIR) + "/.cellgate/kubeconfig";
}

inline std::string UniqueSuffix() {
  return std::to_string(getpid()) + "-" +
         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 100000);
}

// One YAML document as an Object; aborts the test on bad YAML (a bug in the test).
inline Object Yaml(const std::string& text) {
  auto docs = ParseYamlDocuments(text, "test");
  EXPECT_TRUE(docs && docs->size() == 1) << text;
  auto object = Object::FromJson(docs->front().value);
  EXPECT_TRUE(object) << object.error().message();
  return *object;
}

// Polls `done` every 100 ms until it holds or `timeout` passes.
inline bool Eventually(const std::function<bool()>& done,
                       std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

class KubeE2ETest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto config = LoadKubeconfig({.paths = {KubeconfigPath()}, .context = "cell-1"});
    if (!config) {
      setup_error_ = config.error().message();
      return;
    }
    config_ = *config;
    auto client = ClusterClient::Create(*config);
    if (!client) {
      setup_error_ = client.error().message();
      return;
    }
    if (auto v = (*client)->ServerVersion(); !v) {
      setup_error_ = "cell-1 is not reachable: " + v.error().message();
      return;
    }
    namespace_ = "kube-e2e-" + UniqueSuffix();
    auto ns = (*client)->applier().Apply(
        Yaml("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + namespace_), {});
    if (!ns) {
      setup_error_ = ns.error().message();
      return;
    }
    client_ = std::move(*client);
  }

  static void TearDownTestSuite() {
    if (client_) {
      (void)client_->applier().Delete(
          Yaml("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + namespace_), {});
    }
    client_.reset();
  }

  void SetUp() override {
    ASSERT_NE(client_, nullptr) << "no cell: " << setup_error_ << " (kubeconfig "
                                << KubeconfigPath() << "; run scripts/local-cells up)";
  }

  ClusterClient& cell() { return *client_; }
  const std::string& ns() { return namespace_; }
  const ClusterConfig& config() { return config_; }

  static inline std::unique_ptr<ClusterClient> client_;
  static inline std::string namespace_;
  static inline ClusterConfig config_;
  static inline std::string setup_error_ = "set-up did not run";
};

}  // namespace cellgate::kube::e2e

// CellRegistry against real cells: cell-1 is the hub holding the cluster Secrets (in a
// namespace of this test), cell-1 and cell-2 are registered as cells through Secrets built
// from their kubeconfig contexts, and one more cell points at a local TCP listener that
// accepts connections and never answers (a black-holed API server).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "argo/cluster_config.h"
#include "argo/cluster_secret.h"
#include "black_hole.h"
#include "cells/cell_registry.h"
#include "cells/cell_secret.h"
#include "fleet_e2e_util.h"

namespace cellgate::runtime::e2e {
namespace {

using cellgate::e2e::BlackHole;
using std::chrono::milliseconds;
using std::chrono::seconds;

class CellRegistryE2E : public FleetE2ETest {
 protected:
  void SetUp() override {
    FleetE2ETest::SetUp();
    if (HasFatalFailure()) return;
    connector_ = std::make_unique<cells::KubeCellConnector>(
        cells::KubeCellConnectorOptions{.client = {.transport = {.request_timeout = seconds(8),
                                                                 .connect_timeout = seconds(3),
                                                                 .retry = {.max_retries = 0}}},
                                        .probe_timeout = seconds(2)});
    registry_ = std::make_unique<cells::CellRegistry>(
        hub().watcher(), hub_config(), *connector_, clock_,
        cells::CellRegistryOptions{.ns = ns(),
                                   .probe_interval = milliseconds(500),
                                   .probe_retry_initial = milliseconds(500),
                                   .probe_retry_max = seconds(2)});
  }
  void TearDown() override {
    registry_.reset();
    FleetE2ETest::TearDown();
  }

  void Register(const std::string& context, const std::string& name,
                const std::map<std::string, std::string>& labels) {
    auto config = CellConfig(context);
    ASSERT_TRUE(config) << config.error().message();
    auto secret = argo::MakeClusterSecret(*config, name, labels, ns());
    ASSERT_TRUE(secret) << secret.error().message();
    auto written = cells::WriteClusterSecret(hub().applier(), *secret);
    ASSERT_TRUE(written) << written.error().message();
  }

  void PutRawSecret(const std::string& secret_name, const std::string& name,
                    const std::string& server, const std::string& config) {
    Object s(Json{{"apiVersion", "v1"},
                  {"kind", "Secret"},
                  {"metadata",
                   {{"name", secret_name},
                    {"namespace", ns()},
                    {"labels", {{"argocd.argoproj.io/secret-type", "cluster"}}}}},
                  {"stringData", {{"name", name}, {"server", server}, {"config", config}}}});
    auto written = cells::WriteClusterSecret(hub().applier(), s);
    ASSERT_TRUE(written) << written.error().message();
  }

  cells::CellState StateOf(const std::string& name) {
    auto h = registry_->FindByName(name);
    return h ? h->info.connection.state : cells::CellState::kInvalid;
  }

  SystemClock clock_;
  std::unique_ptr<cells::KubeCellConnector> connector_;
  std::unique_ptr<cells::CellRegistry> registry_;
};

TEST_F(CellRegistryE2E, RealSecretsAddRelabelAndDeleteCells) {
  Register("cell-1", "e2e-cell-1", {{"environment", "staging"}, {"wave", "1"}});
  Register("cell-2", "e2e-cell-2", {{"environment", "prod"}, {"wave", "2"}});
  ASSERT_TRUE(registry_->Start());
  ASSERT_TRUE(registry_->WaitForSync(seconds(30)));
  ASSERT_TRUE(Eventually([&] {
    return StateOf("e2e-cell-1") == cells::CellState::kConnected &&
           StateOf("e2e-cell-2") == cells::CellState::kConnected &&
           StateOf("in-cluster") == cells::CellState::kConnected;
  }));
  auto cell2 = registry_->FindByName("e2e-cell-2");
  ASSERT_TRUE(cell2);
  EXPECT_EQ(cell2->info.labels.at("environment"), "prod");
  EXPECT_FALSE(cell2->info.connection.server_version.empty());
  // The cell's own client reaches the cell (not the hub): cell-2 has no namespace of ours.
  ASSERT_NE(cell2->client, nullptr);
  auto missing = cell2->client->reader().Get({"", "v1", "Namespace"}, "", ns());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  auto present =
      registry_->FindByName("e2e-cell-1")->client->reader().Get({"", "v1", "Namespace"}, "", ns());
  EXPECT_TRUE(present) << present.error().message();

  Register("cell-2", "e2e-cell-2", {{"environment", "prod"}, {"wave", "3"}});
  ASSERT_TRUE(Eventually([&] {
    auto h = registry_->FindByName("e2e-cell-2");
    return h && h->info.labels.contains("wave") && h->info.labels.at("wave") == "3";
  }));
  EXPECT_EQ(registry_->FindByName("e2e-cell-2")->client, cell2->client);  // kept

  auto config = CellConfig("cell-2");
  ASSERT_TRUE(config);
  auto deleted = hub().applier().Delete(
      Yaml("apiVersion: v1\nkind: Secret\nmetadata:\n  name: " +
           argo::ClusterSecretName(config->server) + "\n  namespace: " + ns()),
      {});
  ASSERT_TRUE(deleted) << deleted.error().message();
  ASSERT_TRUE(Eventually([&] { return !registry_->FindByName("e2e-cell-2"); }));
  EXPECT_EQ(registry_->FindByName("e2e-cell-2").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(StateOf("e2e-cell-1"), cells::CellState::kConnected);
}

TEST_F(CellRegistryE2E, BadSecretIsAPerCellErrorAndOthersKeepWorking) {
  Register("cell-1", "e2e-cell-1", {});
  PutRawSecret("broken", "e2e-broken", "https://127.0.0.1:1", "{\"bearerToken\": \"s3cret\"");
  ASSERT_TRUE(registry_->Start());
  ASSERT_TRUE(registry_->WaitForSync(seconds(30)));
  ASSERT_TRUE(Eventually([&] { return StateOf("e2e-cell-1") == cells::CellState::kConnected; }));
  auto broken = registry_->FindByName("e2e-broken");
  ASSERT_FALSE(broken);
  std::printf("invalid cell: %s\n", broken.error().message().c_str());
  EXPECT_NE(broken.error().message().find(ns() + "/broken"), std::string::npos);
  EXPECT_NE(broken.error().message().find("not valid JSON"), std::string::npos);
  EXPECT_EQ(broken.error().message().find("s3cret"), std::string::npos);
  bool listed = false;
  for (const auto& c : registry_->List()) {
    if (c.name == "e2e-broken") listed = c.connection.state == cells::CellState::kInvalid;
  }
  EXPECT_TRUE(listed);
}

TEST_F(CellRegistryE2E, BlackHoledCellIsUnreachableAndTheOtherStaysFast) {
  BlackHole hole;
  ASSERT_NE(hole.port(), 0);
  const std::string server = "https://127.0.0.1:" + std::to_string(hole.port());
  PutRawSecret("blackhole", "e2e-blackhole", server,
               R"({"bearerToken":"x","tlsClientConfig":{"insecure":true}})");
  Register("cell-2", "e2e-cell-2", {});
  ASSERT_TRUE(registry_->Start());
  ASSERT_TRUE(registry_->WaitForSync(seconds(30)));
  ASSERT_TRUE(
      Eventually([&] { return StateOf("e2e-blackhole") == cells::CellState::kUnreachable; }));
  ASSERT_TRUE(Eventually([&] { return StateOf("e2e-cell-2") == cells::CellState::kConnected; }));
  auto hole_cell = registry_->FindByName("e2e-blackhole");
  ASSERT_TRUE(hole_cell);
  std::printf("black-holed cell: %s\n", hole_cell->info.connection.last_error.c_str());
  EXPECT_NE(hole_cell->info.connection.last_error.find("probe e2e-blackhole"), std::string::npos);

  // A request into the black hole is in flight (it can only end by its 8 s timeout) while
  // requests to cell-2 come and go.
  std::atomic<bool> hole_returned{false};
  std::thread stuck([&] {
    auto r = hole_cell->client->reader().Get({"", "v1", "Namespace"}, "", "default");
    EXPECT_FALSE(r);
    hole_returned = true;
  });
  auto cell2 = registry_->FindByName("e2e-cell-2");
  ASSERT_TRUE(cell2);
  std::chrono::nanoseconds slowest{0};
  for (int i = 0; i < 20; ++i) {
    auto start = std::chrono::steady_clock::now();
    auto r = cell2->client->reader().Get({"", "v1", "Namespace"}, "", "default");
    slowest = std::max(slowest, std::chrono::steady_clock::now() - start);
    ASSERT_TRUE(r) << r.error().message();
  }
  EXPECT_FALSE(hole_returned.load()) << "cell-2 requests waited for the black-holed cell";
  EXPECT_EQ(StateOf("e2e-cell-2"), cells::CellState::kConnected);
  std::printf("cell-2: 20 requests while the black-holed request hung, slowest %.1f ms\n",
              std::chrono::duration<double, std::milli>(slowest).count());
  stuck.join();
  EXPECT_EQ(StateOf("e2e-blackhole"), cells::CellState::kUnreachable);
}

}  // namespace
}  // namespace cellgate::runtime::e2e

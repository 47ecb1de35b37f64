// `cellgate cell add` and `cellgate cell list` against real cells.
//
//  - cell add writes a cluster Secret the controller's CellRegistry reads back as a cell
//    whose client reaches that very cell; re-running it updates the Secret in place; a name
//    another server's Secret uses is refused; credentials never reach the output.
//  - cell list probes every cell: with a cell of its own ("cli-fleet-stopped", started and
//    stopped by this test through scripts/local-cells in the kubeconfig's home) it shows the
//    cell Connected while it runs and Unreachable with the probe's error once it is down,
//    while the other cells stay Connected.
#include "argo/cluster_secret.h"
#include "cells/cell_registry.h"
#include "cells/cell_secret.h"
#include "cli_fleet_util.h"
#include "core/clock.h"

namespace cellgate::cli::e2e {
namespace {

constexpr char kStoppedCell[] = "cli-fleet-stopped";

std::string LocalCells(const std::string& args) {
  std::string home = std::filesystem::path(KubeconfigPath()).parent_path().string();
  return "CELLGATE_HOME='" + home + "' '" + CELLGATE_SOURCE_DIR + "/scripts/local-cells' " + args;
}

std::string ServerOf(const std::string& context) {
  auto config = kube::LoadKubeconfig({.paths = {KubeconfigPath()}, .context = context});
  EXPECT_TRUE(config) << config.error().message();
  return config ? config->server : "";
}

using CellAddE2E = CliFleetE2E;

TEST_F(CellAddE2E, WritesASecretTheRegistryReadsBack) {
  auto added =
      Run({"cell", "add", "--context", "cell-2", "--name", "e2e-east", "--label",
           "region=us-east-1", "--label", "wave=1", "--hub-context", "cell-1", "-n", ns()});
  ASSERT_EQ(added.code, 0) << added.err;
  EXPECT_NE(added.out.find("Cell 'e2e-east' added"), std::string::npos) << added.out;
  EXPECT_NE(added.err.find("embeds the credentials of context cell-2"), std::string::npos)
      << added.err;
  EXPECT_EQ((added.out + added.err).find("PRIVATE KEY"), std::string::npos);

  auto secrets = ClusterSecrets();
  ASSERT_EQ(secrets.size(), 1u);
  cells::CellSpec spec = cells::ParseCellSecret(secrets.front());
  ASSERT_FALSE(spec.error) << spec.error->message();
  EXPECT_EQ(spec.info.name, "e2e-east");
  EXPECT_EQ(spec.info.server, ServerOf("cell-2"));
  EXPECT_EQ(spec.info.labels,
            (std::map<std::string, std::string>{{"region", "us-east-1"}, {"wave", "1"}}));

  // The controller's registry finds the cell by name, and its client reaches cell-2 (a
  // ConfigMap that exists only there is visible through it).
  std::string marker = "cli-fleet-marker-" + UniqueSuffix();
  MustKubectl("create configmap " + marker + " -n default --from-literal=k=v", "cell-2");
  cells::KubeCellConnector connector;
  SystemClock clock;
  auto hub_config = kube::LoadKubeconfig({.paths = {KubeconfigPath()}, .context = "cell-1"});
  ASSERT_TRUE(hub_config);
  {
    cells::CellRegistry registry(hub().watcher(), *hub_config, connector, clock, {.ns = ns()});
    ASSERT_TRUE(registry.Start());
    ASSERT_TRUE(registry.WaitForSync(std::chrono::seconds(10)));
    auto cell = registry.FindByName("e2e-east");
    ASSERT_TRUE(cell) << cell.error().message();
    EXPECT_EQ(cell->info.labels.at("wave"), "1");
    auto seen = cell->client->reader().Get({"", "v1", "ConfigMap"}, "default", marker);
    EXPECT_TRUE(seen) << seen.error().message();
    auto on_hub = hub().reader().Get({"", "v1", "ConfigMap"}, "default", marker);
    EXPECT_FALSE(on_hub);
    registry.Stop();
  }
  MustKubectl("delete configmap " + marker + " -n default", "cell-2");

  // Again with another label value: the same Secret, updated.
  auto again =
      Run({"cell", "add", "--context", "cell-2", "--name", "e2e-east", "--label",
           "region=us-east-1", "--label", "wave=2", "--hub-context", "cell-1", "-n", ns()});
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_NE(again.out.find("Cell 'e2e-east' updated"), std::string::npos) << again.out;
  secrets = ClusterSecrets();
  ASSERT_EQ(secrets.size(), 1u);
  EXPECT_EQ(cells::ParseCellSecret(secrets.front()).info.labels.at("wave"), "2");

  // Another server under the same name would make the name ambiguous: refused, nothing written.
  auto clash = Run({"cell", "add", "--context", "cell-3", "--name", "e2e-east", "--hub-context",
                    "cell-1", "-n", ns()});
  EXPECT_EQ(clash.code, 2);
  EXPECT_NE(clash.err.find("cell name e2e-east is already used"), std::string::npos) << clash.err;
  EXPECT_EQ(ClusterSecrets().size(), 1u);
}

TEST_F(CellAddE2E, UnknownContextIsAnErrorNamingIt) {
  auto r =
      Run({"cell", "add", "--context", "no-such-context", "--hub-context", "cell-1", "-n", ns()});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("no-such-context"), std::string::npos) << r.err;
  EXPECT_TRUE(ClusterSecrets().empty());
}

class CellListE2E : public CliFleetE2E {
 protected:
  static void SetUpTestSuite() {
    engine::e2e::CommandResult up = Shell(LocalCells(std::string("up ") + kStoppedCell));
    ASSERT_EQ(up.status, 0) << up.output;
  }
  static void TearDownTestSuite() { (void)Shell(LocalCells(std::string("down ") + kStoppedCell)); }

  Json ListJson() {
    auto r = Run({"cell", "list", "--context", "cell-1", "-n", ns(), "-o", "json"});
    EXPECT_EQ(r.code, 0) << r.err;
    Json cells = Json::parse(r.out, nullptr, false);
    EXPECT_TRUE(cells.is_array()) << r.out;
    return cells;
  }

  static Json Named(const Json& cells, const std::string& name) {
    for (const auto& c : cells) {
      if (c.is_object() && c.value("name", "") == name) return c;
    }
    return Json();
  }
};

TEST_F(CellListE2E, ShowsAStoppedCellAsUnreachable) {
  for (const std::string& context : {std::string("cell-2"), std::string(kStoppedCell)}) {
    auto added = Run({"cell", "add", "--context", context, "--label", "env=e2e", "--hub-context",
                      "cell-1", "-n", ns()});
    ASSERT_EQ(added.code, 0) << added.err;
  }
  Json running = ListJson();
  EXPECT_EQ(Named(running, kStoppedCell)["connection"]["state"], "Connected") << running.dump(2);
  EXPECT_EQ(Named(running, "cell-2")["connection"]["state"], "Connected") << running.dump(2);
  EXPECT_EQ(Named(running, "in-cluster")["connection"]["state"], "Connected") << running.dump(2);
  EXPECT_EQ(Named(running, "cell-2")["labels"]["env"], "e2e");
  EXPECT_FALSE(Named(running, "cell-2")["connection"]["serverVersion"].get<std::string>().empty());

  engine::e2e::CommandResult down = Shell(LocalCells(std::string("down ") + kStoppedCell));
  ASSERT_EQ(down.status, 0) << down.output;

  Json stopped = ListJson();
  Json dead = Named(stopped, kStoppedCell);
  EXPECT_EQ(dead["connection"]["state"], "Unreachable") << stopped.dump(2);
  EXPECT_FALSE(dead["connection"]["message"].get<std::string>().empty()) << stopped.dump(2);
  EXPECT_EQ(Named(stopped, "cell-2")["connection"]["state"], "Connected") << stopped.dump(2);

  auto table = Run({"cell", "list", "--context", "cell-1", "-n", ns()});
  ASSERT_EQ(table.code, 0) << table.err;
  std::string row;
  std::istringstream lines(table.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(kStoppedCell, 0) == 0) row = line;
  }
  EXPECT_NE(row.find("Unreachable"), std::string::npos) << table.out;
  EXPECT_NE(row.find("env=e2e"), std::string::npos) << table.out;
  EXPECT_EQ(table.out.find("PRIVATE KEY"), std::string::npos);
  EXPECT_EQ(table.out.find("BEGIN CERTIFICATE"), std::string::npos);
}

}  // namespace
}  // namespace cellgate::cli::e2e

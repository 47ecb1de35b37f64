// A cell that stops in the middle of a sync: the sync ends with phase Error and a message
// that names the unreachable cell, nothing not applied is claimed Synced, and once the cell
// is back the next sync completes. The CLI reports a stopped cell as an error (exit 2).
//
// The objects are ConfigMaps on purpose: after an API server outage the scheduler's and
// kwok's watches back off (30-60 s before new Pods run), which would test their recovery,
// not the sync engine's.
//
// Uses a cell of its own, "sync-outage", started and stopped by this test through
// scripts/local-cells (up, stop-component, start-component, down) in the same home as the
// kubeconfig, so the other tests' cells are never disturbed.
#include "sync_e2e_util.h"

namespace cellgate::engine::e2e {
namespace {

constexpr char kCell[] = "sync-outage";

std::string LocalCells(const std::string& args) {
  std::string home = fs::path(KubeconfigPath()).parent_path().string();
  return "CELLGATE_HOME='" + home + "' '" + CELLGATE_SOURCE_DIR + "/scripts/local-cells' " + args;
}

constexpr char kManifests[] = R"(
apiVersion: v1
kind: ConfigMap
metadata:
  name: first
  annotations: {argocd.argoproj.io/sync-wave: "0"}
data: {k: v}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: second
  annotations: {argocd.argoproj.io/sync-wave: "1"}
data: {k: v}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: third
  annotations: {argocd.argoproj.io/sync-wave: "2"}
data: {k: v}
)";

class OutageE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    CommandResult up = Shell(LocalCells(std::string("up ") + kCell));
    ASSERT_EQ(up.status, 0) << up.output;
  }
  static void TearDownTestSuite() { (void)Shell(LocalCells(std::string("down ") + kCell)); }

  void SetUp() override {
    std::string error;
    cell_ = Cell::Open(kCell, &error);
    ASSERT_NE(cell_, nullptr) << error;
    ns_ = "outage-" + UniqueSuffix();
    MustKubectl("create namespace " + ns_, kCell);
    auto spec = sync::ParseAppSyncSpec(
        ParseObjects(ApplicationYaml("outage-" + UniqueSuffix(), "unused", ".", ns_))
            .front()
            .body());
    ASSERT_TRUE(spec) << spec.error().message();
    spec_ = *spec;
    rendered_ = ParseObjects(kManifests);
  }

  void TearDown() override {
    // Whatever happened, leave the cell running for the next test.
    (void)Shell(LocalCells(std::string("start-component ") + kCell + " kube-apiserver"));
  }

  static void StopApiServer() {
    CommandResult r = Shell(LocalCells(std::string("stop-component ") + kCell + " kube-apiserver"));
    EXPECT_EQ(r.status, 0) << r.output;
  }
  static void StartApiServer() {
    CommandResult r =
        Shell(LocalCells(std::string("start-component ") + kCell + " kube-apiserver"));
    EXPECT_EQ(r.status, 0) << r.output;
  }

  std::string Get(const std::string& what) {
    std::string out = Shell(Kubectl(kCell) + "get " + what + " -n " + ns_ + " -o name").output;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }

  std::unique_ptr<Cell> cell_;
  std::string ns_;
  sync::AppSyncSpec spec_;
  std::vector<Object> rendered_;
  git::testing::TempDir tmp_;
};

TEST_F(OutageE2E, CellStoppingMidSyncIsAnErrorAndTheNextSyncCompletes) {
  CellAccess cell = cell_->Access();
  auto observed = ObserveApp(cell, spec_, rendered_);
  ASSERT_TRUE(observed) << observed.error().message();
  bool stopped = false;
  sync::SyncResult r =
      SyncApp(cell, spec_, *observed, {}, {.health_timeout = 60s}, [&](const SyncProgress& p) {
        // Wave 0 is written; the control plane dies before wave 1.
        if (p.step == 2 && !stopped) {
          stopped = true;
          StopApiServer();
        }
      });
  ASSERT_TRUE(stopped);
  EXPECT_EQ(r.phase, sync::OperationPhase::kError) << r.message;
  EXPECT_NE(r.message.find("cell sync-outage unreachable"), std::string::npos) << r.message;
  EXPECT_EQ(sync::OperationStateJson(r)["phase"], "Error");
  bool first = false;
  for (const auto& res : r.resources) {
    if (res.key.name == "first") {
      first = true;
      EXPECT_EQ(res.result, sync::ResultCode::kSynced);
    } else {
      EXPECT_NE(res.result, sync::ResultCode::kSynced) << res.key.ToString() << " was never applied";
    }
  }
  EXPECT_TRUE(first);

  // Observing a stopped cell is an error too, not an empty or stale picture.
  auto blind = ObserveApp(cell, spec_, rendered_);
  ASSERT_FALSE(blind);
  EXPECT_EQ(blind.error().code(), ErrorCode::kUnavailable);

  StartApiServer();
  ASSERT_TRUE(Eventually([&] { return cell_->client().ServerVersion().has_value(); }, 60s));
  auto again = ObserveApp(cell, spec_, rendered_);
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_EQ(again->comparison.Find({"", "ConfigMap", ns_, "first"})->status(), sync::SyncStatus::kSynced);
  EXPECT_EQ(again->comparison.Find({"", "ConfigMap", ns_, "second"})->status(),
            sync::SyncStatus::kMissing);
  sync::SyncResult done = SyncApp(cell, spec_, *again, {}, {.health_timeout = 90s});
  ASSERT_TRUE(done.succeeded()) << done.message;
  EXPECT_EQ(Get("configmap second"), "configmap/second");
  EXPECT_EQ(Get("configmap third"), "configmap/third");
}

TEST_F(OutageE2E, CliReportsAStoppedCellAsAnError) {
  fs::path dir = tmp_.path() / "manifests";
  WriteFile(dir / "app.yaml", kManifests);
  WriteFile(tmp_.path() / "app.yaml",
            ApplicationYaml("outage-cli-" + UniqueSuffix(), dir.string(), ".", ns_));
  std::vector<std::string> cell = {"--context", kCell, "--kubeconfig", KubeconfigPath()};
  auto run = [&](const std::string& command) {
    std::vector<std::string> args = {command, "-f", (tmp_.path() / "app.yaml").string()};
    args.insert(args.end(), cell.begin(), cell.end());
    return Cli(args);
  };
  StopApiServer();
  CliResult sync = run("sync");
  EXPECT_EQ(sync.code, 2) << sync.out << sync.err;
  EXPECT_NE(sync.err.find("in sync-outage"), std::string::npos) << sync.err;
  EXPECT_EQ(sync.out.find("Succeeded"), std::string::npos) << sync.out;
  CliResult status = run("status");
  EXPECT_EQ(status.code, 2) << status.out << status.err;
  StartApiServer();
  ASSERT_TRUE(Eventually([&] { return cell_->client().ServerVersion().has_value(); }, 60s));
  CliResult ok = run("sync");
  EXPECT_EQ(ok.code, 0) << ok.out << ok.err;
}

}  // namespace
}  // namespace cellgate::engine::e2e

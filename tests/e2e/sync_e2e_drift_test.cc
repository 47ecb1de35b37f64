// Self-heal against a real cell: drift made with kubectl (scale, an edit-style patch of the
// pod template, a ConfigMap edit, a delete) is reverted by the SelfHealer's watch, each within
// a generous bound (latency figures belong to bench/sync, not here). `cellgate sync --watch`
// does the same from the CLI.
#include <atomic>
#include <mutex>

#include "engine/self_heal.h"
#include "engine/watch_hub.h"
#include "sync_e2e_util.h"

namespace cellgate::engine::e2e {
namespace {

constexpr char kManifests[] = R"(
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 2
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
      - name: api
        image: ghcr.io/example/api:1.0.0
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: api-settings
data:
  mode: fast
)";

class DriftE2E : public SyncE2ETest {
 protected:
  void SetUp() override {
    SyncE2ETest::SetUp();
    app_ = "drift-" + UniqueSuffix();
    auto spec =
        sync::ParseAppSyncSpec(ParseObjects(ApplicationYaml(app_, "unused", ".", ns_)).front().body());
    ASSERT_TRUE(spec) << spec.error().message();
    spec_ = *spec;
    rendered_ = ParseObjects(kManifests);
  }

  // Syncs the app, then starts a SelfHealer from a fresh comparison.
  void SyncAndWatch() {
    CellAccess cell = Access();
    auto observed = ObserveApp(cell, spec_, rendered_);
    ASSERT_TRUE(observed) << observed.error().message();
    sync::SyncResult r = SyncApp(cell, spec_, *observed, {}, {.health_timeout = 90s});
    ASSERT_TRUE(r.succeeded()) << r.message;
    auto after = ObserveApp(cell, spec_, rendered_);
    ASSERT_TRUE(after) << after.error().message();
    ASSERT_EQ(after->comparison.sync, sync::SyncStatus::kSynced);
    hub_ = std::make_unique<WatchHub>(cell_->client().watcher());
    healer_ =
        std::make_unique<SelfHealer>(Access(), *hub_,
                                     SelfHealTarget{.instance = spec_.instance,
                                                    .destination_namespace = ns_,
                                                    .desired = after->desired.objects,
                                                    .ignore = after->ignore,
                                                    .baseline = BaselineFrom(after->comparison)},
                                     SelfHealOptions{}, [this](const HealEvent& e) {
                                       std::lock_guard lock(mu_);
                                       heals_.push_back(e);
                                     });
    ASSERT_TRUE(healer_->Start());
  }

  std::string Get(const std::string& what, const std::string& path) {
    return Shell(Kubectl() + "get " + what + " -n " + ns_ + " -o jsonpath='" + path + "'").output;
  }

  // Waits until `what` at `path` reads `value` again; returns how long that took.
  std::chrono::milliseconds RevertedWithin(const std::string& what, const std::string& path,
                                           const std::string& value,
                                           std::chrono::steady_clock::time_point since) {
    bool back = Eventually([&] { return Get(what, path) == value; }, 10s);
    EXPECT_TRUE(back) << what << " " << path << " is " << Get(what, path) << ", not " << value;
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 since);
  }

  std::size_t Heals() {
    std::lock_guard lock(mu_);
    return heals_.size();
  }

  std::string app_;
  sync::AppSyncSpec spec_;
  std::vector<Object> rendered_;
  std::unique_ptr<WatchHub> hub_;  // before healer_: destroyed after it
  std::unique_ptr<SelfHealer> healer_;
  std::mutex mu_;
  std::vector<HealEvent> heals_;
};

TEST_F(DriftE2E, KubectlChangesAreRevertedByTheWatch) {
  SyncAndWatch();
  ASSERT_NE(healer_, nullptr);
  EXPECT_EQ(healer_->Snapshot().heals, 0u) << "nothing drifted yet";

  auto t0 = std::chrono::steady_clock::now();
  MustKubectl("scale deployment api -n " + ns_ + " --replicas=5");
  auto scale = RevertedWithin("deployment api", "{.spec.replicas}", "2", t0);

  t0 = std::chrono::steady_clock::now();
  MustKubectl("patch deployment api -n " + ns_ +
              " --type=merge -p '{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":"
              "\"api\",\"image\":\"ghcr.io/example/api:6.6.6\"}]}}}}'");
  auto edit = RevertedWithin("deployment api", "{.spec.template.spec.containers[0].image}",
                             "ghcr.io/example/api:1.0.0", t0);

  t0 = std::chrono::steady_clock::now();
  MustKubectl("patch configmap api-settings -n " + ns_ +
              " --type=merge -p '{\"data\":{\"mode\":\"slow\"}}'");
  auto config = RevertedWithin("configmap api-settings", "{.data.mode}", "fast", t0);

  t0 = std::chrono::steady_clock::now();
  MustKubectl("delete configmap api-settings -n " + ns_ + " --wait=true");
  auto recreated = RevertedWithin("configmap api-settings", "{.data.mode}", "fast", t0);

  ASSERT_TRUE(Eventually([&] { return Heals() >= 4; }, 10s));
  SelfHealStatus s = healer_->Snapshot();
  EXPECT_GE(s.heals, 4u);
  EXPECT_TRUE(s.conditions.empty()) << s.conditions.front();
  {
    std::lock_guard lock(mu_);
    EXPECT_EQ(heals_[0].changed_paths, std::vector<std::string>{"spec.replicas"});
    EXPECT_EQ(heals_[0].key.name, "api");
  }
  // Watch traffic that is not drift (the Deployment controller's status writes, our own
  // applies coming back) was dropped without a dry run.
  EXPECT_GT(s.ignored, 0u);
  std::cerr << "observed revert times (kubectl round trips included): scale " << scale.count()
            << " ms, edit " << edit.count() << " ms, configmap " << config.count() << " ms, delete "
            << recreated.count() << " ms\n";
  healer_->Stop();
}

TEST_F(DriftE2E, SyncWatchFromTheCli) {
  fs::path dir = tmp_.path() / "manifests";
  WriteFile(dir / "app.yaml", kManifests);
  std::string file = AppFile(ApplicationYaml(app_, dir.string(), ".", ns_));
  std::vector<std::string> args = {"sync", "-f", file, "--watch", "--watch-duration", "12s"};
  for (auto& a : CellArgs()) args.push_back(a);
  CliResult result;
  std::thread cli([&] { result = Cli(args); });
  // Once the sync is done and the watch runs, drift it.
  bool synced =
      Eventually([&] { return Get("deployment api", "{.status.availableReplicas}") == "2"; }, 60s);
  EXPECT_TRUE(synced);
  // The scale may land before the watch starts (the sync's last comparison then sees it
  // and self-heal fixes it first thing) or after (the watch sees it): one heal either way.
  MustKubectl("scale deployment api -n " + ns_ + " --replicas=4");
  RevertedWithin("deployment api", "{.spec.replicas}", "2", std::chrono::steady_clock::now());
  cli.join();
  EXPECT_EQ(result.code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("apps/Deployment " + ns_ + "/api: re-applied (drifted: spec.replicas)"),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("self-heal stopped: 1 heals"), std::string::npos) << result.out;
}

}  // namespace
}  // namespace cellgate::engine::e2e

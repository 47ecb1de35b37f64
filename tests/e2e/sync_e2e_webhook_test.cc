// A real mutating webhook fighting cellgate (sidecar_webhook.h): without ignoreDifferences
// self-heal detects the loop, reports a SelfHealBackoff condition naming the object and the
// field, and backs off, so its applies over a time window stay few; with ignoreDifferences
// on the injected container the app is Synced and nothing is applied at all.
#include <mutex>

#include "engine/self_heal.h"
#include "engine/watch_hub.h"
#include "sidecar_webhook.h"
#include "sync_e2e_util.h"

namespace cellgate::engine::e2e {
namespace {

constexpr char kDeployment[] = R"(
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 1
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
      - name: api
        image: ghcr.io/example/api:1.0.0
)";

constexpr char kIgnoreSidecar[] = R"(  ignoreDifferences:
  - group: apps
    kind: Deployment
    jqPathExpressions:
    - '.spec.template.spec.containers[] | select(.name == "sidecar")'
)";

class WebhookE2E : public SyncE2ETest {
 protected:
  void SetUp() override {
    SyncE2ETest::SetUp();
    webhook_ = std::make_unique<SidecarWebhook>(tmp_.path() / "webhook");
    label_ = UniqueSuffix();
    config_name_ = "cellgate-e2e-sidecar-" + label_;
    MustKubectl("label namespace " + ns_ + " cellgate-e2e-webhook=" + label_);
    WriteFile(tmp_.path() / "webhook.yaml", webhook_->Configuration(config_name_, label_));
    MustKubectl("apply -f " + (tmp_.path() / "webhook.yaml").string());
    // The API server reads webhook configurations from an informer: wait until it calls us.
    ASSERT_TRUE(Eventually([&] {
      (void)Shell(Kubectl() + "create deployment probe -n " + ns_ +
                  " --image=busybox --dry-run=server -o name");
      return webhook_->dry_runs() > 0;
    }));
  }

  void TearDown() override {
    healer_.reset();
    (void)Shell(Kubectl() + "delete mutatingwebhookconfiguration " + config_name_);
    SyncE2ETest::TearDown();
  }

  // Syncs the Deployment and starts self-heal from a fresh comparison; returns it.
  AppComparison SyncAndWatch(const std::string& extra_spec) {
    auto spec = sync::ParseAppSyncSpec(
        ParseObjects(ApplicationYaml("webhook-" + label_, "unused", ".", ns_, extra_spec))
            .front()
            .body());
    EXPECT_TRUE(spec) << spec.error().message();
    rendered_ = ParseObjects(kDeployment);
    CellAccess cell = Access();
    auto observed = ObserveApp(cell, *spec, rendered_);
    EXPECT_TRUE(observed) << observed.error().message();
    sync::SyncResult r = SyncApp(cell, *spec, *observed, {}, {.health_timeout = 90s});
    EXPECT_TRUE(r.succeeded()) << r.message;
    auto after = ObserveApp(cell, *spec, rendered_);
    EXPECT_TRUE(after) << after.error().message();
    hub_ = std::make_unique<WatchHub>(cell_->client().watcher());
    healer_ =
        std::make_unique<SelfHealer>(Access(), *hub_,
                                     SelfHealTarget{.instance = spec->instance,
                                                    .destination_namespace = ns_,
                                                    .desired = after->desired.objects,
                                                    .ignore = after->ignore,
                                                    .baseline = BaselineFrom(after->comparison)});
    EXPECT_TRUE(healer_->Start());
    return after->comparison;
  }

  std::unique_ptr<SidecarWebhook> webhook_;
  std::string label_;
  std::string config_name_;
  std::vector<Object> rendered_;
  std::unique_ptr<WatchHub> hub_;  // before healer_: destroyed after it
  std::unique_ptr<SelfHealer> healer_;
};

TEST_F(WebhookE2E, WithoutIgnoreDifferencesTheLoopIsReportedAndBackedOff) {
  AppComparison after = SyncAndWatch("");
  // The webhook changed the Deployment after the apply: the cell does not match Git.
  EXPECT_EQ(after.sync, sync::SyncStatus::kOutOfSync);
  EXPECT_NE(MustKubectl("get deployment api -n " + ns_ +
                        " -o jsonpath='{.spec.template.spec.containers[1].name}'"),
            "");

  ASSERT_TRUE(Eventually([&] { return !healer_->Snapshot().conditions.empty(); }, 30s))
      << "heals: " << healer_->Snapshot().heals;
  SelfHealStatus s = healer_->Snapshot();
  const std::string& condition = s.conditions.front();
  EXPECT_TRUE(condition.starts_with("SelfHealBackoff: apps/Deployment " + ns_ + "/api: field"))
      << condition;
  EXPECT_NE(condition.find("spec.template.spec.containers"), std::string::npos) << condition;
  EXPECT_NE(condition.find("changed by another actor after 3 heals; next attempt in 1s"),
            std::string::npos)
      << condition;

  // Backing off (1 s, 2 s, 4 s, 8 s...): over 15 s at most a handful of writes reach the
  // webhook, where fighting at once would make several per second.
  int writes_before = webhook_->writes();
  std::size_t heals_before = s.heals;
  std::this_thread::sleep_for(15s);
  int writes = webhook_->writes() - writes_before;
  std::size_t heals = healer_->Snapshot().heals - heals_before;
  EXPECT_LE(writes, 5) << "self-heal kept fighting the webhook";
  EXPECT_GE(heals, 1u) << "self-heal stopped trying altogether";
  EXPECT_EQ(static_cast<std::size_t>(writes), heals) << "every write was a heal";
  EXPECT_FALSE(healer_->Snapshot().conditions.empty());
  std::cerr << "backoff window: " << writes
            << " writes in 15 s; condition: " << healer_->Snapshot().conditions.front() << "\n";
}

TEST_F(WebhookE2E, IgnoringTheInjectedContainerKeepsTheAppSyncedAndStill) {
  AppComparison after = SyncAndWatch(kIgnoreSidecar);
  EXPECT_EQ(after.sync, sync::SyncStatus::kSynced)
      << (after.resources.empty() ? "" : after.resources.front().diff.text);
  EXPECT_EQ(MustKubectl("get deployment api -n " + ns_ +
                        " -o jsonpath='{.spec.template.spec.containers[1].name}'"),
            "sidecar");
  int writes_before = webhook_->writes();
  std::this_thread::sleep_for(10s);
  EXPECT_EQ(webhook_->writes() - writes_before, 0) << "nothing may be applied";
  SelfHealStatus s = healer_->Snapshot();
  EXPECT_EQ(s.heals, 0u);
  EXPECT_TRUE(s.conditions.empty());
  EXPECT_EQ(s.drifts, 0u);
}

}  // namespace
}  // namespace cellgate::engine::e2e

// SelfHealer and HealGuard against FakeCell. The healers run on a manual HealRunner driven
// from the test thread (Settle), with the cell's FakeClock: a test knows that nothing more is
// due, rather than waiting to see that nothing happens.
#include "engine/self_heal.h"

#include <gtest/gtest.h>

#include "core/mutex.h"
#include "engine/app_sync.h"
#include "engine/testing/fake_cell.h"
#include "engine/watch_hub.h"
#include "sync/tracking.h"

namespace cellgate::engine {
namespace {

using testing::FakeCell;
using testing::Objects;
using testing::OneObject;
using namespace std::chrono_literals;

const ObjectKey kApi{"apps", "Deployment", "shop", "api"};

class SelfHealTest : public ::testing::Test {
 protected:
  SelfHealTest() {
    fake_.Put(OneObject("apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}"));
  }

  CellAccess Cell() { return CellAccess{"fake", fake_, fake_, fake_, fake_.clock()}; }

  // Syncs the app and returns a healer seeded with the sync's results (not started).
  std::unique_ptr<SelfHealer> SyncAndHeal(const std::string& ignore = "",
                                          HealGuardOptions guard = {}) {
    auto spec = sync::ParseAppSyncSpec(OneObject(R"(
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: shop}
spec:
  destination: {namespace: shop}
)" + ignore)
                                           .body());
    EXPECT_TRUE(spec) << spec.error().message();
    rendered_ = Objects(R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  replicas: 3
  template:
    spec:
      containers: [{name: api, image: api:1}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {mode: fast}
)");
    CellAccess cell = Cell();
    auto observed = ObserveApp(cell, *spec, rendered_);
    EXPECT_TRUE(observed) << observed.error().message();
    sync::SyncResult result = SyncApp(cell, *spec, *observed, {}, {.wait_after_last_step = false});
    EXPECT_TRUE(result.succeeded()) << result.message;
    auto after = ObserveApp(cell, *spec, rendered_);
    EXPECT_TRUE(after) << after.error().message();
    SelfHealTarget target{.instance = spec->instance,
                          .destination_namespace = spec->destination_namespace,
                          .desired = after->desired.objects,
                          .ignore = after->ignore,
                          .baseline = BaselineFrom(after->comparison)};
    return std::make_unique<SelfHealer>(
        Cell(), hub_, std::move(target), SelfHealOptions{.guard = guard},
        [this](const HealEvent& e) {
          core::MutexLock lock(mu_);
          heals_.push_back(e);
        },
        runner_.get());
  }

  // Delivers every watch event and runs every check that is due, until neither is left: what
  // the healer does next needs a new event or a later clock.
  void Settle() {
    do {
      fake_.WaitForWatchDeliveries();
    } while (runner_->RunReady() > 0);
  }

  std::size_t HealCount() {
    core::MutexLock lock(mu_);
    return heals_.size();
  }

  FakeCell fake_;
  std::unique_ptr<HealRunner> runner_ = HealRunner::Manual(fake_.clock());
  WatchHub hub_{fake_};
  std::vector<Object> rendered_;
  core::Mutex mu_;
  std::vector<HealEvent> heals_;
};

TEST_F(SelfHealTest, StartWatchesOnlyRenderedKindsAndDoesNothingWhenInSync) {
  auto healer = SyncAndHeal();
  fake_.ClearLog();
  ASSERT_TRUE(healer->Start());
  EXPECT_EQ(fake_.WatchCount(), 2u);
  EXPECT_EQ(fake_.LogWith("watch ").size(), 2u);
  // A status change is not drift: no request at all.
  Settle();
  const std::size_t ignored = healer->Snapshot().ignored;
  fake_.Edit(kApi, [](Json& d) { d["status"] = {{"readyReplicas", 3}}; });
  Settle();
  EXPECT_EQ(healer->Snapshot().ignored, ignored + 1);
  EXPECT_FALSE(runner_->NextDue());
  EXPECT_TRUE(fake_.LogWith("apply").empty());
  SelfHealStatus s = healer->Snapshot();
  EXPECT_EQ(s.checks, 0u);
  EXPECT_EQ(s.heals, 0u);
  EXPECT_TRUE(s.running);
  healer->Stop();
  EXPECT_EQ(fake_.WatchCount(), 0u);
  EXPECT_FALSE(healer->Snapshot().running);
}

TEST_F(SelfHealTest, RevertsAScaleAndARecreatesADeletedObject) {
  auto healer = SyncAndHeal();
  ASSERT_TRUE(healer->Start());
  fake_.Edit(kApi, [](Json& d) { d["spec"]["replicas"] = 7; });
  Settle();
  ASSERT_TRUE(fake_.Find(kApi));
  EXPECT_EQ(fake_.Find(kApi)->body()["spec"]["replicas"], 3);
  ASSERT_EQ(HealCount(), 1u);
  {
    core::MutexLock lock(mu_);
    EXPECT_EQ(heals_[0].action, "re-applied");
    EXPECT_EQ(heals_[0].changed_paths, std::vector<std::string>{"spec.replicas"});
    EXPECT_TRUE(heals_[0].message.empty());
  }
  fake_.Erase({"", "ConfigMap", "shop", "settings"});
  Settle();
  EXPECT_TRUE(fake_.Find({"", "ConfigMap", "shop", "settings"}).has_value());
  EXPECT_FALSE(runner_->NextDue());
  SelfHealStatus s = healer->Snapshot();
  EXPECT_EQ(s.heals, 2u);
  EXPECT_TRUE(s.conditions.empty());
  // Our own writes came back as watch events and were not taken for drift.
  EXPECT_EQ(HealCount(), 2u);
}

TEST_F(SelfHealTest, IgnoredFieldsAreNotDrift) {
  auto healer = SyncAndHeal(R"(  ignoreDifferences:
  - {group: apps, kind: Deployment, jsonPointers: [/spec/replicas]}
)");
  ASSERT_TRUE(healer->Start());
  Settle();
  const std::size_t ignored = healer->Snapshot().ignored;
  fake_.ClearLog();
  fake_.Edit(kApi, [](Json& d) { d["spec"]["replicas"] = 9; });
  Settle();
  EXPECT_EQ(healer->Snapshot().ignored, ignored + 1);
  EXPECT_FALSE(runner_->NextDue());
  EXPECT_TRUE(fake_.LogWith("apply").empty()) << "not even a dry run";
  EXPECT_EQ(fake_.Find(kApi)->body()["spec"]["replicas"], 9);
}

TEST_F(SelfHealTest, AnotherActorFightingBackLeadsToBackoffAndACondition) {
  // A "webhook": every write of the Deployment gets a sidecar with a new value, as injectors
  // that stamp the injection time do.
  int stamp = 0;
  fake_.SetReactor([&](const std::string& verb, Json& obj) {
    if (verb != "apply" || obj.value("kind", "") != "Deployment") return;
    obj["spec"]["template"]["spec"]["containers"][1] = {
        {"name", "sidecar"}, {"image", "proxy:" + std::to_string(++stamp)}};
  });
  auto healer = SyncAndHeal(
      "",
      {.heals_before_backoff = 3, .loop_window = 30s, .initial_backoff = 1s, .max_backoff = 8s});
  ASSERT_TRUE(healer->Start());
  // The sync's own apply was changed by the "webhook": the first check finds drift, and so
  // does every check after each heal.
  Settle();
  SelfHealStatus s = healer->Snapshot();
  EXPECT_EQ(s.heals, 3u);
  ASSERT_EQ(s.conditions.size(), 1u);
  EXPECT_EQ(s.conditions[0],
            "SelfHealBackoff: apps/Deployment shop/api: field spec.template.spec.containers "
            "changed by another actor after 3 heals; next attempt in 1s");
  // Nothing more happens until the (fake) clock passes the backoff.
  const Clock::TimePoint backoff_ends = fake_.clock().Now() + 1s;
  EXPECT_EQ(runner_->NextDue(), backoff_ends);
  fake_.mutable_clock().Advance(999ms);
  Settle();
  EXPECT_EQ(healer->Snapshot().heals, 3u);
  fake_.mutable_clock().Advance(101ms);
  Settle();
  s = healer->Snapshot();
  EXPECT_EQ(s.heals, 4u);
  ASSERT_EQ(s.conditions.size(), 1u);
  EXPECT_TRUE(s.conditions[0].ends_with("after 4 heals; next attempt in 2s")) << s.conditions[0];
  EXPECT_EQ(runner_->NextDue(), fake_.clock().Now() + 2s);
}

TEST(HealGuardTest, BackoffDoublesUpToTheCapAndResetsWhenInSync) {
  HealGuard guard({.heals_before_backoff = 2,
                   .loop_window = std::chrono::seconds(10),
                   .initial_backoff = std::chrono::seconds(1),
                   .max_backoff = std::chrono::seconds(4)});
  Clock::TimePoint t{};
  std::vector<std::string> paths = {"spec.replicas"};
  std::vector<std::chrono::milliseconds> backoffs;
  for (int i = 0; i < 6; ++i) {
    HealDecision d = guard.OnDrift(kApi, paths, t);
    if (!d.apply_now) {
      t = *d.retry_at;
      d = guard.OnDrift(kApi, paths, t);
    }
    ASSERT_TRUE(d.apply_now);
    guard.OnHealed(kApi, t);
    backoffs.push_back(guard.Find(kApi)->backoff);
  }
  using std::chrono::milliseconds;
  EXPECT_EQ(backoffs, (std::vector<milliseconds>{milliseconds(0), milliseconds(1000),
                                                 milliseconds(2000), milliseconds(4000),
                                                 milliseconds(4000), milliseconds(4000)}));
  EXPECT_EQ(guard.Conditions().size(), 1u);
  guard.OnInSync(kApi, t + std::chrono::seconds(5));
  EXPECT_TRUE(guard.Conditions().empty());
  EXPECT_EQ(guard.Find(kApi)->streak, 0u);
  EXPECT_EQ(guard.Find(kApi)->heals, 6u);
}

TEST(HealGuardTest, HealsFarApartAreNotALoop) {
  HealGuard guard({.heals_before_backoff = 2, .loop_window = std::chrono::seconds(10)});
  Clock::TimePoint t{};
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(guard.OnDrift(kApi, {"spec.replicas"}, t).apply_now);
    guard.OnHealed(kApi, t);
    t += std::chrono::seconds(11);
  }
  EXPECT_TRUE(guard.Conditions().empty());
  EXPECT_EQ(guard.Find(kApi)->streak, 1u);
}

TEST(ChangedPathsTest, ReportsObjectsByKeyAndListsWhole) {
  Json a = Json::parse(R"({"spec": {"replicas": 1, "template": {"containers": [1]}}, "x": 1})");
  Json b = Json::parse(R"({"spec": {"replicas": 2, "template": {"containers": [1, 2]}}, "y": 1})");
  EXPECT_EQ(ChangedPaths(a, b),
            (std::vector<std::string>{"spec.replicas", "spec.template.containers", "x", "y"}));
  EXPECT_EQ(ChangedPaths(a, b, 1).size(), 1u);
  EXPECT_TRUE(ChangedPaths(a, a).empty());
  EXPECT_EQ(ShortDuration(std::chrono::seconds(8)), "8s");
  EXPECT_EQ(ShortDuration(std::chrono::seconds(128)), "2m8s");
  EXPECT_EQ(ShortDuration(std::chrono::minutes(5)), "5m");
}

}  // namespace
}  // namespace cellgate::engine

namespace cellgate::engine {
namespace {

TEST(WatchHubTest, OneWatchPerKindSharedByApps) {
  FakeCell fake;
  auto labelled = [](const std::string& name, const std::string& app) {
    Object o = OneObject("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: " + name +
                         ", namespace: default}");
    o.SetLabel(sync::kInstanceLabel, app);
    return o;
  };
  fake.Put(labelled("a1", "a"));
  fake.Put(labelled("b1", "b"));
  core::Mutex mu;
  std::map<std::string, std::vector<std::string>> seen;  // app -> "type name"
  auto recorder = [&](const std::string& app) {
    return [&, app](const kube::WatchEvent& e) {
      core::MutexLock lock(mu);
      if (e.type == kube::WatchEventType::kReplace) {
        for (const auto& o : e.objects) seen[app].push_back("list " + o.Name());
      } else {
        seen[app].push_back((e.type == kube::WatchEventType::kDeleted ? "deleted " : "changed ") +
                            e.object.Name());
      }
    };
  };
  auto count = [&](const std::string& app) {
    core::MutexLock lock(mu);
    return seen[app].size();
  };
  WatchHub hub(fake);
  auto a = hub.Subscribe({"", "v1", "ConfigMap"}, "a", recorder("a"));
  ASSERT_TRUE(a);
  fake.WaitForWatchDeliveries();
  EXPECT_EQ(count("a"), 1u);
  // A late subscriber is served from the hub's cache: still one watch.
  auto b = hub.Subscribe({"", "v1", "ConfigMap"}, "b", recorder("b"));
  ASSERT_TRUE(b);
  EXPECT_EQ(count("b"), 1u);
  EXPECT_EQ(fake.WatchCount(), 1u);
  EXPECT_EQ(hub.WatchCount(), 1u);
  fake.Edit({"", "ConfigMap", "default", "b1"}, [](Json& o) { o["data"] = {{"k", "v"}}; });
  fake.Put(labelled("a2", "a"));
  fake.Put(labelled("nobody", "c"));
  fake.WaitForWatchDeliveries();
  EXPECT_EQ(count("a"), 2u);
  EXPECT_EQ(count("b"), 2u);
  // Relabelling moves an object: the old app sees it deleted, the new one sees it.
  fake.Edit({"", "ConfigMap", "default", "a2"},
            [](Json& o) { o["metadata"]["labels"][std::string(sync::kInstanceLabel)] = "b"; });
  fake.WaitForWatchDeliveries();
  {
    core::MutexLock lock(mu);
    EXPECT_EQ(seen["a"], (std::vector<std::string>{"list a1", "changed a2", "deleted a2"}));
    EXPECT_EQ(seen["b"], (std::vector<std::string>{"list b1", "changed b1", "changed a2"}));
  }
  a->reset();
  EXPECT_EQ(hub.WatchCount(), 1u);
  b->reset();
  EXPECT_EQ(hub.WatchCount(), 0u) << "the last subscriber stops the watch";
  EXPECT_EQ(fake.WatchCount(), 0u);
}

TEST_F(SelfHealTest, WatchHubWaitsForWritesToReachItsCache) {
  auto healer = SyncAndHeal();
  ASSERT_TRUE(healer->Start());
  const kube::GroupVersionKind cm{.version = "v1", .kind = "ConfigMap"};
  const ObjectKey settings{"", "ConfigMap", "shop", "settings"};
  fake_.Edit(settings, [](Json& d) { d["data"]["mode"] = "slow"; });
  auto live = fake_.Find(settings);
  ASSERT_TRUE(live);
  const std::string rv = StringAt(live->body(), {"metadata", "resourceVersion"});
  EXPECT_TRUE(hub_.WaitForWrites({{.gvk = cm, .key = settings, .resource_version = rv}}, 2s));

  // A version the cache has not seen: false once the timeout passes.
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(hub_.WaitForWrites(
      {{.gvk = cm, .key = settings, .resource_version = std::to_string(std::stoull(rv) + 100)}},
      100ms));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 100ms);

  // A kind nobody watches: false at once.
  start = std::chrono::steady_clock::now();
  const kube::GroupVersionKind svc{.version = "v1", .kind = "Service"};
  EXPECT_FALSE(hub_.WaitForWrites(
      {{.gvk = svc, .key = {"", "Service", "shop", "web"}, .resource_version = "1"}}, 2s));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);

  // A pruned object the cache still holds: not caught up.
  EXPECT_FALSE(hub_.WaitForWrites({{.gvk = cm, .key = settings}}, 50ms));
  EXPECT_TRUE(hub_.WaitForWrites({{.gvk = cm, .key = {"", "ConfigMap", "shop", "gone"}}}, 2s));
}

TEST(NotNewerVersionTest, ComparesEtcdRevisionsAsNumbers) {
  EXPECT_TRUE(NotNewerVersion("9", "10"));
  EXPECT_TRUE(NotNewerVersion("10", "10"));
  EXPECT_FALSE(NotNewerVersion("11", "10"));
  EXPECT_TRUE(NotNewerVersion("abc", "abc"));
  EXPECT_FALSE(NotNewerVersion("abc", "abd"));
  EXPECT_FALSE(NotNewerVersion("", "10"));
}

}  // namespace
}  // namespace cellgate::engine

// SelfHealer and HealGuard against FakeCell.
#include "engine/self_heal.h"

#include <gtest/gtest.h>

#include <thread>

#include "engine/app_sync.h"
#include "engine/testing/fake_cell.h"
#include "sync/tracking.h"
#include "engine/watch_hub.h"

namespace cellgate::engine {
namespace {

using testing::FakeCell;
using testing::Objects;
using testing::OneObject;
using namespace std::chrono_literals;

bool Eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout = 5s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return done();
}

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
    return std::make_unique<SelfHealer>(Cell(), hub_, std::move(target),
                                        SelfHealOptions{.guard = guard},
                                        [this](const HealEvent& e) {
                                          std::lock_guard lock(mu_);
                                          heals_.push_back(e);
                                        });
  }

  std::size_t HealCount() {
    std::lock_guard lock(mu_);
    return heals_.size();
  }

  FakeCell fake_;
  WatchHub hub_{fake_};
  std::vector<Object> rendered_;
  std::mutex mu_;
  std::vector<HealEvent> heals_;
};

TEST_F(SelfHealTest, StartWatchesOnlyRenderedKindsAndDoesNothingWhenInSync) {
  auto healer = SyncAndHeal();
  fake_.ClearLog();
  ASSERT_TRUE(healer->Start());
  EXPECT_EQ(fake_.WatchCount(), 2u);
  EXPECT_EQ(fake_.LogWith("watch ").size(), 2u);
  // A status change is not drift: no request at all.
  fake_.Edit(kApi, [](Json& d) { d["status"] = {{"readyReplicas", 3}}; });
  ASSERT_TRUE(Eventually([&] { return healer->Snapshot().ignored >= 1; }));
  std::this_thread::sleep_for(50ms);
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
  ASSERT_TRUE(Eventually([&] {
    auto d = fake_.Find(kApi);
    return d && d->body()["spec"]["replicas"] == 3;
  }));
  ASSERT_TRUE(Eventually([&] { return HealCount() == 1; }));
  {
    std::lock_guard lock(mu_);
    EXPECT_EQ(heals_[0].action, "re-applied");
    EXPECT_EQ(heals_[0].changed_paths, std::vector<std::string>{"spec.replicas"});
    EXPECT_TRUE(heals_[0].message.empty());
  }
  fake_.Erase({"", "ConfigMap", "shop", "settings"});
  ASSERT_TRUE(Eventually([&] {
    return fake_.Find({"", "ConfigMap", "shop", "settings"}).has_value();
  }));
  ASSERT_TRUE(Eventually([&] { return HealCount() == 2; }));
  std::this_thread::sleep_for(50ms);
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
  fake_.ClearLog();
  fake_.Edit(kApi, [](Json& d) { d["spec"]["replicas"] = 9; });
  ASSERT_TRUE(Eventually([&] { return healer->Snapshot().ignored >= 1; }));
  std::this_thread::sleep_for(50ms);
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
  ASSERT_TRUE(Eventually([&] { return !healer->Snapshot().conditions.empty(); }));
  SelfHealStatus s = healer->Snapshot();
  EXPECT_EQ(s.heals, 3u);
  ASSERT_EQ(s.conditions.size(), 1u);
  EXPECT_EQ(s.conditions[0],
            "SelfHealBackoff: apps/Deployment shop/api: field spec.template.spec.containers "
            "changed by another actor after 3 heals; next attempt in 1s");
  // Nothing more happens until the (fake) clock passes the backoff.
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(healer->Snapshot().heals, 3u);
  fake_.mutable_clock().Advance(1100ms);
  ASSERT_TRUE(Eventually([&] { return healer->Snapshot().heals == 4; }));
  ASSERT_TRUE(Eventually([&] {
    auto c = healer->Snapshot().conditions;
    return !c.empty() && c[0].ends_with("after 4 heals; next attempt in 2s");
  }));
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(healer->Snapshot().heals, 4u);
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
  std::mutex mu;
  std::map<std::string, std::vector<std::string>> seen;  // app -> "type name"
  auto recorder = [&](const std::string& app) {
    return [&, app](const kube::WatchEvent& e) {
      std::lock_guard lock(mu);
      if (e.type == kube::WatchEventType::kReplace) {
        for (const auto& o : e.objects) seen[app].push_back("list " + o.Name());
      } else {
        seen[app].push_back((e.type == kube::WatchEventType::kDeleted ? "deleted " : "changed ") +
                            e.object.Name());
      }
    };
  };
  auto count = [&](const std::string& app) {
    std::lock_guard lock(mu);
    return seen[app].size();
  };
  WatchHub hub(fake);
  auto a = hub.Subscribe({"", "v1", "ConfigMap"}, "a", recorder("a"));
  ASSERT_TRUE(a);
  ASSERT_TRUE(Eventually([&] { return count("a") == 1; }));
  // A late subscriber is served from the hub's cache: still one watch.
  auto b = hub.Subscribe({"", "v1", "ConfigMap"}, "b", recorder("b"));
  ASSERT_TRUE(b);
  EXPECT_EQ(count("b"), 1u);
  EXPECT_EQ(fake.WatchCount(), 1u);
  EXPECT_EQ(hub.WatchCount(), 1u);
  fake.Edit({"", "ConfigMap", "default", "b1"}, [](Json& o) { o["data"] = {{"k", "v"}}; });
  fake.Put(labelled("a2", "a"));
  fake.Put(labelled("nobody", "c"));
  ASSERT_TRUE(Eventually([&] { return count("a") == 2 && count("b") == 2; }));
  // Relabelling moves an object: the old app sees it deleted, the new one sees it.
  fake.Edit({"", "ConfigMap", "default", "a2"},
            [](Json& o) { o["metadata"]["labels"][std::string(sync::kInstanceLabel)] = "b"; });
  ASSERT_TRUE(Eventually([&] { return count("a") == 3 && count("b") == 3; }));
  {
    std::lock_guard lock(mu);
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

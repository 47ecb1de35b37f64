// PredictionMemo, and WatchHub as the LiveCache of LoadLiveState.
#include "engine/prediction_memo.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "engine/live_state.h"
#include "engine/testing/fake_cell.h"
#include "engine/watch_hub.h"
#include "sync/tracking.h"

namespace cellgate::engine {
namespace {

using testing::OneObject;

Object Live(const std::string& yaml) { return OneObject(yaml); }

const char* kDeployment = R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: default, generation: 3, resourceVersion: "10", uid: u1,
           labels: {app: api}}
spec: {replicas: 2}
status: {readyReplicas: 1}
)";

TEST(LiveFingerprintTest, GenerationKindsIgnoreStatusAndResourceVersion) {
  Object live = Live(kDeployment);
  const std::string before = LiveFingerprint(live);
  EXPECT_EQ(before.rfind("g:3:", 0), 0u) << before;

  Object status_update = live;
  status_update.mutable_body()["metadata"]["resourceVersion"] = "11";
  status_update.mutable_body()["status"]["readyReplicas"] = 2;
  EXPECT_EQ(LiveFingerprint(status_update), before) << "a status update costs no dry run";

  Object spec_edit = live;
  spec_edit.mutable_body()["metadata"]["generation"] = 4;
  EXPECT_NE(LiveFingerprint(spec_edit), before);

  Object label_edit = live;
  label_edit.mutable_body()["metadata"]["labels"]["app"] = "other";
  EXPECT_NE(LiveFingerprint(label_edit), before) << "metadata edits do not bump generation";

  Object recreated = live;
  recreated.mutable_body()["metadata"]["uid"] = "u2";
  EXPECT_NE(LiveFingerprint(recreated), before);
}

TEST(LiveFingerprintTest, OtherKindsUseTheResourceVersion) {
  Object cm = Live("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, resourceVersion: '7'}");
  EXPECT_EQ(LiveFingerprint(cm), "rv:7");
}

TEST(PredictionMemoTest, KnowsOnlyTheSameDesiredObjectOnTheSameLiveObject) {
  PredictionMemo memo;
  Object desired = Live(
      "apiVersion: apps/v1\nkind: Deployment\n"
      "metadata: {name: api, namespace: default}\nspec: {replicas: 2}");
  Object live = Live(kDeployment);
  EXPECT_FALSE(memo.KnownUnchanged(desired, live));
  memo.RecordUnchanged(desired, live);
  EXPECT_EQ(memo.size(), 1u);
  EXPECT_TRUE(memo.KnownUnchanged(desired, live));
  EXPECT_EQ(memo.hits(), 1u);

  Object new_desired = desired;
  new_desired.mutable_body()["spec"]["replicas"] = 3;
  EXPECT_FALSE(memo.KnownUnchanged(new_desired, live)) << "a new commit is asked again";

  Object edited = live;
  edited.mutable_body()["metadata"]["generation"] = 4;
  EXPECT_FALSE(memo.KnownUnchanged(desired, edited)) << "a spec edit (drift) is asked again";

  memo.Forget(live.Key());
  EXPECT_FALSE(memo.KnownUnchanged(desired, live));
  memo.RecordUnchanged(desired, live);
  memo.Clear();
  EXPECT_FALSE(memo.KnownUnchanged(desired, live));
  EXPECT_EQ(memo.size(), 0u);
}

TEST(PredictionMemoTest, StaysWithinItsCap) {
  PredictionMemo memo(2);
  for (int i = 0; i < 5; ++i) {
    Object o = Live("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c" + std::to_string(i) +
                    ", resourceVersion: '1'}");
    memo.RecordUnchanged(o, o);
    EXPECT_LE(memo.size(), 2u);
  }
}

// A watcher whose events the test sends, synchronously.
class ScriptedWatcher final : public kube::Watcher {
 public:
  Result<std::unique_ptr<kube::WatchHandle>> Watch(const kube::GroupVersionKind&, std::string_view,
                                                   const kube::WatchOptions&,
                                                   kube::WatchCallback on_event) override {
    callback = std::move(on_event);
    return std::unique_ptr<kube::WatchHandle>(new Handle);
  }
  kube::WatchCallback callback;

 private:
  struct Handle final : kube::WatchHandle {
    void Stop() override {}
  };
};

Object Labelled(const std::string& name, const std::string& app) {
  Object o = OneObject("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: " + name +
                       ", namespace: default}");
  sync::SetTracking(o, app, "default");
  return o;
}

std::vector<std::string> Names(const std::optional<CachedObjects>& cached) {
  std::vector<std::string> out;
  for (const auto& o : cached->objects) out.push_back(o.Name());
  return out;
}

TEST(WatchHubCacheTest, AnswersOnlyForListedKindsWhoseWatchIsHealthy) {
  const kube::GroupVersionKind cm{"", "v1", "ConfigMap"};
  ScriptedWatcher watcher;
  WatchHub hub(watcher);
  EXPECT_FALSE(hub.Cached(cm, "web")) << "not watched";
  auto sub = hub.Subscribe(cm, "web", [](const kube::WatchEvent&) {});
  ASSERT_TRUE(sub);
  EXPECT_FALSE(hub.Cached(cm, "web")) << "not listed yet";

  watcher.callback({.type = kube::WatchEventType::kReplace,
                    .objects = {Labelled("a", "web"), Labelled("b", "other")}});
  EXPECT_EQ(Names(hub.Cached(cm, "web")), std::vector<std::string>{"a"});
  watcher.callback({.type = kube::WatchEventType::kAdded, .object = Labelled("c", "web")});
  watcher.callback({.type = kube::WatchEventType::kModified, .object = Labelled("b", "web")});
  EXPECT_EQ(Names(hub.Cached(cm, "web")), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(Names(hub.Cached(cm, "other")).empty()) << "b moved to web";
  watcher.callback({.type = kube::WatchEventType::kDeleted, .object = Labelled("a", "web")});
  EXPECT_EQ(Names(hub.Cached(cm, "web")), (std::vector<std::string>{"b", "c"}));

  watcher.callback({.type = kube::WatchEventType::kError});
  EXPECT_FALSE(hub.Cached(cm, "web")) << "a failed watch may have missed changes";
  watcher.callback({.type = kube::WatchEventType::kBookmark});
  EXPECT_TRUE(hub.Cached(cm, "web")) << "the watch is back";
}

TEST(WatchHubCacheTest, VersionChangesExactlyWhenTheLabelsObjectsOrTheWatchChange) {
  const kube::GroupVersionKind cm{"", "v1", "ConfigMap"};
  ScriptedWatcher watcher;
  WatchHub hub(watcher);
  auto sub = hub.Subscribe(cm, "web", [](const kube::WatchEvent&) {});
  ASSERT_TRUE(sub);
  EXPECT_FALSE(hub.CachedVersion(cm, "web")) << "not listed yet";
  watcher.callback({.type = kube::WatchEventType::kReplace,
                    .objects = {Labelled("a", "web"), Labelled("b", "other")}});
  auto web = hub.CachedVersion(cm, "web");
  auto other = hub.CachedVersion(cm, "other");
  auto none = hub.CachedVersion(cm, "nobody");
  ASSERT_TRUE(web && other && none);
  EXPECT_EQ(hub.Cached(cm, "web")->version, *web) << "Cached reports the same version";

  watcher.callback({.type = kube::WatchEventType::kModified, .object = Labelled("b", "other")});
  EXPECT_EQ(hub.CachedVersion(cm, "web"), web) << "another label's change";
  EXPECT_NE(hub.CachedVersion(cm, "other"), other);
  other = hub.CachedVersion(cm, "other");
  watcher.callback({.type = kube::WatchEventType::kBookmark});
  EXPECT_EQ(hub.CachedVersion(cm, "web"), web) << "a bookmark changes nothing";

  watcher.callback({.type = kube::WatchEventType::kAdded, .object = Labelled("c", "nobody")});
  EXPECT_NE(hub.CachedVersion(cm, "nobody"), none) << "a label's first object";
  watcher.callback({.type = kube::WatchEventType::kDeleted, .object = Labelled("a", "web")});
  EXPECT_NE(hub.CachedVersion(cm, "web"), web) << "a label's object removed";
  web = hub.CachedVersion(cm, "web");

  watcher.callback({.type = kube::WatchEventType::kModified, .object = Labelled("c", "web")});
  EXPECT_NE(hub.CachedVersion(cm, "web"), web) << "an object moved to the label";
  EXPECT_NE(hub.CachedVersion(cm, "nobody"), none) << "and away from the other one";
  web = hub.CachedVersion(cm, "web");

  watcher.callback({.type = kube::WatchEventType::kError});
  EXPECT_FALSE(hub.CachedVersion(cm, "web")) << "a failing watch has no version";
  watcher.callback({.type = kube::WatchEventType::kBookmark});
  ASSERT_TRUE(hub.CachedVersion(cm, "web"));
  EXPECT_NE(hub.CachedVersion(cm, "web"), web) << "events may have been missed meanwhile";
  EXPECT_NE(hub.CachedVersion(cm, "other"), other);
}

TEST(WatchHubCacheTest, AKindWatchedAgainNeverRepeatsAVersion) {
  const kube::GroupVersionKind cm{"", "v1", "ConfigMap"};
  ScriptedWatcher watcher;
  WatchHub hub(watcher);
  std::optional<std::string> first;
  {
    auto sub = hub.Subscribe(cm, "web", [](const kube::WatchEvent&) {});
    ASSERT_TRUE(sub);
    watcher.callback({.type = kube::WatchEventType::kReplace, .objects = {Labelled("a", "web")}});
    first = hub.CachedVersion(cm, "web");
    ASSERT_TRUE(first);
  }
  EXPECT_FALSE(hub.CachedVersion(cm, "web")) << "not watched any more";
  auto sub = hub.Subscribe(cm, "web", [](const kube::WatchEvent&) {});
  ASSERT_TRUE(sub);
  watcher.callback({.type = kube::WatchEventType::kReplace, .objects = {Labelled("b", "web")}});
  ASSERT_TRUE(hub.CachedVersion(cm, "web"));
  EXPECT_NE(hub.CachedVersion(cm, "web"), first);
}

TEST(WatchHubCacheTest, LoadLiveStateListsOnlyKindsTheCacheDoesNotHold) {
  testing::FakeCell fake;
  fake.Put(Labelled("mine", "web"));
  fake.Put(Labelled("theirs", "other"));
  WatchHub hub(fake);
  auto sub = hub.Subscribe({"", "v1", "ConfigMap"}, "web", [](const kube::WatchEvent&) {});
  ASSERT_TRUE(sub);
  for (int i = 0; i < 500 && !hub.Cached({"", "v1", "ConfigMap"}, "web"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  fake.ClearLog();
  auto live = LoadLiveState(fake, fake,
                            {.instance = "web",
                             .desired_kinds = {{"", "v1", "ConfigMap"}, {"", "v1", "Secret"}},
                             .cache = &hub});
  ASSERT_TRUE(live) << live.error().message();
  ASSERT_EQ(live->objects.size(), 1u);
  EXPECT_EQ(live->objects[0].Name(), "mine");
  auto lists = fake.LogWith("list ");
  ASSERT_EQ(lists.size(), 1u) << "ConfigMaps come from the watch cache";
  EXPECT_NE(lists[0].find("Secret"), std::string::npos) << lists[0];
  ASSERT_EQ(live->cached.size(), 1u) << "only the cached kind has a version";
  EXPECT_EQ(live->cached[0].gvk.kind, "ConfigMap");
  EXPECT_TRUE(CacheUnchanged(hub, "web", live->cached));
  fake.Put(Labelled("second", "web"));
  bool changed = false;
  for (int i = 0; i < 500 && !changed; ++i) {
    changed = !CacheUnchanged(hub, "web", live->cached);
    if (!changed) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(changed) << "a new object of the app is a change";
}

}  // namespace
}  // namespace cellgate::engine

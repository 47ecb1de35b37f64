// SyncExecutor against FakeCell: order of writes, waits, hooks, prune, failures.
#include "engine/executor.h"

#include <gtest/gtest.h>

#include "engine/executor_fixture.h"

namespace cellgate::engine {
namespace {

using executor_testing::CompleteJob;
using executor_testing::ConfigMap;
using executor_testing::Deployment;
using executor_testing::ExecutorTest;
using executor_testing::HookJob;
using executor_testing::kNamespace;
using executor_testing::MakeAvailable;
using testing::FakeCell;
using testing::Objects;

TEST_F(ExecutorTest, CreatesNamespaceFirstThenObjectsWithTracking) {
  sync::SyncResult r = Sync(std::string(kNamespace) + "---\n" + ConfigMap("settings", "a") +
                            "---\n" + Deployment("api", 2));
  ASSERT_EQ(r.phase, sync::OperationPhase::kSucceeded) << r.message;
  EXPECT_EQ(r.message, "successfully synced (all tasks run)");
  EXPECT_EQ(r.revision, "abcdef1234");
  // The comparison dry-ran nothing (nothing was live); the pre-flight dry-runs what it can:
  // objects in the namespace this sync creates are left to the apply.
  long ns = IndexOf("apply Namespace shop");
  long cm = IndexOf("apply ConfigMap shop/settings");
  long deploy = IndexOf("apply apps/Deployment shop/api");
  ASSERT_GE(ns, 0);
  EXPECT_GT(cm, ns);
  EXPECT_GT(deploy, ns);
  EXPECT_EQ(fake_.LogWith("apply(dry-run) ConfigMap").size(), 0u);
  auto stored = fake_.Find({"apps", "Deployment", "shop", "api"});
  ASSERT_TRUE(stored);
  EXPECT_TRUE(sync::IsTrackedBy(*stored, "shop"));
  EXPECT_EQ(stored->Label(sync::kInstanceLabel), "shop");
  ASSERT_EQ(r.resources.size(), 3u);
  for (const auto& res : r.resources) {
    EXPECT_EQ(res.result, sync::ResultCode::kSynced) << res.key.ToString();
    EXPECT_TRUE(res.live);
  }
  EXPECT_EQ(Find(r, "api")->message, "deployment.apps/api serverside-applied");
  ASSERT_TRUE(Find(r, "api")->health);
  EXPECT_EQ(Find(r, "api")->health->status, sync::HealthStatus::kHealthy);
}

TEST_F(ExecutorTest, PreflightDryRunRefusalWritesNothing) {
  fake_.Put(Objects(kNamespace).front());
  fake_.FailWhen([](const FakeCell::Request& req) -> std::optional<Error> {
    if (req.verb == "apply" && req.dry_run && req.key.name == "bad") {
      return Error(ErrorCode::kInvalidArgument,
                   "apply ConfigMap shop/bad: 422 Unprocessable Entity: data.key: Invalid value");
    }
    return std::nullopt;
  });
  sync::SyncResult r = Sync(ConfigMap("good", "a", -1) + "---\n" + ConfigMap("bad", "b", 3));
  EXPECT_EQ(r.phase, sync::OperationPhase::kFailed);
  EXPECT_NE(r.message.find("422"), std::string::npos) << r.message;
  EXPECT_TRUE(fake_.LogWith("apply ").empty()) << "nothing may be written after a refusal";
  ASSERT_NE(Find(r, "bad"), nullptr);
  EXPECT_EQ(Find(r, "bad")->result, sync::ResultCode::kSyncFailed);
}

TEST_F(ExecutorTest, WavesRunInOrderAndWaitForHealth) {
  fake_.Put(Objects(kNamespace).front());
  available_ = false;
  int reads = 0;
  fake_.SetReactor([&](const std::string& verb, Json& obj) {
    if (obj.value("kind", "") == "Deployment" && verb == "get" && ++reads >= 3) MakeAvailable(obj);
  });
  sync::SyncResult r = Sync(Deployment("db", 1, -1) + "---\n" + ConfigMap("late", "x", 2));
  ASSERT_EQ(r.phase, sync::OperationPhase::kSucceeded) << r.message;
  long db = IndexOf("apply apps/Deployment shop/db");
  long late = IndexOf("apply ConfigMap shop/late");
  ASSERT_GE(db, 0);
  ASSERT_GT(late, db);
  // The wave -1 Deployment was read until available before wave 2 was written.
  long last_get = -1;
  auto log = fake_.Log();
  for (std::size_t i = 0; i < log.size(); ++i) {
    if (log[i] == "get apps/Deployment shop/db") last_get = static_cast<long>(i);
  }
  EXPECT_GT(last_get, db);
  EXPECT_LT(last_get, late);
  EXPECT_EQ(reads, 3);
  EXPECT_GT(sleeper_.slept().count(), 0);
}

TEST_F(ExecutorTest, HealthTimeoutFailsAndStopsLaterWaves) {
  fake_.Put(Objects(kNamespace).front());
  available_ = false;
  fake_.SetReactor({});
  sync::SyncResult r = Sync(Deployment("db", 1, 0) + "---\n" + ConfigMap("late", "x", 5),
                            {.health_timeout = std::chrono::seconds(30)});
  EXPECT_EQ(r.phase, sync::OperationPhase::kFailed);
  EXPECT_NE(r.message.find("timed out after 30s waiting for apps/Deployment shop/db"),
            std::string::npos)
      << r.message;
  EXPECT_EQ(IndexOf("apply ConfigMap shop/late"), -1);
  EXPECT_GE(sleeper_.slept(), std::chrono::seconds(30));
}

TEST_F(ExecutorTest, PreSyncHookCompletesBeforeWaveZeroAndIsFinalised) {
  fake_.Put(Objects(kNamespace).front());
  sync::SyncResult r =
      Sync(HookJob("migrate", "PreSync", "HookSucceeded") + "---\n" + Deployment("api", 1));
  ASSERT_EQ(r.phase, sync::OperationPhase::kSucceeded) << r.message;
  long created = IndexOf("create batch/Job shop/migrate");
  long completed = IndexOf("get batch/Job shop/migrate");
  long released = IndexOf("update batch/Job shop/migrate");
  long deleted = IndexOf("delete batch/Job shop/migrate");
  long applied = IndexOf("apply apps/Deployment shop/api");
  ASSERT_GE(created, 0);
  EXPECT_GT(completed, created);
  EXPECT_GT(released, completed) << "the hook finalizer is removed once the hook is done";
  EXPECT_GT(applied, released) << "wave 0 starts after the PreSync hook finished";
  // gitops-engine deletes HookSucceeded hooks when the whole operation has succeeded
  // (sync_context.go: deleteHooks(hooksPendingDeletionSuccessful) before "successfully synced").
  EXPECT_GT(deleted, applied) << "HookSucceeded deletes it once the operation succeeded";
  EXPECT_FALSE(fake_.Find({"batch", "Job", "shop", "migrate"}));
  const sync::ResourceResult* hook = Find(r, "migrate");
  ASSERT_NE(hook, nullptr);
  EXPECT_TRUE(hook->hook);
  EXPECT_EQ(hook->hook_phase, sync::OperationPhase::kSucceeded);
  EXPECT_EQ(hook->sync_phase, sync::SyncPhase::kPreSync);
  Json state = sync::OperationStateJson(r);
  EXPECT_EQ(state["phase"], "Succeeded");
  EXPECT_EQ(state["syncResult"]["resources"][0]["hookPhase"], "Succeeded");
  EXPECT_EQ(state["syncResult"]["resources"][0]["hookType"], "PreSync");
}

TEST_F(ExecutorTest, HookCarriesFinalizerWhileRunning) {
  fake_.Put(Objects(kNamespace).front());
  std::optional<Json> seen;
  fake_.SetReactor([&](const std::string& verb, Json& obj) {
    if (obj.value("kind", "") != "Job" || verb != "get") return;
    if (!seen) seen = obj["metadata"]["finalizers"];
    CompleteJob(obj, true);
  });
  sync::SyncResult r = Sync(HookJob("migrate", "PreSync"));
  ASSERT_EQ(r.phase, sync::OperationPhase::kSucceeded) << r.message;
  ASSERT_TRUE(seen);
  EXPECT_EQ(*seen, Json::array({std::string(sync::kHookFinalizer)}));
  // BeforeHookCreation (the default) keeps the finished hook, without our finalizer.
  auto kept = fake_.Find({"batch", "Job", "shop", "migrate"});
  ASSERT_TRUE(kept);
  EXPECT_TRUE(kept->body()["metadata"]["finalizers"].empty());
}

TEST_F(ExecutorTest, FailingHookStopsTheSyncAndRunsSyncFailHooks) {
  fake_.Put(Objects(kNamespace).front());
  sync::SyncResult r = Sync(HookJob("fail-migrate", "PreSync") + "---\n" + Deployment("api", 1) +
                            "---\n" + HookJob("cleanup", "SyncFail"));
  EXPECT_EQ(r.phase, sync::OperationPhase::kFailed);
  EXPECT_NE(r.message.find("one or more synchronization tasks completed unsuccessfully: PreSync "
                           "hook batch/Job shop/fail-migrate failed: BackoffLimitExceeded"),
            std::string::npos)
      << r.message;
  EXPECT_EQ(IndexOf("apply apps/Deployment shop/api"), -1) << "later steps must not run";
  EXPECT_GE(IndexOf("create batch/Job shop/cleanup"), 0) << "SyncFail hooks run";
  const sync::ResourceResult* failed = Find(r, "fail-migrate");
  ASSERT_NE(failed, nullptr);
  EXPECT_EQ(failed->hook_phase, sync::OperationPhase::kFailed);
  EXPECT_EQ(failed->result, sync::ResultCode::kSyncFailed);
  const sync::ResourceResult* cleanup = Find(r, "cleanup");
  ASSERT_NE(cleanup, nullptr);
  EXPECT_EQ(cleanup->hook_phase, sync::OperationPhase::kSucceeded);
}

TEST_F(ExecutorTest, OldHookIsDeletedBeforeItIsCreatedAgain) {
  fake_.Put(Objects(kNamespace).front());
  ASSERT_EQ(Sync(HookJob("migrate", "PreSync")).phase, sync::OperationPhase::kSucceeded);
  sync::SyncResult r = Sync(HookJob("migrate", "PreSync"));
  ASSERT_EQ(r.phase, sync::OperationPhase::kSucceeded) << r.message;
  long deleted = IndexOf("delete batch/Job shop/migrate");
  long created = IndexOf("create batch/Job shop/migrate");
  ASSERT_GE(deleted, 0);
  EXPECT_GT(created, deleted);
}

TEST_F(ExecutorTest, PrunesOnlyWhenAsked) {
  fake_.Put(Objects(kNamespace).front());
  ASSERT_EQ(Sync(ConfigMap("keep", "a") + "---\n" + ConfigMap("old", "b")).phase,
            sync::OperationPhase::kSucceeded);
  sync::SyncResult skipped = Sync(ConfigMap("keep", "a"));
  ASSERT_EQ(skipped.phase, sync::OperationPhase::kSucceeded) << skipped.message;
  EXPECT_TRUE(fake_.Find({"", "ConfigMap", "shop", "old"}));
  ASSERT_NE(Find(skipped, "old"), nullptr);
  EXPECT_EQ(Find(skipped, "old")->result, sync::ResultCode::kPruneSkipped);
  EXPECT_EQ(Find(skipped, "old")->message, "ignored (requires pruning)");

  sync::SyncResult pruned = Sync(ConfigMap("keep", "a"), {}, /*prune=*/true);
  ASSERT_EQ(pruned.phase, sync::OperationPhase::kSucceeded) << pruned.message;
  EXPECT_FALSE(fake_.Find({"", "ConfigMap", "shop", "old"}));
  ASSERT_NE(Find(pruned, "old"), nullptr);
  EXPECT_EQ(Find(pruned, "old")->result, sync::ResultCode::kPruned);
  EXPECT_EQ(pruned.Count(sync::ResultCode::kPruned), 1u);
}

TEST_F(ExecutorTest, AutomatedPruneComesFromTheApplication) {
  fake_.Put(Objects(kNamespace).front());
  sync::AppSyncSpec spec = Spec("  syncPolicy: {automated: {prune: true}}\n");
  ASSERT_EQ(Sync(ConfigMap("keep", "a") + "---\n" + ConfigMap("old", "b"), spec).phase,
            sync::OperationPhase::kSucceeded);
  sync::SyncResult r = Sync(ConfigMap("keep", "a"), spec);
  ASSERT_EQ(r.phase, sync::OperationPhase::kSucceeded) << r.message;
  EXPECT_FALSE(fake_.Find({"", "ConfigMap", "shop", "old"}));
}

TEST_F(ExecutorTest, EmptyRenderWithoutAllowEmptyDeletesNothing) {
  fake_.Put(Objects(kNamespace).front());
  ASSERT_EQ(Sync(ConfigMap("a", "1") + "---\n" + ConfigMap("b", "2")).phase,
            sync::OperationPhase::kSucceeded);
  sync::SyncResult r = Sync("", {}, /*prune=*/true);
  EXPECT_EQ(r.phase, sync::OperationPhase::kFailed);
  EXPECT_NE(r.message.find("refusing to prune 2 live objects"), std::string::npos) << r.message;
  EXPECT_TRUE(fake_.LogWith("delete").empty());
  EXPECT_TRUE(fake_.Find({"", "ConfigMap", "shop", "a"}));
  EXPECT_TRUE(fake_.Find({"", "ConfigMap", "shop", "b"}));

  sync::SyncResult allowed =
      Sync("", Spec("  syncPolicy: {automated: {prune: true, allowEmpty: true}}\n"));
  EXPECT_EQ(allowed.phase, sync::OperationPhase::kSucceeded) << allowed.message;
  EXPECT_FALSE(fake_.Find({"", "ConfigMap", "shop", "a"}));
}

TEST_F(ExecutorTest, DryRunWritesNothing) {
  fake_.Put(Objects(kNamespace).front());
  ASSERT_EQ(Sync(ConfigMap("old", "b")).phase, sync::OperationPhase::kSucceeded);
  sync::SyncResult r = Sync(ConfigMap("new", "a") + "---\n" + HookJob("migrate", "PreSync"),
                            {.dry_run = true}, /*prune=*/true);
  ASSERT_EQ(r.phase, sync::OperationPhase::kSucceeded) << r.message;
  EXPECT_EQ(r.message, "successfully synced (dry run)");
  EXPECT_TRUE(r.dry_run);
  for (const auto& entry : fake_.Log()) {
    bool write = entry.starts_with("apply") || entry.starts_with("create") ||
                 entry.starts_with("delete") || entry.starts_with("update");
    if (write) {
      EXPECT_NE(entry.find("(dry-run)"), std::string::npos) << entry;
    }
  }
  EXPECT_FALSE(fake_.Find({"", "ConfigMap", "shop", "new"}));
  EXPECT_TRUE(fake_.Find({"", "ConfigMap", "shop", "old"}));
  EXPECT_EQ(Find(r, "new")->message, "configmap/new serverside-applied (dry run)");
  EXPECT_EQ(Find(r, "old")->message, "pruned (dry run)");
}

TEST_F(ExecutorTest, UnreachableCellMidSyncIsAnErrorAndNothingClaimsSynced) {
  fake_.Put(Objects(kNamespace).front());
  fake_.FailWhen([](const FakeCell::Request& req) -> std::optional<Error> {
    if (req.verb == "apply" && !req.dry_run && req.key.name == "second") {
      return Error(
          ErrorCode::kUnavailable,
          "apply ConfigMap shop/second: PATCH https://127.0.0.1:1/...: Connection refused");
    }
    return std::nullopt;
  });
  sync::SyncResult r = Sync(ConfigMap("first", "a", 0) + "---\n" + ConfigMap("second", "b", 1) +
                            "---\n" + ConfigMap("third", "c", 2));
  EXPECT_EQ(r.phase, sync::OperationPhase::kError);
  EXPECT_NE(r.message.find("cell fake unreachable"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("Connection refused"), std::string::npos) << r.message;
  EXPECT_EQ(Find(r, "first")->result, sync::ResultCode::kSynced);
  EXPECT_EQ(Find(r, "second")->result, sync::ResultCode::kSyncFailed);
  EXPECT_EQ(Find(r, "third"), nullptr) << "a task never reached is not reported";
  EXPECT_EQ(sync::OperationStateJson(r)["phase"], "Error");
}

TEST_F(ExecutorTest, CrdIsEstablishedBeforeItsObjectsAreApplied) {
  sync::SyncResult r = Sync(R"(
apiVersion: example.com/v1
kind: Widget
metadata: {name: w1}
spec: {size: 3}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Cluster
  names: {kind: Widget, plural: widgets}
  versions: [{name: v1, served: true, storage: true}]
)");
  ASSERT_EQ(r.phase, sync::OperationPhase::kSucceeded) << r.message;
  long crd = IndexOf("apply apiextensions.k8s.io/CustomResourceDefinition widgets.example.com");
  long wait = IndexOf("wait-crd widgets.example.com");
  long widget = IndexOf("apply example.com/Widget w1");
  ASSERT_GE(crd, 0);
  EXPECT_GT(wait, crd);
  EXPECT_GT(widget, wait);
  auto stored = fake_.Find({"example.com", "Widget", "", "w1"});
  ASSERT_TRUE(stored);
  EXPECT_FALSE(stored->body()["metadata"].contains("namespace")) << "cluster-scoped by the CRD";
}

TEST_F(ExecutorTest, ReplaceUsesPutAndForceRecreates) {
  fake_.Put(Objects(kNamespace).front());
  ASSERT_EQ(Sync(ConfigMap("r", "1") + "---\n" + ConfigMap("f", "1")).phase,
            sync::OperationPhase::kSucceeded);
  std::string replace = ConfigMap("r", "2");
  replace.insert(replace.find("  annotations: {") + 16,
                 "argocd.argoproj.io/sync-options: Replace=true, ");
  std::string force = ConfigMap("f", "2");
  force.insert(force.find("  annotations: {") + 16,
               "argocd.argoproj.io/sync-options: \"Replace=true,Force=true\", ");
  std::string old_uid =
      StringAt(fake_.Find({"", "ConfigMap", "shop", "f"})->body(), {"metadata", "uid"});
  sync::SyncResult r = Sync(replace + "---\n" + force);
  ASSERT_EQ(r.phase, sync::OperationPhase::kSucceeded) << r.message;
  EXPECT_GE(IndexOf("update ConfigMap shop/r"), 0);
  EXPECT_EQ(IndexOf("apply ConfigMap shop/r"), -1);
  long del = IndexOf("delete ConfigMap shop/f");
  long create = IndexOf("create ConfigMap shop/f");
  ASSERT_GE(del, 0);
  EXPECT_GT(create, del);
  auto f = fake_.Find({"", "ConfigMap", "shop", "f"});
  ASSERT_TRUE(f);
  EXPECT_NE(StringAt(f->body(), {"metadata", "uid"}), old_uid);
  EXPECT_EQ(f->body()["data"]["key"], 2);
}

TEST_F(ExecutorTest, ApplyOutOfSyncOnlySkipsSyncedObjects) {
  fake_.Put(Objects(kNamespace).front());
  sync::AppSyncSpec spec = Spec("  syncPolicy: {syncOptions: [ApplyOutOfSyncOnly=true]}\n");
  ASSERT_EQ(Sync(ConfigMap("same", "1") + "---\n" + ConfigMap("changed", "1"), spec).phase,
            sync::OperationPhase::kSucceeded);
  sync::SyncResult r = Sync(ConfigMap("same", "1") + "---\n" + ConfigMap("changed", "2"), spec);
  ASSERT_EQ(r.phase, sync::OperationPhase::kSucceeded) << r.message;
  EXPECT_EQ(IndexOf("apply ConfigMap shop/same"), -1);
  EXPECT_GE(IndexOf("apply ConfigMap shop/changed"), 0);
}

TEST_F(ExecutorTest, RespectIgnoreDifferencesKeepsLiveValues) {
  fake_.Put(Objects(kNamespace).front());
  sync::AppSyncSpec spec = Spec(R"(  ignoreDifferences:
  - {group: apps, kind: Deployment, jsonPointers: [/spec/replicas]}
  syncPolicy: {syncOptions: [RespectIgnoreDifferences=true]}
)");
  ASSERT_EQ(Sync(Deployment("api", 2), spec).phase, sync::OperationPhase::kSucceeded);
  fake_.Edit({"apps", "Deployment", "shop", "api"}, [](Json& d) { d["spec"]["replicas"] = 7; });
  sync::SyncResult r = Sync(Deployment("api", 2) + "---\n" + ConfigMap("x", "1"), spec);
  ASSERT_EQ(r.phase, sync::OperationPhase::kSucceeded) << r.message;
  EXPECT_EQ(fake_.Find({"apps", "Deployment", "shop", "api"})->body()["spec"]["replicas"], 7);
}

TEST_F(ExecutorTest, StopTokenTerminatesAWait) {
  fake_.Put(Objects(kNamespace).front());
  available_ = false;
  std::stop_source stop;
  fake_.SetReactor([&](const std::string& verb, Json&) {
    if (verb == "get") stop.request_stop();
  });
  std::vector<Object> rendered = Objects(Deployment("api", 1) + "---\n" + ConfigMap("c", "1", 3));
  CellAccess cell = Cell();
  sync::AppSyncSpec spec = Spec();
  auto observed = ObserveApp(cell, spec, rendered);
  ASSERT_TRUE(observed);
  sync::SyncResult r =
      SyncApp(cell, spec, *observed, {}, {.sleeper = &sleeper_}, {}, stop.get_token());
  EXPECT_EQ(r.phase, sync::OperationPhase::kFailed);
  EXPECT_EQ(r.message, "operation terminated");
  EXPECT_EQ(IndexOf("apply ConfigMap shop/c"), -1);
}

TEST_F(ExecutorTest, ProgressReportsStepsAndCounts) {
  fake_.Put(Objects(kNamespace).front());
  std::vector<SyncProgress> seen;
  std::vector<Object> rendered = Objects(ConfigMap("a", "1", 0) + "---\n" + ConfigMap("b", "1", 1));
  CellAccess cell = Cell();
  sync::AppSyncSpec spec = Spec();
  auto observed = ObserveApp(cell, spec, rendered);
  ASSERT_TRUE(observed);
  sync::SyncResult r = SyncApp(cell, spec, *observed, {}, {.sleeper = &sleeper_},
                               [&](const SyncProgress& p) { seen.push_back(p); });
  ASSERT_EQ(r.phase, sync::OperationPhase::kSucceeded);
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back().tasks_done, 2u);
  EXPECT_EQ(seen.back().tasks_total, 2u);
  EXPECT_EQ(seen.back().steps, 2u);
  EXPECT_TRUE(std::any_of(seen.begin(), seen.end(), [](auto& p) { return p.step == 2; }));
}

}  // namespace
}  // namespace cellgate::engine

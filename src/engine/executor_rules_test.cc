// SyncExecutor against FakeCell: the rules gitops-engine's sync context applies to when an
// operation ends (the last step awaited or not, Degraded objects), to validation before the
// first write, and to hook delete policies.
#include <gtest/gtest.h>

#include "engine/executor.h"
#include "engine/executor_fixture.h"

namespace cellgate::engine {
namespace {

using executor_testing::ConfigMap;
using executor_testing::Deployment;
using executor_testing::ExecutorTest;
using executor_testing::HookJob;
using executor_testing::kNamespace;
using testing::Objects;

// The controller's mode (wait_after_last_step false). gitops-engine (sync_context.go, Sync):
// the operation succeeds on applying the last step only when that step holds no hook and the
// sync is a single step; otherwise running hooks (and, when multi-step, running resources) are
// waited for and the sync ends "successfully synced (no more tasks)".
TEST_F(ExecutorTest, ControllerModeIsDoneOnceAppliedForASingleStepWithoutHooks) {
  fake_.Put(Objects(kNamespace).front());
  available_ = false;
  sync::SyncResult r = Sync(Deployment("api", 1), {.wait_after_last_step = false});
  ASSERT_EQ(r.phase, sync::OperationPhase::kSucceeded) << r.message;
  EXPECT_EQ(r.message, "successfully synced (all tasks run)");
  EXPECT_EQ(IndexOf("get apps/Deployment shop/api"), -1) << "nothing is waited for";
}

TEST_F(ExecutorTest, ControllerModeAwaitsAPostSyncHookAndDeletesItByPolicy) {
  fake_.Put(Objects(kNamespace).front());
  sync::SyncResult r =
      Sync(ConfigMap("settings", "a") + "---\n" + HookJob("smoke", "PostSync", "HookSucceeded"),
           {.wait_after_last_step = false});
  ASSERT_EQ(r.phase, sync::OperationPhase::kSucceeded) << r.message;
  EXPECT_EQ(r.message, "successfully synced (no more tasks)");
  const sync::ResourceResult* hook = Find(r, "smoke");
  ASSERT_NE(hook, nullptr);
  EXPECT_EQ(hook->hook_phase, sync::OperationPhase::kSucceeded);
  EXPECT_GE(IndexOf("get batch/Job shop/smoke"), 0) << "the hook was waited for";
  EXPECT_FALSE(fake_.Find({"batch", "Job", "shop", "smoke"})) << "HookSucceeded deletes it";
}

TEST_F(ExecutorTest, ControllerModeFailsWhenTheLastPhasesHookFails) {
  fake_.Put(Objects(kNamespace).front());
  sync::SyncResult r =
      Sync(ConfigMap("settings", "a") + "---\n" + HookJob("fail-smoke", "PostSync", "HookFailed"),
           {.wait_after_last_step = false});
  EXPECT_EQ(r.phase, sync::OperationPhase::kFailed);
  EXPECT_NE(r.message.find("one or more synchronization tasks completed unsuccessfully: PostSync "
                           "hook batch/Job shop/fail-smoke failed"),
            std::string::npos)
      << r.message;
  EXPECT_FALSE(fake_.Find({"batch", "Job", "shop", "fail-smoke"})) << "HookFailed deletes it";
}

TEST_F(ExecutorTest, ControllerModeWaitsForTheLastWaveOfAMultiStepSync) {
  fake_.Put(Objects(kNamespace).front());
  available_ = false;
  fake_.SetReactor({});
  sync::SyncResult r =
      Sync(ConfigMap("first", "a", 0) + "---\n" + Deployment("api", 1, 1),
           {.wait_after_last_step = false, .health_timeout = std::chrono::seconds(20)});
  EXPECT_EQ(r.phase, sync::OperationPhase::kFailed);
  EXPECT_NE(r.message.find("waiting for apps/Deployment shop/api"), std::string::npos) << r.message;
}

TEST_F(ExecutorTest, DegradedObjectFailsTheSyncWithoutWaitingForTheTimeout) {
  fake_.Put(Objects(kNamespace).front());
  fake_.SetReactor([](const std::string& verb, Json& obj) {
    if (obj.value("kind", "") != "Deployment" || verb != "get") return;
    obj["status"] = {{"observedGeneration", obj["metadata"]["generation"]},
                     {"conditions",
                      {{{"type", "Progressing"},
                        {"status", "False"},
                        {"reason", "ProgressDeadlineExceeded"},
                        {"message", "ReplicaSet \"api-1\" has timed out progressing."}}}}};
  });
  sync::SyncResult r = Sync(Deployment("api", 1, 0) + "---\n" + ConfigMap("late", "x", 1),
                            {.health_timeout = std::chrono::minutes(5)});
  EXPECT_EQ(r.phase, sync::OperationPhase::kFailed);
  EXPECT_NE(r.message.find("one or more synchronization tasks completed unsuccessfully: "
                           "apps/Deployment shop/api is Degraded"),
            std::string::npos)
      << r.message;
  EXPECT_EQ(IndexOf("apply ConfigMap shop/late"), -1);
  EXPECT_LT(sleeper_.slept(), std::chrono::minutes(1));
}

// gitops-engine (getSyncTasks): a task whose kind the cell does not serve, and that no CRD of
// the sync defines, makes the whole sync invalid before anything is applied.
TEST_F(ExecutorTest, UnservedKindRefusesTheWholeSyncBeforeAnyWrite) {
  fake_.Put(Objects(kNamespace).front());
  sync::SyncResult r = Sync(ConfigMap("settings", "a") + "---\n" + R"(
apiVersion: example.com/v1
kind: Gadget
metadata: {name: g1}
)");
  EXPECT_EQ(r.phase, sync::OperationPhase::kFailed);
  EXPECT_TRUE(r.message.starts_with("one or more synchronization tasks are not valid: "))
      << r.message;
  EXPECT_NE(r.message.find("example.com/v1"), std::string::npos) << r.message;
  EXPECT_TRUE(fake_.LogWith("apply ").empty()) << "nothing may be written";
  ASSERT_NE(Find(r, "g1"), nullptr);
  EXPECT_EQ(Find(r, "g1")->result, sync::ResultCode::kSyncFailed);
}

TEST_F(ExecutorTest, SkipDryRunOnMissingResourceLetsAnUnservedKindThrough) {
  fake_.Put(Objects(kNamespace).front());
  sync::SyncResult r = Sync(ConfigMap("settings", "a") + "---\n" + R"(
apiVersion: example.com/v1
kind: Gadget
metadata:
  name: g1
  annotations: {argocd.argoproj.io/sync-options: SkipDryRunOnMissingResource=true}
)");
  // Not refused up front: the write itself fails, after the served objects were applied.
  EXPECT_EQ(r.phase, sync::OperationPhase::kFailed);
  EXPECT_FALSE(r.message.starts_with("one or more synchronization tasks are not valid"))
      << r.message;
  EXPECT_GE(IndexOf("apply ConfigMap shop/settings"), 0);
}

// gitops-engine deletes hooks when the operation ends, by the operation's outcome
// (sync_context.go: hooksPendingDeletionFailed are deleted when any task completed
// unsuccessfully, hooksPendingDeletionSuccessful only on success).
TEST_F(ExecutorTest, HookDeletePoliciesFollowTheOperationsOutcome) {
  fake_.Put(Objects(kNamespace).front());
  sync::SyncResult r = Sync(HookJob("migrate", "PreSync", "HookFailed") + "---\n" +
                            HookJob("seed", "PreSync", "HookSucceeded") + "---\n" +
                            HookJob("fail-check", "Sync", "HookSucceeded"));
  EXPECT_EQ(r.phase, sync::OperationPhase::kFailed) << r.message;
  EXPECT_FALSE(fake_.Find({"batch", "Job", "shop", "migrate"}))
      << "HookFailed: deleted because the operation failed, though this hook succeeded";
  EXPECT_TRUE(fake_.Find({"batch", "Job", "shop", "seed"}))
      << "HookSucceeded: kept because the operation failed";
  EXPECT_TRUE(fake_.Find({"batch", "Job", "shop", "fail-check"}));
}

}  // namespace
}  // namespace cellgate::engine

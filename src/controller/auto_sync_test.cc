#include "controller/auto_sync.h"

#include <gtest/gtest.h>

#include "controller/test_util.h"

namespace cellgate::controller {
namespace {

using namespace std::chrono_literals;

fleet::AppModel Model(const std::string& policy) {
  auto obj = testing::ParseOne(testing::AppYaml("web", "    server: https://cell-2.example:6443\n",
                                                "  syncPolicy:\n" + policy));
  auto m = fleet::ParseAppModel(obj.body());
  EXPECT_TRUE(m) << (m ? "" : m.error().message());
  return *m;
}

PreviousSync Attempt(const fleet::AppModel& app, std::string revision, std::string phase,
                     runtime::WallTime at, std::int64_t retries = 0) {
  return PreviousSync{.attempted = true,
                      .revision = std::move(revision),
                      .source = app.source_json,
                      .phase = std::move(phase),
                      .message = "apply failed",
                      .finished_at = at,
                      .retry_count = retries};
}

class AutoSyncTest : public ::testing::Test {
 protected:
  AutoSyncDecision Decide(const fleet::AppModel& app, const std::string& status,
                          PreviousSync previous = {},
                          runtime::WallTime now = runtime::WallTime{} + 1000s) {
    return DecideAutoSync({.app = app,
                           .sync_status = status,
                           .revision = "abc",
                           .resources = resources_,
                           .previous = std::move(previous),
                           .now = now});
  }
  std::vector<fleet::ResourceState> resources_ = {
      {.kind = "ConfigMap", .ns = "shop", .name = "a", .sync_status = "OutOfSync"}};
};

TEST_F(AutoSyncTest, OnlyOutOfSyncAutomatedAppsSync) {
  EXPECT_EQ(Decide(Model("    syncOptions: [CreateNamespace=true]\n"), "OutOfSync").action,
            AutoSyncAction::kNone);
  fleet::AppModel automated = Model("    automated: {}\n");
  EXPECT_EQ(Decide(automated, "Synced").action, AutoSyncAction::kNone);
  EXPECT_EQ(Decide(automated, "Unknown").action, AutoSyncAction::kNone);
  AutoSyncDecision d = Decide(automated, "OutOfSync");
  EXPECT_EQ(d.action, AutoSyncAction::kSync);
  EXPECT_EQ(d.retry_count, 0);
  EXPECT_EQ(d.retry.limit, 5) << "Argo CD's default retry for automated syncs";
  EXPECT_EQ(Decide(Model("    automated: {enabled: false}\n"), "OutOfSync").action,
            AutoSyncAction::kNone);
}

TEST_F(AutoSyncTest, PendingOperationAndDeletionWin) {
  fleet::AppModel app = Model("    automated: {}\n");
  app.operation = fleet::Operation{};
  EXPECT_EQ(Decide(app, "OutOfSync").reason, "another operation is in progress");
  app.operation.reset();
  app.deleting = true;
  EXPECT_EQ(Decide(app, "OutOfSync").action, AutoSyncAction::kNone);
}

TEST_F(AutoSyncTest, PruneOnlyDifferencesNeedAutomatedPrune) {
  resources_ = {
      {.kind = "ConfigMap", .name = "old", .sync_status = "OutOfSync", .requires_pruning = true},
      {.kind = "ConfigMap", .name = "kept", .sync_status = "Synced"}};
  EXPECT_EQ(Decide(Model("    automated: {}\n"), "OutOfSync").reason,
            "need to prune extra resources only but automated prune is disabled");
  EXPECT_EQ(Decide(Model("    automated: {prune: true}\n"), "OutOfSync").action,
            AutoSyncAction::kSync);
}

TEST_F(AutoSyncTest, OneAttemptPerRevisionWithoutSelfHeal) {
  fleet::AppModel app = Model("    automated: {}\n");
  AutoSyncDecision d =
      Decide(app, "OutOfSync", Attempt(app, "abc", "Succeeded", runtime::WallTime{}));
  EXPECT_EQ(d.action, AutoSyncAction::kNone);
  EXPECT_EQ(d.reason, "most recent sync already to abc");
  // Another revision, or another source, is a new attempt.
  EXPECT_EQ(Decide(app, "OutOfSync", Attempt(app, "old", "Succeeded", runtime::WallTime{})).action,
            AutoSyncAction::kSync);
  PreviousSync other = Attempt(app, "abc", "Succeeded", runtime::WallTime{});
  other.source["path"] = "elsewhere";
  EXPECT_EQ(Decide(app, "OutOfSync", other).action, AutoSyncAction::kSync);
  // targetRevision alone does not count.
  PreviousSync head = Attempt(app, "abc", "Succeeded", runtime::WallTime{});
  head.source["targetRevision"] = "main";
  EXPECT_EQ(Decide(app, "OutOfSync", head).action, AutoSyncAction::kNone);
}

TEST_F(AutoSyncTest, SelfHealResyncsDriftAfterTheTimeout) {
  fleet::AppModel app = Model("    automated: {selfHeal: true}\n");
  const runtime::WallTime finished = runtime::WallTime{} + 100s;
  AutoSyncDecision soon =
      Decide(app, "OutOfSync", Attempt(app, "abc", "Succeeded", finished), finished + 2s);
  EXPECT_EQ(soon.action, AutoSyncAction::kRetryLater);
  EXPECT_EQ(soon.after, std::chrono::nanoseconds(3s));
  AutoSyncDecision later =
      Decide(app, "OutOfSync", Attempt(app, "abc", "Succeeded", finished), finished + 5s);
  EXPECT_EQ(later.action, AutoSyncAction::kSync);
  EXPECT_TRUE(later.self_heal);
}

// A failed attempt with retries left is written as phase Running with finishedAt and the
// incremented retryCount (operation_retry.h, as Argo CD's processRequestedAppOperation); the
// retry is due RetryDelay(retryCount - 1) after finishedAt.
TEST_F(AutoSyncTest, PendingRetriesRunWithBackoffThenFailureIsReported) {
  fleet::AppModel app = Model(
      "    automated: {}\n    retry:\n      limit: 2\n      backoff: "
      "{duration: 10s, factor: 3}\n");
  const runtime::WallTime failed = runtime::WallTime{} + 100s;
  AutoSyncDecision wait =
      Decide(app, "OutOfSync", Attempt(app, "abc", "Running", failed, 1), failed + 4s);
  EXPECT_EQ(wait.action, AutoSyncAction::kRetryLater);
  EXPECT_EQ(wait.after, std::chrono::nanoseconds(6s));
  AutoSyncDecision first =
      Decide(app, "OutOfSync", Attempt(app, "abc", "Running", failed, 1), failed + 10s);
  EXPECT_EQ(first.action, AutoSyncAction::kSync);
  EXPECT_EQ(first.retry_count, 1);
  // The second retry waits 10s * 3.
  AutoSyncDecision second =
      Decide(app, "OutOfSync", Attempt(app, "abc", "Running", failed, 2), failed + 29s);
  EXPECT_EQ(second.action, AutoSyncAction::kRetryLater);
  EXPECT_EQ(
      Decide(app, "OutOfSync", Attempt(app, "abc", "Running", failed, 2), failed + 30s).retry_count,
      2);
  // A pending retry runs even when the app looks Synced meanwhile (the operation is pending).
  EXPECT_EQ(Decide(app, "Synced", Attempt(app, "abc", "Running", failed, 1), failed + 10s).action,
            AutoSyncAction::kSync);
  // A new revision replaces it with a first attempt.
  AutoSyncDecision fresh =
      Decide(app, "OutOfSync", Attempt(app, "old", "Running", failed, 2), failed + 1s);
  EXPECT_EQ(fresh.action, AutoSyncAction::kSync);
  EXPECT_EQ(fresh.retry_count, 0);
  // Failed (or Error) means no retry is left, whatever the limit says now: as Argo CD's
  // autoSync, the failure is reported and the revision is not attempted again.
  for (std::int64_t retries : {0, 2}) {
    AutoSyncDecision done =
        Decide(app, "OutOfSync", Attempt(app, "abc", "Failed", failed, retries), failed + 1h);
    EXPECT_EQ(done.action, AutoSyncAction::kNone);
    ASSERT_TRUE(done.condition);
    EXPECT_EQ(done.condition->type, "SyncError");
    // Argo CD formats the revisions as a Go slice.
    EXPECT_EQ(done.condition->message, "Failed last sync attempt to [abc]: apply failed");
  }
}

TEST(ReadPreviousSyncTest, ReadsOperationState) {
  Json status = {{"operationState",
                  {{"operation", {{"sync", {{"revision", "abc"}}}}},
                   {"phase", "Failed"},
                   {"message", "boom"},
                   {"finishedAt", "2024-05-01T12:00:00Z"},
                   {"retryCount", 3},
                   {"syncResult", {{"revision", "abc"}, {"source", {{"path", "app"}}}}}}}};
  PreviousSync p = ReadPreviousSync(status);
  EXPECT_TRUE(p.attempted);
  EXPECT_EQ(p.revision, "abc");
  EXPECT_EQ(p.phase, "Failed");
  EXPECT_EQ(p.retry_count, 3);
  ASSERT_TRUE(p.finished_at);
  EXPECT_EQ(runtime::Rfc3339(*p.finished_at), "2024-05-01T12:00:00Z");
  status["operationState"].erase("syncResult");
  EXPECT_FALSE(ReadPreviousSync(status).attempted) << "no syncResult: not an attempt";
  EXPECT_FALSE(ReadPreviousSync(Json::object()).attempted);
}

}  // namespace
}  // namespace cellgate::controller

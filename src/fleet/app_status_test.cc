#include "fleet/app_status.h"

#include <gtest/gtest.h>

#include "fleet/status_update.h"

namespace cellgate::fleet {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

const runtime::WallTime kT0 =
    runtime::ParseRfc3339("2025-03-01T10:00:00Z").value_or(runtime::WallTime{});

const Json kSource = {{"repoURL", "https://github.com/acme/apps"}, {"path", "guestbook"}};
const Json kDest = {{"name", "cell-1"}, {"namespace", "guestbook"}};

StatusInput Steady() {
  StatusInput in;
  in.sync_status = "Synced";
  in.revision = "abc123";
  in.compared_source = kSource;
  in.compared_destination = kDest;
  in.health_status = "Healthy";
  in.resources = {
      {.group = "apps",
       .version = "v1",
       .kind = "Deployment",
       .ns = "guestbook",
       .name = "web",
       .sync_status = "Synced",
       .health_status = "Healthy"},
      {.group = "",
       .version = "v1",
       .kind = "Service",
       .ns = "guestbook",
       .name = "web",
       .sync_status = "Synced",
       .health_status = "Healthy"},
      {.group = "",
       .version = "v1",
       .kind = "ConfigMap",
       .ns = "guestbook",
       .name = "old",
       .sync_status = "OutOfSync",
       .requires_pruning = true},
  };
  in.evaluated_condition_types = {"ComparisonError", "SyncError"};
  in.source_type = "Directory";
  in.images = {"nginx:1.25", "redis:7", "nginx:1.25"};
  return in;
}

TEST(AppStatus, SyncHealthAndResourcesAsArgoCdWritesThem) {
  Json s = BuildStatus(Json::object(), Steady(), kT0);
  EXPECT_EQ(s["sync"], Json::parse(R"({"status":"Synced","comparedTo":{"source":
      {"repoURL":"https://github.com/acme/apps","path":"guestbook"},"destination":
      {"name":"cell-1","namespace":"guestbook"}},"revision":"abc123"})"));
  EXPECT_EQ(s["health"], Json::parse(R"({"status":"Healthy"})"));
  ASSERT_EQ(s["resources"].size(), 3u);
  // Sorted by group, kind, namespace, name: core ConfigMap, core Service, apps Deployment.
  EXPECT_EQ(s["resources"][0],
            Json::parse(R"({"version":"v1","kind":"ConfigMap","namespace":"guestbook",
                "name":"old","status":"OutOfSync","requiresPruning":true})"));
  EXPECT_EQ(s["resources"][1]["kind"], "Service");
  EXPECT_EQ(s["resources"][2], Json::parse(R"({"group":"apps","version":"v1","kind":"Deployment",
                "namespace":"guestbook","name":"web","status":"Synced",
                "health":{"status":"Healthy"}})"));
  EXPECT_EQ(s["reconciledAt"], "2025-03-01T10:00:00Z");
  EXPECT_EQ(s["sourceType"], "Directory");
  EXPECT_EQ(s["summary"], Json::parse(R"({"images":["nginx:1.25","redis:7"]})"));
  EXPECT_FALSE(s.contains("conditions"));
  EXPECT_FALSE(s.contains("history"));
  EXPECT_FALSE(s.contains("operationState"));
}

TEST(AppStatus, OperationStateWithSyncResult) {
  OperationStateInput op{.operation = Json::parse(R"({"sync":{"revision":"abc123"},
                             "initiatedBy":{"automated":true}})"),
                         .phase = "Failed",
                         .message = "one or more objects failed to apply",
                         .started_at = kT0,
                         .finished_at = kT0 + seconds(42),
                         .retry_count = 2,
                         .has_sync_result = true,
                         .revision = "abc123",
                         .source = kSource,
                         .resources = {{.group = "",
                                        .version = "v1",
                                        .kind = "ConfigMap",
                                        .ns = "guestbook",
                                        .name = "cfg",
                                        .status = "Synced",
                                        .message = "configmap/cfg created",
                                        .sync_phase = "Sync"},
                                       {.group = "batch",
                                        .version = "v1",
                                        .kind = "Job",
                                        .ns = "guestbook",
                                        .name = "migrate",
                                        .hook_type = "PreSync",
                                        .hook_phase = "Failed",
                                        .sync_phase = "PreSync"}}};
  Json j = OperationStateJson(op);
  EXPECT_EQ(j["phase"], "Failed");
  EXPECT_EQ(j["operation"]["initiatedBy"]["automated"], true);
  EXPECT_EQ(j["startedAt"], "2025-03-01T10:00:00Z");
  EXPECT_EQ(j["finishedAt"], "2025-03-01T10:00:42Z");
  EXPECT_EQ(j["retryCount"], 2);
  EXPECT_EQ(j["syncResult"]["revision"], "abc123");
  EXPECT_EQ(j["syncResult"]["source"], kSource);
  EXPECT_EQ(j["syncResult"]["resources"][0],
            Json::parse(R"({"group":"","version":"v1","kind":"ConfigMap",
                "namespace":"guestbook","name":"cfg","status":"Synced",
                "message":"configmap/cfg created","syncPhase":"Sync"})"));
  EXPECT_EQ(j["syncResult"]["resources"][1],
            Json::parse(R"({"group":"batch","version":"v1","kind":"Job",
                "namespace":"guestbook","name":"migrate","hookType":"PreSync",
                "hookPhase":"Failed","syncPhase":"PreSync"})"));
  OperationStateInput running{.phase = "Running", .started_at = kT0};
  Json r = OperationStateJson(running);
  EXPECT_FALSE(r.contains("finishedAt"));
  EXPECT_FALSE(r.contains("syncResult"));
  EXPECT_FALSE(r.contains("retryCount"));
}

TEST(AppStatus, HistoryIdsIncrementAndTheOldestFallOffAtTheLimit) {
  Json history = Json::array();
  for (int i = 0; i < 5; ++i) {
    history = AppendHistory(history,
                            {.revision = "rev" + std::to_string(i),
                             .source = kSource,
                             .deployed_at = kT0 + minutes(i),
                             .deploy_started_at = kT0 + minutes(i) - seconds(10),
                             .initiated_by = {.automated = true}},
                            3);
  }
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[0]["id"], 2);
  EXPECT_EQ(history[2]["id"], 4);
  EXPECT_EQ(history[2]["revision"], "rev4");
  EXPECT_EQ(history[2]["deployedAt"], "2025-03-01T10:04:00Z");
  EXPECT_EQ(history[2]["deployStartedAt"], "2025-03-01T10:03:50Z");
  EXPECT_EQ(history[2]["initiatedBy"], Json::parse(R"({"automated":true})"));
  EXPECT_EQ(history[2]["source"], kSource);
  EXPECT_TRUE(AppendHistory(history, {.deployed_at = kT0}, 0).empty());
}

TEST(AppStatus, ConditionsKeepTheirTimeWhileTheMessageStays) {
  Json previous = Json::parse(R"([
    {"type":"SyncError","message":"boom","lastTransitionTime":"2025-01-01T00:00:00Z"},
    {"type":"SharedResourceWarning","message":"shared","lastTransitionTime":"2025-01-02T00:00:00Z"},
    {"type":"ComparisonError","message":"gone","lastTransitionTime":"2025-01-03T00:00:00Z"}])");
  Json merged =
      MergeConditions(previous, {{"SyncError", "boom"}, {"InvalidSpecError", "bad project"}},
                      {"SyncError", "ComparisonError", "InvalidSpecError"}, kT0);
  EXPECT_EQ(merged, Json::parse(R"([
    {"type":"InvalidSpecError","message":"bad project","lastTransitionTime":"2025-03-01T10:00:00Z"},
    {"type":"SharedResourceWarning","message":"shared","lastTransitionTime":"2025-01-02T00:00:00Z"},
    {"type":"SyncError","message":"boom","lastTransitionTime":"2025-01-01T00:00:00Z"}])"));
  Json changed = MergeConditions(merged, {{"SyncError", "different"}}, {"SyncError"}, kT0);
  EXPECT_EQ(changed[2]["lastTransitionTime"], "2025-03-01T10:00:00Z");
}

TEST(AppStatus, BuildCarriesOverHistoryAndAnUntouchedOperationState) {
  StatusInput first = Steady();
  first.operation_state = OperationStateInput{.phase = "Succeeded", .started_at = kT0};
  first.new_history = HistoryEntryInput{.revision = "abc123", .deployed_at = kT0};
  Json s1 = BuildStatus(Json::object(), first, kT0);
  Json s2 = BuildStatus(s1, Steady(), kT0 + minutes(1));
  EXPECT_EQ(s2["history"], s1["history"]);
  EXPECT_EQ(s2["operationState"], s1["operationState"]);
  EXPECT_EQ(s2["reconciledAt"], "2025-03-01T10:01:00Z");
}

TEST(StatusUpdate, SteadyStateMakesNoWriteUntilReconciledAtIsOld) {
  Json live = BuildStatus(Json::object(), Steady(), kT0);
  Json again = BuildStatus(live, Steady(), kT0 + minutes(3));
  auto u = PlanStatusUpdate(live, again, kT0 + minutes(3));
  EXPECT_FALSE(u.write) << u.reason;
  Json later = BuildStatus(live, Steady(), kT0 + minutes(10));
  auto refresh = PlanStatusUpdate(live, later, kT0 + minutes(10));
  EXPECT_TRUE(refresh.write);
  EXPECT_EQ(refresh.reason, "reconciledAt older than 10m");
  auto custom =
      PlanStatusUpdate(live, later, kT0 + minutes(10), {.reconciled_at_max_age = minutes(30)});
  EXPECT_FALSE(custom.write);
}

TEST(StatusUpdate, AnyRealChangeWritesAndSaysWhat) {
  Json live = BuildStatus(Json::object(), Steady(), kT0);
  StatusInput drift = Steady();
  drift.sync_status = "OutOfSync";
  drift.health_status = "Degraded";
  auto u = PlanStatusUpdate(live, BuildStatus(live, drift, kT0 + seconds(5)), kT0 + seconds(5));
  EXPECT_TRUE(u.write);
  EXPECT_EQ(u.reason, "changed: health, sync");
  EXPECT_EQ(PlanStatusUpdate(Json::object(), live, kT0).reason, "new status");
}

TEST(StatusUpdate, KeyOrderAndObservedAtDoNotCount) {
  Json live = Json::parse(R"({"health":{"message":"m","status":"Healthy"},
      "reconciledAt":"2025-03-01T10:00:00Z","observedAt":"2020-01-01T00:00:00Z"})");
  Json desired = Json::parse(R"({"reconciledAt":"2025-03-01T10:05:00Z",
      "health":{"status":"Healthy","message":"m"}})");
  EXPECT_FALSE(PlanStatusUpdate(live, desired, kT0 + minutes(5)).write);
}

TEST(StatusUpdate, ApplyObjectCarriesOnlyIdentityAndStatus) {
  Object app(Json{{"apiVersion", "argoproj.io/v1alpha1"},
                  {"kind", "Application"},
                  {"metadata", {{"name", "a"}, {"namespace", "argocd"}, {"labels", {{"x", "y"}}}}},
                  {"spec", {{"project", "p"}}}});
  Object o = StatusApplyObject(app, Json{{"sync", {{"status", "Synced"}}}});
  EXPECT_EQ(o.body(), Json::parse(R"({"apiVersion":"argoproj.io/v1alpha1","kind":"Application",
      "metadata":{"name":"a","namespace":"argocd"},"status":{"sync":{"status":"Synced"}}})"));
}

}  // namespace
}  // namespace cellgate::fleet

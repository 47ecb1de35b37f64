// LoadLiveState and CompareApp against FakeCell.
#include "engine/compare.h"

#include <gtest/gtest.h>

#include "engine/app_sync.h"
#include "engine/prediction_memo.h"
#include "engine/testing/fake_cell.h"
#include "sync/hook_status.h"
#include "sync/tracking.h"

namespace cellgate::engine {
namespace {

using testing::FakeCell;
using testing::Objects;
using testing::OneObject;

Object Tracked(const std::string& yaml, const std::string& app = "web",
               const std::string& ns = "default") {
  Object o = OneObject(yaml);
  if (o.Namespace().empty() && o.Kind() != "Namespace") o.SetNamespace(ns);
  sync::SetTracking(o, app, ns);
  return o;
}

class CompareTest : public ::testing::Test {
 protected:
  CellAccess Cell() { return CellAccess{"fake", fake_, fake_, fake_, fake_.clock()}; }

  sync::AppSyncSpec Spec(const std::string& extra = "") {
    auto spec = sync::ParseAppSyncSpec(OneObject(R"(
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: web}
spec:
  destination: {namespace: default}
)" + extra)
                                           .body());
    EXPECT_TRUE(spec) << spec.error().message();
    return *spec;
  }

  Result<AppObservation> Observe(const std::string& yaml, const sync::AppSyncSpec& spec,
                                 ObserveOptions options = {}) {
    rendered_ = Objects(yaml);
    CellAccess cell = Cell();
    return ObserveApp(cell, spec, rendered_, options);
  }

  FakeCell fake_;
  std::vector<Object> rendered_;
};

TEST_F(CompareTest, LiveStateIsLabelSelectedAndConfirmedByTrackingId) {
  fake_.Put(Tracked("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: mine}\ndata: {a: '1'}"));
  // Our label, but a tracking id copied from another object: not ours.
  Object copied =
      Tracked("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: mine}\ndata: {a: '1'}");
  copied.mutable_body()["metadata"]["name"] = "copy";
  fake_.Put(copied);
  fake_.Put(Tracked("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: theirs}", "other"));
  fake_.Put(Tracked("apiVersion: v1\nkind: Secret\nmetadata: {name: old}"));

  auto live =
      LoadLiveState(fake_, fake_, {.instance = "web", .desired_kinds = {{"", "v1", "ConfigMap"}}});
  ASSERT_TRUE(live) << live.error().message();
  ASSERT_EQ(live->objects.size(), 1u);
  EXPECT_EQ(live->objects[0].Name(), "mine");
  EXPECT_EQ(fake_.LogWith("list ").size(), 1u) << "one label-selected list per kind";

  auto with_inventory = LoadLiveState(fake_, fake_,
                                      {.instance = "web",
                                       .desired_kinds = {{"", "v1", "ConfigMap"}},
                                       .inventory = {{"", "Secret"}}});
  ASSERT_TRUE(with_inventory);
  EXPECT_EQ(with_inventory->objects.size(), 2u);

  fake_.ClearLog();
  auto everything = LoadLiveState(fake_, fake_, {.instance = "web", .all_kinds = true});
  ASSERT_TRUE(everything);
  EXPECT_EQ(everything->objects.size(), 2u);
  EXPECT_GE(fake_.LogWith("list ").size(), 8u) << "every served kind is listed";
}

TEST_F(CompareTest, UnservedKindsAreNotedAndOtherFailuresFail) {
  auto live = LoadLiveState(
      fake_, fake_, {.instance = "web", .desired_kinds = {{"example.com", "v1", "Widget"}}});
  ASSERT_TRUE(live) << live.error().message();
  ASSERT_EQ(live->notes.size(), 1u);
  EXPECT_NE(live->notes[0].find("example.com/v1 Widget is not served"), std::string::npos);

  fake_.FailWhen([](const FakeCell::Request& r) -> std::optional<Error> {
    if (r.verb == "list") return Error(ErrorCode::kPermissionDenied, "list: 403 Forbidden");
    return std::nullopt;
  });
  auto denied =
      LoadLiveState(fake_, fake_, {.instance = "web", .desired_kinds = {{"", "v1", "ConfigMap"}}});
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code(), ErrorCode::kPermissionDenied);
}

TEST_F(CompareTest, StatusesAndHealth) {
  fake_.Put(Tracked(R"(
apiVersion: v1
kind: ConfigMap
metadata: {name: same}
data: {a: '1'}
)"));
  fake_.Put(Tracked(R"(
apiVersion: v1
kind: ConfigMap
metadata: {name: changed}
data: {a: '1'}
)"));
  fake_.Put(Tracked("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: leftover}"));
  auto observed = Observe(R"(
apiVersion: v1
kind: ConfigMap
metadata: {name: same}
data: {a: '1'}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: changed}
data: {a: '2'}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: new}
spec: {replicas: 1}
)",
                          Spec());
  ASSERT_TRUE(observed) << observed.error().message();
  const AppComparison& c = observed->comparison;
  ASSERT_EQ(c.resources.size(), 4u);
  EXPECT_EQ(c.Find({"", "ConfigMap", "default", "same"})->status(), sync::SyncStatus::kSynced);
  const ResourceState* changed = c.Find({"", "ConfigMap", "default", "changed"});
  EXPECT_EQ(changed->status(), sync::SyncStatus::kOutOfSync);
  EXPECT_TRUE(changed->diff.server_side) << "live objects are compared with a dry run";
  EXPECT_NE(changed->diff.text.find("-  a: \"1\""), std::string::npos) << changed->diff.text;
  EXPECT_NE(changed->diff.text.find("+  a: \"2\""), std::string::npos) << changed->diff.text;
  const ResourceState* missing = c.Find({"apps", "Deployment", "default", "new"});
  EXPECT_EQ(missing->status(), sync::SyncStatus::kMissing);
  EXPECT_EQ(missing->health->status, sync::HealthStatus::kMissing);
  EXPECT_TRUE(c.Find({"", "ConfigMap", "default", "leftover"})->requires_pruning());
  EXPECT_EQ(c.sync, sync::SyncStatus::kOutOfSync);
  EXPECT_EQ(c.health.status, sync::HealthStatus::kMissing);
  EXPECT_EQ(c.OutOfSyncCount(), 3u);
  // Dry runs only for the two live desired objects.
  EXPECT_EQ(fake_.LogWith("apply(dry-run)").size(), 2u);

  Json statuses = ResourceStatusesJson(c);
  ASSERT_EQ(statuses.size(), 4u);
  EXPECT_EQ(statuses[0]["status"], "Synced");
  EXPECT_EQ(statuses[2]["status"], "OutOfSync");
  EXPECT_EQ(statuses[2]["health"]["status"], "Missing");
  EXPECT_EQ(statuses[3]["requiresPruning"], true);
}

TEST_F(CompareTest, IgnoreDifferencesMakesDriftInIgnoredFieldsSynced) {
  fake_.Put(Tracked(R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  replicas: 5
  template:
    spec:
      containers: [{name: api, image: api:1}, {name: sidecar, image: proxy:9}]
)"));
  std::string desired = R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  replicas: 5
  template:
    spec:
      containers: [{name: api, image: api:1}]
)";
  // FakeCell's dry run returns what was sent, so the sidecar only exists in live.
  auto plain = Observe(desired, Spec());
  ASSERT_TRUE(plain) << plain.error().message();
  EXPECT_EQ(plain->comparison.sync, sync::SyncStatus::kOutOfSync);

  auto ignoring = Observe(desired, Spec(R"(  ignoreDifferences:
  - group: apps
    kind: Deployment
    jqPathExpressions: ['.spec.template.spec.containers[] | select(.name == "sidecar")']
)"));
  ASSERT_TRUE(ignoring) << ignoring.error().message();
  EXPECT_EQ(ignoring->comparison.sync, sync::SyncStatus::kSynced)
      << ignoring->comparison.resources[0].diff.text;
}

TEST_F(CompareTest, FallsBackToDesiredFieldsWhenNoDryRunIsPossible) {
  fake_.Put(Tracked("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v}"));
  fake_.Put(Tracked("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata: {k: v}"));
  fake_.FailWhen([](const FakeCell::Request& r) -> std::optional<Error> {
    if (r.dry_run && r.key.name == "b") {
      return Error(ErrorCode::kInvalidArgument, "apply ConfigMap default/b: 422 denied by policy");
    }
    return std::nullopt;
  });
  auto observed = Observe(R"(
apiVersion: v1
kind: ConfigMap
metadata:
  name: a
  annotations: {argocd.argoproj.io/sync-options: SkipDryRunOnMissingResource=true}
data: {k: v}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: b}
data: {k: v}
)",
                          Spec());
  ASSERT_TRUE(observed) << observed.error().message();
  const ResourceState* a = observed->comparison.Find({"", "ConfigMap", "default", "a"});
  const ResourceState* b = observed->comparison.Find({"", "ConfigMap", "default", "b"});
  EXPECT_FALSE(a->diff.server_side);
  EXPECT_FALSE(b->diff.server_side);
  EXPECT_NE(b->message.find("422 denied by policy"), std::string::npos) << b->message;
  EXPECT_EQ(fake_.LogWith("apply(dry-run) ConfigMap default/a").size(), 0u);
}

TEST_F(CompareTest, UnreachableCellFailsTheComparison) {
  fake_.Put(Tracked("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v}"));
  fake_.FailWhen([](const FakeCell::Request& r) -> std::optional<Error> {
    if (r.dry_run) return Error(ErrorCode::kUnavailable, "apply: connection refused");
    return std::nullopt;
  });
  auto observed =
      Observe("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v}", Spec());
  ASSERT_FALSE(observed);
  EXPECT_EQ(observed.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(observed.error().message().find("app web in fake"), std::string::npos);
}

TEST_F(CompareTest, PrepareDesiredSetsNamespaceOnlyForNamespacedKinds) {
  std::vector<Object> rendered = Objects(R"(
apiVersion: v1
kind: ConfigMap
metadata: {name: a}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop, namespace: wrong}
---
apiVersion: example.com/v1
kind: Gadget
metadata: {name: g}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gadgets.example.com}
spec: {group: example.com, scope: Cluster, names: {kind: Gadget, plural: gadgets}}
)");
  auto prepared = PrepareDesired(rendered, "web", "default", fake_);
  ASSERT_TRUE(prepared) << prepared.error().message();
  EXPECT_EQ(prepared->objects[0].Namespace(), "default");
  EXPECT_FALSE(prepared->objects[1].body()["metadata"].contains("namespace"));
  EXPECT_FALSE(prepared->objects[2].body()["metadata"].contains("namespace"))
      << "cluster-scoped by its CRD";
  ASSERT_EQ(prepared->unserved.size(), 1u);
  EXPECT_EQ(prepared->unserved[0].second, "gadgets.example.com");
  for (const auto& o : prepared->objects) {
    EXPECT_TRUE(sync::IsTrackedBy(o, "web")) << o.Key().ToString();
  }
}

TEST(HookStatusTest, JobsPodsAndOtherKinds) {
  EXPECT_EQ(
      sync::AssessHook(OneObject("apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}")).phase,
      sync::OperationPhase::kRunning);
  sync::HookStatus done = sync::AssessHook(OneObject(R"(
apiVersion: batch/v1
kind: Job
metadata: {name: j}
status: {conditions: [{type: Complete, status: "True"}]}
)"));
  EXPECT_EQ(done.phase, sync::OperationPhase::kSucceeded);
  sync::HookStatus failed = sync::AssessHook(OneObject(R"(
apiVersion: batch/v1
kind: Job
metadata: {name: j}
status: {conditions: [{type: Failed, status: "True", message: Job has reached the specified backoff limit}]}
)"));
  EXPECT_EQ(failed.phase, sync::OperationPhase::kFailed);
  EXPECT_EQ(failed.message, "Job has reached the specified backoff limit");
  EXPECT_EQ(sync::AssessHook(OneObject("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
                                       "status: {phase: Succeeded}"))
                .phase,
            sync::OperationPhase::kSucceeded);
  EXPECT_EQ(sync::AssessHook(OneObject("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
                                       "status: {phase: Failed}"))
                .phase,
            sync::OperationPhase::kFailed);
  EXPECT_EQ(sync::AssessHook(OneObject("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
                                       "status: {phase: Running}"))
                .phase,
            sync::OperationPhase::kRunning);
  EXPECT_EQ(
      sync::AssessHook(OneObject("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}")).phase,
      sync::OperationPhase::kSucceeded);
}

}  // namespace
}  // namespace cellgate::engine

namespace cellgate::engine {
namespace {

class MemoCompareTest : public CompareTest {
 protected:
  Result<AppObservation> ObserveWithMemo(const std::string& yaml, const sync::AppSyncSpec& spec) {
    rendered_ = testing::Objects(yaml);
    CellAccess cell = Cell();
    cell.memo = &memo_;
    return ObserveApp(cell, spec, rendered_, {});
  }
  std::size_t DryRuns() const { return fake_.LogWith("apply(dry-run) ").size(); }

  PredictionMemo memo_;
};

TEST_F(MemoCompareTest, AQuietObjectIsDryRunOnceAndDriftIsStillSeen) {
  const std::string desired = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v}";
  ASSERT_TRUE(fake_.Apply(Tracked(desired), {}));  // stored as the server stores it
  auto first = ObserveWithMemo(desired, Spec());
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_EQ(first->comparison.sync, sync::SyncStatus::kSynced);
  EXPECT_EQ(DryRuns(), 1u);

  fake_.ClearLog();
  auto second = ObserveWithMemo(desired, Spec());
  ASSERT_TRUE(second) << second.error().message();
  EXPECT_EQ(second->comparison.sync, sync::SyncStatus::kSynced);
  EXPECT_EQ(DryRuns(), 0u) << "nothing changed: the memo answers";
  EXPECT_EQ(memo_.hits(), 1u);

  fake_.Edit({"", "ConfigMap", "default", "a"}, [](Json& o) { o["data"]["k"] = "drifted"; });
  fake_.ClearLog();
  auto drifted = ObserveWithMemo(desired, Spec());
  ASSERT_TRUE(drifted) << drifted.error().message();
  EXPECT_EQ(DryRuns(), 1u) << "a new resourceVersion is asked again";
  EXPECT_EQ(drifted->comparison.sync, sync::SyncStatus::kOutOfSync);

  fake_.ClearLog();
  auto changed = ObserveWithMemo(
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: drifted, n: '2'}", Spec());
  ASSERT_TRUE(changed) << changed.error().message();
  EXPECT_EQ(DryRuns(), 1u) << "a new desired object is asked again";
  EXPECT_EQ(changed->comparison.sync, sync::SyncStatus::kOutOfSync);
}

TEST_F(MemoCompareTest, ObjectsSyncedOnlyThroughIgnoreDifferencesAreNotRemembered) {
  fake_.Put(Tracked("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v, x: '1'}"));
  const std::string desired = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v}";
  auto ignoring = ObserveWithMemo(desired, Spec(R"(  ignoreDifferences:
  - kind: ConfigMap
    jsonPointers: [/data/x]
)"));
  ASSERT_TRUE(ignoring) << ignoring.error().message();
  EXPECT_EQ(ignoring->comparison.sync, sync::SyncStatus::kSynced);
  EXPECT_EQ(memo_.size(), 0u);
  auto plain = ObserveWithMemo(desired, Spec());
  ASSERT_TRUE(plain) << plain.error().message();
  EXPECT_EQ(plain->comparison.sync, sync::SyncStatus::kOutOfSync) << "without the rule it differs";
}

TEST_F(MemoCompareTest, WhatASyncAppliedNeedsNoDryRunAfterwards) {
  const std::string desired = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v}";
  fake_.Put(Tracked("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: old}"));
  auto before = ObserveWithMemo(desired, Spec());
  ASSERT_TRUE(before) << before.error().message();
  ASSERT_EQ(before->comparison.sync, sync::SyncStatus::kOutOfSync);
  CellAccess cell = Cell();
  cell.memo = &memo_;
  sync::SyncResult result = SyncApp(cell, Spec(), *before, {}, {});
  ASSERT_TRUE(result.succeeded()) << result.message;
  EXPECT_EQ(memo_.size(), 1u) << "the apply is remembered";
  fake_.ClearLog();
  auto after = ObserveWithMemo(desired, Spec());
  ASSERT_TRUE(after) << after.error().message();
  EXPECT_EQ(after->comparison.sync, sync::SyncStatus::kSynced);
  EXPECT_EQ(DryRuns(), 0u);
}

}  // namespace
}  // namespace cellgate::engine

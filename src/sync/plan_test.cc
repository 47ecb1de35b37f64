#include "sync/plan.h"

#include <gtest/gtest.h>

#include "core/yaml.h"
#include "sync/plan_internal.h"
#include "sync/testing/golden.h"

namespace cellgate::sync {
namespace {

using testing::ExpectGolden;
using testing::FileExists;
using testing::LoadObjects;
using testing::ReadFile;
using testing::TestdataPath;

bool BoolOr(const Json& j, const char* key, bool fallback) {
  return j.contains(key) ? j[key].get<bool>() : fallback;
}

// testdata/plan/<case>.options.yaml holds the app options:
//   destinationNamespace, prune, allowEmpty, skipHooks, destinationNamespaceExists,
//   syncOptions (list), revision, startedAt, synced (keys whose diff status is Synced)
// with <case>.desired.yaml and <case>.live.yaml (optional, multi-document). <case>.expected
// lists the tasks, then "--- SyncFail" and "--- skipped" sections, or "error: ...".
std::string RunCase(const std::string& base) {
  auto docs = ParseYamlDocuments(ReadFile(base + ".options.yaml"), base);
  EXPECT_TRUE(docs && !docs->empty());
  Json o = docs->front().value;
  std::vector<std::string> sync_options;
  if (o.contains("syncOptions")) sync_options = o["syncOptions"].get<std::vector<std::string>>();
  auto options = ParseAppSyncOptions(
      sync_options, AppSyncOptions{
                        .destination_namespace = o.value("destinationNamespace", ""),
                        .prune = BoolOr(o, "prune", false),
                        .allow_empty = BoolOr(o, "allowEmpty", false),
                        .skip_hooks = BoolOr(o, "skipHooks", false),
                        .revision = o.value("revision", ""),
                        .started_at_unix = o.value("startedAt", std::int64_t{0}),
                    });
  EXPECT_TRUE(options) << options.error().message();
  std::vector<Object> desired, live;
  if (FileExists(base + ".desired.yaml")) desired = LoadObjects(base + ".desired.yaml");
  if (FileExists(base + ".live.yaml")) live = LoadObjects(base + ".live.yaml");
  PlanInput input{.desired = desired,
                  .live = live,
                  .destination_namespace_exists = BoolOr(o, "destinationNamespaceExists", true)};
  for (const auto& d : desired) {
    std::string key = d.Key().ToString();
    bool synced = o.contains("synced") &&
                  std::find(o["synced"].begin(), o["synced"].end(), Json(key)) != o["synced"].end();
    input.status[d.Key()] = synced ? SyncStatus::kSynced : SyncStatus::kOutOfSync;
  }
  auto plan = PlanSync(input, *options);
  if (!plan) {
    return "error: " + std::string(ErrorCodeName(plan.error().code())) + ": " +
           plan.error().message() + "\n";
  }
  std::string out;
  for (const auto& t : plan->tasks) out += t.ToString() + "\n";
  if (!plan->sync_fail.empty()) {
    out += "--- SyncFail\n";
    for (const auto& t : plan->sync_fail) out += t.ToString() + "\n";
  }
  if (!plan->skipped.empty()) {
    out += "--- skipped\n";
    for (const auto& s : plan->skipped) out += s.key.ToString() + ": " + s.reason + "\n";
  }
  return out;
}

class PlanGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(PlanGolden, MatchesExpected) {
  std::string base = TestdataPath("plan/" + GetParam());
  ExpectGolden(base + ".expected", RunCase(base));
}

INSTANTIATE_TEST_SUITE_P(Cases, PlanGolden,
                         ::testing::ValuesIn(testing::CaseNames(TestdataPath("plan"),
                                                                ".options.yaml")),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) {
                             if (c == '-') c = '_';
                           }
                           return name;
                         });

Object Obj(const char* json) { return Object(Json::parse(json)); }

TEST(Plan, HookGetsGeneratedNameAndFinalizer) {
  std::vector<Object> desired = {Obj(R"({"apiVersion":"batch/v1","kind":"Job",
    "metadata":{"generateName":"smoke-","annotations":{"argocd.argoproj.io/hook":"PostSync"}}})")};
  auto plan =
      PlanSync(PlanInput{.desired = desired}, AppSyncOptions{.destination_namespace = "shop",
                                                             .revision = "ABCDEF0123",
                                                             .started_at_unix = 42});
  ASSERT_TRUE(plan);
  ASSERT_EQ(plan->tasks.size(), 1u);
  const SyncTask& t = plan->tasks[0];
  EXPECT_EQ(t.object.Name(), "smoke-abcdef0-postsync-42");
  EXPECT_EQ(t.object.Namespace(), "shop");
  EXPECT_EQ(t.object.body()["metadata"]["finalizers"], Json::array({std::string(kHookFinalizer)}));
  EXPECT_EQ(t.key.ns, "");
  EXPECT_TRUE(t.hook);
}

TEST(Plan, StepsGroupByPhaseAndWave) {
  std::vector<SyncTask> tasks(5);
  tasks[0] = SyncTask{.action = TaskAction::kApply, .phase = SyncPhase::kPreSync};
  tasks[1] = SyncTask{.action = TaskAction::kPrune, .phase = SyncPhase::kSync};
  tasks[2] = SyncTask{.action = TaskAction::kDelete, .phase = SyncPhase::kSync};
  tasks[3] = SyncTask{.action = TaskAction::kCreate, .phase = SyncPhase::kSync};
  tasks[4] = SyncTask{.action = TaskAction::kApply, .phase = SyncPhase::kSync, .wave = 1};
  auto steps = Steps(tasks);
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[0].apply, std::vector<std::size_t>{0});
  EXPECT_EQ(steps[1].prune, std::vector<std::size_t>{1});
  EXPECT_EQ(steps[1].remove, std::vector<std::size_t>{2});
  EXPECT_EQ(steps[1].apply, std::vector<std::size_t>{3});
  EXPECT_EQ(steps[2].wave, 1);
  EXPECT_TRUE(Steps({}).empty());
}

TEST(Plan, ParseAppSyncOptions) {
  auto o =
      ParseAppSyncOptions({"CreateNamespace=true", "PruneLast=true", "ApplyOutOfSyncOnly=true",
                           "PrunePropagationPolicy=orphan", "Replace=true", "ServerSideApply=true",
                           "Validate=false", "Unknown=1", "SkipDryRunOnMissingResource=true",
                           "RespectIgnoreDifferences=true", "FailOnSharedResource=true"});
  ASSERT_TRUE(o);
  EXPECT_TRUE(o->create_namespace && o->prune_last && o->apply_out_of_sync_only && o->replace &&
              o->server_side_apply && o->skip_dry_run_on_missing_resource &&
              o->respect_ignore_differences && o->fail_on_shared_resource);
  EXPECT_FALSE(o->validate);
  EXPECT_EQ(o->prune_propagation, PropagationPolicy::kOrphan);
  auto bad = ParseAppSyncOptions({"PrunePropagationPolicy=sideways"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
  auto off =
      ParseAppSyncOptions({"ServerSideApply=false"}, AppSyncOptions{.server_side_apply = true});
  EXPECT_FALSE(off->server_side_apply);
}

TEST(Plan, Names) {
  EXPECT_EQ(TaskActionName(TaskAction::kReplace), "Replace");
  EXPECT_EQ(PropagationPolicyName(PropagationPolicy::kBackground), "Background");
  EXPECT_EQ(plan_internal::KindOrder("Namespace"), 0);
  EXPECT_LT(plan_internal::KindOrder("Deployment"), plan_internal::KindOrder("Ingress"));
  EXPECT_EQ(plan_internal::KindOrder("Widget"), plan_internal::KindOrder("Gadget"));
  EXPECT_GT(plan_internal::KindOrder("Widget"), plan_internal::KindOrder("APIService"));
}

}  // namespace
}  // namespace cellgate::sync

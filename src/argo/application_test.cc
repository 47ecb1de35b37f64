#include "fleet/app_model.h"

#include <gtest/gtest.h>

#include "core/yaml.h"

namespace cellgate::fleet {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;

Json Yaml(const std::string& text) {
  auto docs = ParseYamlDocuments(text, "test");
  EXPECT_TRUE(docs && docs->size() == 1);
  return docs ? docs->front().value : Json();
}

const char* kFull = R"(
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
  namespace: argocd
  uid: "1234"
  resourceVersion: "77"
  generation: 3
  finalizers: [other, resources-finalizer.argocd.argoproj.io/background]
  annotations:
    argocd.argoproj.io/refresh: hard
    argocd.argoproj.io/manifest-generate-paths: ".; ../common ;/shared/base;"
spec:
  project: team-a
  source: {repoURL: https://github.com/acme/apps, path: apps/guestbook, targetRevision: main}
  destination: {name: cell-1, namespace: guestbook}
  syncPolicy:
    automated: {prune: true, selfHeal: true}
    syncOptions: [CreateNamespace=true, PruneLast=true]
    retry:
      limit: 5
      backoff: {duration: 10s, factor: 3, maxDuration: 5m}
  ignoreDifferences:
  - {group: apps, kind: Deployment, jsonPointers: [/spec/replicas]}
  revisionHistoryLimit: 3
operation:
  initiatedBy: {username: alice}
  retry: {limit: -1}
  sync:
    revision: abc123
    prune: true
    dryRun: false
    syncOptions: [Replace=true]
    resources: [{group: apps, kind: Deployment, name: web, namespace: guestbook}]
    syncStrategy: {apply: {force: true}}
)";

TEST(ParseAppModel, ReadsEverythingTheControllerNeeds) {
  auto m = ParseAppModel(Yaml(kFull));
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_EQ(m->Key(), "argocd/guestbook");
  EXPECT_EQ(m->Project(), "team-a");
  EXPECT_EQ(m->uid, "1234");
  EXPECT_EQ(m->resource_version, "77");
  EXPECT_EQ(m->generation, 3);
  EXPECT_FALSE(m->deleting);
  EXPECT_EQ(m->cascade, CascadeDeletion::kBackground);
  EXPECT_EQ(m->refresh, RefreshType::kHard);
  EXPECT_EQ(m->manifest_generate_paths,
            (std::vector<std::string>{".", "../common", "/shared/base"}));
  EXPECT_EQ(ResolvedManifestGeneratePaths(*m),
            (std::vector<std::string>{"apps/guestbook", "apps/common", "shared/base"}));
  EXPECT_EQ(m->source_json["repoURL"], "https://github.com/acme/apps");
  EXPECT_EQ(m->destination_json["name"], "cell-1");

  const SyncPolicy& p = m->sync_policy;
  ASSERT_TRUE(p.IsAutomated());
  const AutomatedSync automated = p.automated.value_or(AutomatedSync{});
  EXPECT_TRUE(automated.prune);
  EXPECT_TRUE(automated.self_heal);
  EXPECT_FALSE(automated.allow_empty);
  EXPECT_EQ(p.Option("CreateNamespace"), "true");
  EXPECT_EQ(p.Option("Validate"), "");
  ASSERT_TRUE(p.retry);
  const RetryStrategy retry = p.retry.value_or(RetryStrategy{});
  EXPECT_EQ(retry.limit, 5);
  EXPECT_EQ(retry.backoff.value_or(RetryBackoff{}).factor, 3);
  EXPECT_EQ(m->ignore_differences.size(), 1u);
  EXPECT_EQ(m->revision_history_limit, 3);

  ASSERT_TRUE(m->operation);
  const Operation op = m->operation.value_or(Operation{});
  EXPECT_EQ(op.initiated_by.username, "alice");
  EXPECT_FALSE(op.initiated_by.automated);
  EXPECT_EQ(op.retry.limit, -1);
  ASSERT_TRUE(op.sync);
  const SyncOperation sync = op.sync.value_or(SyncOperation{});
  EXPECT_EQ(sync.revision, "abc123");
  EXPECT_TRUE(sync.prune);
  EXPECT_EQ(sync.sync_options, (std::vector<std::string>{"Replace=true"}));
  ASSERT_EQ(sync.resources.size(), 1u);
  EXPECT_EQ(sync.resources[0].ns, "guestbook");
  EXPECT_EQ(sync.strategy, SyncStrategyKind::kApply);
  EXPECT_TRUE(sync.force);
  EXPECT_EQ(op.raw["sync"]["revision"], "abc123");
}

TEST(ParseAppModel, DefaultsAsArgoCd) {
  auto m = ParseAppModel(Yaml(R"(
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: a, namespace: argocd}
spec:
  source: {repoURL: https://x/y, path: p}
  destination: {server: https://kubernetes.default.svc, namespace: a}
)"));
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_EQ(m->Project(), "default");
  EXPECT_FALSE(m->sync_policy.IsAutomated());
  EXPECT_FALSE(m->sync_policy.retry);
  EXPECT_EQ(m->revision_history_limit, 10);
  EXPECT_FALSE(m->operation);
  EXPECT_EQ(m->refresh, RefreshType::kNone);
  EXPECT_EQ(m->cascade, CascadeDeletion::kNone);
  EXPECT_TRUE(m->ignore_differences.empty());
}

TEST(ParseAppModel, AutomatedEnabledFalseTurnsAutomationOff) {
  auto m = ParseAppModel(Yaml(R"(
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: a
  namespace: argocd
  deletionTimestamp: "2024-01-01T00:00:00Z"
  finalizers: [resources-finalizer.argocd.argoproj.io]
  annotations: {argocd.argoproj.io/refresh: normal}
spec:
  source: {repoURL: https://x/y}
  destination: {server: https://a, namespace: a}
  syncPolicy: {automated: {prune: true, enabled: false}}
operation: {sync: {syncStrategy: {hook: {}}}}
)"));
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_TRUE(m->sync_policy.automated.has_value());
  EXPECT_FALSE(m->sync_policy.IsAutomated());
  EXPECT_TRUE(m->deleting);
  EXPECT_EQ(m->cascade, CascadeDeletion::kForeground);
  EXPECT_EQ(m->refresh, RefreshType::kNormal);
  const Operation op = m->operation.value_or(Operation{});
  EXPECT_EQ(op.sync.value_or(SyncOperation{.strategy = SyncStrategyKind::kApply}).strategy,
            SyncStrategyKind::kHook);
}

TEST(ParseAppModel, BadFieldsNameThePath) {
  struct Case {
    const char* patch;
    const char* want;
  };
  for (const auto& c : std::vector<Case>{
           {"spec: {syncPolicy: {retry: {limit: five}}}", "spec.syncPolicy.retry.limit: must be"},
           {"spec: {syncPolicy: {automated: {prune: yes please}}}",
            "spec.syncPolicy.automated.prune: must be a boolean"},
           {"spec: {syncPolicy: {syncOptions: [1]}}", "spec.syncPolicy.syncOptions[0]"},
           {"spec: {ignoreDifferences: {}}", "spec.ignoreDifferences: must be a list"},
           {"operation: {sync: {resources: [{kind: 3}]}}",
            "operation.sync.resources[0].kind: must be a string"},
           {"spec: {revisionHistoryLimit: ten}", "spec.revisionHistoryLimit: must be an integer"},
       }) {
    Json j = Yaml(R"(
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: a, namespace: argocd}
spec:
  source: {repoURL: https://x/y}
  destination: {server: https://a, namespace: a}
)");
    j.merge_patch(Yaml(c.patch));
    auto m = ParseAppModel(j);
    ASSERT_FALSE(m) << c.patch;
    EXPECT_EQ(m.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(m.error().message().find(c.want), std::string::npos) << m.error().message();
    EXPECT_NE(m.error().message().find("Application argocd/a"), std::string::npos);
  }
}

TEST(ParseArgoDuration, BareIntegersAreSecondsElseGoDurations) {
  EXPECT_EQ(*ParseArgoDuration("30"), seconds(30));
  EXPECT_EQ(*ParseArgoDuration("5s"), seconds(5));
  EXPECT_EQ(*ParseArgoDuration("2m"), minutes(2));
  EXPECT_EQ(*ParseArgoDuration("1h30m"), minutes(90));
  EXPECT_EQ(*ParseArgoDuration("1.5s"), milliseconds(1500));
  EXPECT_EQ(*ParseArgoDuration("250ms"), milliseconds(250));
  EXPECT_EQ(*ParseArgoDuration("3us"), nanoseconds(3000));
  EXPECT_EQ(*ParseArgoDuration("0"), nanoseconds(0));
  for (const char* bad : {"", "5x", "s", "1.s.", "10 s", "1d"}) {
    auto d = ParseArgoDuration(bad);
    ASSERT_FALSE(d) << bad;
    EXPECT_EQ(d.error().message(), "unable to parse " + std::string(bad) + " as a duration");
  }
}

TEST(RetryDelay, DurationTimesFactorPowCappedAtMax) {
  RetryStrategy defaults;
  EXPECT_EQ(*RetryDelay(defaults, 0), seconds(5));
  EXPECT_EQ(*RetryDelay(defaults, 1), seconds(10));
  EXPECT_EQ(*RetryDelay(defaults, 5), seconds(160));
  EXPECT_EQ(*RetryDelay(defaults, 6), minutes(3));   // capped
  EXPECT_EQ(*RetryDelay(defaults, 60), minutes(3));  // no overflow
  RetryStrategy custom{.backoff =
                           RetryBackoff{.duration = "10", .factor = 3, .max_duration = "1m"}};
  EXPECT_EQ(*RetryDelay(custom, 0), seconds(10));
  EXPECT_EQ(*RetryDelay(custom, 1), seconds(30));
  EXPECT_EQ(*RetryDelay(custom, 2), seconds(60));
  RetryStrategy broken{.backoff = RetryBackoff{.duration = "soon"}};
  EXPECT_FALSE(RetryDelay(broken, 0));
}

TEST(RetryAllowed, ZeroNoneNegativeUnlimited) {
  EXPECT_FALSE(RetryAllowed({.limit = 0}, 0));
  EXPECT_TRUE(RetryAllowed({.limit = 2}, 1));
  EXPECT_FALSE(RetryAllowed({.limit = 2}, 2));
  EXPECT_TRUE(RetryAllowed({.limit = -1}, 1000));
}

}  // namespace
}  // namespace cellgate::fleet

#include "argo/application.h"

#include <gtest/gtest.h>

#include <functional>

#include "core/yaml.h"

namespace cellgate::argo {
namespace {

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

TEST(ParseApplication, ReadsEverythingTheControllerNeeds) {
  auto m = ParseApplication(Yaml(kFull));
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

TEST(ParseApplication, DefaultsAsArgoCd) {
  auto m = ParseApplication(Yaml(R"(
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

TEST(ParseApplication, AutomatedEnabledFalseTurnsAutomationOff) {
  auto m = ParseApplication(Yaml(R"(
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

TEST(ParseApplication, BadFieldsNameThePath) {
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
    auto m = ParseApplication(j);
    ASSERT_FALSE(m) << c.patch;
    EXPECT_EQ(m.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(m.error().message().find(c.want), std::string::npos) << m.error().message();
    EXPECT_NE(m.error().message().find("Application argocd/a"), std::string::npos);
  }
}

// Where Argo CD accepts or refuses a value, and what it means. Sources, upstream
// (argoproj/argo-cd): T = pkg/apis/application/v1alpha1/types.go, decoded by Go's
// encoding/json (a JSON value of another type is an UnmarshalTypeError; an int64 field
// refuses fractions and out-of-range numbers); CRD = manifests/crds/application-crd.yaml.
struct Rule {
  const char* name;
  const char* patch;  // merged into kBase (RFC 7386)
  const char* error;  // substring of the error; nullptr = accepted
  std::function<void(const Application&)> check = nullptr;
};

const char* kBase = R"(
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: a, namespace: argocd}
spec:
  source: {repoURL: https://x/y, path: p, targetRevision: main}
  destination: {server: https://a, namespace: a}
)";

const std::vector<Rule>& Rules() {
  static const std::vector<Rule> rules = {
      // T SyncPolicyAutomated.Enabled is *bool: a string is an unmarshal error, not "true".
      {"automated.enabled string", R"(spec: {syncPolicy: {automated: {enabled: "no"}}})",
       "spec.syncPolicy.automated.enabled: must be a boolean, got a string"},
      {"automated.enabled string true", R"(spec: {syncPolicy: {automated: {enabled: "true"}}})",
       "spec.syncPolicy.automated.enabled: must be a boolean"},
      // T SyncPolicy.IsAutomatedSyncEnabled: Automated != nil && (Enabled nil or true).
      {"automated empty block", "spec: {syncPolicy: {automated: {}}}", nullptr,
       [](const Application& a) { EXPECT_TRUE(a.sync_policy.IsAutomated()); }},
      {"automated null", "spec: {syncPolicy: {automated: null}}", nullptr,
       [](const Application& a) { EXPECT_FALSE(a.sync_policy.IsAutomated()); }},
      {"automated.enabled false", "spec: {syncPolicy: {automated: {enabled: false}}}", nullptr,
       [](const Application& a) {
         EXPECT_TRUE(a.sync_policy.automated.has_value());
         EXPECT_FALSE(a.sync_policy.IsAutomated());
       }},
      // T SyncPolicyAutomated.Prune/SelfHeal/AllowEmpty are *bool.
      {"automated.selfHeal string", R"(spec: {syncPolicy: {automated: {selfHeal: "true"}}})",
       "spec.syncPolicy.automated.selfHeal: must be a boolean"},
      {"automated.allowEmpty number", "spec: {syncPolicy: {automated: {allowEmpty: 1}}}",
       "spec.syncPolicy.automated.allowEmpty: must be a boolean, got a number"},
      {"automated not a map", "spec: {syncPolicy: {automated: true}}",
       "spec.syncPolicy.automated: must be a map"},
      // T SyncOptions is []string.
      {"syncOptions item number", "spec: {syncPolicy: {syncOptions: [A=b, 1]}}",
       "spec.syncPolicy.syncOptions[1]: must be a string"},
      {"syncOptions not a list", "spec: {syncPolicy: {syncOptions: A=b}}",
       "spec.syncPolicy.syncOptions: must be a list"},
      // T RetryStrategy.Limit int64, Backoff.Factor *int64, Backoff.Duration string.
      {"retry.limit fraction", "spec: {syncPolicy: {retry: {limit: 1.5}}}",
       "spec.syncPolicy.retry.limit: must be an integer, got a fraction"},
      {"retry.limit string", R"(spec: {syncPolicy: {retry: {limit: "3"}}})",
       "spec.syncPolicy.retry.limit: must be an integer, got a string"},
      {"retry.backoff.factor 2.0", "spec: {syncPolicy: {retry: {backoff: {factor: 2.0}}}}",
       "spec.syncPolicy.retry.backoff.factor: must be an integer"},
      {"retry.backoff.duration number", "spec: {syncPolicy: {retry: {backoff: {duration: 5}}}}",
       "spec.syncPolicy.retry.backoff.duration: must be a string"},
      {"retry.limit negative", "spec: {syncPolicy: {retry: {limit: -1, refresh: true}}}", nullptr,
       [](const Application& a) {
         ASSERT_TRUE(a.sync_policy.retry.has_value());
         EXPECT_EQ(a.sync_policy.retry->limit, -1);
         EXPECT_TRUE(a.sync_policy.retry->refresh);
       }},
      // T ManagedNamespaceMetadata.Labels/Annotations are map[string]string.
      {"managedNamespaceMetadata label number",
       "spec: {syncPolicy: {managedNamespaceMetadata: {labels: {team: 7}}}}",
       "spec.syncPolicy.managedNamespaceMetadata.labels.team: must be a string"},
      // T ApplicationSpec.RevisionHistoryLimit *int64; GetRevisionHistoryLimit defaults to
      // RevisionHistoryLimit = 10.
      {"revisionHistoryLimit default", "spec: {}", nullptr,
       [](const Application& a) { EXPECT_EQ(a.revision_history_limit, 10); }},
      {"revisionHistoryLimit above int64", "spec: {revisionHistoryLimit: 9223372036854775808}",
       "spec.revisionHistoryLimit: is out of range"},
      {"revisionHistoryLimit fraction", "spec: {revisionHistoryLimit: 2.5}",
       "spec.revisionHistoryLimit: must be an integer"},
      // T ApplicationSpec.GetProject: "" is "default".
      {"project empty", "spec: {project: ''}", nullptr,
       [](const Application& a) { EXPECT_EQ(a.Project(), "default"); }},
      {"project number", "spec: {project: 5}", "spec.project: must be a string"},
      // T ApplicationSpec.GetSource / HasMultipleSources: a non-empty sources wins.
      {"sources win over source",
       "spec: {sources: [{repoURL: https://m/n, targetRevision: v7}, {repoURL: https://o/p}]}",
       nullptr,
       [](const Application& a) {
         EXPECT_EQ(a.source.repo_url, "https://m/n");
         EXPECT_EQ(a.TargetRevision(), "v7");
         ASSERT_EQ(a.sources.size(), 2u);
         EXPECT_EQ(a.sources[1].repo_url, "https://o/p");
         EXPECT_EQ(a.source_count, 2);
         EXPECT_EQ(a.source_json["repoURL"], "https://m/n");
       }},
      {"empty sources fall back to source", "spec: {sources: []}", nullptr,
       [](const Application& a) {
         EXPECT_EQ(a.source.repo_url, "https://x/y");
         EXPECT_TRUE(a.sources.empty());
       }},
      {"sources item not a map", "spec: {sources: [x]}", "spec.sources[0]: must be a map"},
      {"no source at all", "spec: {source: null}", "spec.source: is required"},
      // Not supported here yet (T SourceHydrator): refused, not ignored.
      {"sourceHydrator", "spec: {sourceHydrator: {drySource: {repoURL: x}}}",
       "spec.sourceHydrator: is not supported yet"},
      // T ApplicationDestination fields are strings.
      {"destination.namespace number", "spec: {destination: {namespace: 5}}",
       "spec.destination.namespace: must be a string"},
      // T ApplicationSpec.Info []Info{Name, Value string}.
      {"info", "spec: {info: [{name: docs, value: https://d}]}", nullptr,
       [](const Application& a) {
         ASSERT_EQ(a.info.size(), 1u);
         EXPECT_EQ(a.info[0].value, "https://d");
       }},
      {"info value number", "spec: {info: [{name: docs, value: 1}]}",
       "spec.info[0].value: must be a string"},
      // metav1.ObjectMeta: Annotations map[string]string, Generation int64, Finalizers []string.
      {"annotation value number", "metadata: {annotations: {a: 1}}",
       "metadata.annotations.a: must be a string"},
      {"generation string", R"(metadata: {generation: "3"})",
       "metadata.generation: must be an integer"},
      {"finalizers item number", "metadata: {finalizers: [1]}",
       "metadata.finalizers[0]: must be a string"},
      // T Application.IsRefreshRequested: "hard" is hard, any other value normal.
      {"refresh other value", "metadata: {annotations: {argocd.argoproj.io/refresh: soon}}",
       nullptr, [](const Application& a) { EXPECT_EQ(a.refresh, RefreshType::kNormal); }},
      {"refresh hard", "metadata: {annotations: {argocd.argoproj.io/refresh: hard}}", nullptr,
       [](const Application& a) { EXPECT_EQ(a.refresh, RefreshType::kHard); }},
      // T Application.GetPropagationPolicy: the first propagation finalizer listed wins.
      {"first finalizer wins",
       "metadata: {finalizers: [x, resources-finalizer.argocd.argoproj.io/foreground, "
       "resources-finalizer.argocd.argoproj.io/background]}",
       nullptr, [](const Application& a) { EXPECT_EQ(a.cascade, CascadeDeletion::kForeground); }},
      // T SyncOperation.Prune bool; SyncStrategy: apply when set, else hook.
      {"operation.sync.prune string", R"(operation: {sync: {prune: "true"}})",
       "operation.sync.prune: must be a boolean"},
      {"operation apply and hook",
       "operation: {sync: {syncStrategy: {apply: {}, hook: {force: true}}}}", nullptr,
       [](const Application& a) {
         ASSERT_TRUE(a.operation && a.operation->sync);
         EXPECT_EQ(a.operation->sync->strategy, SyncStrategyKind::kApply);
         EXPECT_FALSE(a.operation->sync->force);
       }},
      {"operation not a map", "operation: [x]", "operation: must be a map"},
      // Unknown fields are ignored, as encoding/json ignores them.
      {"unknown fields", "spec: {someFutureField: 1, syncPolicy: {future: {}}}", nullptr,
       [](const Application& a) { EXPECT_EQ(a.name, "a"); }},
  };
  return rules;
}

TEST(ParseApplication, FollowsArgoCdRules) {
  for (const Rule& rule : Rules()) {
    SCOPED_TRACE(rule.name);
    Json j = Yaml(kBase);
    j.merge_patch(Yaml(rule.patch));
    auto app = ParseApplication(j);
    if (rule.error == nullptr) {
      ASSERT_TRUE(app) << app.error().message();
      if (rule.check) rule.check(*app);
      continue;
    }
    ASSERT_FALSE(app);
    EXPECT_EQ(app.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(app.error().message().find(rule.error), std::string::npos) << app.error().message();
  }
}

TEST(ParseApplication, InstanceNameFollowsAppsInAnyNamespace) {
  EXPECT_EQ(InstanceName("argocd", "web"), "web");
  EXPECT_EQ(InstanceName("", "web"), "web");
  EXPECT_EQ(InstanceName("team-a", "web"), "team-a_web");
  EXPECT_EQ(InstanceName("cellgate", "web", "cellgate"), "web");
}

}  // namespace
}  // namespace cellgate::argo

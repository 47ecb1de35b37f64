// The kube client against a real kube-apiserver (local cell "cell-1"): discovery, server-side
// apply and dry-run, reads, writes, deletes with propagation, and how API errors read.
#include "kube_e2e_util.h"

namespace cellgate::kube::e2e {
namespace {

const GroupVersionKind kConfigMap{"", "v1", "ConfigMap"};
const GroupVersionKind kDeployment{"apps", "v1", "Deployment"};
const GroupVersionKind kReplicaSet{"apps", "v1", "ReplicaSet"};

std::string DeploymentYaml(const std::string& name, const std::string& ns, int replicas) {
  return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name +
         "\n  namespace: " + ns + "\nspec:\n  replicas: " + std::to_string(replicas) +
         "\n  selector:\n    matchLabels: {app: " + name +
         "}\n  template:\n    metadata:\n"
         "      labels: {app: " +
         name +
         "}\n    spec:\n      containers:\n      - name: web\n"
         "        image: nginx:1.25\n";
}

std::string ConfigMapYaml(const std::string& name, const std::string& ns, const std::string& labels,
                          const std::string& value) {
  return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n  namespace: " + ns +
         "\n  labels: {" + labels + "}\ndata:\n  key: " + value + "\n";
}

std::string ResourceVersion(const Object& o) {
  return StringAt(o.body(), {"metadata", "resourceVersion"});
}

using KubeClientE2E = KubeE2ETest;

TEST_F(KubeClientE2E, DiscoveryFindsAppsV1Deployment) {
  auto m = cell().mapper().Map(kDeployment);
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_EQ(m->resource, "deployments");
  EXPECT_TRUE(m->namespaced);
  EXPECT_TRUE(m->Supports("patch"));
  EXPECT_TRUE(m->Supports("watch"));
  auto ns = cell().mapper().Map({"", "v1", "Namespace"});
  ASSERT_TRUE(ns);
  EXPECT_FALSE(ns->namespaced);
  EXPECT_EQ(cell().mapper().MapGroupKind("apps", "Deployment")->gvk.version, "v1");
  auto missing = cell().mapper().Map({"nope.cellgate.dev", "v1", "Nothing"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
}

TEST_F(KubeClientE2E, ServerSideApplyCreatesThenLeavesUnchangedObjectsAlone) {
  Object cm = Yaml(ConfigMapYaml("settings", ns(), "app: ssa", "v1"));
  auto first = cell().applier().Apply(cm, {});
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_FALSE(StringAt(first->body(), {"metadata", "uid"}).empty());
  const Json& managers = first->body()["metadata"]["managedFields"];
  ASSERT_TRUE(managers.is_array());
  EXPECT_EQ(StringAt(managers[0], {"manager"}), "cellgate");
  EXPECT_EQ(StringAt(managers[0], {"operation"}), "Apply");
  auto again = cell().applier().Apply(cm, {});
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_EQ(ResourceVersion(*again), ResourceVersion(*first)) << "same content, no new version";

  // The deployment controller writes status, which bumps the resourceVersion on its own;
  // re-applying the same spec must not. Compare against a fresh read, retrying only when the
  // controller wrote in between.
  Object deploy = Yaml(DeploymentYaml("api", ns(), 1));
  auto created = cell().applier().Apply(deploy, {});
  ASSERT_TRUE(created) << created.error().message();
  const GroupVersionKind kDeploy{"apps", "v1", "Deployment"};
  EXPECT_TRUE(Eventually([&] {
    auto before = cell().reader().Get(kDeploy, ns(), "api");
    auto after = cell().applier().Apply(deploy, {});
    return before && after && ResourceVersion(*after) == ResourceVersion(*before) &&
           after->body()["metadata"]["generation"] == created->body()["metadata"]["generation"];
  })) << "re-applying an unchanged Deployment changed it";
  auto scaled = cell().applier().Apply(Yaml(DeploymentYaml("api", ns(), 2)), {});
  ASSERT_TRUE(scaled) << scaled.error().message();
  EXPECT_NE(ResourceVersion(*scaled), ResourceVersion(*created));
  EXPECT_EQ(scaled->body()["spec"]["replicas"], 2);
}

TEST_F(KubeClientE2E, DryRunReturnsTheDefaultedObjectWithoutPersisting) {
  auto dry = cell().applier().Apply(Yaml(DeploymentYaml("dry", ns(), 3)), {.dry_run = true});
  ASSERT_TRUE(dry) << dry.error().message();
  EXPECT_EQ(StringAt(dry->body(), {"spec", "strategy", "type"}), "RollingUpdate");
  EXPECT_EQ(dry->body()["spec"]["revisionHistoryLimit"], 10);
  EXPECT_EQ(StringAt(dry->body()["spec"]["template"]["spec"]["containers"][0], {"imagePullPolicy"}),
            "IfNotPresent");
  auto live = cell().reader().Get(kDeployment, ns(), "dry");
  ASSERT_FALSE(live);
  EXPECT_EQ(live.error().code(), ErrorCode::kNotFound);
  auto dry_create =
      cell().applier().Create(Yaml(ConfigMapYaml("dry-cm", ns(), "a: b", "x")), {.dry_run = true});
  ASSERT_TRUE(dry_create) << dry_create.error().message();
  EXPECT_EQ(cell().reader().Get(kConfigMap, ns(), "dry-cm").error().code(), ErrorCode::kNotFound);
}

TEST_F(KubeClientE2E, GetAndListWithSelectorsAndPaging) {
  for (const char* name : {"l-a", "l-b", "l-c"}) {
    std::string tier = std::string(name) == "l-c" ? "db" : "web";
    ASSERT_TRUE(cell().applier().Apply(
        Yaml(ConfigMapYaml(name, ns(), "suite: list, run: " + ns() + ", tier: " + tier, name)),
        {}));
  }
  auto got = cell().reader().Get(kConfigMap, ns(), "l-b");
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(StringAt(got->body(), {"data", "key"}), "l-b");
  EXPECT_EQ(got->Kind(), "ConfigMap");

  auto web = cell().reader().List(kConfigMap, ns(), {.label_selector = "suite=list,tier=web"});
  ASSERT_TRUE(web) << web.error().message();
  ASSERT_EQ(web->items.size(), 2u);
  EXPECT_EQ(web->items[0].Kind(), "ConfigMap");
  EXPECT_EQ(web->items[0].ApiVersion(), "v1");
  EXPECT_FALSE(web->resource_version.empty());

  auto paged = cell().reader().List(kConfigMap, ns(), {.label_selector = "suite=list", .limit = 1});
  ASSERT_TRUE(paged) << paged.error().message();
  EXPECT_EQ(paged->items.size(), 3u);
  EXPECT_TRUE(paged->continue_token.empty());

  auto page = cell().reader().List(
      kConfigMap, ns(), {.label_selector = "suite=list", .limit = 2, .all_pages = false});
  ASSERT_TRUE(page) << page.error().message();
  EXPECT_EQ(page->items.size(), 2u);
  ASSERT_FALSE(page->continue_token.empty());
  auto rest = cell().reader().List(kConfigMap, ns(),
                                   {.label_selector = "suite=list",
                                    .limit = 2,
                                    .all_pages = false,
                                    .continue_token = page->continue_token});
  ASSERT_TRUE(rest) << rest.error().message();
  EXPECT_EQ(rest->items.size(), 1u);

  auto by_field = cell().reader().List(kConfigMap, ns(), {.field_selector = "metadata.name=l-c"});
  ASSERT_TRUE(by_field);
  ASSERT_EQ(by_field->items.size(), 1u);
  auto everywhere =
      cell().reader().List(kConfigMap, "", {.label_selector = "suite=list,run=" + ns()});
  ASSERT_TRUE(everywhere) << everywhere.error().message();
  EXPECT_EQ(everywhere->items.size(), 3u);
}

TEST_F(KubeClientE2E, CreateUpdateConflictAndAlreadyExists) {
  Object cm = Yaml(ConfigMapYaml("cu", ns(), "suite: cu", "one"));
  auto created = cell().applier().Create(cm, {});
  ASSERT_TRUE(created) << created.error().message();
  auto twice = cell().applier().Create(cm, {});
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code(), ErrorCode::kAlreadyExists) << twice.error().message();

  Object changed = *created;
  changed.mutable_body()["data"]["key"] = "two";
  auto updated = cell().applier().Update(changed, {});
  ASSERT_TRUE(updated) << updated.error().message();
  EXPECT_EQ(StringAt(updated->body(), {"data", "key"}), "two");
  auto stale = cell().applier().Update(changed, {});  // carries the old resourceVersion
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code(), ErrorCode::kConflict) << stale.error().message();
  EXPECT_NE(stale.error().message().find("409 Conflict"), std::string::npos);
}

TEST_F(KubeClientE2E, InvalidObjectReadsLikeTheApiServerSaidIt) {
  auto bad = cell().applier().Apply(Yaml(DeploymentYaml("bad", ns(), -1)), {});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
  std::string expected = "apply apps/Deployment " + ns() +
                         "/bad: 422 Unprocessable Entity: Deployment.apps \"bad\" is invalid: "
                         "spec.replicas: Invalid value: -1";
  EXPECT_EQ(bad.error().message().substr(0, expected.size()), expected) << bad.error().message();
}

TEST_F(KubeClientE2E, NotFoundMapping) {
  auto get = cell().reader().Get(kConfigMap, ns(), "missing");
  ASSERT_FALSE(get);
  EXPECT_EQ(get.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(get.error().message(), "get v1 ConfigMap " + ns() +
                                       "/missing: 404 Not Found: configmaps \"missing\" not found");
  auto del = cell().applier().Delete(Yaml(ConfigMapYaml("missing", ns(), "a: b", "x")), {});
  ASSERT_FALSE(del);
  EXPECT_EQ(del.error().code(), ErrorCode::kNotFound);
  auto in_missing_ns = cell().reader().List(kConfigMap, "no-such-namespace-" + UniqueSuffix(), {});
  ASSERT_TRUE(in_missing_ns);  // listing an empty namespace is not an error
  EXPECT_TRUE(in_missing_ns->items.empty());
}

TEST_F(KubeClientE2E, DeleteWithPropagation) {
  // Background (default) and dry-run.
  Object cm = Yaml(ConfigMapYaml("doomed", ns(), "suite: del", "x"));
  ASSERT_TRUE(cell().applier().Apply(cm, {}));
  ASSERT_TRUE(cell().applier().Delete(cm, {.dry_run = true}));
  ASSERT_TRUE(cell().reader().Get(kConfigMap, ns(), "doomed")) << "dry-run deleted it";
  ASSERT_TRUE(cell().applier().Delete(cm, {}));
  EXPECT_TRUE(Eventually([&] { return !cell().reader().Get(kConfigMap, ns(), "doomed"); }));

  // Orphan keeps the ReplicaSet the Deployment made; Foreground removes it first.
  auto list_rs = [&](const std::string& app) {
    auto l = cell().reader().List(kReplicaSet, ns(), {.label_selector = "app=" + app});
    return l ? l->items : std::vector<Object>{};
  };
  struct Case {
    std::string name;
    PropagationPolicy policy;
  };
  for (const Case& c : std::vector<Case>{{"orphaner", PropagationPolicy::kOrphan},
                                         {"foreground", PropagationPolicy::kForeground}}) {
    const std::string& name = c.name;
    const PropagationPolicy policy = c.policy;
    Object deploy = Yaml(DeploymentYaml(name, ns(), 1));
    ASSERT_TRUE(cell().applier().Apply(deploy, {}));
    ASSERT_TRUE(Eventually([&] { return !list_rs(name).empty(); })) << name << ": no ReplicaSet";
    auto deleted = cell().applier().Delete(deploy, {.propagation = policy});
    ASSERT_TRUE(deleted) << deleted.error().message();
    ASSERT_TRUE(Eventually([&] { return !cell().reader().Get(kDeployment, ns(), name); }))
        << name << " not deleted";
    if (policy == PropagationPolicy::kOrphan) {
      ASSERT_TRUE(Eventually([&] {
        auto rs = list_rs(name);
        return rs.size() == 1 && !rs[0].body()["metadata"].contains("ownerReferences");
      })) << "ReplicaSet not orphaned";
    } else {
      EXPECT_TRUE(list_rs(name).empty()) << "foreground deletion left the ReplicaSet";
    }
  }
}

TEST_F(KubeClientE2E, RequestCountersByVerbAndCode) {
  (void)cell().reader().Get(kConfigMap, ns(), "counted-missing");
  bool saw_404 = false, saw_apply = false;
  for (const auto& c : cell().RequestCounts()) {
    saw_404 = saw_404 || (c.verb == "get" && c.code == 404 && c.count > 0);
    saw_apply = saw_apply || (c.verb == "apply" && c.code / 100 == 2 && c.count > 0);
  }
  EXPECT_TRUE(saw_404);
  EXPECT_TRUE(saw_apply);
}

}  // namespace
}  // namespace cellgate::kube::e2e

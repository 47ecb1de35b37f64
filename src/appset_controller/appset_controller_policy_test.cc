// The ApplicationSet controller over a fake hub: cells driving the clusters generator,
// applicationsSync policies, AppProject and ownership checks, and the deletion paths.
#include <gtest/gtest.h>

#include "appset_controller/controller_fixture.h"

namespace cellgate::appset_controller {
namespace {

using Fixture = testing::ControllerTest;

const char* kProductionAppSet = R"(
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: api, namespace: argocd}
spec:
  generators:
  - clusters:
      selector:
        matchLabels: {environment: production}
  template:
    metadata: {name: '{{name}}-api'}
    spec:
      project: default
      source: {repoURL: https://git.example/api, targetRevision: HEAD, path: 'deploy/{{metadata.labels.region}}'}
      destination: {server: '{{server}}', namespace: api}
)";

// An ApplicationSet over a list of names with a policy and a path.
std::string ListAppSet(const std::string& policy, const std::vector<std::string>& names,
                       const std::string& path, const std::string& extra_spec = "") {
  std::string elements;
  for (const auto& n : names) elements += "      - {n: " + n + "}\n";
  return R"(
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: list, namespace: argocd}
spec:
  syncPolicy: {applicationsSync: )" +
         policy + R"(}
  generators:
  - list:
      elements:
)" + elements +
         R"(  template:
    metadata: {name: '{{n}}'}
    spec:
      project: default
      source: {repoURL: https://git.example/x, targetRevision: HEAD, path: )" +
         path + R"(}
      destination: {server: https://kubernetes.default.svc, namespace: x}
)" + extra_spec;
}

TEST_F(Fixture, CellsComeGoAndRelabelThroughTheClustersGenerator) {
  PutCell("eu-1", {{"environment", "production"}, {"region", "eu"}});
  PutCell("us-1", {{"environment", "staging"}, {"region", "us"}});
  Put(kProductionAppSet);
  std::vector<std::string> log;
  hub_.SetFailHook([&](std::string_view verb, const Object& o) -> std::optional<Error> {
    if (o.Kind() == "Application" && verb != "get" && verb != "list") {
      log.push_back(std::string(verb) + " " + o.Name());
    }
    return std::nullopt;
  });
  StartController();
  Drain();
  auto apps = Apps();
  ASSERT_EQ(apps.size(), 1u);
  EXPECT_EQ(apps.at("eu-1-api").body()["spec"]["destination"]["server"],
            "https://eu-1.example:6443");
  EXPECT_EQ(apps.at("eu-1-api").body()["spec"]["source"]["path"], "deploy/eu");

  PutCell("us-1", {{"environment", "production"}, {"region", "us"}});
  EXPECT_EQ(Drain(), 1);
  ASSERT_TRUE(Apps().contains("us-1-api"));

  // Relabelled out of production: its Application is deleted (policy sync), and since the
  // cell still exists the resources finalizer stays (its resources are cleaned up).
  PutCell("eu-1", {{"environment", "staging"}, {"region", "eu"}});
  log.clear();
  EXPECT_EQ(Drain(), 1);
  EXPECT_FALSE(Apps().contains("eu-1-api"));
  EXPECT_EQ(log, std::vector<std::string>{"delete eu-1-api"});

  // A cell that disappears: the finalizer comes off first (its cluster is gone).
  log.clear();
  ASSERT_TRUE(hub_.Delete(testing::CellSecret("argocd", "us-1", "https://us-1.example:6443"), {}));
  EXPECT_EQ(Drain(), 1);
  EXPECT_TRUE(Apps().empty());
  EXPECT_EQ(log, (std::vector<std::string>{"update us-1-api", "delete us-1-api"}));
  hub_.SetFailHook(nullptr);
}

TEST_F(Fixture, InClusterIsGeneratedOnlyWithoutASelector) {
  PutCell("eu-1", {{"environment", "production"}});
  Object all = testing::YamlObject(kProductionAppSet);
  all.mutable_body()["spec"]["generators"][0]["clusters"] = Json::object();
  all.mutable_body()["spec"]["template"]["spec"]["source"]["path"] = "deploy";
  Put(all);
  StartController();
  Drain();
  auto apps = Apps();
  ASSERT_EQ(apps.size(), 2u);
  EXPECT_EQ(apps.at("in-cluster-api").body()["spec"]["destination"]["server"],
            "https://kubernetes.default.svc");
  EXPECT_TRUE(apps.contains("eu-1-api"));
}

TEST_F(Fixture, PoliciesDecideWhatIsCreatedUpdatedAndDeleted) {
  struct Case {
    std::string policy;
    bool updates, deletes;
  };
  for (const Case& c : {Case{"sync", true, true}, Case{"create-only", false, false},
                        Case{"create-update", true, false}, Case{"create-delete", false, true}}) {
    SCOPED_TRACE(c.policy);
    Put(ListAppSet(c.policy, {"one", "two"}, "v1"));
    StartController();
    Drain();
    ASSERT_EQ(Apps().size(), 2u);
    Put(ListAppSet(c.policy, {"one", "three"}, "v2"));
    Drain();
    auto apps = Apps();
    EXPECT_TRUE(apps.contains("three"));  // every policy creates
    EXPECT_EQ(apps.at("one").body()["spec"]["source"]["path"], c.updates ? "v2" : "v1");
    EXPECT_EQ(apps.contains("two"), !c.deletes);
    EXPECT_EQ(Condition("list", "ErrorOccurred")["status"], "False");
    controller_.reset();
    for (const auto& [name, app] : apps) ASSERT_TRUE(hub_.Delete(app, {}));
  }
}

TEST_F(Fixture, MissingProjectIsReportedWhileTheOthersProceed) {
  Put(R"(
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: teams, namespace: argocd}
spec:
  generators:
  - list:
      elements: [{team: default}, {team: team-a}]
  template:
    metadata: {name: 'app-{{team}}'}
    spec:
      project: '{{team}}'
      source: {repoURL: https://git.example/x, targetRevision: HEAD, path: x}
      destination: {server: https://kubernetes.default.svc, namespace: x}
)");
  StartController();
  Drain();
  auto apps = Apps();
  ASSERT_EQ(apps.size(), 1u);
  EXPECT_TRUE(apps.contains("app-default"));
  Json err = Condition("teams", "ErrorOccurred");
  EXPECT_EQ(err["status"], "True");
  EXPECT_EQ(err["reason"], "ApplicationValidationError");
  EXPECT_EQ(err["message"], "application references project team-a which does not exist");
  EXPECT_EQ(Condition("teams", "ParametersGenerated")["status"], "True");

  Put("apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata: {name: team-a, "
      "namespace: "
      "argocd}\nspec: {sourceRepos: ['*'], destinations: [{server: '*', namespace: '*'}]}\n");
  EXPECT_EQ(controller_->RefreshAll(), 1);
  Drain();
  EXPECT_TRUE(Apps().contains("app-team-a"));
  EXPECT_EQ(Condition("teams", "ErrorOccurred")["status"], "False");

  // The project goes away again: its Application is invalid but still generated, so it is
  // kept as it is (not deleted, not updated).
  ASSERT_TRUE(hub_.Delete(testing::YamlObject("apiVersion: argoproj.io/v1alpha1\nkind: "
                                              "AppProject\nmetadata: {name: team-a, namespace: "
                                              "argocd}\n"),
                          {}));
  controller_->RefreshAll();
  Drain();
  EXPECT_TRUE(Apps().contains("app-team-a"));
  EXPECT_EQ(Condition("teams", "ErrorOccurred")["reason"], "ApplicationValidationError");
}

TEST_F(Fixture, ApplicationsLiveInTheApplicationSetsNamespace) {
  // Argo CD places generated Applications next to their ApplicationSet whatever the
  // template says (an ownerReference cannot cross namespaces).
  Object appset = testing::YamlObject(ListAppSet("sync", {"one"}, "x"));
  appset.mutable_body()["spec"]["template"]["metadata"]["namespace"] = "elsewhere";
  Put(appset);
  StartController();
  Drain();
  auto apps = Apps();
  ASSERT_EQ(apps.size(), 1u);
  EXPECT_EQ(apps.at("one").Namespace(), "argocd");
}

TEST_F(Fixture, ApplicationOwnedByAnotherControllerIsAConflict) {
  Put(R"(
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: one
  namespace: argocd
  ownerReferences: [{apiVersion: argoproj.io/v1alpha1, kind: ApplicationSet, name: other, uid: u-other, controller: true}]
spec: {project: default, source: {repoURL: r, path: theirs}, destination: {server: s, namespace: n}}
)");
  Put(ListAppSet("sync", {"one", "two"}, "ours"));
  StartController();
  Drain();
  auto apps = Apps();
  EXPECT_EQ(apps.at("one").body()["spec"]["source"]["path"], "theirs");
  EXPECT_TRUE(apps.contains("two"));
  Json err = Condition("list", "ErrorOccurred");
  EXPECT_EQ(err["reason"], "UpdateApplicationError");
  EXPECT_EQ(err["message"], "Application one is already owned by another controller");
}

TEST_F(Fixture, DeletingWithAPolicyThatForbidsDeletesOrphansTheApplications) {
  Object appset = testing::YamlObject(ListAppSet("create-only", {"one"}, "x"));
  appset.mutable_body()["metadata"]["finalizers"] = {"resources-finalizer.argocd.argoproj.io"};
  Put(appset);
  StartController();
  Drain();
  ASSERT_TRUE(Apps().contains("one"));
  // What the API server does on DELETE of an object with a finalizer.
  Object deleting = AppSet("list");
  deleting.mutable_body()["metadata"]["deletionTimestamp"] = "2024-01-01T00:00:00Z";
  ASSERT_TRUE(hub_.Update(deleting, {}));
  Drain();
  Json meta = Apps().at("one").body()["metadata"];
  EXPECT_FALSE(meta.contains("ownerReferences")) << meta;  // kept from the garbage collector
  EXPECT_EQ(AppSet("list").body()["metadata"]["finalizers"], Json::array());
}

TEST_F(Fixture, DeletingWithPreserveResourcesStripsTheResourcesFinalizer) {
  // An explicit finalizer in the template survives preserveResourcesOnDeletion at creation;
  // deleting the ApplicationSet must still leave the resources alone.
  Object appset = testing::YamlObject(ListAppSet("sync", {"one", "two"}, "x"));
  appset.mutable_body()["spec"]["syncPolicy"]["preserveResourcesOnDeletion"] = true;
  appset.mutable_body()["spec"]["template"]["metadata"]["finalizers"] = {
      "resources-finalizer.argocd.argoproj.io"};
  appset.mutable_body()["metadata"]["finalizers"] = {"resources-finalizer.argocd.argoproj.io"};
  Put(appset);
  StartController();
  Drain();
  ASSERT_EQ(Apps().at("one").body()["metadata"]["finalizers"].size(), 1u);
  Object deleting = AppSet("list");
  deleting.mutable_body()["metadata"]["deletionTimestamp"] = "2024-01-01T00:00:00Z";
  ASSERT_TRUE(hub_.Update(deleting, {}));
  Drain();
  for (const auto& [name, app] : Apps()) {
    EXPECT_FALSE(app.body()["metadata"].contains("finalizers")) << name;
    EXPECT_EQ(OwnerKey(app), "argocd/list") << name;  // the garbage collector takes them
  }

  // Deleted without a finalizer of its own: the finalizers are stripped after the fact.
  for (auto& [name, app] : Apps()) {
    app.mutable_body()["metadata"]["finalizers"] = {"resources-finalizer.argocd.argoproj.io"};
    ASSERT_TRUE(hub_.Update(app, {}));
  }
  ASSERT_TRUE(hub_.Delete(AppSet("list"), {}));
  Drain();
  for (const auto& [name, app] : Apps()) {
    EXPECT_FALSE(app.body()["metadata"].contains("finalizers")) << name;
  }
}

}  // namespace
}  // namespace cellgate::appset_controller

// The ApplicationSet controller over a fake hub: generated Applications, status, error
// handling that keeps what exists, restoring changed Applications, and what triggers a
// reconcile (status-only changes, refresh by repository, the requeue interval, the refresh
// annotation).
#include <gtest/gtest.h>

#include "appset_controller/controller_fixture.h"

namespace cellgate::appset_controller {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

const char* kListAppSet = R"(
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: web, namespace: argocd}
spec:
  goTemplate: true
  goTemplateOptions: [missingkey=error]
  generators:
  - list:
      elements:
      - {cluster: a, url: https://a.example}
      - {cluster: b, url: https://b.example}
  template:
    metadata: {name: '{{.cluster}}-web'}
    spec:
      project: default
      source: {repoURL: https://git.example/web, targetRevision: HEAD, path: web}
      destination: {server: '{{.url}}', namespace: web}
)";

const char* kGitAppSet = R"(
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: registry, namespace: argocd}
spec:
  goTemplate: true
  generators:
  - git:
      repoURL: https://git.example/registry
      revision: HEAD
      files: [{path: "apps/*/config.yaml"}]
  template:
    metadata: {name: '{{.path.basename}}'}
    spec:
      project: default
      source: {repoURL: https://git.example/apps, targetRevision: HEAD, path: '{{.path.path}}'}
      destination: {server: https://kubernetes.default.svc, namespace: '{{.namespace}}'}
)";

using Fixture = testing::ControllerTest;

TEST_F(Fixture, CreatesOwnedApplicationsWritesStatusAndThenWritesNothing) {
  Put(kListAppSet);
  runtime::EventRecorder events(hub_, clock_);
  StartController(&events);
  EXPECT_GE(Drain(), 1);
  auto apps = Apps();
  ASSERT_EQ(apps.size(), 2u);
  std::string uid = StringAt(AppSet("web").body(), {"metadata", "uid"});
  const Json& a = apps.at("a-web").body();
  EXPECT_EQ(a["metadata"]["namespace"], "argocd");
  EXPECT_EQ(a["metadata"]["ownerReferences"], Json::array({{{"apiVersion", "argoproj.io/v1alpha1"},
                                                            {"kind", "ApplicationSet"},
                                                            {"name", "web"},
                                                            {"uid", uid},
                                                            {"controller", true},
                                                            {"blockOwnerDeletion", true}}}));
  EXPECT_EQ(a["metadata"]["finalizers"], Json::array({"resources-finalizer.argocd.argoproj.io"}));
  EXPECT_EQ(a["spec"]["destination"]["server"], "https://a.example");
  EXPECT_EQ(apps.at("b-web").body()["spec"]["destination"]["server"], "https://b.example");

  EXPECT_EQ(Condition("web", "ErrorOccurred")["status"], "False");
  EXPECT_EQ(Condition("web", "ParametersGenerated")["status"], "True");
  EXPECT_EQ(Condition("web", "ResourcesUpToDate")["reason"], "ApplicationSetUpToDate");
  Json status = AppSet("web").body()["status"];
  ASSERT_EQ(status["resources"].size(), 2u);
  EXPECT_EQ(status["resources"][0]["name"], "a-web");
  EXPECT_EQ(status["resources"][1]["name"], "b-web");
  EXPECT_EQ(status["resourcesCount"], 2);

  // Steady state: a refresh regenerates, finds nothing to change and writes nothing.
  int status_writes = status_.writes();
  std::string rv = StringAt(apps.at("a-web").body(), {"metadata", "resourceVersion"});
  int updates = hub_.Calls("update");
  EXPECT_EQ(controller_->RefreshAll(), 1);
  EXPECT_EQ(Drain(), 1);
  EXPECT_EQ(status_.writes(), status_writes);
  EXPECT_EQ(hub_.Calls("update"), updates);
  EXPECT_EQ(StringAt(Apps().at("a-web").body(), {"metadata", "resourceVersion"}), rv);

  ASSERT_TRUE(events.Flush(seconds(5)));
  bool created = false;
  for (const auto& e : hub_.Objects("Event")) {
    created = created || (e.body().value("reason", "") == "created" &&
                          e.body().value("message", "") == "created Application \"a-web\"" &&
                          StringAt(e.body(), {"involvedObject", "kind"}) == "ApplicationSet");
  }
  EXPECT_TRUE(created);
}

TEST_F(Fixture, TemplateErrorLeavesApplicationsAndNamesTheExpression) {
  Put(kListAppSet);
  StartController();
  Drain();
  auto before = Apps();
  ASSERT_EQ(before.size(), 2u);
  // Broken template, and one element fewer: nothing may be deleted or changed.
  Object broken = testing::YamlObject(kListAppSet);
  broken.mutable_body()["spec"]["template"]["metadata"]["name"] = "{{.nme}}-web";
  broken.mutable_body()["spec"]["generators"][0]["list"]["elements"].erase(1);
  Put(broken);
  EXPECT_EQ(Drain(), 1);
  auto after = Apps();
  ASSERT_EQ(after.size(), 2u);
  for (const auto& [name, app] : before) {
    EXPECT_EQ(StringAt(after.at(name).body(), {"metadata", "resourceVersion"}),
              StringAt(app.body(), {"metadata", "resourceVersion"}));
  }
  Json err = Condition("web", "ErrorOccurred");
  EXPECT_EQ(err["status"], "True");
  EXPECT_EQ(err["reason"], "RenderTemplateParamsError");
  std::string m = err.value("message", "");
  EXPECT_NE(m.find("ApplicationSet argocd/web"), std::string::npos) << m;
  EXPECT_NE(m.find("generator 0 (list)"), std::string::npos) << m;
  EXPECT_NE(m.find("element 0"), std::string::npos) << m;
  EXPECT_NE(m.find("<.nme>"), std::string::npos) << m;
  EXPECT_EQ(Condition("web", "ParametersGenerated")["status"], "False");
  EXPECT_EQ(Condition("web", "ResourcesUpToDate")["status"], "False");
  // Bad input is not retried in a loop: it waits for a change or the requeue interval.
  clock_.Advance(seconds(10));
  EXPECT_EQ(Drain(), 0);
}

TEST_F(Fixture, UnreachableRepositoryKeepsTheLastGoodStateAndRecovers) {
  Repo("https://git.example/registry").AddFile("apps/api/config.yaml", "namespace: api\n");
  Put(kGitAppSet);
  StartController();
  Drain();
  ASSERT_EQ(Apps().size(), 1u);
  EXPECT_EQ(Apps().at("api").body()["spec"]["source"]["path"], "apps/api");

  SetUnreachable("https://git.example/registry", true);
  EXPECT_EQ(controller_->Refresh("https://git.example/registry.git"), 1);
  EXPECT_EQ(Drain(), 1);
  EXPECT_EQ(Apps().size(), 1u);
  Json err = Condition("registry", "ErrorOccurred");
  EXPECT_EQ(err["status"], "True");
  EXPECT_EQ(err["reason"], "ApplicationGenerationFromParamsError");
  EXPECT_NE(err.value("message", "").find("connection refused"), std::string::npos) << err;
  // Retried with backoff, not at once.
  int calls = Resolved("https://git.example/registry");
  EXPECT_EQ(Drain(), 0);
  clock_.Advance(milliseconds(10));
  EXPECT_EQ(Drain(), 1);
  EXPECT_EQ(Resolved("https://git.example/registry"), calls + 1);
  EXPECT_EQ(Apps().size(), 1u);

  SetUnreachable("https://git.example/registry", false);
  Repo("https://git.example/registry").AddFile("apps/web/config.yaml", "namespace: web\n");
  controller_->Refresh("https://git.example/registry");
  Drain();
  auto apps = Apps();
  ASSERT_EQ(apps.size(), 2u);
  EXPECT_EQ(apps.at("web").body()["spec"]["destination"]["namespace"], "web");
  EXPECT_EQ(Condition("registry", "ErrorOccurred")["status"], "False");
}

TEST_F(Fixture, RestoresApplicationsOthersChangeOrDeleteAndFollowsTheirStatus) {
  Put(kListAppSet);
  StartController();
  Drain();
  auto full = controller_->Stats().full_reconciles;

  Object edited = Apps().at("a-web");
  edited.mutable_body()["spec"]["source"]["path"] = "elsewhere";
  ASSERT_TRUE(hub_.Update(edited, {}));
  EXPECT_EQ(Drain(), 1);
  EXPECT_EQ(Apps().at("a-web").body()["spec"]["source"]["path"], "web");

  std::string old_uid = StringAt(Apps().at("b-web").body(), {"metadata", "uid"});
  ASSERT_TRUE(hub_.Delete(Apps().at("b-web"), {}));
  EXPECT_EQ(Drain(), 1);
  ASSERT_TRUE(Apps().contains("b-web"));
  EXPECT_NE(StringAt(Apps().at("b-web").body(), {"metadata", "uid"}), old_uid);
  EXPECT_EQ(controller_->Stats().full_reconciles, full + 2);

  // The application controller reports health: status.resources follows, without generating.
  Object healthy = Apps().at("a-web");
  healthy.mutable_body()["status"] = {{"sync", {{"status", "Synced"}}},
                                      {"health", {{"status", "Degraded"}}}};
  ASSERT_TRUE(hub_.Update(healthy, {}));
  EXPECT_EQ(Drain(), 1);
  EXPECT_EQ(controller_->Stats().full_reconciles, full + 2);
  EXPECT_EQ(controller_->Stats().status_reconciles, 1u);
  Json r = AppSet("web").body()["status"]["resources"][0];
  EXPECT_EQ(r["status"], "Synced");
  EXPECT_EQ(r["health"]["status"], "Degraded");

  // reconciledAt churn asks for nothing.
  Object churn = Apps().at("a-web");
  churn.mutable_body()["status"]["reconciledAt"] = "2024-01-01T00:10:00Z";
  ASSERT_TRUE(hub_.Update(churn, {}));
  EXPECT_EQ(Drain(), 0);
}

TEST_F(Fixture, RefreshByRepositoryReachesTheApplicationSetsThatUseIt) {
  Repo("https://git.example/registry").AddFile("apps/api/config.yaml", "namespace: api\n");
  Repo("https://git.example/other").AddFile("apps/x/config.yaml", "namespace: x\n");
  Put(kGitAppSet);
  Object other = testing::YamlObject(kGitAppSet);
  other.mutable_body()["metadata"]["name"] = "other";
  other.mutable_body()["spec"]["generators"][0]["git"]["repoURL"] = "https://git.example/other";
  other.mutable_body()["spec"]["template"]["metadata"]["name"] = "other-{{.path.basename}}";
  Put(other);
  Put(kListAppSet);  // names https://git.example/web in its template only
  StartController();
  Drain();
  ASSERT_EQ(Apps().size(), 4u);
  int registry = Resolved("https://git.example/registry");
  int others = Resolved("https://git.example/other");
  EXPECT_EQ(controller_->Refresh("https://GIT.example/registry.git/"), 1);
  EXPECT_EQ(Drain(), 1);
  EXPECT_EQ(Resolved("https://git.example/registry"), registry + 1);
  EXPECT_EQ(Resolved("https://git.example/other"), others);
  // Generated sources count too: the web ApplicationSet deploys from https://git.example/web,
  // and the registry's Applications from https://git.example/apps.
  EXPECT_EQ(controller_->Refresh("https://git.example/web"), 1);
  EXPECT_EQ(controller_->Refresh("https://git.example/apps"), 2);
  EXPECT_EQ(controller_->Refresh("https://git.example/unused"), 0);
}

// A push webhook names its repository several ways (GitHub: clone_url, ssh_url, html_url; the
// first and last are one repository once normalised): each ApplicationSet that uses it is
// refreshed and counted once, as Argo CD's ApplicationSet webhook handler refreshes each
// matching ApplicationSet once per event (applicationset/webhook/webhook.go).
TEST_F(Fixture, PushWithSeveralSpellingsOfARepositoryRefreshesEachApplicationSetOnce) {
  Repo("https://git.example/registry").AddFile("apps/api/config.yaml", "namespace: api\n");
  Put(kGitAppSet);
  Put(kListAppSet);
  StartController();
  Drain();
  ASSERT_EQ(Apps().size(), 3u);
  int registry = Resolved("https://git.example/registry");
  const std::vector<std::string> push = {"https://git.example/registry.git",
                                         "ssh://git@git.example/registry.git",
                                         "https://git.example/registry"};
  EXPECT_EQ(controller_->Refresh(push), 1);
  EXPECT_EQ(Drain(), 1);
  EXPECT_EQ(Resolved("https://git.example/registry"), registry + 1);
  // Two repositories in one call: each ApplicationSet once.
  const std::vector<std::string> both = {"https://git.example/apps", "https://git.example/web",
                                         "https://git.example/apps.git"};
  EXPECT_EQ(controller_->Refresh(both), 2);
  EXPECT_EQ(Drain(), 2);
}

TEST_F(Fixture, RequeueIntervalRegeneratesPeriodically) {
  Repo("https://git.example/registry").AddFile("apps/api/config.yaml", "namespace: api\n");
  Put(kGitAppSet);
  StartController();
  Drain();
  int calls = Resolved("https://git.example/registry");
  clock_.Advance(minutes(2));
  EXPECT_EQ(Drain(), 0);
  Repo("https://git.example/registry").AddFile("apps/new/config.yaml", "namespace: new\n");
  clock_.Advance(minutes(1) + seconds(1));
  EXPECT_EQ(Drain(), 1);
  EXPECT_EQ(Resolved("https://git.example/registry"), calls + 1);
  EXPECT_TRUE(Apps().contains("new"));
  // A status-only reconcile in between does not break the period.
  Object a = Apps().at("api");
  a.mutable_body()["status"] = {{"health", {{"status", "Healthy"}}}};
  ASSERT_TRUE(hub_.Update(a, {}));
  clock_.Advance(minutes(1));
  EXPECT_EQ(Drain(), 1);
  EXPECT_EQ(Resolved("https://git.example/registry"), calls + 1);
  clock_.Advance(minutes(2) + seconds(1));
  EXPECT_EQ(Drain(), 1);
  EXPECT_EQ(Resolved("https://git.example/registry"), calls + 2);
}

TEST_F(Fixture, RefreshAnnotationIsHonouredOnceAndRemoved) {
  Put(kListAppSet);
  StartController();
  Drain();
  auto full = controller_->Stats().full_reconciles;
  Object annotated = AppSet("web");
  annotated.mutable_body()["metadata"]["annotations"][std::string(kRefreshAnnotation)] = "true";
  ASSERT_TRUE(hub_.Update(annotated, {}));
  EXPECT_EQ(Drain(), 1);
  EXPECT_EQ(controller_->Stats().full_reconciles, full + 1);
  EXPECT_FALSE(RefreshRequested(AppSet("web").body()));
}

}  // namespace
}  // namespace cellgate::appset_controller

// The ApplicationSet controller on a real hub: what create-only and create-update keep, what
// deleting an ApplicationSet does (garbage collection through the ownerReferences, or not),
// a template error that leaves everything in place, and status.resources following the
// Applications' health.
#include "appsets_e2e_util.h"

namespace cellgate::appset_controller::e2e {
namespace {

using std::chrono::seconds;

class AppSetLifecycleE2E : public AppSetsE2E {
 protected:
  // Seed 002 with a policy (and optionally preserveResourcesOnDeletion).
  Json Guestbook(const std::string& policy, bool preserve = false) {
    Json seed = Seed("guestbook.yaml");
    seed["spec"]["template"]["spec"]["source"]["repoURL"] = Url("gitops-repo");
    if (!policy.empty()) seed["spec"]["syncPolicy"]["applicationsSync"] = policy;
    if (preserve) seed["spec"]["syncPolicy"]["preserveResourcesOnDeletion"] = true;
    return seed;
  }
  void TwoCells() {
    Repo("gitops-repo").Write("README.md", "overlays\n");
    Repo("gitops-repo").CommitAndPublish("init");
    Register("cell-2", "cell-2", {});
    Register("cell-3", "cell-3", {});
  }
  std::string PathOf(const std::string& app) {
    auto apps = Apps();
    return apps.contains(app) ? StringAt(apps.at(app).body(), {"spec", "source", "path"}) : "";
  }
};

TEST_F(AppSetLifecycleE2E, CreateUpdateUpdatesButNeverDeletes) {
  TwoCells();
  PutAppSet(Guestbook("create-update"));
  StartController(/*in_cluster=*/false);
  ASSERT_TRUE(WaitForApps({"cell-2-guestbook", "cell-3-guestbook"}));
  Json v2 = Guestbook("create-update");
  v2["spec"]["template"]["spec"]["source"]["path"] = "apps/guestbook/v2/{{name}}";
  PutAppSet(v2);
  ASSERT_TRUE(Eventually([&] {
    return PathOf("cell-2-guestbook") == "apps/guestbook/v2/cell-2" &&
           PathOf("cell-3-guestbook") == "apps/guestbook/v2/cell-3";
  }));
  // cell-3 retired from the selection (and the path moves on): cell-2's Application shows
  // the new spec was applied; cell-3's is no longer generated, yet it stays as it was.
  Register("cell-3", "cell-3", {{"retired", "true"}});
  Json v3 = v2;
  v3["spec"]["template"]["spec"]["source"]["path"] = "apps/guestbook/v3/{{name}}";
  v3["spec"]["generators"][0]["clusters"] = {
      {"selector",
       {{"matchExpressions", Json::array({{{"key", "retired"}, {"operator", "DoesNotExist"}}})}}}};
  PutAppSet(v3);
  ASSERT_TRUE(Eventually([&] { return PathOf("cell-2-guestbook") == "apps/guestbook/v3/cell-2"; }));
  EXPECT_EQ(LiveApps(), (std::set<std::string>{"cell-2-guestbook", "cell-3-guestbook"}));
  EXPECT_EQ(PathOf("cell-3-guestbook"), "apps/guestbook/v2/cell-3");
}

TEST_F(AppSetLifecycleE2E, CreateOnlyKeepsApplicationsAsCreatedAndAfterItsDeletion) {
  TwoCells();
  Json appset = Guestbook("create-only");
  appset["metadata"]["finalizers"] = {"resources-finalizer.argocd.argoproj.io"};
  PutAppSet(appset);
  StartController(/*in_cluster=*/false);
  ASSERT_TRUE(WaitForApps({"cell-2-guestbook", "cell-3-guestbook"}));
  std::string rv = StringAt(Apps().at("cell-2-guestbook").body(), {"metadata", "resourceVersion"});
  // A new path and a new cell: only the new cell's Application shows the new path.
  Json v2 = appset;
  v2["spec"]["template"]["spec"]["source"]["path"] = "apps/guestbook/v2/{{name}}";
  PutAppSet(v2);
  Register("cell-1", "hub-cell", {});
  ASSERT_TRUE(WaitForApps({"cell-2-guestbook", "cell-3-guestbook", "hub-cell-guestbook"}));
  EXPECT_EQ(PathOf("hub-cell-guestbook"), "apps/guestbook/v2/hub-cell");
  EXPECT_EQ(PathOf("cell-2-guestbook"), "apps/guestbook/overlays/cell-2");
  EXPECT_EQ(StringAt(Apps().at("cell-2-guestbook").body(), {"metadata", "resourceVersion"}), rv);

  // Deleting the ApplicationSet: its finalizer lets the controller orphan the Applications
  // first (the policy forbids deletes), so the garbage collector leaves them.
  std::string uid = StringAt(AppSet("guestbook").body(), {"metadata", "uid"});
  ASSERT_TRUE(hub().applier().Delete(AppSet("guestbook"), {}));
  ASSERT_TRUE(Eventually(
      [&] { return !hub().reader().Get(kApplicationSetGvk, ns(), "guestbook").has_value(); }));
  // A barrier: a ConfigMap owned by the deleted ApplicationSet is collected once the
  // garbage collector has acted on that owner.
  Object probe(Json{{"apiVersion", "v1"},
                    {"kind", "ConfigMap"},
                    {"metadata",
                     {{"name", "gc-probe"},
                      {"namespace", ns()},
                      {"ownerReferences", Json::array({{{"apiVersion", "argoproj.io/v1alpha1"},
                                                        {"kind", "ApplicationSet"},
                                                        {"name", "guestbook"},
                                                        {"uid", uid}}})}}}});
  ASSERT_TRUE(hub().applier().Create(probe, {}));
  ASSERT_TRUE(Eventually(
      [&] {
        return !hub().reader().Get({"", "v1", "ConfigMap"}, ns(), "gc-probe").has_value();
      },
      seconds(60)));
  auto apps = Apps();
  ASSERT_EQ(apps.size(), 3u);
  for (const auto& [name, app] : apps) {
    EXPECT_FALSE(BeingDeleted(app.body())) << name;
    EXPECT_FALSE(app.body()["metadata"].contains("ownerReferences")) << name;
  }
}

TEST_F(AppSetLifecycleE2E, DeletingTheApplicationSetGarbageCollectsItsApplications) {
  TwoCells();
  PutAppSet(Guestbook(""));
  StartController(/*in_cluster=*/false);
  ASSERT_TRUE(WaitForApps({"cell-2-guestbook", "cell-3-guestbook"}));
  ASSERT_TRUE(hub().applier().Delete(AppSet("guestbook"), {}));
  // The garbage collector deletes them through their ownerReferences; the resources
  // finalizer then waits for the application controller (not running here).
  ASSERT_TRUE(Eventually([&] { return LiveApps().empty(); }, seconds(60)));
  for (const auto& [name, app] : Apps()) {
    EXPECT_EQ(app.body()["metadata"]["finalizers"],
              Json::array({"resources-finalizer.argocd.argoproj.io"}))
        << name;
  }
}

TEST_F(AppSetLifecycleE2E, PreserveResourcesOnDeletionLetsTheApplicationsGoAlone) {
  TwoCells();
  Json appset = Guestbook("", /*preserve=*/true);
  // Even a finalizer the template asks for is taken off before collection.
  appset["spec"]["template"]["metadata"]["finalizers"] = {"resources-finalizer.argocd.argoproj.io"};
  appset["metadata"]["finalizers"] = {"resources-finalizer.argocd.argoproj.io"};
  PutAppSet(appset);
  StartController(/*in_cluster=*/false);
  ASSERT_TRUE(WaitForApps({"cell-2-guestbook", "cell-3-guestbook"}));
  EXPECT_EQ(Apps().at("cell-2-guestbook").body()["metadata"]["finalizers"].size(), 1u);
  ASSERT_TRUE(hub().applier().Delete(AppSet("guestbook"), {}));
  // No finalizer is left, so the garbage collector removes them completely.
  ASSERT_TRUE(Eventually([&] { return Apps().empty(); }, seconds(60)));
  EXPECT_FALSE(hub().reader().Get(kApplicationSetGvk, ns(), "guestbook").has_value());
}

TEST_F(AppSetLifecycleE2E, TemplateErrorKeepsApplicationsAndStatusFollowsHealth) {
  TwoCells();
  PutAppSet(Guestbook(""));
  StartController(/*in_cluster=*/false);
  ASSERT_TRUE(WaitForApps({"cell-2-guestbook", "cell-3-guestbook"}));

  // The application controller's report on one Application reaches status.resources.
  Object app = Apps().at("cell-2-guestbook");
  app.mutable_body()["status"] = {{"sync", {{"status", "Synced"}}},
                                  {"health", {{"status", "Healthy"}}}};
  ASSERT_TRUE(hub().applier().Update(app, {}));
  ASSERT_TRUE(Eventually([&] {
    Json r = AppSet("guestbook").body()["status"].value("resources", Json::array());
    return r.size() == 2 && r[0].value("status", "") == "Synced" &&
           StringAt(r[0], {"health", "status"}) == "Healthy";
  }));

  Json broken = Guestbook("");
  broken["spec"]["template"]["metadata"]["name"] = "{{name}}-guestbook-{{";  // unclosed tag
  std::map<std::string, std::string> before;
  for (const auto& [name, a] : Apps())
    before[name] = StringAt(a.body(), {"metadata", "resourceVersion"});
  PutAppSet(broken);
  ASSERT_TRUE(Eventually(
      [&] { return Condition("guestbook", "ErrorOccurred").value("status", "") == "True"; }));
  Json err = Condition("guestbook", "ErrorOccurred");
  EXPECT_EQ(err["reason"], "RenderTemplateParamsError");
  std::string m = err.value("message", "");
  EXPECT_NE(m.find("ApplicationSet " + ns() + "/guestbook: generator 0 (clusters): element 0"),
            std::string::npos)
      << m;
  EXPECT_EQ(Condition("guestbook", "ParametersGenerated")["status"], "False");
  std::map<std::string, std::string> after;
  for (const auto& [name, a] : Apps())
    after[name] = StringAt(a.body(), {"metadata", "resourceVersion"});
  EXPECT_EQ(after, before);
}

}  // namespace
}  // namespace cellgate::appset_controller::e2e

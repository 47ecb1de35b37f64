// AppRouting and the relevance rules (app_routing.h): queues by destination cell and cell
// state, the apps a cell change re-queues, parents of app-of-apps children, and which changes
// of an Application matter (Argo CD's appController informer handlers).
#include "controller/app_routing.h"

#include <gtest/gtest.h>

#include "controller/reconciler_fixture.h"
#include "sync/tracking.h"

namespace cellgate::controller {
namespace {

using testing::Dest;
using testing::kCell2;
using testing::kCell3;

Object App(const std::string& extra) {
  return testing::ParseOne(
      "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\n"
      "  namespace: argocd\n  resourceVersion: '5'\n  labels: {team: a}\n"
      "  annotations: {note: x}\n  finalizers: [resources-finalizer.argocd.argoproj.io]\n"
      "spec:\n  project: default\nstatus:\n  sync: {status: Synced}\n"
      "  health: {status: Healthy}\n  reconciledAt: '2024-01-01T00:00:00Z'\n" +
      extra);
}

TEST(RelevantChangeTest, SpecOperationAndMetadataThatDriveAReconcileMatterStatusDoesNot) {
  const Object before = App("");
  struct Case {
    const char* name;
    std::function<void(Json&)> edit;
    bool relevant;
  };
  const Case cases[] = {
      {"spec", [](Json& o) { o["spec"]["project"] = "other"; }, true},
      {"operation",
       [](Json& o) {
         o["operation"] = {{"sync", Json::object()}};
       },
       true},
      {"annotation", [](Json& o) { o["metadata"]["annotations"]["note"] = "y"; }, true},
      {"refresh annotation",
       [](Json& o) { o["metadata"]["annotations"]["argocd.argoproj.io/refresh"] = "hard"; }, true},
      {"label", [](Json& o) { o["metadata"]["labels"]["team"] = "b"; }, true},
      {"finalizers", [](Json& o) { o["metadata"]["finalizers"] = Json::array(); }, true},
      {"deletionTimestamp",
       [](Json& o) { o["metadata"]["deletionTimestamp"] = "2024-01-01T00:00:00Z"; }, true},
      {"status", [](Json& o) { o["status"]["sync"]["status"] = "OutOfSync"; }, false},
      {"reconciledAt", [](Json& o) { o["status"]["reconciledAt"] = "2024-01-02T00:00:00Z"; },
       false},
      {"resourceVersion", [](Json& o) { o["metadata"]["resourceVersion"] = "6"; }, false},
      {"managedFields", [](Json& o) { o["metadata"]["managedFields"] = Json::array(); }, false},
      {"nothing", [](Json&) {}, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Json body = before.body();
    c.edit(body);
    EXPECT_EQ(RelevantChange(before, Object(body)), c.relevant);
  }
}

TEST(RelevantChangeTest, StatusSummaryIsSyncAndHealthOnly) {
  const Object before = App("");
  Json sync = before.body();
  sync["status"]["sync"]["status"] = "OutOfSync";
  Json health = before.body();
  health["status"]["health"]["status"] = "Degraded";
  Json other = before.body();
  other["status"]["reconciledAt"] = "2024-01-02T00:00:00Z";
  other["spec"]["project"] = "changed";
  EXPECT_TRUE(StatusSummaryChanged(before, Object(sync)));
  EXPECT_TRUE(StatusSummaryChanged(before, Object(health)));
  EXPECT_FALSE(StatusSummaryChanged(before, Object(other)));
  EXPECT_EQ(HomeQueueName(""), "home:hub");
  EXPECT_EQ(HomeQueueName("cell-2"), "home:cell-2");
}

class AppRoutingTest : public testing::ReconcilerTest {
 protected:
  AppRouting Routing() { return AppRouting(*registry_, *cells_, homes_, "cellgate"); }
};

TEST_F(AppRoutingTest, AnAppGoesToItsCellsQueueOrToItsHomeWhenTheCellCannotServeIt) {
  connector_.For(kCell3)->up = false;
  Start();
  WaitForProbes();
  AppRouting routing = Routing();
  const AppRef on2 = PutApp(testing::AppYaml("on-2", Dest(kCell2)));
  const AppRef on3 = PutApp(testing::AppYaml("on-3", Dest(kCell3)));
  const AppRef nowhere = PutApp(testing::AppYaml("nowhere", Dest("https://gone.example:6443")));
  const AppRef by_name = PutApp(testing::AppYaml("by-name", "    name: cell-2\n"));
  const AppRef missing{"", "argocd", "not-in-the-cache"};

  EXPECT_EQ(routing.QueueFor(on2), "cell-2");
  EXPECT_EQ(routing.QueueFor(on3), "home:hub") << "cell-3 is unreachable";
  EXPECT_EQ(routing.QueueFor(nowhere), "home:hub");
  EXPECT_EQ(routing.QueueFor(by_name), "cell-2");
  EXPECT_EQ(routing.QueueFor(missing), "home:hub");

  // A cell's state change re-queues its apps, the unreachable cell's included, and every app
  // whose destination did not resolve; an app the home does not hold has no destination.
  auto names = [](const std::vector<AppRef>& refs) {
    std::set<std::string> out;
    for (const AppRef& r : refs) out.insert(r.name);
    return out;
  };
  EXPECT_EQ(names(routing.AppsOf("cell-2")), (std::set<std::string>{"on-2", "by-name", "nowhere"}));
  EXPECT_EQ(names(routing.AppsOf("cell-3")), (std::set<std::string>{"on-3", "nowhere"}));
  routing.Forget(nowhere);
  routing.Forget(missing);
  EXPECT_EQ(names(routing.AppsOf("cell-3")), std::set<std::string>{"on-3"});
}

TEST_F(AppRoutingTest, TheLastRoutedDestinationIsKept) {
  Start();
  WaitForProbes();
  AppRouting routing = Routing();
  const AppRef web = PutApp(testing::AppYaml("web", Dest(kCell2)));
  EXPECT_EQ(routing.QueueFor(web), "cell-2");
  Json moved = hub_.MustGet("Application", "argocd", "web").body();
  moved["spec"]["destination"]["server"] = kCell3;
  moved["metadata"].erase("resourceVersion");
  ASSERT_TRUE(hub_.cluster().Apply(Object(moved), {}));
  WaitForCachedVersion("argocd", "web");
  EXPECT_EQ(routing.QueueFor(web), "cell-3");
  EXPECT_TRUE(routing.AppsOf("cell-2").empty());
  ASSERT_EQ(routing.AppsOf("cell-3").size(), 1u);
}

TEST_F(AppRoutingTest, ParentOfFollowsTheChildsTrackingIdToAnAppOfTheSameHome) {
  Start();
  PutApp(testing::AppYaml("root", Dest(kCell2), "", "cellgate"));
  PutApp(testing::AppYaml("team-root", Dest(kCell2), "", "argocd"));
  const AppRef child = PutApp(testing::AppYaml("child", Dest(kCell2), "", "argocd"));
  AppRouting routing = Routing();
  auto tracked_by = [](const std::string& app) {
    Object o = testing::ParseOne(testing::AppYaml("child", Dest(kCell2), "", "argocd"));
    if (!app.empty()) sync::SetTracking(o, app, "argocd");
    return o;
  };
  // Controller namespace: the plain name.
  auto parent = routing.ParentOf(child, tracked_by("root"));
  ASSERT_TRUE(parent);
  EXPECT_EQ(*parent, (AppRef{"", "cellgate", "root"}));
  // Another namespace: "<namespace>_<name>".
  parent = routing.ParentOf(child, tracked_by("argocd_team-root"));
  ASSERT_TRUE(parent);
  EXPECT_EQ(*parent, (AppRef{"", "argocd", "team-root"}));
  EXPECT_FALSE(routing.ParentOf(child, tracked_by(""))) << "no tracking id";
  EXPECT_FALSE(routing.ParentOf(child, tracked_by("argocd_child"))) << "itself";
  EXPECT_FALSE(routing.ParentOf(child, tracked_by("unknown"))) << "no such app";
  EXPECT_FALSE(routing.ParentOf(child, tracked_by("argocd_unknown")));
  EXPECT_FALSE(routing.ParentOf({"elsewhere", "argocd", "child"}, tracked_by("root")))
      << "another home";
}

}  // namespace
}  // namespace cellgate::controller

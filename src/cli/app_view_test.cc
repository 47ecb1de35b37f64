#include "cli/app_view.h"

#include <gtest/gtest.h>

#include "runtime/time_format.h"

namespace cellgate::cli {
namespace {

runtime::WallTime Time(std::string_view text) {
  auto t = runtime::ParseRfc3339(text);
  EXPECT_TRUE(t) << text;
  return t ? *t : runtime::WallTime{};
}

Json App(const std::string& ns, const std::string& name) {
  Json app = Json::parse(R"J({
    "apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
    "metadata": {"managedFields": [{"manager": "kubectl"}]},
    "spec": {
      "project": "platform",
      "source": {"repoURL": "http://127.0.0.1:9/fleet.git", "path": "apps/web",
                 "targetRevision": "main"},
      "destination": {"name": "cell-us-east-1a", "namespace": "web"},
      "syncPolicy": {"automated": {"prune": true, "selfHeal": true}}
    }
  })J");
  app["metadata"]["name"] = name;
  app["metadata"]["namespace"] = ns;
  return app;
}

Json Synced(Json app) {
  app["status"] = Json::parse(R"J({
    "sync": {"status": "Synced", "revision": "0123456789abcdef0123456789abcdef01234567"},
    "health": {"status": "Healthy"},
    "resources": [
      {"group": "apps", "version": "v1", "kind": "Deployment", "namespace": "web",
       "name": "web", "status": "Synced", "health": {"status": "Healthy"}},
      {"group": "", "version": "v1", "kind": "Service", "namespace": "web", "name": "web",
       "status": "Synced", "health": {"status": "Healthy"}},
      {"group": "", "version": "v1", "kind": "ConfigMap", "namespace": "web", "name": "old",
       "status": "OutOfSync", "requiresPruning": true}
    ],
    "conditions": [
      {"type": "SyncError", "message": "one", "lastTransitionTime": "2024-05-01T10:00:00Z"},
      {"type": "ComparisonError", "message": "a", "lastTransitionTime": "2024-05-01T10:00:00Z"},
      {"type": "ComparisonError", "message": "b", "lastTransitionTime": "2024-05-01T10:00:01Z"}
    ],
    "operationState": {
      "operation": {"sync": {"revision": "main", "prune": true},
                    "initiatedBy": {"username": "alice"}},
      "phase": "Succeeded", "message": "successfully synced (all tasks run)",
      "startedAt": "2024-05-01T10:00:00Z", "finishedAt": "2024-05-01T10:01:05Z",
      "syncResult": {
    "revision" : "0123456789abcdef0123456789abcdef01234567", "resources" : [
      {
        "group" : "apps",
        "version" : "v1",
        "kind" : "Deployment",
        "namespace" : "web",
        "name" : "web",
        "status" : "Synced",
        "message" : "deployment.apps/web configured",
        "syncPhase" : "Sync"
      },
      {
        "group" : "batch",
        "version" : "v1",
        "kind" : "Job",
        "namespace" : "web",
        "name" : "migrate",
        "message" : "job completed",
        "hookType" : "PreSync",
        "hookPhase" : "Succeeded",
        "syncPhase" : "PreSync"
      }
    ]}
}
})J");
  return app;
}

TEST(AppList, ArgoCdColumnsWideByDefault) {
  Json manual = App("cellgate", "api");
  manual["spec"].erase("syncPolicy");
  manual["spec"]["destination"] = {{"server", "https://10.0.0.1:6443"}, {"namespace", "api"}};
  EXPECT_EQ(FormatAppList({Synced(App("argocd", "web")), manual}),
            "NAME          CLUSTER                NAMESPACE  PROJECT   STATUS  HEALTH   "
            "SYNCPOLICY  CONDITIONS                    REPO                          PATH      "
            "TARGET\n"
            "argocd/web    cell-us-east-1a        web        platform  Synced  Healthy  "
            "Auto-Prune  ComparisonError(2),SyncError  http://127.0.0.1:9/fleet.git  apps/web  "
            "main\n"
            "cellgate/api  https://10.0.0.1:6443  api        platform                   "
            "Manual      <none>                        http://127.0.0.1:9/fleet.git  apps/web  "
            "main\n");
}

TEST(AppList, NarrowDropsRepoPathTarget) {
  std::string out = FormatAppList({App("argocd", "web")}, {.wide = false});
  EXPECT_EQ(out.find("REPO"), std::string::npos) << out;
  EXPECT_NE(out.find("CONDITIONS"), std::string::npos) << out;
}

TEST(AppList, NamesAreQualified) {
  EXPECT_EQ(FormatAppNames({App("argocd", "web"), App("cellgate", "api")}),
            "argocd/web\ncellgate/api\n");
}

TEST(AppList, SyncPolicyFollowsAutomatedAndEnabled) {
  Json app = App("argocd", "web");
  EXPECT_EQ(SyncPolicySummary(app), "Auto-Prune");
  app["spec"]["syncPolicy"]["automated"]["prune"] = false;
  EXPECT_EQ(SyncPolicySummary(app), "Auto");
  app["spec"]["syncPolicy"]["automated"]["enabled"] = false;
  EXPECT_EQ(SyncPolicySummary(app), "Manual");
  app["spec"]["syncPolicy"].erase("automated");
  EXPECT_EQ(SyncPolicySummary(app), "Manual");
}

TEST(AppList, SourcesFirstEntryWhenMultiSource) {
  Json app = App("argocd", "web");
  app["spec"].erase("source");
  app["spec"]["sources"] = Json::parse(
      R"([{"repoURL": "https://a/x.git", "path": "p", "targetRevision": "v1"},
          {"repoURL": "https://b/y.git", "path": "q", "targetRevision": "v2"}])");
  std::string out = FormatAppList({app});
  EXPECT_NE(out.find("https://a/x.git  p     v1"), std::string::npos) << out;
}

TEST(AppGet, SummaryConditionsOperationAndResources) {
  auto now = Time("2024-05-01T10:05:00Z");
  EXPECT_EQ(FormatAppDetails(Synced(App("argocd", "web")), now),
            "Name:               argocd/web\n"
            "Project:            platform\n"
            "Server:             cell-us-east-1a\n"
            "Namespace:          web\n"
            "Source:\n"
            "- Repo:             http://127.0.0.1:9/fleet.git\n"
            "  Target:           main\n"
            "  Path:             apps/web\n"
            "Sync Policy:        Automated (Prune)\n"
            "Sync Status:        Synced to main (0123456)\n"
            "Health Status:      Healthy\n"
            "\n"
            "CONDITION        MESSAGE  LAST TRANSITION\n"
            "SyncError        one      2024-05-01T10:00:00Z\n"
            "ComparisonError  a        2024-05-01T10:00:00Z\n"
            "ComparisonError  b        2024-05-01T10:00:01Z\n"
            "\n"
            "Operation:          Sync\n"
            "Sync Revision:      0123456789abcdef0123456789abcdef01234567\n"
            "Phase:              Succeeded\n"
            "Start:              2024-05-01T10:00:00Z\n"
            "Finished:           2024-05-01T10:01:05Z\n"
            "Duration:           1m5s\n"
            "Message:            successfully synced (all tasks run)\n"
            "\n"
            "GROUP  KIND        NAMESPACE  NAME     STATUS     HEALTH     HOOK     MESSAGE\n"
            "       ConfigMap   web        old      OutOfSync                      ignored "
            "(requires pruning)\n"
            "       Service     web        web      Synced     Healthy\n"
            "apps   Deployment  web        web      Synced     Healthy             "
            "deployment.apps/web configured\n"
            "batch  Job         web        migrate             Succeeded  PreSync  job "
            "completed\n");
}

TEST(AppGet, FreshAppWithoutStatusAndAPendingOperation) {
  Json app = App("argocd", "web");
  app["spec"]["syncPolicy"].erase("automated");
  app["operation"] = {{"sync", {{"revision", "main"}}}, {"initiatedBy", {{"username", "bob"}}}};
  std::string out = FormatAppDetails(app, std::chrono::system_clock::now());
  EXPECT_NE(out.find("Sync Policy:        Manual\n"), std::string::npos) << out;
  EXPECT_NE(out.find("Sync Status:        Unknown\n"), std::string::npos) << out;
  EXPECT_NE(out.find("Health Status:      Unknown\n"), std::string::npos) << out;
  EXPECT_NE(out.find("Pending Operation:  Sync (by bob)\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("GROUP"), std::string::npos) << out;
  EXPECT_EQ(out.find("Phase:"), std::string::npos) << out;
}

TEST(AppGet, RunningOperationMeasuresDurationUntilNow) {
  Json app = App("argocd", "web");
  app["status"]["operationState"] = {{"phase", "Running"},
                                     {"operation", {{"sync", {{"revision", "main"}}}}},
                                     {"startedAt", "2024-05-01T10:00:00Z"}};
  auto now = Time("2024-05-01T10:00:42Z");
  std::string out = FormatAppDetails(app, now);
  EXPECT_NE(out.find("Operation:          Sync\n"), std::string::npos) << out;
  EXPECT_NE(out.find("Phase:              Running\n"), std::string::npos) << out;
  EXPECT_NE(out.find("Duration:           42s\n"), std::string::npos) << out;
}

TEST(AppGet, OutOfSyncPinnedToACommitShowsNoShortRevision) {
  Json app = App("argocd", "web");
  app["spec"]["source"]["targetRevision"] = "0123456789abcdef0123456789abcdef01234567";
  app["status"]["sync"] = {{"status", "OutOfSync"},
                           {"revision", "0123456789abcdef0123456789abcdef01234567"}};
  std::string out = FormatAppDetails(app, std::chrono::system_clock::now());
  EXPECT_NE(
      out.find("Sync Status:        OutOfSync from 0123456789abcdef0123456789abcdef01234567\n"),
      std::string::npos)
      << out;
}

TEST(AppOutput, DropsManagedFieldsOnly) {
  Json out = AppForOutput(App("argocd", "web"));
  EXPECT_FALSE(out["metadata"].contains("managedFields"));
  EXPECT_EQ(out["metadata"]["name"], "web");
  EXPECT_EQ(out["spec"]["project"], "platform");
}

}  // namespace
}  // namespace cellgate::cli

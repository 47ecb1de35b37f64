#include "controller/reconciler.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "controller/reconciler_fixture.h"
#include "core/log.h"

namespace cellgate::controller {
namespace {

using namespace std::chrono_literals;
using testing::Dest;
using testing::Eventually;
using testing::kAutomated;
using testing::kCell2;
using testing::kCell3;
using testing::kRepo;
using testing::kWebConfigMap;
using testing::ReconcilerTest;

TEST_F(ReconcilerTest, AutomatedAppSyncsItsDestinationCellAndWritesStatus) {
  std::string commit = source_.Publish(kRepo, {{"app/web.yaml", kWebConfigMap}});
  Start();
  WaitForProbes();
  AppRef ref = PutApp(testing::AppYaml("web", Dest(kCell2), kAutomated));

  Requeue next = Reconcile(ref);
  EXPECT_EQ(next.kind, Requeue::Kind::kAfter);
  EXPECT_EQ(next.after, 3min);

  auto cm = Cell(kCell2).Find(ConfigMapKey("web"));
  ASSERT_TRUE(cm) << "the ConfigMap was not applied to cell-2";
  EXPECT_EQ(StringAt(cm->body(), {"data", "color"}), "blue");
  EXPECT_FALSE(Cell(kCell3).Find(ConfigMapKey("web"))) << "cell-3 is not the destination";

  Json status = Status(ref);
  EXPECT_EQ(StringAt(status, {"sync", "status"}), "Synced") << status.dump();
  EXPECT_EQ(StringAt(status, {"sync", "revision"}), commit);
  EXPECT_EQ(StringAt(status, {"health", "status"}), "Healthy");
  ASSERT_EQ(status["resources"].size(), 1u) << status.dump();
  EXPECT_EQ(StringAt(status["resources"][0], {"kind"}), "ConfigMap");
  EXPECT_EQ(StringAt(status["resources"][0], {"status"}), "Synced");
  EXPECT_EQ(StringAt(status, {"operationState", "phase"}), "Succeeded");
  EXPECT_EQ(StringAt(status, {"operationState", "syncResult", "revision"}), commit);
  ASSERT_EQ(status["history"].size(), 1u);
  EXPECT_EQ(StringAt(status["history"][0], {"revision"}), commit);
  EXPECT_FALSE(StringAt(status, {"reconciledAt"}).empty());
}

TEST_F(ReconcilerTest, SteadyAppIsNotSyncedOrWrittenAgain) {
  source_.Publish(kRepo, {{"app/web.yaml", kWebConfigMap}});
  Start();
  WaitForProbes();
  AppRef ref = PutApp(testing::AppYaml("web", Dest(kCell2), kAutomated));
  Reconcile(ref);
  const int status_writes = hub_.Applies("Application");
  const auto applies = Cell(kCell2).LogWith("apply ").size();

  Reconcile(ref);
  EXPECT_EQ(hub_.Applies("Application"), status_writes) << "nothing changed: no status write";
  EXPECT_EQ(Cell(kCell2).LogWith("apply ").size(), applies) << "already synced: no apply";
  EXPECT_EQ(Status(ref)["history"].size(), 1u);
}

// With its ConfigMaps watched (as a self-healer of the cell would), a steady app's later
// passes skip render and comparison until something they read changes.
TEST_F(ReconcilerTest, SteadyAppSkipsTheComparisonUntilAnInputOrALiveObjectChanges) {
  source_.Publish(kRepo, {{"app/web.yaml", kWebConfigMap}});
  Start();
  WaitForProbes();
  auto target = cells_->ByName("cell-2");
  ASSERT_TRUE(target) << target.error().message();
  const kube::GroupVersionKind cm{"", "v1", "ConfigMap"};
  const std::string instance = "argocd_web";  // argocd/web, controller namespace cellgate
  auto watched = (*target)->watch_hub().Subscribe(cm, instance, [](const kube::WatchEvent&) {});
  ASSERT_TRUE(watched);
  ASSERT_TRUE(
      Eventually([&] { return (*target)->watch_hub().CachedVersion(cm, instance).has_value(); }));
  AppRef ref = PutApp(testing::AppYaml("web", Dest(kCell2), kAutomated));
  Reconcile(ref);  // syncs: not steady yet
  ASSERT_TRUE(Eventually([&] {
    auto c = (*target)->watch_hub().Cached(cm, instance);
    return c && c->objects.size() == 1;
  }));
  Reconcile(ref);  // compares from the cache: steady
  const int opens = source_.opens();
  const int writes = hub_.Applies("Application");

  Reconcile(ref);
  Reconcile(ref);
  EXPECT_EQ(source_.opens(), opens) << "nothing changed: no render";
  EXPECT_EQ(hub_.Applies("Application"), writes) << "nothing changed: no status write";
  EXPECT_EQ(StringAt(Status(ref), {"sync", "status"}), "Synced");

  // Drift in the cell (no selfHeal): the next pass compares and reports it.
  auto before = (*target)->watch_hub().CachedVersion(cm, instance);
  Cell(kCell2).Edit(ConfigMapKey("web"), [](Json& body) { body["data"]["color"] = "red"; });
  ASSERT_TRUE(
      Eventually([&] { return (*target)->watch_hub().CachedVersion(cm, instance) != before; }));
  Reconcile(ref);
  EXPECT_GT(source_.opens(), opens) << "a live object changed: compared again";
  EXPECT_EQ(StringAt(Status(ref), {"sync", "status"}), "OutOfSync") << Status(ref).dump();

  // An OutOfSync app is never skipped; once back in sync, a new commit is compared too.
  Cell(kCell2).Edit(ConfigMapKey("web"), [](Json& body) { body["data"]["color"] = "blue"; });
  ASSERT_TRUE(Eventually([&] {
    Reconcile(ref);
    return StringAt(Status(ref), {"sync", "status"}) == "Synced";
  }));
  Reconcile(ref);
  std::string second = source_.Publish(
      kRepo, {{"app/web.yaml",
               "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  color: red\n"}});
  Reconcile(ref);
  EXPECT_EQ(StringAt(Status(ref), {"sync", "revision"}), second);
  EXPECT_EQ(StringAt(Cell(kCell2).Find(ConfigMapKey("web"))->body(), {"data", "color"}), "red");

  // An AppProject change (InvalidateSteady) makes the next pass compare.
  ASSERT_TRUE(Eventually([&] {
    auto c = (*target)->watch_hub().Cached(cm, instance);
    return c && c->objects.size() == 1 &&
           StringAt(c->objects[0].body(), {"data", "color"}) == "red";
  }));
  Reconcile(ref);
  Reconcile(ref);
  const int steady_opens = source_.opens();
  Reconcile(ref);
  EXPECT_EQ(source_.opens(), steady_opens);
  reconciler_->InvalidateSteady();
  Reconcile(ref);
  EXPECT_GT(source_.opens(), steady_opens);
}

TEST_F(ReconcilerTest, NewCommitIsSyncedAndRecordedInHistory) {
  source_.Publish(kRepo, {{"app/web.yaml", kWebConfigMap}});
  Start();
  WaitForProbes();
  AppRef ref = PutApp(testing::AppYaml("web", Dest(kCell2), kAutomated));
  Reconcile(ref);
  std::string second = source_.Publish(
      kRepo, {{"app/web.yaml",
               "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  color: red\n"}});

  Reconcile(ref);
  auto cm = Cell(kCell2).Find(ConfigMapKey("web"));
  ASSERT_TRUE(cm) << "the ConfigMap is gone from cell-2: " << Status(ref).dump();
  EXPECT_EQ(StringAt(cm->body(), {"data", "color"}), "red");
  Json status = Status(ref);
  EXPECT_EQ(StringAt(status, {"sync", "revision"}), second);
  EXPECT_EQ(StringAt(status, {"sync", "status"}), "Synced");
  ASSERT_EQ(status["history"].size(), 2u);
  EXPECT_EQ(StringAt(status["history"][1], {"revision"}), second);
}

// With fetches on fetch threads (the controller's mode), a reconcile never waits on the Git
// server: until the repository's first fetch completes the app is left as it is (no
// ComparisonError written), and the completed fetch asks for the app again.
TEST_F(ReconcilerTest, AppWaitsUnwrittenWhileItsRepositoryIsFirstFetched) {
  const std::string commit = source_.Publish(kRepo, {{"app/web.yaml", kWebConfigMap}});
  git_fetch_threads_ = 1;
  source_.Hold();  // the Git server is slow
  Start();
  WaitForProbes();
  std::atomic<int> refreshed = 0;
  git_->SetRefreshListener([&](const std::string& url) {
    if (url == kRepo) ++refreshed;
  });
  AppRef ref = PutApp(testing::AppYaml("web", Dest(kCell2), kAutomated));

  Requeue next = Reconcile(ref);
  EXPECT_EQ(next.kind, Requeue::Kind::kAfter);
  EXPECT_FALSE(Status(ref).contains("conditions")) << Status(ref).dump();
  EXPECT_FALSE(Status(ref).contains("sync")) << Status(ref).dump();
  EXPECT_FALSE(Cell(kCell2).Find(ConfigMapKey("web")));
  EXPECT_EQ(refreshed.load(), 0);

  source_.Release();
  ASSERT_TRUE(Eventually([&] { return refreshed.load() == 1; }));
  Reconcile(ref);
  EXPECT_TRUE(Cell(kCell2).Find(ConfigMapKey("web")));
  EXPECT_EQ(StringAt(Status(ref), {"sync", "revision"}), commit);
}

TEST_F(ReconcilerTest, ObjectRemovedFromGitIsPrunedWithAutomatedPrune) {
  source_.Publish(
      kRepo, {{"app/web.yaml", kWebConfigMap},
              {"app/extra.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n"}});
  Start();
  WaitForProbes();
  AppRef ref = PutApp(testing::AppYaml("web", Dest(kCell2), kAutomated));
  Reconcile(ref);
  ASSERT_TRUE(Cell(kCell2).Find(ConfigMapKey("extra")));

  source_.Publish(kRepo, {{"app/web.yaml", kWebConfigMap}});
  Reconcile(ref);
  EXPECT_FALSE(Cell(kCell2).Find(ConfigMapKey("extra"))) << "pruned";
  EXPECT_TRUE(Cell(kCell2).Find(ConfigMapKey("web")));
  EXPECT_EQ(StringAt(Status(ref), {"sync", "status"}), "Synced");
}

TEST_F(ReconcilerTest, ManualAppIsComparedButNotSynced) {
  source_.Publish(kRepo, {{"app/web.yaml", kWebConfigMap}});
  Start();
  WaitForProbes();
  AppRef ref = PutApp(testing::AppYaml("web", Dest(kCell2)));
  Reconcile(ref);
  EXPECT_FALSE(Cell(kCell2).Find(ConfigMapKey("web")));
  EXPECT_TRUE(Cell(kCell2).LogWith("apply web").empty());
  Json status = Status(ref);
  EXPECT_EQ(StringAt(status, {"sync", "status"}), "OutOfSync");
  EXPECT_EQ(StringAt(status, {"health", "status"}), "Missing");
  EXPECT_FALSE(status.contains("operationState"));
}

TEST_F(ReconcilerTest, ManualOperationRunsThenIsCleared) {
  source_.Publish(kRepo, {{"app/web.yaml", kWebConfigMap}});
  Start();
  WaitForProbes();
  AppRef ref = PutApp(testing::AppYaml("web", Dest(kCell2)) +
                      "operation:\n  sync:\n    revision: HEAD\n  initiatedBy:\n"
                      "    username: alice\n");
  Reconcile(ref);
  EXPECT_TRUE(Cell(kCell2).Find(ConfigMapKey("web")));
  Object app = hub_.MustGet("Application", "argocd", "web");
  EXPECT_FALSE(app.body().contains("operation")) << "a finished operation is removed";
  Json status = app.body()["status"];
  EXPECT_EQ(StringAt(status, {"operationState", "phase"}), "Succeeded");
  EXPECT_EQ(StringAt(status, {"operationState", "operation", "initiatedBy", "username"}), "alice");
  EXPECT_EQ(StringAt(status, {"sync", "status"}), "Synced");
  ASSERT_EQ(status["history"].size(), 1u);
}

TEST_F(ReconcilerTest, ManualOperationWritesRunningBeforeItsResult) {
  source_.Publish(kRepo, {{"app/web.yaml", kWebConfigMap}});
  Start();
  WaitForProbes();
  AppRef ref =
      PutApp(testing::AppYaml("web", Dest(kCell2)) + "operation:\n  sync:\n    revision: HEAD\n");
  Reconcile(ref);
  // The result is written together with the removal of the operation (an update).
  EXPECT_EQ(WrittenPhases(), std::vector<std::string>{"Running"});
  EXPECT_EQ(StringAt(Status(ref), {"operationState", "phase"}), "Succeeded");
}

TEST_F(ReconcilerTest, QuickAutomatedSyncWritesOnlyItsResult) {
  source_.Publish(kRepo, {{"app/web.yaml", kWebConfigMap}});
  Start();
  WaitForProbes();
  AppRef ref = PutApp(testing::AppYaml("web", Dest(kCell2), kAutomated));
  Reconcile(ref);
  ASSERT_TRUE(Cell(kCell2).Find(ConfigMapKey("web")));
  EXPECT_EQ(WrittenPhases(), std::vector<std::string>{"Succeeded"})
      << "a sync quicker than progress_interval skips the Running write";
}

TEST_F(ReconcilerTest, AutomatedSyncThatRunsForProgressIntervalWritesRunning) {
  options_.progress_interval = 0s;  // every sync has run long enough at its first step
  source_.Publish(kRepo, {{"app/web.yaml", kWebConfigMap}});
  Start();
  WaitForProbes();
  AppRef ref = PutApp(testing::AppYaml("web", Dest(kCell2), kAutomated));
  Reconcile(ref);
  std::vector<std::string> phases = WrittenPhases();
  ASSERT_EQ(phases.size(), 2u);
  EXPECT_EQ(phases[0], "Running");
  EXPECT_EQ(phases[1], "Succeeded");
}

TEST_F(ReconcilerTest, UnknownDestinationIsAnInvalidSpecAndAppliesNothing) {
  source_.Publish(kRepo, {{"app/web.yaml", kWebConfigMap}});
  Start();
  WaitForProbes();
  AppRef ref = PutApp(testing::AppYaml("web", "    name: cell-9\n", kAutomated));
  Reconcile(ref);
  Json status = Status(ref);
  EXPECT_EQ(StringAt(status, {"sync", "status"}), "Unknown");
  EXPECT_EQ(StringAt(status, {"health", "status"}), "Unknown");
  EXPECT_EQ(ConditionTypes(status), "InvalidSpecError") << status.dump();
  EXPECT_NE(status["conditions"][0].value("message", "").find("cell-9"), std::string::npos);
  EXPECT_TRUE(Cell(kCell2).LogWith("apply").empty());
  EXPECT_TRUE(Cell(kCell3).LogWith("apply").empty());
}

TEST_F(ReconcilerTest, ProjectViolationIsReportedAndNothingIsApplied) {
  source_.Publish(kRepo, {{"app/web.yaml", kWebConfigMap}});
  ASSERT_TRUE(hub_.cluster().Create(
      testing::ParseOne("apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata:\n"
                        "  name: team-a\n  namespace: cellgate\nspec:\n  sourceRepos: ['*']\n"
                        "  destinations:\n  - server: " +
                        std::string(kCell3) + "\n    namespace: '*'\n"),
      {}));
  Start();
  WaitForProbes();
  ASSERT_TRUE(Eventually([&] { return home_->projects().Get("cellgate", "team-a") != nullptr; }));
  std::string yaml = testing::AppYaml("web", Dest(kCell2), kAutomated);
  yaml.replace(yaml.find("project: default"), 16, "project: team-a");
  AppRef ref = PutApp(yaml);
  Reconcile(ref);
  Json status = Status(ref);
  EXPECT_EQ(ConditionTypes(status), "InvalidSpecError") << status.dump();
  EXPECT_NE(status["conditions"][0].value("message", "").find("team-a"), std::string::npos)
      << status.dump();
  EXPECT_TRUE(Cell(kCell2).LogWith("apply").empty());
}

TEST_F(ReconcilerTest, UnreachableCellReportsComparisonErrorAndKeepsWhatItKnows) {
  source_.Publish(kRepo, {{"app/web.yaml", kWebConfigMap}});
  connector_.For(kCell2)->up = false;
  Start();
  WaitForProbes();
  AppRef ref = PutApp(testing::AppYaml("web", Dest(kCell2), kAutomated));
  Reconcile(ref);
  Json status = Status(ref);
  EXPECT_EQ(StringAt(status, {"sync", "status"}), "Unknown");
  EXPECT_EQ(StringAt(status, {"health", "status"}), "Unknown");
  EXPECT_EQ(ConditionTypes(status), "ComparisonError");
  const std::string message = status["conditions"][0].value("message", "");
  EXPECT_NE(message.find("cell-2 is unreachable"), std::string::npos) << message;
  EXPECT_NE(message.find("connection refused"), std::string::npos) << message;
  EXPECT_TRUE(Cell(kCell2).Log().empty()) << "nothing is sent to an unreachable cell";
}

TEST_F(ReconcilerTest, GitFailureIsAComparisonErrorRetriedWithBackoff) {
  Start();  // nothing published: the fake's ls-remote fails
  WaitForProbes();
  AppRef ref = PutApp(testing::AppYaml("web", Dest(kCell2), kAutomated));
  Requeue next = Reconcile(ref);
  EXPECT_EQ(next.kind, Requeue::Kind::kBackoff);
  Json status = Status(ref);
  EXPECT_EQ(ConditionTypes(status), "ComparisonError") << status.dump();
  EXPECT_EQ(StringAt(status, {"sync", "status"}), "Unknown");
}

TEST_F(ReconcilerTest, ConditionClearsOnceTheProblemIsGone) {
  Start();
  WaitForProbes();
  AppRef ref = PutApp(testing::AppYaml("web", Dest(kCell2), kAutomated));
  Reconcile(ref);
  ASSERT_EQ(ConditionTypes(Status(ref)), "ComparisonError");
  source_.Publish(kRepo, {{"app/web.yaml", kWebConfigMap}});
  Reconcile(ref);
  Json status = Status(ref);
  EXPECT_EQ(ConditionTypes(status), "") << status.dump();
  EXPECT_EQ(StringAt(status, {"sync", "status"}), "Synced");
}

TEST_F(ReconcilerTest, DeletionWithResourcesFinalizerDeletesThenDropsTheFinalizer) {
  source_.Publish(kRepo, {{"app/web.yaml", kWebConfigMap}});
  Start();
  WaitForProbes();
  AppRef ref = PutApp(testing::AppYaml("web", Dest(kCell2), kAutomated));
  Reconcile(ref);
  ASSERT_TRUE(Cell(kCell2).Find(ConfigMapKey("web")));

  // As the API server marks an object with finalizers that was deleted.
  Object app = hub_.MustGet("Application", "argocd", "web");
  app.mutable_body()["metadata"]["finalizers"] =
      Json::array({std::string(argo::kResourcesFinalizer)});
  app.mutable_body()["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z";
  ASSERT_TRUE(hub_.cluster().Update(app, {}));
  WaitForCachedVersion("argocd", "web");

  Requeue next = Reconcile(ref);
  EXPECT_EQ(next.kind, Requeue::Kind::kAfter);
  EXPECT_FALSE(Cell(kCell2).Find(ConfigMapKey("web"))) << "the app's resources are deleted";
  EXPECT_TRUE(
      hub_.MustGet("Application", "argocd", "web").body()["metadata"].contains("finalizers"))
      << "the finalizer stays until the resources are gone";

  next = Reconcile(ref);
  EXPECT_EQ(next.kind, Requeue::Kind::kNone);
  Json meta = hub_.MustGet("Application", "argocd", "web").body()["metadata"];
  EXPECT_TRUE(!meta.contains("finalizers") || meta["finalizers"].empty()) << meta.dump();
}

TEST_F(ReconcilerTest, DeletedAppIsForgotten) {
  Start();
  WaitForProbes();
  Requeue next = reconciler_->Reconcile({"", "argocd", "nothing-here"});
  EXPECT_EQ(next.kind, Requeue::Kind::kNone);
}

TEST_F(ReconcilerTest, AppInACellWithInClusterDestinationDeploysToThatCell) {
  source_.Publish(kRepo, {{"app/web.yaml", kWebConfigMap}});
  Start();
  WaitForProbes();
  // The destination rules of cell-local mode, without a cell home: resolution alone.
  auto name = cells_->ResolveName("cell-3", {.server = std::string(argo::kInClusterServer)});
  ASSERT_TRUE(name) << name.error().message();
  EXPECT_EQ(*name, "cell-3");
  auto hub_name = cells_->ResolveName("", {.server = std::string(argo::kInClusterServer)});
  ASSERT_TRUE(hub_name) << hub_name.error().message();
  EXPECT_EQ(*hub_name, "in-cluster") << "in the hub, kubernetes.default.svc is the hub";
  auto both = cells_->ResolveName("", {.server = kCell2, .name = "cell-2"});
  EXPECT_FALSE(both);
}

// A Secret value planted in Git, and where it must never show: the Application's status, its
// Events and the log.
constexpr const char* kPlanted = "s3cr3t-hunter2";
constexpr const char* kPlantedBase64 = "czNjcjN0LWh1bnRlcjI=";
const char* const kDbSecret =
    "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  dsn: s3cr3t-hunter2\n";

// Captures what is logged while it lives; the default stderr logger is restored after.
class CapturedLog {
 public:
  CapturedLog() { InitLogging("info", std::make_shared<spdlog::sinks::ostream_sink_mt>(out_)); }
  ~CapturedLog() { InitLogging("info"); }
  std::string text() {
    spdlog::default_logger()->flush();
    return out_.str();
  }

 private:
  std::ostringstream out_;
};

class SecretOutputTest : public ReconcilerTest {
 protected:
  // Every output channel, searched for the planted value in either form.
  void ExpectPlantedNowhere(const AppRef& ref) {
    ASSERT_TRUE(home_->events().Flush(10s));
    std::vector<std::pair<std::string, std::string>> outputs = {{"status", Status(ref).dump()},
                                                                {"log", log_.text()}};
    for (const Object& e : hub_.cluster().Objects("Event")) {
      outputs.emplace_back("Event", StringAt(e.body(), {"message"}));
    }
    for (const auto& [where, text] : outputs) {
      EXPECT_EQ(text.find(kPlanted), std::string::npos) << where << ": " << text;
      EXPECT_EQ(text.find(kPlantedBase64), std::string::npos) << where << ": " << text;
    }
  }

  CapturedLog log_;
};

TEST_F(SecretOutputTest, SecretValueInACellRefusalIsMaskedInStatusEventsAndLogs) {
  source_.Publish(kRepo, {{"app/db.yaml", kDbSecret}});
  Cell(kCell2).FailWhen([](const engine::testing::FakeCell::Request& r) -> std::optional<Error> {
    if (r.key.kind != "Secret" || r.verb != "apply" || r.dry_run) return std::nullopt;
    return Error(ErrorCode::kInvalidArgument,
                 "422 Unprocessable Entity: Secret \"db\" is invalid: stringData.dsn: Invalid "
                 "value: \"s3cr3t-hunter2\"");
  });
  Start();
  WaitForProbes();
  AppRef ref = PutApp(testing::AppYaml("web", Dest(kCell2), kAutomated));
  Reconcile(ref);
  Json status = Status(ref);
  // The refusal is reported, with the value masked (the default retry is pending).
  EXPECT_EQ(StringAt(status, {"operationState", "phase"}), "Running") << status.dump();
  EXPECT_NE(StringAt(status, {"operationState", "message"}).find("Invalid value: \"++++++++\""),
            std::string::npos)
      << status.dump();
  ASSERT_TRUE(home_->events().Flush(10s));
  EXPECT_FALSE(hub_.cluster().Objects("Event").empty());
  ExpectPlantedNowhere(ref);
}

TEST_F(SecretOutputTest, SecretValueInToolStderrIsMaskedInStatusEventsAndLogs) {
  // A kustomize that fails quoting the value, as it quotes objects it cannot use.
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("reconciler-tools-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::filesystem::path kustomize = dir / "kustomize";
  std::ofstream(kustomize) << "#!/bin/sh\necho 'Error: accumulating resources: Secret db: "
                              "Invalid value: \"s3cr3t-hunter2\"' >&2\nexit 1\n";
  std::filesystem::permissions(kustomize, std::filesystem::perms::owner_all);
  tool_renderer_ = std::make_unique<render::Renderer>(
      render::RendererOptions{.kustomize_path = kustomize, .use_cache = false});
  source_.Publish(kRepo, {{"app/db.yaml", kDbSecret}});
  Start();
  WaitForProbes();
  AppRef ref = PutApp(testing::AppYaml("web", Dest(kCell2), kAutomated));
  Reconcile(ref);
  ASSERT_TRUE(Cell(kCell2).Find(ObjectKey{"", "Secret", "shop", "db"}));
  // The next commit builds the same Secret with kustomize, which fails.
  source_.Publish(
      kRepo, {{"app/db.yaml", kDbSecret}, {"app/kustomization.yaml", "resources:\n- db.yaml\n"}});
  Reconcile(ref);
  Json status = Status(ref);
  EXPECT_EQ(ConditionTypes(status), "ComparisonError") << status.dump();
  EXPECT_NE(status.dump().find("Invalid value: \\\"++++++++\\\""), std::string::npos)
      << status.dump();
  ExpectPlantedNowhere(ref);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cellgate::controller

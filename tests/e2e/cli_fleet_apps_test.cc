// `cellgate app list|get|diff|sync` against real cells, cell-1 being the hub.
//
//  - list and get show what the status of an Application in the hub says (written here as
//    the controller writes it: server-side apply of status by another field manager).
//  - diff renders the app's source from a real git repository, resolves its destination
//    cell from the hub's cluster Secrets (added with `cell add`), and compares with that
//    cell: Missing before a sync (exit 1), equal after (exit 0), and an object edited in
//    the cell reported with its diff (exit 1); an unknown destination is an error (exit 2).
//  - sync writes the operation as Argo CD's API server does and waits for the controller.
//    The fleet controller is another part's work and not linked here, so a stand-in thread
//    plays the controller's side of the protocol against the real API server: it waits for
//    `operation`, then writes status.operationState and removes `operation` in one update, as
//    the controller's reconciler does. The test checks the operation written (revision,
//    prune, syncOptions, initiatedBy), that the previous operationState was dropped, the exit
//    codes for Succeeded and Failed, the timeout when nobody runs the operation, and the
//    refusal while one is pending.
//  - sync with the real fleet controller (controller/controller.h, run in-process on
//    the test's namespace, without leader election): a manual app is synced into its cell
//    only because of the operation; afterwards get shows it Synced and diff finds nothing.
#include <atomic>
#include <thread>

#include "cli_fleet_util.h"
#include "controller/controller.h"
#include "git/test_repos.h"

namespace cellgate::cli::e2e {
namespace {

std::string AppYaml(const std::string& name, const std::string& ns, const std::string& dest,
                    const std::string& dest_ns, const std::string& repo,
                    const std::string& extra = "") {
  return "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: " + name +
         "\n  namespace: " + ns + "\nspec:\n  project: default\n  source:\n    repoURL: '" + repo +
         "'\n    path: manifests\n    targetRevision: HEAD\n  destination:\n    name: " + dest +
         "\n    namespace: " + dest_ns + "\n" + extra;
}

class AppCommandsE2E : public CliFleetE2E {
 protected:
  Object CreateApp(const std::string& yaml) {
    auto created = hub().applier().Create(engine::e2e::ParseObjects(yaml).front(), {});
    EXPECT_TRUE(created) << created.error().message();
    return created ? *created : Object();
  }

  Object GetApp(const std::string& name) {
    auto app = hub().reader().Get(kAppGvk, ns(), name);
    EXPECT_TRUE(app) << app.error().message();
    return app ? *app : Object();
  }

  // As the controller writes status: server-side apply of identity + status.
  void ApplyStatus(const std::string& name, const Json& status) {
    Object patch(Json{{"apiVersion", "argoproj.io/v1alpha1"},
                      {"kind", "Application"},
                      {"metadata", {{"name", name}, {"namespace", ns()}}},
                      {"status", status}});
    auto r = hub().applier().Apply(patch, {.field_manager = "e2e-controller"});
    ASSERT_TRUE(r) << r.error().message();
  }
};

TEST_F(AppCommandsE2E, ListAndGetShowTheStatusWritten) {
  CreateApp(AppYaml("web", ns(), "e2e-west", "web", "https://git.example/fleet.git",
                    "  syncPolicy:\n    automated: {prune: true}\n"));
  ApplyStatus("web", Json::parse(R"J({
    "sync": {"status": "Synced", "revision": "abcdef0123456789abcdef0123456789abcdef01"},
    "health": {"status": "Healthy"},
    "resources": [{"group": "apps", "version": "v1", "kind": "Deployment", "namespace": "web",
                   "name": "web", "status": "Synced", "health": {"status": "Healthy"}}],
    "conditions": [{"type": "SyncError", "message": "quota exceeded",
                    "lastTransitionTime": "2024-05-01T10:00:00Z"}],
    "operationState": {"operation": {"sync": {"revision": "HEAD"}}, "phase": "Succeeded",
                       "message": "successfully synced (all tasks run)",
                       "startedAt": "2024-05-01T10:00:00Z",
                       "finishedAt": "2024-05-01T10:00:09Z",
                       "syncResult": {
    "revision" : "abcdef0123456789abcdef0123456789abcdef01", "resources" : [ {
      "group" : "apps",
      "version" : "v1",
      "kind" : "Deployment",
      "namespace" : "web",
      "name" : "web",
      "status" : "Synced",
      "message" : "deployment.apps/web created"
    } ]}
}
})J"));

  auto list = Run({"app", "list", "--context", "cell-1", "-n", ns(), "-N", ns()});
  ASSERT_EQ(list.code, 0) << list.err;
  EXPECT_NE(list.out.find("NAME"), std::string::npos) << list.out;
  std::string row = list.out.substr(list.out.find(ns() + "/web"));
  for (const char* cell : {"e2e-west", "Synced", "Healthy", "Auto-Prune", "SyncError",
                           "https://git.example/fleet.git", "manifests", "HEAD"}) {
    EXPECT_NE(row.find(cell), std::string::npos) << cell << "\n" << list.out;
  }

  auto json = Run({"app", "list", "--context", "cell-1", "-n", ns(), "-N", ns(), "-o", "json"});
  ASSERT_EQ(json.code, 0) << json.err;
  Json apps = Json::parse(json.out, nullptr, false);
  ASSERT_TRUE(apps.is_array() && apps.size() == 1) << json.out;
  EXPECT_EQ(apps[0]["status"]["health"]["status"], "Healthy");
  EXPECT_FALSE(apps[0]["metadata"].contains("managedFields"));

  auto get = Run({"app", "get", "web", "--context", "cell-1", "-n", ns(), "-N", ns()});
  ASSERT_EQ(get.code, 0) << get.err;
  for (const char* line :
       {"Name:               ", "Server:             e2e-west\n",
        "Sync Policy:        Automated (Prune)\n", "Sync Status:        Synced to HEAD (abcdef0)\n",
        "Health Status:      Healthy\n", "quota exceeded", "Phase:              Succeeded\n",
        "Duration:           9s\n", "deployment.apps/web created"}) {
    EXPECT_NE(get.out.find(line), std::string::npos) << line << "\n" << get.out;
  }
  // The qualified name works without -n.
  auto qualified = Run({"app", "get", ns() + "/web", "--context", "cell-1"});
  EXPECT_EQ(qualified.code, 0) << qualified.err;

  auto missing = Run({"app", "get", "nope", "--context", "cell-1", "-n", ns(), "-N", ns()});
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("application nope not found"), std::string::npos) << missing.err;
}

TEST_F(AppCommandsE2E, DiffReportsADriftedObjectWithExitCode1) {
  git::testing::TempDir dir;
  git::testing::Origin origin(dir.path() / "repo");
  origin.Write("manifests/config.yaml",
               "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cli-diff\n"
               "data:\n  greeting: hello\n");
  origin.CommitAndPublish("config");
  const std::string target_ns = "clid-" + UniqueSuffix();
  MustKubectl("create namespace " + target_ns, "cell-2");
  auto cleanup = [&] {
    (void)Shell(engine::e2e::Kubectl("cell-2") + "delete namespace " + target_ns + " --wait=false");
  };

  auto added = Run({"cell", "add", "--context", "cell-2", "--name", "e2e-diff-target",
                    "--hub-context", "cell-1", "-n", ns()});
  ASSERT_EQ(added.code, 0) << added.err;
  const std::string yaml = AppYaml("diffapp", ns(), "e2e-diff-target", target_ns, origin.url());
  CreateApp(yaml);
  const std::string work = (dir.path() / "work-dir").string();
  auto diff = [&] {
    return Run({"app", "diff", "diffapp", "--context", "cell-1", "-n", ns(), "-N", ns(),
                "--work-dir", work});
  };

  auto before = diff();
  EXPECT_EQ(before.code, 1) << before.err;
  EXPECT_NE(before.out.find("===== ConfigMap " + target_ns + "/cli-diff (Missing) ======"),
            std::string::npos)
      << before.out;

  // Sync it into cell-2 with `cellgate sync` (same instance name: the file's Application
  // lives in argocd, the hub's in its controller namespace; both track as "diffapp").
  std::string file = (dir.path() / "app.yaml").string();
  engine::e2e::WriteFile(file, AppYaml("diffapp", "argocd", "unused", target_ns, origin.url()));
  auto synced = Cli({"sync", "-f", file, "--context", "cell-2", "--kubeconfig", KubeconfigPath(),
                     "--work-dir", work});
  ASSERT_EQ(synced.code, 0) << synced.err << synced.out;

  auto equal = diff();
  EXPECT_EQ(equal.code, 0) << equal.out << equal.err;
  EXPECT_EQ(equal.out, "");
  EXPECT_NE(equal.err.find("in cell e2e-diff-target"), std::string::npos) << equal.err;
  EXPECT_NE(equal.err.find("no differences"), std::string::npos) << equal.err;

  MustKubectl("-n " + target_ns +
                  " patch configmap cli-diff --type merge -p "
                  "'{\"data\":{\"greeting\":\"drifted\"}}'",
              "cell-2");
  auto drifted = diff();
  EXPECT_EQ(drifted.code, 1) << drifted.err;
  EXPECT_NE(drifted.out.find("===== ConfigMap " + target_ns + "/cli-diff (OutOfSync) ======"),
            std::string::npos)
      << drifted.out;
  EXPECT_NE(drifted.out.find("-  greeting: drifted"), std::string::npos) << drifted.out;
  EXPECT_NE(drifted.out.find("+  greeting: hello"), std::string::npos) << drifted.out;

  // A destination no cluster Secret names.
  CreateApp(AppYaml("lost", ns(), "no-such-cell", target_ns, origin.url()));
  auto lost = Run(
      {"app", "diff", "lost", "--context", "cell-1", "-n", ns(), "-N", ns(), "--work-dir", work});
  EXPECT_EQ(lost.code, 2);
  EXPECT_NE(lost.err.find("no-such-cell"), std::string::npos) << lost.err;
  EXPECT_NE(lost.err.find("cell no-such-cell is not registered in namespace " + ns() +
                          " (cluster Secrets labelled argocd.argoproj.io/secret-type=cluster)"),
            std::string::npos)
      << lost.err;
  cleanup();
}

// Plays the controller's side: once `operation` appears, records it (and whether an
// operationState was still there), then completes it with `phase` in one update.
class StandInController {
 public:
  StandInController(kube::ClusterClient& hub, std::string ns, std::string name, std::string phase)
      : hub_(hub), ns_(std::move(ns)), name_(std::move(name)), phase_(std::move(phase)) {
    thread_ = std::thread([this] { Run(); });
  }
  ~StandInController() {
    stop_ = true;
    thread_.join();
  }
  Json operation() const { return operation_; }
  bool saw_old_operation_state() const { return saw_old_state_; }

 private:
  void Run() {
    while (!stop_) {
      auto app = hub_.reader().Get(kAppGvk, ns_, name_);
      if (app && app->body().contains("operation")) {
        Json body = app->body();
        operation_ = body["operation"];
        saw_old_state_ = body.contains("status") && body["status"].contains("operationState");
        body["status"]["operationState"] = {{"operation", operation_},
                                            {"phase", phase_},
                                            {"message", "stand-in: " + phase_},
                                            {"startedAt", "2024-05-01T10:00:00Z"},
                                            {"finishedAt", "2024-05-01T10:00:02Z"},
                                            {"syncResult", {{"revision", "0123456789abcdef"}}}};
        body.erase("operation");
        if (hub_.applier().Update(Object(std::move(body)), {})) return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  kube::ClusterClient& hub_;
  std::string ns_, name_, phase_;
  std::atomic<bool> stop_{false};
  Json operation_;
  bool saw_old_state_ = false;
  std::thread thread_;
};

TEST_F(AppCommandsE2E, SyncWritesTheOperationAndWaitsForItsResult) {
  CreateApp(AppYaml("syncme", ns(), "e2e-west", "web", "https://git.example/fleet.git",
                    "  syncPolicy:\n    syncOptions: [CreateNamespace=true]\n"));
  ApplyStatus("syncme", Json::parse(R"J({"operationState": {"phase": "Failed",
      "operation": {"sync": {"revision": "old"}}, "startedAt": "2024-04-01T10:00:00Z"}})J"));
  Json operation;
  {
    StandInController controller(hub(), ns(), "syncme", "Succeeded");
    auto r = Run({"app", "sync", "syncme", "--context", "cell-1", "-n", ns(), "-N", ns(), "--prune",
                  "--revision", "v2", "--timeout", "60s"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("Phase:              Succeeded\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Message:            stand-in: Succeeded\n"), std::string::npos) << r.out;
    EXPECT_NE(r.err.find("requested (revision v2, prune"), std::string::npos) << r.err;
    operation = controller.operation();
    EXPECT_FALSE(controller.saw_old_operation_state())
        << "the previous operationState must be dropped when the operation is set";
  }
  EXPECT_EQ(operation["sync"]["revision"], "v2") << operation.dump();
  EXPECT_EQ(operation["sync"]["prune"], true) << operation.dump();
  EXPECT_EQ(operation["sync"]["syncOptions"], Json::parse(R"J(["CreateNamespace=true"])J"));
  EXPECT_FALSE(operation["initiatedBy"]["username"].get<std::string>().empty()) << operation.dump();

  {
    StandInController controller(hub(), ns(), "syncme", "Failed");
    auto r = Run({"app", "sync", "syncme", "--context", "cell-1", "-n", ns(), "-N", ns(),
                  "--timeout", "60s"});
    EXPECT_EQ(r.code, 1) << r.err;
    EXPECT_NE(r.err.find("completed with phase Failed"), std::string::npos) << r.err;
    EXPECT_EQ(controller.operation()["sync"]["revision"], "HEAD");
    EXPECT_EQ(controller.operation()["sync"]["prune"], false);
  }

  // Nobody runs it: the wait times out and the operation stays requested...
  auto waited = Run(
      {"app", "sync", "syncme", "--context", "cell-1", "-n", ns(), "-N", ns(), "--timeout", "2s"});
  EXPECT_EQ(waited.code, 2);
  EXPECT_NE(waited.err.find("timed out after 2s"), std::string::npos) << waited.err;
  EXPECT_TRUE(GetApp("syncme").body().contains("operation"));
  // ...and a second request is refused while it is pending.
  auto second =
      Run({"app", "sync", "syncme", "--context", "cell-1", "-n", ns(), "-N", ns(), "--async"});
  EXPECT_EQ(second.code, 2);
  EXPECT_NE(second.err.find("another operation is already in progress"), std::string::npos)
      << second.err;
}

TEST_F(AppCommandsE2E, SyncToAnotherRevisionIsRefusedWithAutoSync) {
  CreateApp(AppYaml("auto", ns(), "e2e-west", "web", "https://git.example/fleet.git",
                    "  syncPolicy:\n    automated: {}\n"));
  auto r = Run({"app", "sync", "auto", "--context", "cell-1", "-n", ns(), "-N", ns(), "--revision",
                "v9", "--async"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("Cannot sync to v9: auto-sync currently set to HEAD"), std::string::npos)
      << r.err;
  EXPECT_FALSE(GetApp("auto").body().contains("operation"));
}

TEST_F(AppCommandsE2E, SyncWithTheRealControllerDeploysTheApp) {
  git::testing::TempDir dir;
  git::testing::Origin origin(dir.path() / "repo");
  origin.Write("manifests/config.yaml",
               "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cli-synced\n"
               "data:\n  greeting: hello\n");
  origin.CommitAndPublish("config");
  const std::string target_ns = "clis-" + UniqueSuffix();
  MustKubectl("create namespace " + target_ns, "cell-2");
  auto added = Run({"cell", "add", "--context", "cell-2", "--name", "e2e-sync-target",
                    "--hub-context", "cell-1", "-n", ns()});
  ASSERT_EQ(added.code, 0) << added.err;
  CreateApp(AppYaml("manual", ns(), "e2e-sync-target", target_ns, origin.url()));

  auto controller = controller::Controller::Create({.kubeconfig = KubeconfigPath(),
                                                    .context = "cell-1",
                                                    .ns = ns(),
                                                    .app_namespaces = {ns()},
                                                    .bind_address = "127.0.0.1",
                                                    .port = 0,
                                                    .cache_dir = dir.path() / "cache",
                                                    // the origin is a file:// repository
                                                    .git = {.allow_local_repos = true},
                                                    .leader_elect = false});
  ASSERT_TRUE(controller) << controller.error().message();
  Status run_status = Ok();
  std::thread runner([&] { run_status = (*controller)->Run(); });

  auto synced = Run({"app", "sync", "manual", "--context", "cell-1", "-n", ns(), "-N", ns(),
                     "--timeout", "120s"});
  EXPECT_EQ(synced.code, 0) << synced.err << synced.out;
  EXPECT_NE(synced.out.find("Phase:              Succeeded\n"), std::string::npos) << synced.out;
  EXPECT_EQ(
      MustKubectl("-n " + target_ns + " get configmap cli-synced -o jsonpath={.data.greeting}",
                  "cell-2"),
      "hello");
  // The controller's next refresh records the app as Synced.
  EXPECT_TRUE(Eventually(
      [&] {
        return StringAt(GetApp("manual").body(), {"status", "sync", "status"}) == "Synced";
      },
      std::chrono::seconds(60)))
      << GetApp("manual").body().dump(2);
  auto get = Run({"app", "get", "manual", "--context", "cell-1", "-n", ns(), "-N", ns()});
  EXPECT_NE(get.out.find("Sync Status:        Synced to HEAD"), std::string::npos) << get.out;
  auto diff = Run({"app", "diff", "manual", "--context", "cell-1", "-n", ns(), "-N", ns(),
                   "--work-dir", (dir.path() / "work-dir").string()});
  EXPECT_EQ(diff.code, 0) << diff.out << diff.err;

  (*controller)->Stop();
  runner.join();
  EXPECT_TRUE(run_status) << run_status.error().message();
  (void)Shell(engine::e2e::Kubectl("cell-2") + "delete namespace " + target_ns + " --wait=false");
}

}  // namespace
}  // namespace cellgate::cli::e2e

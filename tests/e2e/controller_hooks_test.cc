// Hooks and validation through the controller's automated sync, on real cells, as
// gitops-engine runs them (argo-cd gitops-engine/pkg/sync/sync_context.go, Sync):
//   - a PostSync hook is awaited: the operation stays Running until it finished, fails when it
//     fails, and otherwise ends "successfully synced (no more tasks)";
//   - hook-delete-policy acts when the operation ends (HookSucceeded after a success);
//   - every sync runs the hook again;
//   - a task whose kind the cell does not serve makes the whole sync invalid before anything
//     is applied ("one or more synchronization tasks are not valid").
#include <atomic>
#include <mutex>

#include "controller_e2e_util.h"

namespace cellgate::controller::e2e {
namespace {

std::string Job(const std::string& name, const std::string& hook, const std::string& policy,
                const std::string& extra_spec = "", const std::string& pod_spec = "") {
  return "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: " + name +
         "\n  annotations:\n    argocd.argoproj.io/hook: " + hook +
         "\n    argocd.argoproj.io/hook-delete-policy: " + policy + "\nspec:\n" + extra_spec +
         "  template:\n    spec:\n      restartPolicy: Never\n" + pod_spec +
         "      containers:\n      - name: run\n        image: busybox:1.36\n"
         "        command: [\"true\"]\n";
}

Json OperationState(const std::optional<Object>& app) {
  if (!app) return Json::object();
  return app->body().value("status", Json::object()).value("operationState", Json::object());
}

class ControllerHooksTest : public ControllerE2E {
 protected:
  // Counts the Jobs named `name` the cell created in `target_ns` (ADDED watch events).
  void WatchJobs(const std::string& target_ns, const std::string& name) {
    auto handle = cell("cell-2").watcher().Watch(
        {"batch", "v1", "Job"}, target_ns, {}, [this, name](const kube::WatchEvent& e) {
          if (e.type == kube::WatchEventType::kAdded && e.object.Name() == name) ++jobs_added_;
          if (e.type == kube::WatchEventType::kReplace) listed_ = true;
        });
    ASSERT_TRUE(handle) << handle.error().message();
    watch_ = std::move(*handle);
    ASSERT_TRUE(Eventually([&] { return listed_.load(); }));
  }

  // The app's operationState once its phase is Failed (asserts it gets there).
  Json WaitForFailedOperation(const std::string& app) {
    EXPECT_TRUE(Eventually(
        [&] { return StringAt(OperationState(Get(hub(), ns(), app)), {"phase"}) == "Failed"; },
        std::chrono::seconds(90)))
        << Describe(hub(), ns(), app);
    return OperationState(Get(hub(), ns(), app));
  }

  bool JobExists(const std::string& target_ns, const std::string& name) {
    return Get(cell("cell-2"), target_ns, name, {"batch", "v1", "Job"}).has_value();
  }

  std::atomic<int> jobs_added_ = 0;
  std::atomic<bool> listed_ = false;
  std::unique_ptr<kube::WatchHandle> watch_;
};

TEST_F(ControllerHooksTest, PostSyncHookIsAwaitedDeletedByPolicyAndRunAgainOnTheNextSync) {
  const std::string target_ns = ns();
  CreateCellNamespace("cell-2", target_ns);
  WatchJobs(target_ns, "smoke");
  git::testing::Origin& repo = Repo("hooks");
  repo.Write("app/web.yaml", WebConfigMap("blue"));
  repo.Write("app/smoke.yaml", Job("smoke", "PostSync", "HookSucceeded"));
  const std::string first = repo.CommitAndPublish("blue");
  Register("cell-2", "cell-a");
  CreateApp("web", "hooks", "cell-a", target_ns, "{prune: true}");
  ControllerOptions options = Options();
  options.repo_poll_interval = std::chrono::seconds(2);
  StartController(options);

  auto succeeded_at = [&](const std::string& revision) {
    Json op = OperationState(Get(hub(), ns(), "web"));
    return StringAt(op, {"phase"}) == "Succeeded" &&
           StringAt(op, {"syncResult", "revision"}) == revision;
  };
  ASSERT_TRUE(Eventually([&] { return succeeded_at(first); }, std::chrono::seconds(90)))
      << Describe(hub(), ns(), "web");
  Json op = OperationState(Get(hub(), ns(), "web"));
  EXPECT_EQ(StringAt(op, {"message"}), "successfully synced (no more tasks)") << op.dump();
  bool hook_reported = false;
  for (const Json& r : op["syncResult"].value("resources", Json::array())) {
    if (StringAt(r, {"name"}) != "smoke") continue;
    hook_reported = true;
    EXPECT_EQ(StringAt(r, {"hookPhase"}), "Succeeded") << r.dump();
    EXPECT_EQ(StringAt(r, {"hookType"}), "PostSync") << r.dump();
  }
  EXPECT_TRUE(hook_reported) << op.dump();
  EXPECT_EQ(jobs_added_.load(), 1);
  EXPECT_FALSE(JobExists(target_ns, "smoke")) << "HookSucceeded: deleted once the sync succeeded";

  // The next sync (a new commit) runs the hook again, and deletes it again.
  repo.Write("app/web.yaml", WebConfigMap("red"));
  const std::string second = repo.CommitAndPublish("red");
  ASSERT_TRUE(Eventually([&] { return succeeded_at(second); }, std::chrono::seconds(90)))
      << Describe(hub(), ns(), "web");
  EXPECT_EQ(jobs_added_.load(), 2) << "the PostSync hook ran once per sync";
  EXPECT_FALSE(JobExists(target_ns, "smoke"));
}

TEST_F(ControllerHooksTest, FailingPostSyncHookFailsTheOperation) {
  const std::string target_ns = ns();
  CreateCellNamespace("cell-2", target_ns);
  git::testing::Origin& repo = Repo("failhook");
  repo.Write("app/web.yaml", WebConfigMap("blue"));
  // No node matches and the Job may be active for 2 s: the Job controller marks it Failed.
  repo.Write("app/check.yaml", Job("check", "PostSync", "BeforeHookCreation",
                                   "  backoffLimit: 0\n  activeDeadlineSeconds: 2\n",
                                   "      nodeSelector: {cellgate.io/no-such-node: \"true\"}\n"));
  repo.CommitAndPublish("blue");
  Register("cell-2", "cell-a");
  // No retries: the first failure ends the operation (Argo CD's default for an automated
  // sync is 5 retries, the operation staying Running with "... Retrying attempt #N at ...").
  CreateApp("web", "failhook", "cell-a", target_ns, "{prune: true}", "    retry: {limit: 0}\n");
  StartController();

  Json op = WaitForFailedOperation("web");
  EXPECT_NE(StringAt(op, {"message"})
                .find("one or more synchronization tasks completed unsuccessfully: PostSync hook "
                      "batch/Job " +
                      target_ns + "/check failed"),
            std::string::npos)
      << op.dump();
  EXPECT_TRUE(JobExists(target_ns, "check")) << "BeforeHookCreation keeps the failed hook";
}

TEST_F(ControllerHooksTest, UnservedKindMakesTheSyncInvalidAndNothingIsApplied) {
  const std::string target_ns = ns();
  CreateCellNamespace("cell-2", target_ns);
  git::testing::Origin& repo = Repo("invalid");
  repo.Write("app/web.yaml", WebConfigMap("blue"));
  repo.Write("app/gadget.yaml",
             "apiVersion: example.cellgate.io/v1\nkind: Gadget\nmetadata:\n  name: g1\n");
  repo.CommitAndPublish("blue");
  Register("cell-2", "cell-a");
  CreateApp("web", "invalid", "cell-a", target_ns, "{prune: true}", "    retry: {limit: 0}\n");
  StartController();

  Json op = WaitForFailedOperation("web");
  EXPECT_TRUE(
      StringAt(op, {"message"}).starts_with("one or more synchronization tasks are not valid: "))
      << op.dump();
  EXPECT_NE(StringAt(op, {"message"})
                .find("cell cell-a does not serve example.cellgate.io/v1 Gadget, and no "
                      "CustomResourceDefinition of the app defines it"),
            std::string::npos)
      << op.dump();
  EXPECT_FALSE(Get(cell("cell-2"), target_ns, "web", {"", "v1", "ConfigMap"}).has_value())
      << "the served ConfigMap was applied although the sync was invalid";
}

}  // namespace
}  // namespace cellgate::controller::e2e

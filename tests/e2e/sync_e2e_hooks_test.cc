// Sync waves and hooks against a real cell: a PreSync Job runs to completion before wave 0 is
// applied, wave 0 is healthy before wave 1 is applied (the order is read from the cell's own
// resourceVersions, which etcd assigns in commit order), and a failing hook stops the sync
// and runs the SyncFail hooks.
#include <map>
#include <mutex>

#include "sync_e2e_util.h"

namespace cellgate::engine::e2e {
namespace {

std::string Job(const std::string& name, const std::string& hook,
                const std::string& extra_spec = "", const std::string& pod_spec = "") {
  return "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: " + name +
         "\n  annotations:\n    argocd.argoproj.io/hook: " + hook + "\nspec:\n" + extra_spec +
         "  template:\n    spec:\n      restartPolicy: Never\n" + pod_spec +
         "      containers:\n      - name: run\n        image: busybox:1.36\n"
         "        command: [\"true\"]\n";
}

std::string ConfigMap(const std::string& name, int wave) {
  return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name +
         "\n  annotations:\n    argocd.argoproj.io/sync-wave: \"" + std::to_string(wave) +
         "\"\ndata:\n  key: value\n";
}

std::string Deployment(const std::string& name, int wave) {
  return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name +
         "\n  annotations:\n    argocd.argoproj.io/sync-wave: \"" + std::to_string(wave) +
         "\"\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {app: " + name +
         "}\n  template:\n    metadata:\n      labels: {app: " + name +
         "}\n    spec:\n      containers:\n      - name: main\n        image: nginx:1.27\n";
}

std::uint64_t Rv(const Object& o) {
  return std::stoull(StringAt(o.body(), {"metadata", "resourceVersion"}));
}

bool ConditionTrue(const Object& o, const std::string& type) {
  const Json& body = o.body();
  if (!body.contains("status") || !body["status"].contains("conditions")) return false;
  for (const auto& c : body["status"]["conditions"]) {
    if (StringAt(c, {"type"}) == type && StringAt(c, {"status"}) == "True") return true;
  }
  return false;
}

// Records every event of a few kinds in one namespace, with the object as it was then.
class EventLog {
 public:
  EventLog(kube::Watcher& watcher, const std::string& ns) {
    for (kube::GroupVersionKind gvk : {kube::GroupVersionKind{"batch", "v1", "Job"},
                                       kube::GroupVersionKind{"apps", "v1", "Deployment"},
                                       kube::GroupVersionKind{"", "v1", "ConfigMap"}}) {
      auto h = watcher.Watch(gvk, ns, {}, [this](const kube::WatchEvent& e) {
        std::lock_guard lock(mu_);
        if (e.type == kube::WatchEventType::kReplace) {
          ++lists_;
        } else if (e.type != kube::WatchEventType::kBookmark &&
                   e.type != kube::WatchEventType::kError) {
          events_.push_back(e);
        }
      });
      EXPECT_TRUE(h) << h.error().message();
      if (h) handles_.push_back(std::move(*h));
    }
    EXPECT_TRUE(Eventually([&] {
      std::lock_guard lock(mu_);
      return lists_ == 3;
    }));
  }

  // The resourceVersion of the first event of `kind`/`name` for which `pred` holds; 0 if none.
  std::uint64_t First(const std::string& kind, const std::string& name,
                      const std::function<bool(const kube::WatchEvent&)>& pred) {
    std::lock_guard lock(mu_);
    for (const auto& e : events_) {
      if (e.object.Kind() == kind && e.object.Name() == name && pred(e)) return Rv(e.object);
    }
    return 0;
  }

  std::uint64_t Created(const std::string& kind, const std::string& name) {
    return First(kind, name,
                 [](const kube::WatchEvent& e) { return e.type == kube::WatchEventType::kAdded; });
  }

 private:
  std::mutex mu_;
  int lists_ = 0;
  std::vector<kube::WatchEvent> events_;
  std::vector<std::unique_ptr<kube::WatchHandle>> handles_;
};

class HooksE2E : public SyncE2ETest {
 protected:
  // An app rendered from a directory of the test (as it is on disk).
  std::string App(const std::map<std::string, std::string>& files) {
    fs::path dir = tmp_.path() / "manifests";
    for (const auto& [name, text] : files) WriteFile(dir / name, text);
    return AppFile(ApplicationYaml("hooks-" + UniqueSuffix(), dir.string(), ".", ns_));
  }

  CliResult Sync(const std::string& file) {
    std::vector<std::string> args = {"sync", "-f", file, "--timeout", "90s"};
    for (auto& a : CellArgs()) args.push_back(a);
    return Cli(args);
  }
};

TEST_F(HooksE2E, PreSyncHookCompletesBeforeWaveZeroAndWavesWaitForHealth) {
  EventLog log(cell_->client().watcher(), ns_);
  std::string file = App({{"migrate.yaml", Job("migrate", "PreSync")},
                          {"db.yaml", Deployment("db", 0)},
                          {"config.yaml", ConfigMap("app-config", 1)}});
  CliResult r = Sync(file);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("PreSync  0    batch/Job"), std::string::npos) << r.out;

  std::uint64_t job_complete = log.First("Job", "migrate", [](const kube::WatchEvent& e) {
    return ConditionTrue(e.object, "Complete");
  });
  std::uint64_t db_created = log.Created("Deployment", "db");
  std::uint64_t db_available = log.First("Deployment", "db", [](const kube::WatchEvent& e) {
    return e.object.body()["status"].value("availableReplicas", 0) == 3;
  });
  std::uint64_t config_created = log.Created("ConfigMap", "app-config");
  ASSERT_GT(job_complete, 0u);
  ASSERT_GT(db_created, 0u);
  ASSERT_GT(db_available, 0u);
  ASSERT_GT(config_created, 0u);
  EXPECT_LT(job_complete, db_created) << "wave 0 was applied before the PreSync hook completed";
  EXPECT_LT(db_available, config_created) << "wave 1 was applied before wave 0 was healthy";

  // The hook is the app's (tracked), finished, and carries no finalizer of ours any more.
  EXPECT_EQ(MustKubectl("get job migrate -n " + ns_ + " -o jsonpath='{.metadata.finalizers}'"), "");
  EXPECT_NE(MustKubectl("get job migrate -n " + ns_ +
                        " -o jsonpath='{.metadata.annotations.argocd\\.argoproj\\.io/"
                        "tracking-id}'"),
            "");

  // A second sync replaces the finished hook (BeforeHookCreation) and runs it again.
  std::string uid = MustKubectl("get job migrate -n " + ns_ + " -o jsonpath='{.metadata.uid}'");
  CliResult again = Sync(file);
  ASSERT_EQ(again.code, 0) << again.out << again.err;
  EXPECT_NE(MustKubectl("get job migrate -n " + ns_ + " -o jsonpath='{.metadata.uid}'"), uid);
}

TEST_F(HooksE2E, FailingHookStopsTheSyncAndRunsSyncFailHooks) {
  // A Job that cannot run (no node matches) and may be active for 2 s: the Job controller
  // marks it Failed (DeadlineExceeded), as a real failing migration would be.
  std::string failing =
      Job("fail-migrate", "PreSync", "  backoffLimit: 0\n  activeDeadlineSeconds: 2\n",
          "      nodeSelector: {cellgate.io/no-such-node: \"true\"}\n");
  std::string file = App({{"migrate.yaml", failing},
                          {"cleanup.yaml", Job("on-fail", "SyncFail")},
                          {"config.yaml", ConfigMap("never", 0)},
                          {"later.yaml", ConfigMap("never-later", 1)}});
  CliResult r = Sync(file);
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find(": Failed: one or more synchronization tasks completed unsuccessfully: "
                       "PreSync hook batch/Job " +
                       ns_ + "/fail-migrate failed"),
            std::string::npos)
      << r.out;
  for (const char* name : {"never", "never-later"}) {
    CommandResult get = Shell(Kubectl() + "get configmap " + name + " -n " + ns_);
    EXPECT_NE(get.status, 0) << name << " was applied after the hook failed";
  }
  // The SyncFail hook ran to completion; neither hook keeps our finalizer.
  EXPECT_EQ(MustKubectl("get job on-fail -n " + ns_ + " -o jsonpath='{.status.succeeded}'"), "1");
  for (const char* job : {"on-fail", "fail-migrate"}) {
    EXPECT_EQ(MustKubectl("get job " + std::string(job) + " -n " + ns_ +
                          " -o jsonpath='{.metadata.finalizers}'"),
              "")
        << job;
  }
  EXPECT_NE(r.out.find("SyncFail"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace cellgate::engine::e2e

// Shared set-up for the fleet controller's end-to-end tests against real local cells: cell-1
// is the hub (argoproj.io CRDs installed, a namespace per test as the controller namespace,
// holding the cluster Secrets), cell-2 and cell-3 are registered as cells, git repositories
// are real ones served over smart HTTP (tests/testdata/git/git_http_server.py). The
// controller runs in-process (controller::Controller on a thread) or as the real
// `cellgate controller` binary.
//
// Objects a test leaves in the cells (Applications in `argocd`, the tutorial's workloads in
// `default`, labelled app.kubernetes.io/part-of=cell) are deleted in TearDown, after the
// controller has stopped.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "argo/cluster_secret.h"
#include "cells/cell_secret.h"
#include "controller/controller.h"
#include "controller/home_cluster.h"
#include "fleet_e2e_util.h"
#include "git/test_process.h"
#include "git/test_repos.h"
#include "kube/cluster_client.h"
#include "runtime/crd_installer.h"

namespace cellgate::controller::e2e {

using runtime::e2e::CellConfig;
using runtime::e2e::Eventually;
using runtime::e2e::KubeconfigPath;
using runtime::e2e::Yaml;

inline std::string Shell(const std::string& command) {
  std::string out;
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
  ::pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

// The kubectl that scripts/kube-tools built.
inline std::string Kubectl() {
  static const std::string path =
      Shell(std::string(CELLGATE_SOURCE_DIR) + "/scripts/kube-tools path") + "/kubectl";
  return path;
}

// `kubectl --context <context> <args>`, combined output.
inline std::string RunKubectl(const std::string& context, const std::string& args) {
  return Shell(Kubectl() + " --kubeconfig " + KubeconfigPath() + " --context " + context + " " +
               args);
}

// The ConfigMap `web` with data.color = color: what most tests commit and change.
inline std::string WebConfigMap(const std::string& color) {
  return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  color: " + color + "\n";
}

inline std::string SyncStatus(const Object& app) {
  return StringAt(app.body(), {"status", "sync", "status"});
}
inline std::string HealthStatus(const Object& app) {
  return StringAt(app.body(), {"status", "health", "status"});
}

class ControllerE2E : public runtime::e2e::FleetE2ETest {
 protected:
  void SetUp() override {
    FleetE2ETest::SetUp();
    if (HasFatalFailure()) return;
    auto crds = runtime::InstallEmbeddedCrds(hub());
    ASSERT_TRUE(crds) << crds.error().message();
    for (const char* context : {"cell-2", "cell-3"}) {
      auto config = CellConfig(context);
      ASSERT_TRUE(config) << config.error().message();
      auto client = kube::ClusterClient::Create(*config);
      ASSERT_TRUE(client) << client.error().message();
      cells_[context] = std::move(*client);
    }
    std::vector<std::string> args = {
        "python3", std::string(CELLGATE_SOURCE_DIR) + "/tests/testdata/git/git_http_server.py",
        git_root_.path().string(), "--lifetime", "280"};
    git_server_ = std::make_unique<git::testing::ChildProcess>(std::move(args), true);
    ASSERT_FALSE(git_server_->line().empty()) << "git HTTP server did not start";
    git_port_ = std::stoi(git_server_->line());
  }

  void TearDown() override {
    StopController();
    for (auto& [context, cell] : cells_) {
      RunKubectl(context, "-n argocd delete applications.argoproj.io --all --wait=false");
      RunKubectl(context,
                 "-n argocd patch applications.argoproj.io --type=json "
                 "-p '[{\"op\":\"remove\",\"path\":\"/metadata/finalizers\"}]' --all");
      RunKubectl(context,
                 "-n default delete deploy,svc,cm -l app.kubernetes.io/part-of=cell "
                 "--wait=false");
      RunKubectl(context, "delete ns -l cellgate.io/e2e=controller --wait=false");
    }
    if (!ns().empty()) {
      auto list = hub().reader().List(kApplicationGvk, ns(), {});
      if (list) {
        for (auto& o : list->items) {
          if (!o.body()["metadata"].contains("finalizers")) continue;
          o.mutable_body()["metadata"].erase("finalizers");
          (void)hub().applier().Update(o, {});
        }
      }
    }
    FleetE2ETest::TearDown();
  }

  kube::ClusterClient& cell(const std::string& context) { return *cells_.at(context); }

  git::testing::Origin& Repo(const std::string& name) {
    auto& r = repos_[name];
    if (!r) r = std::make_unique<git::testing::Origin>(git_root_.path() / name);
    return *r;
  }
  std::string Url(const std::string& name) const {
    return "http://127.0.0.1:" + std::to_string(git_port_) + "/" + name + "/origin.git";
  }

  // Registers the kubeconfig context as cell `name` (a cluster Secret in ns()).
  void Register(const std::string& context, const std::string& name) {
    auto config = CellConfig(context);
    ASSERT_TRUE(config) << config.error().message();
    auto secret = argo::MakeClusterSecret(*config, name, {{"region", "us-east-1"}}, ns());
    ASSERT_TRUE(secret) << secret.error().message();
    auto written = cells::WriteClusterSecret(hub().applier(), *secret);
    ASSERT_TRUE(written) << written.error().message();
  }

  // Creates Application `name` in ns(): repository `repo` (see Url), path app, branch main,
  // destination cell `cell_name` and namespace `target_ns`, syncPolicy.automated `automated`.
  // `more_policy`: further lines of spec.syncPolicy ("    retry: {limit: 0}\n").
  void CreateApp(const std::string& name, const std::string& repo, const std::string& cell_name,
                 const std::string& target_ns, const std::string& automated,
                 const std::string& more_policy = "") {
    auto app = hub().applier().Create(
        Yaml("apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: " + name +
             "\n  namespace: " + ns() +
             "\nspec:\n  project: default\n  source:\n    repoURL: " + Url(repo) +
             "\n    path: app\n    targetRevision: main\n  destination:\n    name: " + cell_name +
             "\n    namespace: " + target_ns + "\n  syncPolicy:\n    automated: " + automated +
             "\n" + more_policy),
        {});
    ASSERT_TRUE(app) << app.error().message();
  }

  // A namespace in a cell, labelled so TearDown removes it.
  void CreateCellNamespace(const std::string& context, const std::string& name) {
    auto ns = cell(context).applier().Apply(
        Yaml("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + name +
             "\n  labels: {cellgate.io/e2e: controller}"),
        {});
    ASSERT_TRUE(ns) << ns.error().message();
  }

  // The AppProject `default` in ns() (what Argo CD's server creates: everything allowed),
  // admitting Applications of `source_namespaces` besides ns().
  Object DefaultProject(const std::vector<std::string>& source_namespaces,
                        const std::string& name = "default") const {
    std::string list;
    for (const auto& s : source_namespaces) list += (list.empty() ? "" : ", ") + s;
    return Yaml("apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata:\n  name: " + name +
                "\n  namespace: " + ns() + "\nspec:\n  sourceRepos: ['*']\n  sourceNamespaces: [" +
                list +
                "]\n  destinations: [{server: '*', namespace: '*'}]\n"
                "  clusterResourceWhitelist: [{group: '*', kind: '*'}]\n");
  }

  ControllerOptions Options() const {
    return ControllerOptions{.kubeconfig = KubeconfigPath(),
                             .context = "cell-1",
                             .ns = ns(),
                             .app_namespaces = {"argocd", ns()},
                             .bind_address = "127.0.0.1",
                             .port = 0,
                             .secret_refresh = std::chrono::seconds(1),
                             .repo_poll_interval = std::chrono::minutes(10),
                             .progress_interval = std::chrono::seconds(1),
                             .self_heal_timeout = std::chrono::seconds(1),
                             .workers_per_cell = 2,
                             .cache_dir = work_.path() / "cache",
                             .leader_elect = false};
  }

  void StartController(ControllerOptions options) {
    auto c = Controller::Create(std::move(options));
    ASSERT_TRUE(c) << c.error().message();
    controller_ = std::move(*c);
    controller_thread_ = std::thread([this] {
      Status s = controller_->Run();
      EXPECT_TRUE(s) << (s ? "" : s.error().message());
    });
    ASSERT_TRUE(Eventually([&] { return controller_->leading(); }, std::chrono::seconds(60)))
        << "the controller did not start reconciling";
  }
  void StartController() { StartController(Options()); }

  void StopController() {
    if (!controller_) return;
    controller_->Stop();
    if (controller_thread_.joinable()) controller_thread_.join();
    controller_.reset();
  }

  static std::optional<Object> Get(kube::ClusterClient& where, const std::string& ns,
                                   const std::string& name,
                                   const kube::GroupVersionKind& gvk = kApplicationGvk) {
    auto o = where.reader().Get(gvk, ns, name);
    if (!o) return std::nullopt;
    return *o;
  }

  // True once the Application is Synced and Healthy.
  static bool SyncedAndHealthy(kube::ClusterClient& where, const std::string& ns,
                               const std::string& name) {
    auto app = Get(where, ns, name);
    return app && SyncStatus(*app) == "Synced" && HealthStatus(*app) == "Healthy";
  }

  static std::string Describe(kube::ClusterClient& where, const std::string& ns,
                              const std::string& name) {
    auto app = Get(where, ns, name);
    if (!app) return ns + "/" + name + " does not exist";
    return ns + "/" + name + " status: " + app->body().value("status", Json::object()).dump();
  }

  git::testing::TempDir git_root_;
  git::testing::TempDir work_;
  std::unique_ptr<git::testing::ChildProcess> git_server_;
  int git_port_ = 0;
  std::map<std::string, std::unique_ptr<git::testing::Origin>> repos_;
  std::map<std::string, std::unique_ptr<kube::ClusterClient>> cells_;
  std::unique_ptr<Controller> controller_;
  std::thread controller_thread_;
};

}  // namespace cellgate::controller::e2e

// The Reconciler's unit-test fixture: a hub with cells cell-2 and cell-3 (fakes), a fake git
// source, a real renderer, and helpers to put Applications and read their status.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "controller/home_cluster.h"
#include "controller/home_directory.h"
#include "controller/reconciler.h"
#include "controller/test_util.h"

namespace cellgate::controller::testing {

using namespace std::chrono_literals;

inline constexpr const char* kCell2 = "https://cell-2.example:6443";
inline constexpr const char* kCell3 = "https://cell-3.example:6443";

inline const char* const kWebConfigMap =
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  color: blue\n";

inline std::string Dest(const std::string& server) { return "    server: " + server + "\n"; }

inline const char* const kAutomated = "  syncPolicy:\n    automated:\n      prune: true\n";

// A hub with cells cell-2 and cell-3 (fake), a fake git source, a real renderer (directory
// sources need no tools) and a Reconciler over them; tests call Reconcile on their thread.
class ReconcilerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hub_.cluster().Apply(testing::CellSecret("cell-2", kCell2), {});
    hub_.cluster().Apply(testing::CellSecret("cell-3", kCell3), {});
    // What the controller creates in the hub, plus the app namespace the tests use: Argo CD
    // admits an Application outside the controller namespace only by sourceNamespaces.
    hub_.cluster().Apply(
        testing::ParseOne("apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata:\n"
                          "  name: default\n  namespace: cellgate\nspec:\n  sourceRepos: ['*']\n"
                          "  sourceNamespaces: [argocd]\n"
                          "  destinations: [{server: '*', namespace: '*'}]\n"
                          "  clusterResourceWhitelist: [{group: '*', kind: '*'}]\n"),
        {});
    // The apps' destination namespace exists in both cells, as it would in a real one.
    for (const char* server : {kCell2, kCell3}) {
      Cell(server).Put(
          testing::ParseOne("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n"));
    }
  }

  void TearDown() override {
    if (home_) home_->Stop();
    if (registry_) registry_->Stop();
  }

  void Start() {
    registry_ = std::make_unique<cells::CellRegistry>(
        hub_, kube::ClusterConfig{.name = "hub", .server = "https://hub.example:6443"}, connector_,
        clock_, cells::CellRegistryOptions{.ns = "cellgate"});
    ASSERT_TRUE(registry_->Start());
    ASSERT_TRUE(registry_->WaitForSync(5s));
    home_ = std::make_shared<HomeCluster>(
        HomeClusterOptions{.name = "",
                           .app_namespaces = {"argocd", "cellgate"},
                           .controller_namespace = "cellgate"},
        HomeClusterClients{.reader = hub_, .applier = hub_, .watcher = hub_}, clock_, nullptr,
        nullptr);
    ASSERT_TRUE(home_->Start());
    ASSERT_TRUE(home_->WaitForSync(5s));
    homes_.Put(home_);
    cells_ = std::make_unique<CellTargets>(*registry_, clock_, testing::FakeKinds());
    git_ =
        std::make_unique<GitResolver>(source_, nullptr, nullptr, clock_, 3min, git_fetch_threads_);
    reconciler_ = std::make_unique<Reconciler>(
        options_, ReconcilerParts{.homes = homes_,
                                  .cells = *cells_,
                                  .git = *git_,
                                  .renderer = tool_renderer_ ? *tool_renderer_ : renderer_,
                                  .clock = clock_});
  }

  // Waits until every cell has answered (or failed) its first probe.
  void WaitForProbes() {
    ASSERT_TRUE(Eventually([&] {
      for (const cells::CellInfo& c : registry_->List()) {
        if (c.connection.state == cells::CellState::kUnknown) return false;
      }
      return true;
    }));
  }

  // Creates the Application in the hub and waits until the home's cache has it.
  AppRef PutApp(const std::string& yaml) {
    Object app = testing::ParseOne(yaml);
    auto created = hub_.cluster().Create(app, {});
    EXPECT_TRUE(created) << (created ? "" : created.error().message());
    WaitForCachedVersion(app.Namespace(), app.Name());
    return {"", app.Namespace(), app.Name()};
  }

  // Waits until the cache holds the hub's current version of the app.
  void WaitForCachedVersion(const std::string& ns, const std::string& name) {
    auto live = hub_.cluster().Get(kApplicationGvk, ns, name);
    ASSERT_TRUE(live);
    std::string rv = StringAt(live->body(), {"metadata", "resourceVersion"});
    ASSERT_TRUE(Eventually([&] {
      ObjectPtr o = home_->apps().Get(ns, name);
      return o && StringAt(o->body(), {"metadata", "resourceVersion"}) == rv;
    }));
  }

  Requeue Reconcile(const AppRef& ref) {
    Requeue next = reconciler_->Reconcile(ref);
    WaitForCachedVersion(ref.ns, ref.name);
    return next;
  }

  Json Status(const AppRef& ref) {
    return hub_.MustGet("Application", ref.ns, ref.name).body().value("status", Json::object());
  }

  engine::testing::FakeCell& Cell(const std::string& server) {
    return connector_.For(server)->cell();
  }

  static ObjectKey ConfigMapKey(const std::string& name, const std::string& ns = "shop") {
    return ObjectKey{"", "ConfigMap", ns, name};
  }

  static std::string ConditionTypes(const Json& status) {
    std::string out;
    for (const auto& c : status.value("conditions", Json::array())) {
      out += (out.empty() ? "" : ",") + c.value("type", std::string());
    }
    return out;
  }

  // The operationState phases of the Application statuses written to the hub, in order.
  std::vector<std::string> WrittenPhases() const {
    std::vector<std::string> out;
    for (const Object& o : hub_.Applied("Application")) {
      std::string phase = StringAt(o.body(), {"status", "operationState", "phase"});
      if (!phase.empty()) out.push_back(phase);
    }
    return out;
  }

  ReconcilerOptions options_{.controller_namespace = "cellgate",
                             .poll_interval = 3min,
                             .progress_interval = 2s,
                             .self_heal = false};
  SystemClock clock_;
  testing::FakeHub hub_;
  testing::FakeConnector connector_;
  testing::FakeSource source_;
  render::Renderer renderer_;
  std::unique_ptr<render::Renderer> tool_renderer_;  // set before Start to use other tools
  int git_fetch_threads_ = 0;                        // set before Start: background fetches
  std::unique_ptr<cells::CellRegistry> registry_;
  HomeDirectory homes_;
  std::shared_ptr<HomeCluster> home_;
  std::unique_ptr<CellTargets> cells_;
  std::unique_ptr<GitResolver> git_;
  std::unique_ptr<Reconciler> reconciler_;
};

}  // namespace cellgate::controller::testing

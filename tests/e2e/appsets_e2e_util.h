// Shared set-up for the ApplicationSet controller's end-to-end tests against real local
// cells: cell-1 is the hub (the argoproj.io CRDs installed from the embedded deploy/crds, a
// namespace per test holding cluster Secrets, ApplicationSets, Applications and
// AppProjects), cell-2 and cell-3 are registered as cells through Secrets built from their
// kubeconfig contexts, and the git repositories are real ones served over smart HTTP by
// tests/testdata/git/git_http_server.py and read through a git::MirrorSource. The controller
// runs with its real watches, registry, workers and status writer.
//
// No application controller runs here, so the resources finalizer of a deleted Application is
// never removed: a deleted Application shows as deletionTimestamp set. TearDown strips the
// finalizers so the namespace can go.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "appset_controller/appset_controller.h"
#include "appset_controller/change_detection.h"
#include "argo/cluster_secret.h"
#include "cells/cell_registry.h"
#include "cells/cell_secret.h"
#include "core/yaml.h"
#include "fleet_e2e_util.h"
#include "git/mirror_source.h"
#include "git/test_process.h"
#include "git/test_repos.h"
#include "runtime/crd_installer.h"

namespace cellgate::appset_controller::e2e {

using runtime::e2e::CellConfig;
using runtime::e2e::Eventually;
using runtime::e2e::Yaml;

inline std::string ReadSource(const std::string& relative) {
  std::ifstream in(std::string(CELLGATE_SOURCE_DIR) + "/" + relative, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A seed manifest from examples/seeds/, as JSON.
inline Json Seed(const std::string& file) {
  auto docs = ParseYamlDocuments(ReadSource("examples/seeds/" + file), file);
  EXPECT_TRUE(docs && !docs->empty()) << file;
  return docs && !docs->empty() ? docs->front().value : Json();
}

class AppSetsE2E : public runtime::e2e::FleetE2ETest {
 protected:
  void SetUp() override {
    FleetE2ETest::SetUp();
    if (HasFatalFailure()) return;
    auto crds = runtime::InstallEmbeddedCrds(hub());
    ASSERT_TRUE(crds) << crds.error().message();
    std::vector<std::string> args = {
        "python3", std::string(CELLGATE_SOURCE_DIR) + "/tests/testdata/git/git_http_server.py",
        git_root_.path().string(), "--lifetime", "280"};
    server_ = std::make_unique<git::testing::ChildProcess>(std::move(args), /*read_line=*/true);
    ASSERT_FALSE(server_->line().empty()) << "git HTTP server did not start";
    port_ = std::stoi(server_->line());
    auto source = git::MirrorSource::Create(
        {.work_dir = work_.path() / "mirrors", .fetch_timeout = std::chrono::seconds(30)});
    ASSERT_TRUE(source) << source.error().message();
    source_ = std::move(*source);
    connector_ = std::make_unique<cells::KubeCellConnector>();
    status_ = std::make_unique<HubStatusWriter>(hub());
  }

  void TearDown() override {
    controller_.reset();
    registry_.reset();
    if (!ns().empty()) {
      for (const auto& gvk : {kApplicationGvk, kApplicationSetGvk}) {
        auto list = hub().reader().List(gvk, ns(), {});
        if (!list) continue;
        for (auto& o : list->items) {
          if (!o.body()["metadata"].contains("finalizers")) continue;
          o.mutable_body()["metadata"].erase("finalizers");
          (void)hub().applier().Update(o, {});
        }
      }
    }
    FleetE2ETest::TearDown();
  }

  // A repository of this test, served at Url(name).
  git::testing::Origin& Repo(const std::string& name) {
    auto& r = repos_[name];
    if (!r) r = std::make_unique<git::testing::Origin>(git_root_.path() / name);
    return *r;
  }
  std::string Url(const std::string& name) const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/" + name + "/origin.git";
  }

  // Registers the kubeconfig context `context` as cell `name` (a cluster Secret in ns()).
  void Register(const std::string& context, const std::string& name,
                const std::map<std::string, std::string>& labels) {
    auto config = CellConfig(context);
    ASSERT_TRUE(config) << config.error().message();
    auto secret = argo::MakeClusterSecret(*config, name, labels, ns());
    ASSERT_TRUE(secret) << secret.error().message();
    auto written = cells::WriteClusterSecret(hub().applier(), *secret);
    ASSERT_TRUE(written) << written.error().message();
  }
  std::string ServerOf(const std::string& context) {
    auto config = CellConfig(context);
    EXPECT_TRUE(config);
    return config ? config->server : "";
  }

  void StartController(bool in_cluster = true) {
    registry_ = std::make_unique<cells::CellRegistry>(
        hub().watcher(), hub_config(), *connector_, clock_,
        cells::CellRegistryOptions{.ns = ns(), .in_cluster_enabled = in_cluster});
    ASSERT_TRUE(registry_->Start());
    ASSERT_TRUE(registry_->WaitForSync(std::chrono::seconds(30)));
    controller_ = std::make_unique<ApplicationSetController>(
        ApplicationSetHub{hub().reader(), hub().applier(), hub().watcher(), *status_}, *registry_,
        [this](const std::string& url,
               const std::string& rev) -> Result<std::shared_ptr<const git::Snapshot>> {
          auto commit = source_->Resolve(url, rev);
          CG_TRY(commit);
          return source_->Open(url, *commit);
        },
        nullptr, clock_,
        ApplicationSetControllerOptions{
            .namespaces = {ns()}, .controller_namespace = ns(), .workers = 2});
    ASSERT_TRUE(controller_->Start());
  }

  // Creates (or replaces) an ApplicationSet in ns().
  void PutAppSet(Json appset) {
    appset["metadata"]["namespace"] = ns();
    auto existing =
        hub().reader().Get(kApplicationSetGvk, ns(), appset["metadata"]["name"].get<std::string>());
    if (existing) {
      appset["metadata"]["resourceVersion"] = existing->body()["metadata"]["resourceVersion"];
      auto u = hub().applier().Update(Object(appset), {});
      ASSERT_TRUE(u) << u.error().message();
      return;
    }
    auto c = hub().applier().Create(Object(appset), {});
    ASSERT_TRUE(c) << c.error().message();
  }
  Object AppSet(const std::string& name) {
    auto o = hub().reader().Get(kApplicationSetGvk, ns(), name);
    EXPECT_TRUE(o) << (o ? "" : o.error().message());
    return o.value_or(Object());
  }

  std::map<std::string, Object> Apps() {
    std::map<std::string, Object> out;
    auto list = hub().reader().List(kApplicationGvk, ns(), {});
    EXPECT_TRUE(list) << (list ? "" : list.error().message());
    if (!list) return out;
    for (auto& a : list->items) out.emplace(a.Name(), std::move(a));
    return out;
  }
  // Names of the Applications that exist and are not being deleted.
  std::set<std::string> LiveApps() {
    std::set<std::string> out;
    for (const auto& [name, app] : Apps()) {
      if (!BeingDeleted(app.body())) out.insert(name);
    }
    return out;
  }
  bool WaitForApps(const std::set<std::string>& want,
                   std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
    bool ok = Eventually([&] { return LiveApps() == want; }, timeout);
    if (!ok) {
      std::string got;
      for (const auto& n : LiveApps()) got += n + " ";
      ADD_FAILURE() << "Applications: " << got;
    }
    return ok;
  }
  Json Condition(const std::string& appset, const std::string& type) {
    Object o = AppSet(appset);
    for (const auto& c :
         o.body().value("status", Json::object()).value("conditions", Json::array())) {
      if (c.value("type", "") == type) return c;
    }
    return Json();
  }

  git::testing::TempDir git_root_;
  git::testing::TempDir work_;
  SystemClock clock_;
  std::unique_ptr<git::testing::ChildProcess> server_;
  int port_ = 0;
  std::map<std::string, std::unique_ptr<git::testing::Origin>> repos_;
  std::unique_ptr<git::MirrorSource> source_;
  std::unique_ptr<cells::KubeCellConnector> connector_;
  std::unique_ptr<HubStatusWriter> status_;
  std::unique_ptr<cells::CellRegistry> registry_;
  std::unique_ptr<ApplicationSetController> controller_;
};

// Key order means nothing to the API server (it returns keys sorted): compare unordered.
inline nlohmann::json Plain(const Json& j) { return nlohmann::json::parse(j.dump()); }

// The ownerReference every generated Application must carry.
inline Json OwnerReferenceTo(const Object& appset) {
  return Json::array({{{"apiVersion", "argoproj.io/v1alpha1"},
                       {"kind", "ApplicationSet"},
                       {"name", appset.Name()},
                       {"uid", StringAt(appset.body(), {"metadata", "uid"})},
                       {"controller", true},
                       {"blockOwnerDeletion", true}}});
}

}  // namespace cellgate::appset_controller::e2e

// The ApplicationSet controller's unit-test fixture: a FakeCluster as the hub (namespace
// argocd holds the cluster Secrets, ApplicationSets, Applications and AppProjects), a real
// CellRegistry over it, in-memory git snapshots by repository URL, a FakeClock, and the
// controller without worker threads (tests drive it with Drain()).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "appset_controller/appset_controller.h"
#include "appset_controller/appsets_test_util.h"
#include "appset_controller/change_detection.h"
#include "cells/cell_registry.h"
#include "core/mutex.h"
#include "kube/testing/fake_cluster.h"
#include "render/testing/memory_snapshot.h"

namespace cellgate::appset_controller::testing {

class ControllerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hub_config_.name = "in-cluster";
    hub_config_.server = "https://hub.example:6443";
    hub_config_.token = "hub-token";
    registry_ = std::make_unique<cells::CellRegistry>(
        hub_, hub_config_, connector_, registry_clock_,
        cells::CellRegistryOptions{.ns = "argocd", .probe_interval = std::chrono::hours(1)});
    ASSERT_TRUE(registry_->Start());
    ASSERT_TRUE(registry_->WaitForSync(std::chrono::seconds(5)));
  }

  void TearDown() override {
    controller_.reset();
    registry_.reset();
  }

  void StartController(runtime::EventRecorder* events = nullptr) {
    controller_ = std::make_unique<ApplicationSetController>(
        ApplicationSetHub{hub_, hub_, hub_, status_}, *registry_,
        [this](const std::string& url,
               const std::string& rev) -> Result<std::shared_ptr<const git::Snapshot>> {
          core::MutexLock lock(mu_);
          ++resolved_[url];
          if (unreachable_.contains(url)) {
            return MakeError(ErrorCode::kUnavailable, "ls-remote " + url + ": connection refused");
          }
          auto it = repos_.find(url);
          if (it == repos_.end() || rev != "HEAD") {
            return MakeError(ErrorCode::kNotFound, "revision '" + rev + "' not found in " + url);
          }
          return std::shared_ptr<const git::Snapshot>(
              std::make_shared<render::testing::MemorySnapshot>(*it->second));
        },
        events, clock_,
        ApplicationSetControllerOptions{
            .namespaces = {"argocd"}, .controller_namespace = "argocd", .workers = 0});
    ASSERT_TRUE(controller_->Start());
  }

  // Runs every ready key; returns how many reconciles ran.
  int Drain() {
    int n = 0;
    while (controller_->ProcessNextReady()) ++n;
    return n;
  }

  void Put(const std::string& yaml) { ASSERT_TRUE(hub_.Apply(YamlObject(yaml), {})); }
  void Put(const Object& o) { ASSERT_TRUE(hub_.Apply(o, {})); }
  void PutCell(const std::string& name, const std::map<std::string, std::string>& labels) {
    Put(CellSecret("argocd", name, "https://" + name + ".example:6443", labels));
  }

  render::testing::MemorySnapshot& Repo(const std::string& url) {
    core::MutexLock lock(mu_);
    auto& r = repos_[url];
    if (!r) r = std::make_shared<render::testing::MemorySnapshot>();
    return *r;
  }
  void SetUnreachable(const std::string& url, bool down) {
    core::MutexLock lock(mu_);
    if (down) {
      unreachable_.insert(url);
    } else {
      unreachable_.erase(url);
    }
  }
  int Resolved(const std::string& url) {
    core::MutexLock lock(mu_);
    return resolved_[url];
  }

  std::map<std::string, Object> Apps() {
    std::map<std::string, Object> out;
    for (auto& a : hub_.Objects("Application")) out.emplace(a.Name(), std::move(a));
    return out;
  }
  Object AppSet(const std::string& name) {
    auto o = hub_.Get(kApplicationSetGvk, "argocd", name);
    EXPECT_TRUE(o) << name;
    return o.value_or(Object());
  }
  Json Condition(const std::string& appset, const std::string& type) {
    Object o = AppSet(appset);
    for (const auto& c :
         o.body().value("status", Json::object()).value("conditions", Json::array())) {
      if (c.value("type", "") == type) return c;
    }
    return Json();
  }

  kube::testing::FakeCluster hub_;
  FakeStatusWriter status_{hub_};
  kube::ClusterConfig hub_config_;
  UpConnector connector_;
  SystemClock registry_clock_;  // the registry's probers read it from their own threads
  FakeClock clock_;
  std::unique_ptr<cells::CellRegistry> registry_;
  std::unique_ptr<ApplicationSetController> controller_;

  core::Mutex mu_;
  std::map<std::string, std::shared_ptr<render::testing::MemorySnapshot>> repos_;  // by mu_
  std::set<std::string> unreachable_;                                              // by mu_
  std::map<std::string, int> resolved_;                                            // by mu_
};

}  // namespace cellgate::appset_controller::testing

// FleetRuntime::Ready (/readyz of the leader): not ready until the hub's caches have listed,
// even after Start() has given up waiting for them and begun reconciling.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "controller/fleet_runtime.h"
#include "controller/test_util.h"
#include "core/mutex.h"

namespace cellgate::controller {
namespace {

using namespace std::chrono_literals;
using testing::Eventually;

// Passes watches through to `inner`, except that watches of `held_kind` start only on
// Release(): an API server whose Application list has not come back yet.
class HoldingWatcher final : public kube::Watcher {
 public:
  HoldingWatcher(kube::Watcher& inner, std::string held_kind)
      : inner_(inner), held_kind_(std::move(held_kind)) {}

  Result<std::unique_ptr<kube::WatchHandle>> Watch(const kube::GroupVersionKind& gvk,
                                                   std::string_view ns,
                                                   const kube::WatchOptions& options,
                                                   kube::WatchCallback on_event) override {
    if (gvk.kind != held_kind_) return inner_.Watch(gvk, ns, options, std::move(on_event));
    auto handle = std::make_unique<Held>();
    core::MutexLock lock(mu_);
    pending_.push_back({gvk, std::string(ns), options, std::move(on_event), handle.get()});
    return std::unique_ptr<kube::WatchHandle>(std::move(handle));
  }

  void Release() {
    core::MutexLock lock(mu_);
    for (Pending& p : pending_) {
      auto real = inner_.Watch(p.gvk, p.ns, p.options, std::move(p.callback));
      ASSERT_TRUE(real);
      p.handle->Attach(std::move(*real));
    }
    pending_.clear();
  }

 private:
  class Held final : public kube::WatchHandle {
   public:
    void Attach(std::unique_ptr<kube::WatchHandle> real) {
      core::MutexLock lock(mu_);
      if (stopped_) {
        real->Stop();
        return;
      }
      real_ = std::move(real);
    }
    void Stop() override {
      core::MutexLock lock(mu_);
      stopped_ = true;
      if (real_) real_->Stop();
    }

   private:
    core::Mutex mu_;
    bool stopped_ = false;
    std::unique_ptr<kube::WatchHandle> real_;
  };
  struct Pending {
    kube::GroupVersionKind gvk;
    std::string ns;
    kube::WatchOptions options;
    kube::WatchCallback callback;
    Held* handle;
  };

  kube::Watcher& inner_;
  const std::string held_kind_;
  core::Mutex mu_;
  std::vector<Pending> pending_;
};

TEST(FleetRuntimeReady, NotReadyUntilTheHubApplicationsHaveListed) {
  SystemClock clock;
  testing::FakeHub hub;
  testing::FakeConnector connector;
  testing::FakeSource source;
  render::Renderer renderer;
  HoldingWatcher watcher(hub, "Application");
  FleetRuntimeOptions options{.create_default_project = false, .start_timeout = 100ms};
  options.reconciler.poll_interval = 3min;
  auto runtime = std::make_unique<FleetRuntime>(
      options, FleetRuntimeDeps{.hub_reader = hub,
                                .hub_applier = hub,
                                .hub_watcher = watcher,
                                .hub_config = {.name = "hub", .server = "https://hub.example:6443"},
                                .connector = connector,
                                .source = source,
                                .renderer = renderer,
                                .clock = clock,
                                .kinds = testing::FakeKinds()});
  EXPECT_FALSE(runtime->Ready());  // not started
  ASSERT_TRUE(runtime->Start());   // gives up waiting after start_timeout and reconciles
  Status listing = runtime->Ready();
  ASSERT_FALSE(listing) << "ready before the hub's Applications were listed";
  EXPECT_EQ(listing.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(listing.error().message().find("not listed yet"), std::string::npos)
      << listing.error().message();

  watcher.Release();
  EXPECT_TRUE(Eventually([&] { return runtime->Ready().has_value(); }));
  runtime->Stop();
}

}  // namespace
}  // namespace cellgate::controller

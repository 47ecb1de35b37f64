// FleetRuntime reads argocd-cm in the controller namespace, as Argo CD's settings manager
// reads its own namespace's argocd-cm (util/settings/settings.go), at start and on refresh.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "controller/fleet_runtime.h"
#include "controller/test_util.h"

namespace cellgate::controller {
namespace {

Object ArgoCdConfigMap(const std::string& ns, const std::string& key, const std::string& value) {
  Json body = {{"apiVersion", "v1"},
               {"kind", "ConfigMap"},
               {"metadata", {{"name", "argocd-cm"}, {"namespace", ns}}},
               {"data", {{key, value}}}};
  return Object(std::move(body));
}

class FleetRuntimeSettingsTest : public ::testing::Test {
 protected:
  std::unique_ptr<FleetRuntime> Make() {
    FleetRuntimeOptions options{.controller_namespace = "argocd",
                                .app_namespaces = {"argocd"},
                                .create_default_project = false};
    return std::make_unique<FleetRuntime>(
        options,
        FleetRuntimeDeps{.hub_reader = hub_,
                         .hub_applier = hub_,
                         .hub_watcher = hub_,
                         .hub_config = {.name = "hub", .server = "https://hub.example:6443"},
                         .connector = connector_,
                         .source = source_,
                         .renderer = renderer_,
                         .clock = clock_,
                         .kinds = testing::FakeKinds()});
  }

  SystemClock clock_;
  testing::FakeHub hub_;
  testing::FakeConnector connector_;
  testing::FakeSource source_;
  render::Renderer renderer_;
};

TEST_F(FleetRuntimeSettingsTest, ApplicationHealthCustomizationIsReadFromTheControllerNamespace) {
  // The key Argo CD's docs/operator-manual/health.md tells users to add.
  const std::string key = "resource.customizations.health.argoproj.io_Application";
  // In another namespace it is not the controller's.
  ASSERT_TRUE(hub_.cluster().Apply(ArgoCdConfigMap("default", key, "hs = {}\nreturn hs\n"), {}));
  auto runtime = Make();
  ASSERT_TRUE(runtime->Start());
  EXPECT_FALSE(runtime->reconciler().health_options().application_health)
      << "no argocd-cm in the controller namespace: Argo CD's default";

  ASSERT_TRUE(hub_.cluster().Apply(ArgoCdConfigMap("argocd", key, "hs = {}\nreturn hs\n"), {}));
  runtime->RefreshArgoCdSettings();
  EXPECT_TRUE(runtime->reconciler().health_options().application_health);

  // A malformed argocd-cm keeps what was in force.
  ASSERT_TRUE(hub_.cluster().Apply(
      ArgoCdConfigMap("argocd", "resource.customizations", "[not, a, map]"), {}));
  runtime->RefreshArgoCdSettings();
  EXPECT_TRUE(runtime->reconciler().health_options().application_health);

  ASSERT_TRUE(hub_.cluster().Apply(ArgoCdConfigMap("argocd", "url", "https://argocd.example"), {}));
  runtime->RefreshArgoCdSettings();
  EXPECT_FALSE(runtime->reconciler().health_options().application_health)
      << "customization removed";
  runtime->Stop();
}

TEST_F(FleetRuntimeSettingsTest, CustomizationPresentAtStartAppliesToTheFirstReconcile) {
  ASSERT_TRUE(hub_.cluster().Apply(
      ArgoCdConfigMap("argocd", "resource.customizations",
                      "argoproj.io/Application:\n  health.lua: |\n    return {}\n"),
      {}));
  auto runtime = Make();
  ASSERT_TRUE(runtime->Start());
  EXPECT_TRUE(runtime->reconciler().health_options().application_health);
  runtime->Stop();
}

}  // namespace
}  // namespace cellgate::controller

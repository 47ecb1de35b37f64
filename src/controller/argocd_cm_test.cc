#include "controller/argocd_cm.h"

#include <gtest/gtest.h>

#include <string>

namespace cellgate::controller {
namespace {

// The script from Argo CD's docs/operator-manual/health.md ("Argocd App"); its text does not
// matter here, only that it is there.
constexpr const char* kScript =
    "hs = {}\nhs.status = \"Progressing\"\nhs.message = \"\"\nif obj.status ~= nil then\n"
    "  if obj.status.health ~= nil then\n    hs.status = obj.status.health.status\n"
    "  end\nend\nreturn hs\n";

Json ConfigMap(Json data) {
  return Json{{"apiVersion", "v1"},
              {"kind", "ConfigMap"},
              {"metadata", {{"name", "argocd-cm"}, {"namespace", "argocd"}}},
              {"data", std::move(data)}};
}

bool ApplicationHealth(const Json& data) {
  auto settings = ParseArgoCdConfigMap(ConfigMap(data));
  EXPECT_TRUE(settings) << settings.error().message();
  return settings && settings->health.application_health;
}

TEST(ArgoCdConfigMap, ApplicationHealthIsOffWithoutTheCustomization) {
  EXPECT_FALSE(ParseArgoCdConfigMap(Json::object())->health.application_health);
  EXPECT_FALSE(ApplicationHealth(Json::object()));
  EXPECT_FALSE(
      ApplicationHealth({{"resource.customizations.health.cert-manager.io_Certificate", kScript}}));
  EXPECT_FALSE(ApplicationHealth({{"url", "https://argocd.example.com"}}));
}

// util/settings/settings.go appendResourceOverridesFromSplitKeys + convertToOverrideKey.
TEST(ArgoCdConfigMap, SplitHealthKeyForApplicationTurnsItOn) {
  EXPECT_TRUE(
      ApplicationHealth({{"resource.customizations.health.argoproj.io_Application", kScript}}));
  EXPECT_FALSE(ApplicationHealth({{"resource.customizations.health.argoproj.io_Application", ""}}))
      << "an empty script is no override (GetHealthScript checks HealthLua != \"\")";
  EXPECT_FALSE(
      ApplicationHealth({{"resource.customizations.actions.argoproj.io_Application", kScript}}))
      << "not a health customization";
  EXPECT_FALSE(
      ApplicationHealth({{"resource.customizations.health.argoproj.io_ApplicationSet", kScript}}));
}

// The legacy key, and wildcards (lua.getWildcardHealthOverrideLua matches every override key
// as a glob against "argoproj.io/Application"; the split key "all" is "*/*").
TEST(ArgoCdConfigMap, LegacyKeyAndWildcardsTurnItOn) {
  EXPECT_TRUE(ApplicationHealth(
      {{"resource.customizations", std::string("argoproj.io/Application:\n  health.lua: |\n") +
                                       "    hs = {}\n    return hs\n"}}));
  EXPECT_TRUE(ApplicationHealth(
      {{"resource.customizations", "\"argoproj.io/*\":\n  health.lua: return {}\n"}}));
  EXPECT_TRUE(ApplicationHealth({{"resource.customizations.health.all", kScript}}));
  EXPECT_FALSE(ApplicationHealth(
      {{"resource.customizations", "\"*.crossplane.io/*\":\n  health.lua: return {}\n"}}));
  EXPECT_FALSE(ApplicationHealth(
      {{"resource.customizations", "argoproj.io/Application:\n  ignoreDifferences: '{}'\n"}}));
  // A split key for the same group/kind replaces the legacy entry's script.
  EXPECT_FALSE(ApplicationHealth(
      {{"resource.customizations", "argoproj.io/Application:\n  health.lua: return {}\n"},
       {"resource.customizations.health.argoproj.io_Application", ""}}));
}

TEST(ArgoCdConfigMap, MalformedCustomizationsAreErrorsNamingTheKey) {
  auto bad = ParseArgoCdConfigMap(ConfigMap({{"resource.customizations", "- a\n- b\n"}}));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.error().message().find("argocd-cm key resource.customizations"), std::string::npos)
      << bad.error().message();

  bad = ParseArgoCdConfigMap(ConfigMap({{"resource.customizations.health.a_b_c", kScript}}));
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("resource.customizations.health.a_b_c"), std::string::npos)
      << bad.error().message();
}

}  // namespace
}  // namespace cellgate::controller

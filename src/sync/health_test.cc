#include "sync/health.h"

#include <gtest/gtest.h>

#include "sync/testing/golden.h"

namespace cellgate::sync {
namespace {

using testing::CaseNames;
using testing::ExpectGolden;
using testing::LoadObject;
using testing::TestdataPath;

// One golden case per file: testdata/health/<case>.yaml is a live object and <case>.expected
// is "<Status>\n<message>\n", or "none\n" when no rule applies. The cases are assessed with
// the Application customization on, so application-*.yaml check that rule (without it an
// Application has no health: ApplicationHasNoHealthUnlessCustomized).
class HealthGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(HealthGolden, MatchesExpected) {
  std::string base = TestdataPath("health/" + GetParam());
  Object live = LoadObject(base + ".yaml");
  auto health = AssessHealth(live, {.application_health = true});
  ASSERT_TRUE(health) << health.error().message();
  std::string actual = "none\n";
  if (const std::optional<Health>& h = *health; h.has_value()) {
    actual = std::string(HealthStatusName(h.value().status)) + "\n" + h.value().message + "\n";
  }
  ExpectGolden(base + ".expected", actual);
}

INSTANTIATE_TEST_SUITE_P(Cases, HealthGolden,
                         ::testing::ValuesIn(CaseNames(TestdataPath("health"), ".yaml")),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) {
                             if (c == '-') c = '_';
                           }
                           return name;
                         });

TEST(Health, HasAtLeastTwentyFiveGoldenCases) {
  EXPECT_GE(CaseNames(TestdataPath("health"), ".yaml").size(), 25u);
}

TEST(Health, WorseOrderIsArgoCdOrder) {
  // gitops-engine healthOrder: Healthy, Suspended, Progressing, Missing, Degraded, Unknown.
  const HealthStatus order[] = {HealthStatus::kHealthy,     HealthStatus::kSuspended,
                                HealthStatus::kProgressing, HealthStatus::kMissing,
                                HealthStatus::kDegraded,    HealthStatus::kUnknown};
  for (std::size_t i = 0; i < std::size(order); ++i) {
    for (std::size_t j = 0; j < std::size(order); ++j) {
      EXPECT_EQ(IsWorse(order[i], order[j]), j > i) << i << " " << j;
      EXPECT_EQ(Worst(order[i], order[j]), order[std::max(i, j)]);
    }
  }
}

TEST(Health, WorstOfHealthKeepsMessageOfWorse) {
  Health ok{HealthStatus::kHealthy, "fine"};
  Health missing{HealthStatus::kMissing, "gone"};
  Health degraded{HealthStatus::kDegraded, "broken"};
  EXPECT_EQ(Worst(ok, missing), missing);
  EXPECT_EQ(Worst(degraded, missing), degraded);
  EXPECT_EQ(Worst(ok, Health{HealthStatus::kHealthy, "other"}).message, "fine");
}

TEST(Health, NamesRoundTrip) {
  for (auto s : {HealthStatus::kHealthy, HealthStatus::kSuspended, HealthStatus::kProgressing,
                 HealthStatus::kMissing, HealthStatus::kDegraded, HealthStatus::kUnknown}) {
    EXPECT_EQ(ParseHealthStatus(HealthStatusName(s)), s);
  }
  EXPECT_FALSE(ParseHealthStatus("healthy"));
}

TEST(Health, BuiltinRules) {
  EXPECT_TRUE(HasBuiltinHealthRule("apps", "Deployment"));
  EXPECT_TRUE(HasBuiltinHealthRule("extensions", "Ingress"));
  EXPECT_TRUE(HasBuiltinHealthRule("", "Pod"));
  EXPECT_FALSE(HasBuiltinHealthRule("argoproj.io", "Application"));
  EXPECT_TRUE(HasBuiltinHealthRule("argoproj.io", "Application", {.application_health = true}));
  EXPECT_FALSE(HasBuiltinHealthRule("", "ConfigMap"));
  EXPECT_FALSE(HasBuiltinHealthRule("example.com", "Deployment"));
}

// Argo CD 1.8 removed the argoproj.io/Application check from the built-ins
// (docs/operator-manual/health.md, "Argocd App"; resource_customizations/argoproj.io/Application
// has actions but no health.lua), so gitops-engine's GetResourceHealth finds no check and a
// child Application has no health unless argocd-cm restores it. Pending deletion still counts.
TEST(Health, ApplicationHasNoHealthUnlessCustomized) {
  Object child = LoadObject(TestdataPath("health/application-degraded.yaml"));
  auto h = AssessHealth(child);
  ASSERT_TRUE(h) << h.error().message();
  EXPECT_FALSE(h->has_value()) << HealthStatusName(h->value_or(Health{}).status);

  h = AssessHealth(child, {.application_health = true});
  ASSERT_TRUE(h && *h);
  EXPECT_EQ(h->value_or(Health{}).status, HealthStatus::kDegraded);

  Object no_status = LoadObject(TestdataPath("health/application-no-status.yaml"));
  h = AssessHealth(no_status);
  ASSERT_TRUE(h);
  EXPECT_FALSE(h->has_value()) << "no Progressing for a child without status by default";

  child.mutable_body()["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z";
  h = AssessHealth(child);
  ASSERT_TRUE(h && *h);
  EXPECT_EQ(h->value_or(Health{}), (Health{HealthStatus::kProgressing, "Pending deletion"}));
}

TEST(Health, NonObjectBodyIsAnError) {
  auto h = AssessHealth(Object(Json::array()));
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().code(), ErrorCode::kInvalidArgument);
}

TEST(Health, HpaV1ReadsConditionsAnnotation) {
  Object hpa(Json::parse(R"({"apiVersion":"autoscaling/v1","kind":"HorizontalPodAutoscaler",
    "metadata":{"name":"api","annotations":{"autoscaling.alpha.kubernetes.io/conditions":
    "[{\"type\":\"AbleToScale\",\"status\":\"True\",\"message\":\"ok\"}]"}}})"));
  auto h = AssessHealth(hpa);
  ASSERT_TRUE(h && *h);
  EXPECT_EQ(h->value_or(Health{}), (Health{HealthStatus::kHealthy, "ok"}));
  hpa.SetAnnotation("autoscaling.alpha.kubernetes.io/conditions", "not json");
  h = AssessHealth(hpa);
  ASSERT_TRUE(h && *h);
  EXPECT_EQ(h->value_or(Health{}).status, HealthStatus::kUnknown);
}

}  // namespace
}  // namespace cellgate::sync

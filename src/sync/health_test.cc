#include "sync/health.h"

#include <gtest/gtest.h>

#include "sync/testing.h"

namespace cellgate::sync {
namespace {

using testing::CaseNames;
using testing::ExpectGolden;
using testing::LoadObject;
using testing::TestdataPath;

// One golden case per file: testdata/health/<case>.yaml is a live object and <case>.expected
// is "<Status>\n<message>\n", or "none\n" when no rule applies.
class HealthGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(HealthGolden, MatchesExpected) {
  std::string base = TestdataPath("health/" + GetParam());
  Object live = LoadObject(base + ".yaml");
  auto health = AssessHealth(live);
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
  EXPECT_TRUE(HasBuiltinHealthRule("argoproj.io", "Application"));
  EXPECT_FALSE(HasBuiltinHealthRule("", "ConfigMap"));
  EXPECT_FALSE(HasBuiltinHealthRule("example.com", "Deployment"));
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

#include "appset_controller/appset_status.h"

#include <gtest/gtest.h>

#include "appset/applications.h"
#include "appset_controller/appsets_test_util.h"
#include "argo/applicationset.h"

namespace cellgate::appset_controller {
namespace {

using std::chrono::seconds;
using testing::YamlJson;
using testing::YamlObject;

WallTime At(int s) { return WallTime{} + seconds(1'700'000'000 + s); }

const Json* Find(const Json& conditions, std::string_view type) {
  for (const auto& c : conditions) {
    if (c.value("type", "") == type) return &c;
  }
  return nullptr;
}

TEST(AppSetStatus, SuccessConditionsAreArgoCds) {
  Json c = MergeConditions(Json::array(), OutcomeConditions(ReconcileOutcome::Success()), At(0));
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0], Json({{"type", "ErrorOccurred"},
                        {"status", "False"},
                        {"reason", "ApplicationSetUpToDate"},
                        {"message", "Successfully generated parameters for all Applications"},
                        {"lastTransitionTime", Rfc3339(At(0))}}));
  EXPECT_EQ(c[1]["type"], "ParametersGenerated");
  EXPECT_EQ(c[1]["status"], "True");
  EXPECT_EQ(c[1]["reason"], "ParametersGenerated");
  EXPECT_EQ(c[2]["type"], "ResourcesUpToDate");
  EXPECT_EQ(c[2]["status"], "True");
  EXPECT_EQ(c[2]["message"], "ApplicationSet up to date");
}

TEST(AppSetStatus, ErrorsBeforeAndAfterGeneration) {
  Json before =
      OutcomeConditions({.error_reason = "RenderTemplateParamsError", .error_message = "m"});
  EXPECT_EQ((*Find(before, "ErrorOccurred"))["status"], "True");
  EXPECT_EQ((*Find(before, "ErrorOccurred"))["reason"], "RenderTemplateParamsError");
  EXPECT_EQ((*Find(before, "ParametersGenerated"))["status"], "False");
  EXPECT_EQ((*Find(before, "ParametersGenerated"))["reason"], "ErrorOccurred");
  EXPECT_EQ((*Find(before, "ParametersGenerated"))["message"], "m");
  EXPECT_EQ((*Find(before, "ResourcesUpToDate"))["status"], "False");
  Json after = OutcomeConditions({.parameters_generated = true,
                                  .error_reason = "ApplicationValidationError",
                                  .error_message = "v"});
  EXPECT_EQ((*Find(after, "ParametersGenerated"))["status"], "True");
  EXPECT_EQ((*Find(after, "ResourcesUpToDate"))["reason"], "ApplicationValidationError");
  EXPECT_EQ((*Find(after, "ResourcesUpToDate"))["message"], "v");
}

TEST(AppSetStatus, TransitionTimesMoveOnlyWithAChange) {
  Json first =
      MergeConditions(Json::array(), OutcomeConditions(ReconcileOutcome::Success()), At(0));
  first.push_back({{"type", "RolloutProgressing"},
                   {"status", "False"},
                   {"reason", "ApplicationSetRolloutComplete"},
                   {"message", "done"},
                   {"lastTransitionTime", Rfc3339(At(-5))}});
  Json same = MergeConditions(first, OutcomeConditions(ReconcileOutcome::Success()), At(60));
  for (const auto& c : same) {
    if (c["type"] != "RolloutProgressing") {
      EXPECT_EQ(c["lastTransitionTime"], Rfc3339(At(0)));
    }
  }
  // Types not evaluated are kept as they were; the list is sorted by type.
  ASSERT_NE(Find(same, "RolloutProgressing"), nullptr);
  EXPECT_EQ((*Find(same, "RolloutProgressing"))["lastTransitionTime"], Rfc3339(At(-5)));
  EXPECT_EQ(same[0]["type"], "ErrorOccurred");
  EXPECT_EQ(same[3]["type"], "RolloutProgressing");
  Json failed =
      MergeConditions(same,
                      OutcomeConditions({.error_reason = "ApplicationGenerationFromParamsError",
                                         .error_message = "x"}),
                      At(120));
  EXPECT_EQ((*Find(failed, "ErrorOccurred"))["lastTransitionTime"], Rfc3339(At(120)));
  EXPECT_FALSE(StatusNeedsWrite(Json{{"conditions", same}}, Json{{"conditions", same}}));
  EXPECT_TRUE(StatusNeedsWrite(Json{{"conditions", same}}, Json{{"conditions", failed}}));
}

TEST(AppSetStatus, ResourcesCarryEachApplicationsSyncAndHealth) {
  Object b = YamlObject(R"(
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: b, namespace: shop}
status: {sync: {status: OutOfSync}, health: {status: Degraded, message: crash loop}}
)");
  Object a = YamlObject(
      "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a, namespace: "
      "shop}\n");
  Json r = ResourcesStatus({b, a}, 10);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0], Json({{"group", "argoproj.io"},
                        {"version", "v1alpha1"},
                        {"kind", "Application"},
                        {"namespace", "shop"},
                        {"name", "a"},
                        {"health", Json::object()}}));
  EXPECT_EQ(r[1]["status"], "OutOfSync");
  EXPECT_EQ(r[1]["health"], Json({{"status", "Degraded"}, {"message", "crash loop"}}));
  EXPECT_EQ(ResourcesStatus({b, a}, 1).size(), 1u);
  Json fields = StatusFields(Json::array(), r, 2);
  EXPECT_EQ(fields["resourcesCount"], 2);
  Json live = {{"resources", r},
               {"resourcesCount", 2},
               {"conditions", Json::array()},
               {"applicationStatus", Json::array({{{"application", "a"}}})}};
  EXPECT_FALSE(StatusNeedsWrite(live, fields));  // fields of other writers do not count
  EXPECT_FALSE(
      StatusNeedsWrite(Json{{"resourcesCount", 0}}, StatusFields(Json::array(), Json::array(), 0)));
  EXPECT_TRUE(StatusNeedsWrite(Json::object(), fields));
}

TEST(AppSetStatus, GenerationErrorReasonsFromRealErrors) {
  auto generate = [](const std::string& yaml) {
    auto a = argo::ParseApplicationSet(YamlJson(yaml));
    EXPECT_TRUE(a) << a.error().message();
    auto apps = appset::GenerateApplications(*a, {});
    EXPECT_FALSE(apps);
    return apps ? Error(ErrorCode::kUnknown, "") : apps.error();
  };
  Error tmpl = generate(R"(
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: web, namespace: shop}
spec:
  goTemplate: true
  goTemplateOptions: [missingkey=error]
  generators: [{list: {elements: [{cluster: a}]}}]
  template: {metadata: {name: '{{.nme}}'}, spec: {project: default}}
)");
  EXPECT_EQ(GenerationErrorReason(tmpl), reason::kRenderTemplateParamsError) << tmpl.message();
  Error gen = generate(R"(
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: web, namespace: shop}
spec:
  generators: [{list: {elements: [{cluster: {nested: x}}]}}]
  template: {metadata: {name: 'x'}, spec: {project: default}}
)");
  EXPECT_EQ(GenerationErrorReason(gen), reason::kParamsGenerationError) << gen.message();
  Error dup = generate(R"(
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: web, namespace: shop}
spec:
  generators: [{list: {elements: [{c: a}, {c: b}]}}]
  template: {metadata: {name: 'same'}, spec: {project: default}}
)");
  EXPECT_EQ(GenerationErrorReason(dup), reason::kApplicationValidationError) << dup.message();
}

}  // namespace
}  // namespace cellgate::appset_controller

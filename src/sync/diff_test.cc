#include "sync/diff.h"

#include <gtest/gtest.h>

#include <set>

#include "core/yaml.h"
#include "sync/testing/golden.h"

namespace cellgate::sync {
namespace {

using testing::ExpectGolden;
using testing::FileExists;
using testing::LoadObject;
using testing::ReadFile;
using testing::TestdataPath;

std::vector<std::string> DiffCases() {
  std::set<std::string> names;
  for (const char* suffix : {".desired.yaml", ".live.yaml"}) {
    for (auto& n : testing::CaseNames(TestdataPath("diff"), suffix)) names.insert(n);
  }
  return {names.begin(), names.end()};
}

// testdata/diff/<case>.{desired,live,predicted,ignore}.yaml (each optional; predicted selects
// server-side mode, ignore is a spec.ignoreDifferences list) and <case>.expected: the status
// on the first line, then the diff text.
class DiffGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(DiffGolden, MatchesExpected) {
  std::string base = TestdataPath("diff/" + GetParam());
  std::optional<Object> desired, live, predicted;
  if (FileExists(base + ".desired.yaml")) desired = LoadObject(base + ".desired.yaml");
  if (FileExists(base + ".live.yaml")) live = LoadObject(base + ".live.yaml");
  if (FileExists(base + ".predicted.yaml")) predicted = LoadObject(base + ".predicted.yaml");
  IgnoreRules rules;
  if (FileExists(base + ".ignore.yaml")) {
    auto docs = ParseYamlDocuments(ReadFile(base + ".ignore.yaml"), base);
    ASSERT_TRUE(docs && docs->size() == 1);
    auto entries = ParseIgnoreDifferences(docs->front().value);
    ASSERT_TRUE(entries) << entries.error().message();
    auto compiled = IgnoreRules::Compile(std::move(*entries));
    ASSERT_TRUE(compiled) << compiled.error().message();
    rules = std::move(*compiled);
  }
  DiffInput input{.desired = desired ? &*desired : nullptr,
                  .live = live ? &*live : nullptr,
                  .predicted_live = predicted ? &*predicted : nullptr};
  auto diff = DiffObject(input, DiffOptions{.ignore = &rules});
  ASSERT_TRUE(diff) << diff.error().message();
  EXPECT_TRUE(diff->warnings.empty());
  EXPECT_EQ(diff->server_side, predicted.has_value());
  ExpectGolden(base + ".expected", std::string(SyncStatusName(diff->status)) + "\n" + diff->text);
}

INSTANTIATE_TEST_SUITE_P(Cases, DiffGolden, ::testing::ValuesIn(DiffCases()), [](const auto& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (c == '-') c = '_';
  }
  return name;
});

Object Obj(const char* json) { return Object(Json::parse(json)); }

TEST(Diff, NeitherSideIsAnError) {
  auto d = DiffObject(DiffInput{});
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code(), ErrorCode::kInvalidArgument);
  Object bad(Json::array());
  EXPECT_FALSE(DiffObject(DiffInput{.desired = &bad}));
}

TEST(Diff, SecretValuesNeverAppearInOutput) {
  Object desired = Obj(R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},
    "stringData":{"token":"hunter2"}})");
  Object live = Obj(R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},
    "data":{"token":"b2xk"}})");
  auto d = DiffObject(DiffInput{.desired = &desired, .live = &live});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->status, SyncStatus::kOutOfSync);
  for (const std::string& text : {d->text, d->live_state.dump(), d->target_state.dump()}) {
    EXPECT_EQ(text.find("hunter2"), std::string::npos);
    EXPECT_EQ(text.find("aHVudGVyMg"), std::string::npos);
    EXPECT_EQ(text.find("b2xk"), std::string::npos);
  }
  // Desired is masked first: its value gets 8 '+', live's different value 12.
  EXPECT_NE(d->text.find("-  token: ++++++++++++\n"), std::string::npos) << d->text;
  EXPECT_NE(d->text.find("+  token: ++++++++\n"), std::string::npos) << d->text;
}

TEST(Diff, FailingJqExpressionIsAWarningNotAnError) {
  auto rules = IgnoreRules::Compile(
      {IgnoreDifference{.group = "", .kind = "ConfigMap", .jq_path_expressions = {".data[]"}}});
  ASSERT_TRUE(rules);
  Object desired = Obj(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},
    "data":"not a map"})");
  auto d = DiffObject(DiffInput{.desired = &desired, .live = &desired, .predicted_live = &desired},
                      DiffOptions{.ignore = &*rules});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->status, SyncStatus::kSynced);
  ASSERT_EQ(d->warnings.size(), 2u);
  EXPECT_NE(d->warnings[0].find(".data[]"), std::string::npos);
}

TEST(Diff, ContainsFields) {
  Json live = Json::parse(R"({"a":1,"b":{"c":[{"x":1,"y":2}],"d":"e"},"n":2.0})");
  EXPECT_TRUE(ContainsFields(Json::parse(R"({"a":1,"b":{"c":[{"x":1}]}})"), live));
  EXPECT_TRUE(ContainsFields(Json::parse(R"({"n":2,"z":null})"), live));
  EXPECT_FALSE(ContainsFields(Json::parse(R"({"a":2})"), live));
  EXPECT_FALSE(ContainsFields(Json::parse(R"({"b":{"c":[]}})"), live));
  EXPECT_FALSE(ContainsFields(Json::parse(R"({"q":1})"), live));
  EXPECT_FALSE(ContainsFields(Json::parse(R"({"a":"1"})"), live));
}

TEST(Diff, OverlayFieldsAgreesWithContainsFields) {
  Json live = Json::parse(R"({"a":1,"b":{"c":[{"x":1,"y":2}]},"n":2.0})");
  for (const char* d :
       {R"({"a":1})", R"({"a":2})", R"({"b":{"c":[{"x":1}]}})", R"({"b":{"c":[{"x":3}]}})",
        R"({"b":{"c":[1,2]}})", R"({"n":2})", R"({"new":{"k":"v"}})"}) {
    Json desired = Json::parse(d);
    EXPECT_EQ(ContainsFields(desired, live), OverlayFields(desired, live) == live) << d;
  }
  EXPECT_EQ(OverlayFields(Json::parse(R"({"b":{"c":[{"x":3}]}})"), live)["b"]["c"][0],
            Json::parse(R"({"x":3,"y":2})"));
}

TEST(Diff, PairObjectsLeavesOutHooksAndDefaultsNamespaces) {
  std::vector<Object> desired = {
      Obj(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}})"),
      Obj(R"({"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j",
        "annotations":{"argocd.argoproj.io/hook":"PreSync"}}})"),
      Obj(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"shop"}})")};
  std::vector<Object> live = {
      Obj(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"shop"}})"),
      Obj(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"shop"}})"),
      Obj(R"({"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"old","namespace":"shop",
        "annotations":{"argocd.argoproj.io/hook":"PreSync"}}})"),
      Obj(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"gone","namespace":"shop"}})")};
  auto pairs = PairObjects(desired, live, "shop");
  ASSERT_EQ(pairs.size(), 3u);
  EXPECT_EQ(pairs[0].desired, &desired[0]);
  EXPECT_EQ(pairs[0].live, &live[1]);
  EXPECT_EQ(pairs[1].desired, &desired[2]);
  EXPECT_EQ(pairs[1].live, &live[0]);
  EXPECT_EQ(pairs[2].desired, nullptr);
  EXPECT_EQ(pairs[2].live, &live[3]);
}

TEST(Diff, StatusNames) {
  EXPECT_EQ(SyncStatusName(SyncStatus::kSynced), "Synced");
  EXPECT_EQ(SyncStatusName(SyncStatus::kOutOfSync), "OutOfSync");
  EXPECT_EQ(SyncStatusName(SyncStatus::kMissing), "Missing");
  EXPECT_EQ(SyncStatusName(SyncStatus::kExtraneous), "Extraneous");
}

}  // namespace
}  // namespace cellgate::sync

#include "sync/ignore.h"

#include <gtest/gtest.h>

#include <thread>

#include "sync/jq_path.h"
#include "sync/managed_fields.h"

namespace cellgate::sync {
namespace {

IgnoreRules Compile(std::vector<IgnoreDifference> entries) {
  auto rules = IgnoreRules::Compile(std::move(entries));
  EXPECT_TRUE(rules) << rules.error().message();
  return rules ? std::move(*rules) : IgnoreRules();
}

const ObjectKey kDeploy{.group = "apps", .kind = "Deployment", .ns = "shop", .name = "api"};

// Argo CD's diff_normalizer.go matches group and kind with util/glob.Match (gobwas, no
// separators), so classes and brace alternatives work as well as '*' and '?'.
TEST(IgnoreDifferences, GroupAndKindAreGobwasGlobs) {
  auto rules = Compile({{.group = "{apps,batch}", .kind = "[DS]*"}});
  EXPECT_TRUE(rules.Matches(kDeploy));
  EXPECT_TRUE(rules.Matches({.group = "batch", .kind = "StatefulSet"}));
  EXPECT_FALSE(rules.Matches({.group = "apps", .kind = "ReplicaSet"}));
  EXPECT_FALSE(rules.Matches({.group = "", .kind = "Deployment"}));
  auto any = Compile({{.group = "*.k8s.io", .kind = "*"}});
  EXPECT_TRUE(any.Matches({.group = "networking.k8s.io", .kind = "Ingress"}));
  EXPECT_FALSE(any.Matches(kDeploy));
  auto malformed = Compile({{.group = "apps", .kind = "[Deployment"}});
  EXPECT_FALSE(malformed.Matches(kDeploy));
}

TEST(IgnoreDifferences, ParsesArgoCdFieldNames) {
  auto list = ParseIgnoreDifferences(Json::parse(R"([{"group":"apps","kind":"Deployment",
    "name":"api","namespace":"shop","jsonPointers":["/spec/replicas"],
    "jqPathExpressions":[".a"],"managedFieldsManagers":["kube-controller-manager"],"x":1}])"));
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].ns, "shop");
  EXPECT_EQ((*list)[0].managed_fields_managers,
            std::vector<std::string>{"kube-controller-manager"});
  EXPECT_TRUE(ParseIgnoreDifferences(Json())->empty());
  auto bad = ParseIgnoreDifferences(Json::parse(R"([{"kind":"X","jsonPointers":"/a"}])"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(), "ignoreDifferences[0].jsonPointers: expected a list");
  EXPECT_FALSE(ParseIgnoreDifferences(Json::parse(R"({"kind":"X"})")));
  EXPECT_FALSE(ParseIgnoreDifferences(Json::parse(R"([{"kind":3}])")));
}

TEST(IgnoreDifferences, CompileRejectsBadPointersAndJq) {
  auto p = IgnoreRules::Compile({IgnoreDifference{.kind = "X", .json_pointers = {"spec"}}});
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(p.error().message().find("ignoreDifferences X"), std::string::npos);
  auto j = IgnoreRules::Compile({IgnoreDifference{.kind = "X", .jq_path_expressions = {".a["}}});
  ASSERT_FALSE(j);
  EXPECT_NE(j.error().message().find("jq path expression \".a[\""), std::string::npos)
      << j.error().message();
}

TEST(IgnoreDifferences, MatchingFollowsArgoCd) {
  auto rules = Compile({IgnoreDifference{.group = "apps", .kind = "Deployment", .name = "api"}});
  EXPECT_TRUE(rules.Matches(kDeploy));
  EXPECT_FALSE(rules.Matches(ObjectKey{.group = "apps", .kind = "Deployment", .name = "web"}));
  EXPECT_FALSE(rules.Matches(ObjectKey{.group = "", .kind = "Deployment", .name = "api"}));
  auto any = Compile({IgnoreDifference{.group = "*", .kind = "*", .ns = "shop"}});
  EXPECT_TRUE(any.Matches(kDeploy));
  EXPECT_FALSE(any.Matches(ObjectKey{.kind = "ConfigMap", .ns = "prod", .name = "a"}));
  auto core = Compile({IgnoreDifference{.kind = "ConfigMap"}});
  EXPECT_TRUE(core.Matches(ObjectKey{.kind = "ConfigMap", .name = "a"}));
  EXPECT_FALSE(core.Matches(ObjectKey{.group = "example.com", .kind = "ConfigMap", .name = "a"}));
  EXPECT_TRUE(IgnoreRules().empty());
}

TEST(IgnoreDifferences, ApplyRemovesFromBothSides) {
  auto rules = Compile({IgnoreDifference{
      .group = "apps",
      .kind = "Deployment",
      .json_pointers = {"/spec/replicas", "/metadata/annotations/a~1b", "/spec/absent"},
      .jq_path_expressions = {".spec.template.spec.containers[] | select(.name == \"sidecar\")"}}});
  Json desired = Json::parse(R"({"metadata":{"annotations":{"a/b":"1"}},"spec":{"replicas":1,
    "template":{"spec":{"containers":[{"name":"app"}]}}}})");
  Json live =
      Json::parse(R"({"metadata":{"annotations":{"a/b":"2","keep":"x"}},"spec":{"replicas":4,
    "template":{"spec":{"containers":[{"name":"sidecar"},{"name":"app"}]}}}})");
  rules.Apply(kDeploy, desired, live);
  EXPECT_EQ(desired,
            Json::parse(R"({"spec":{"template":{"spec":{"containers":[{"name":"app"}]}}}})"));
  EXPECT_EQ(live, Json::parse(R"({"metadata":{"annotations":{"keep":"x"}},
    "spec":{"template":{"spec":{"containers":[{"name":"app"}]}}}})"));
  Json absent;
  rules.Apply(kDeploy, absent, live);
  EXPECT_TRUE(absent.is_null());
}

TEST(IgnoreDifferences, ApplyDoesNothingForOtherObjects) {
  auto rules = Compile({IgnoreDifference{
      .group = "apps", .kind = "StatefulSet", .json_pointers = {"/spec/replicas"}}});
  Json desired = Json::parse(R"({"spec":{"replicas":1}})");
  Json live = desired;
  rules.Apply(kDeploy, desired, live);
  EXPECT_EQ(desired, live);
  EXPECT_TRUE(desired.contains("spec"));
}

Json LiveWithManagedFields(Json body, Json fields_v1, const char* manager) {
  body["metadata"]["managedFields"] = Json::array({{{"manager", manager},
                                                    {"operation", "Update"},
                                                    {"fieldsType", "FieldsV1"},
                                                    {"fieldsV1", std::move(fields_v1)}}});
  return body;
}

TEST(ManagedFields, LeavesAndInjectedElements) {
  Json desired = Json::parse(R"({"metadata":{"name":"api"},"spec":{"replicas":3,"template":{"spec":
    {"containers":[{"name":"app","image":"a:1"}]}}}})");
  Json live = LiveWithManagedFields(
      Json::parse(R"({"metadata":{"name":"api","labels":{"team":"x"}},"spec":{"replicas":7,
        "template":{"spec":{"containers":[{"name":"istio-proxy","image":"p"},
        {"name":"app","image":"a:1"}]}}}})"),
      Json::parse(R"({"f:metadata":{"f:labels":{".":{},"f:team":{}}},"f:spec":{"f:replicas":{},
        "f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"istio-proxy\"}":{".":{},
        "f:image":{},"f:name":{}},"k:{\"name\":\"app\"}":{"f:image":{}}}}}}})"),
      "mutator");
  auto owned = OwnedFields(desired, live, {"mutator"});
  auto rules = Compile(
      {IgnoreDifference{.group = "*", .kind = "*", .managed_fields_managers = {"mutator"}}});
  Json d = desired, l = live;
  rules.Apply(kDeploy, d, l);
  l["metadata"].erase("managedFields");
  // replicas and app's image go from both; the injected container and the label from live.
  EXPECT_EQ(d, Json::parse(R"({"metadata":{"name":"api"},"spec":{"template":{"spec":
    {"containers":[{"name":"app"}]}}}})"));
  EXPECT_EQ(l, d);
  EXPECT_GE(owned.size(), 4u);
  auto others = OwnedFields(desired, live, {"someone-else"});
  EXPECT_TRUE(others.empty());
}

TEST(ManagedFields, SetElementsAndMalformedSteps) {
  Json desired = Json::parse(R"({"spec":{"finalizers":["a"]}})");
  Json live = LiveWithManagedFields(Json::parse(R"({"spec":{"finalizers":["a","b"]}})"),
                                    Json::parse(R"({"f:spec":{"f:finalizers":{"v:\"b\"":{},
                                      "k:notjson":{},"x":{},"i:0":{}}}})"),
                                    "m");
  auto owned = OwnedFields(desired, live, {"m"});
  ASSERT_EQ(owned.size(), 2u);  // v:"b" in live; i:0 in both
  EXPECT_FALSE(owned[0].desired);
  EXPECT_EQ(PathToString(owned[0].live.value_or(JsonPath{})), "/spec/finalizers/1");
  EXPECT_EQ(PathToString(owned[1].desired.value_or(JsonPath{})), "/spec/finalizers/0");
}

TEST(JqPathQuery, PathsKeepNumbersExact) {
  auto q = JqPathQuery::Compile(".items[] | select(.big == 12345678901234567890) | .name");
  ASSERT_TRUE(q) << q.error().message();
  EXPECT_EQ(q->expression(), ".items[] | select(.big == 12345678901234567890) | .name");
  Json doc = Json::parse(R"({"items":[{"big":1,"name":"a"},{"big":12345678901234567890,
    "name":"b"}]})");
  auto paths = q->Paths(doc);
  ASSERT_TRUE(paths) << paths.error().message();
  ASSERT_EQ(paths->size(), 1u);
  EXPECT_EQ(PathToString((*paths)[0]), "/items/1/name");
  EraseAll(doc, *paths);
  EXPECT_EQ(doc["items"][1]["big"].dump(), "12345678901234567890");
}

TEST(JqPathQuery, SlicesNegativeIndicesAndRootAreSkipped) {
  Json doc = Json::parse(R"({"a":[1,2,3]})");
  for (const char* expr : {".a[1:2]", ".a[-1]", "."}) {
    auto q = JqPathQuery::Compile(expr);
    ASSERT_TRUE(q) << expr;
    auto paths = q->Paths(doc);
    ASSERT_TRUE(paths) << expr;
    EXPECT_TRUE(paths->empty()) << expr;
  }
  auto q = JqPathQuery::Compile(".a[]");
  EXPECT_EQ(q->Paths(doc)->size(), 3u);
}

TEST(JqPathQuery, RuntimeErrorAndReuse) {
  auto q = JqPathQuery::Compile(".a[]");
  ASSERT_TRUE(q);
  auto bad = q->Paths(Json::parse(R"({"a":"text"})"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
  auto good = q->Paths(Json::parse(R"({"a":[1]})"));
  ASSERT_TRUE(good);
  EXPECT_EQ(good->size(), 1u);
  JqPathQuery moved = std::move(*q);
  EXPECT_EQ(moved.Paths(Json::parse(R"({"a":[1,2]})"))->size(), 2u);
}

TEST(JqPathQuery, SharedBetweenThreads) {
  auto q = JqPathQuery::Compile(".items[] | select(.drop) | .value");
  ASSERT_TRUE(q);
  Json doc =
      Json::parse(R"({"items":[{"drop":true,"value":1},{"value":2},{"drop":true,"value":3}]})");
  std::vector<std::thread> threads;
  std::vector<std::size_t> counts(4);
  for (std::size_t i = 0; i < counts.size(); ++i) {
    threads.emplace_back([&, i] {
      for (int n = 0; n < 50; ++n) {
        auto paths = q->Paths(doc);
        counts[i] += paths ? paths->size() : 1000;
      }
    });
  }
  for (auto& t : threads) t.join();
  for (auto c : counts) EXPECT_EQ(c, 100u);
}

Object Deploy(const char* json) { return Object(Json::parse(json)); }

TEST(RespectIgnoreDifferences, CopiesIgnoredLiveValuesIntoDesired) {
  auto rules = Compile({IgnoreDifference{
      .group = "apps",
      .kind = "Deployment",
      .json_pointers = {"/spec/replicas", "/metadata/annotations/owner", "/spec/paused"},
      .jq_path_expressions = {
          ".spec.template.spec.containers[] | select(.name == \"proxy\") | .image"}}});
  Object desired = Deploy(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"api",
    "namespace":"shop"},"spec":{"replicas":1,"paused":false,"template":{"spec":{"containers":[
    {"name":"proxy","image":"p:1"}]}}}})");
  Object live = Deploy(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"api",
    "namespace":"shop","annotations":{"owner":"hpa"}},"spec":{"replicas":6,"template":{"spec":
    {"containers":[{"name":"proxy","image":"p:2"}]}}}})");
  Object out = rules.RespectIgnoreDifferences(desired, live);
  EXPECT_EQ(out.body()["spec"]["replicas"], 6);
  EXPECT_EQ(out.Annotation("owner"), "hpa");
  EXPECT_FALSE(out.body()["spec"].contains("paused"));
  EXPECT_EQ(out.body()["spec"]["template"]["spec"]["containers"][0]["image"], "p:2");
  Object other = Deploy(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}})");
  EXPECT_EQ(rules.RespectIgnoreDifferences(other, other).body(), other.body());
}

TEST(RespectIgnoreDifferences, ManagedFieldLeaves) {
  auto rules = Compile({IgnoreDifference{.group = "apps",
                                         .kind = "Deployment",
                                         .managed_fields_managers = {"kube-controller-manager"}}});
  Object desired = Deploy(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"api",
    "namespace":"shop"},"spec":{"selector":{}}})");
  Object live(LiveWithManagedFields(
      Json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"api",
        "namespace":"shop"},"spec":{"replicas":4,"selector":{}}})"),
      Json::parse(R"({"f:spec":{"f:replicas":{}}})"), "kube-controller-manager"));
  Object out = rules.RespectIgnoreDifferences(desired, live);
  EXPECT_EQ(out.body()["spec"]["replicas"], 4);
}

}  // namespace
}  // namespace cellgate::sync

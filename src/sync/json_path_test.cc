#include "sync/json_path.h"

#include <gtest/gtest.h>

namespace cellgate::sync {
namespace {

JsonPath P(std::initializer_list<PathStep> steps) { return JsonPath(steps); }
PathStep K(const char* k) { return PathStep::Key(k); }
PathStep I(std::size_t i) { return PathStep::Index(i); }

TEST(JsonPointer, ParsesAndUnescapes) {
  auto t = ParseJsonPointer("/metadata/annotations/example.com~1owner/a~0b");
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, (std::vector<std::string>{"metadata", "annotations", "example.com/owner", "a~b"}));
  EXPECT_TRUE(ParseJsonPointer("")->empty());
  EXPECT_EQ(*ParseJsonPointer("/"), std::vector<std::string>{""});
  EXPECT_FALSE(ParseJsonPointer("spec/replicas"));
  EXPECT_FALSE(ParseJsonPointer("/a~2"));
}

TEST(JsonPointer, ResolvesAgainstDocument) {
  Json doc = Json::parse(R"({"spec":{"containers":[{"name":"a"},{"name":"b"}]}})");
  auto tokens = *ParseJsonPointer("/spec/containers/1/name");
  EXPECT_EQ(ResolvePointer(doc, tokens), P({K("spec"), K("containers"), I(1), K("name")}));
  EXPECT_FALSE(ResolvePointer(doc, *ParseJsonPointer("/spec/containers/2")));
  EXPECT_FALSE(ResolvePointer(doc, *ParseJsonPointer("/spec/containers/01")));
  EXPECT_FALSE(ResolvePointer(doc, *ParseJsonPointer("/spec/containers/-")));
  EXPECT_FALSE(ResolvePointer(doc, *ParseJsonPointer("/spec/replicas")));
}

TEST(JsonPath, FindAndToString) {
  Json doc = Json::parse(R"({"a":[1,{"b/c":2}]})");
  JsonPath p = P({K("a"), I(1), K("b/c")});
  ASSERT_NE(Find(doc, p), nullptr);
  EXPECT_EQ(*Find(doc, p), 2);
  EXPECT_EQ(PathToString(p), "/a/1/b~1c");
  EXPECT_EQ(Find(doc, P({K("a"), I(5)})), nullptr);
  *FindMutable(doc, p) = 3;
  EXPECT_EQ(doc["a"][1]["b/c"], 3);
}

TEST(JsonPath, EraseAllKeepsIndicesValidAndDropsEmptiedContainers) {
  Json doc = Json::parse(R"({"spec":{"list":[{"x":1},{"y":2},{"z":3}]},
                            "metadata":{"annotations":{"a":"1"},"labels":{}}})");
  EraseAll(doc, {P({K("spec"), K("list"), I(0)}), P({K("spec"), K("list"), I(2)}),
                 P({K("metadata"), K("annotations"), K("a")}), P({K("missing")})});
  EXPECT_EQ(doc, Json::parse(R"({"spec":{"list":[{"y":2}]},"metadata":{"labels":{}}})"));
}

TEST(JsonPath, EraseAllDropsDescendantsOfErasedPaths) {
  Json doc = Json::parse(R"({"l":[{"a":{"b":1}},{"c":2},{"d":3}]})");
  EraseAll(doc, {P({K("l"), I(1), K("c")}), P({K("l"), I(1)}), P({K("l"), I(0), K("a")})});
  // [1] goes whole; [0] loses "a" and, left empty, goes too.
  EXPECT_EQ(doc, Json::parse(R"({"l":[{"d":3}]})"));
  Json all = Json::parse(R"({"a":1})");
  EraseAll(all, {P({K("a")}), JsonPath{}});
  EXPECT_EQ(all, Json::object());
}

TEST(JsonPath, SetAtCreatesObjectsAndAppends) {
  Json doc = Json::parse(R"({"spec":{"l":[1]}})");
  EXPECT_TRUE(SetAt(doc, P({K("spec"), K("new"), K("deep")}), 5));
  EXPECT_TRUE(SetAt(doc, P({K("spec"), K("l"), I(1)}), 2));
  EXPECT_TRUE(SetAt(doc, P({K("spec"), K("l"), I(0)}), 0));
  EXPECT_EQ(doc, Json::parse(R"({"spec":{"l":[0,2],"new":{"deep":5}}})"));
  Json before = doc;
  EXPECT_FALSE(SetAt(doc, P({K("spec"), K("l"), I(5)}), 9));
  EXPECT_FALSE(SetAt(doc, P({K("spec"), K("new"), K("deep"), K("x")}), 9));
  EXPECT_FALSE(SetAt(doc, P({K("spec"), K("other"), I(0)}), 9));
  EXPECT_EQ(doc, before);
}

TEST(JsonPath, StepOrder) {
  EXPECT_LT(K("a"), K("b"));
  EXPECT_LT(K("z"), I(0));
  EXPECT_LT(I(2), I(10));
}

}  // namespace
}  // namespace cellgate::sync

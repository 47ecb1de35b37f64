#include "core/yaml.h"

#include <gtest/gtest.h>

#include <string>

namespace cellgate {
namespace {

TEST(YamlParse, MultiDocumentWithEmptyDocumentsAndLines) {
  auto docs = ParseYamlDocuments(
      "---\n"
      "apiVersion: v1\n"
      "kind: ConfigMap\n"
      "---\n"
      "---\n"
      "# only a comment\n"
      "---\n"
      "apiVersion: apps/v1\n"
      "kind: Deployment\n",
      "a.yaml");
  ASSERT_TRUE(docs) << docs.error().message();
  ASSERT_EQ(docs->size(), 4u);
  EXPECT_EQ((*docs)[0].value["kind"], "ConfigMap");
  EXPECT_EQ((*docs)[0].line, 2);
  EXPECT_TRUE((*docs)[1].value.is_null());
  EXPECT_TRUE((*docs)[2].value.is_null());
  EXPECT_EQ((*docs)[3].value["kind"], "Deployment");
  EXPECT_EQ((*docs)[3].line, 8);
  EXPECT_EQ((*docs)[3].index, 3);
}

TEST(YamlParse, ScalarsResolveAsKubectlDoes) {
  auto docs = ParseYamlDocuments(
      "a: 1\nb: 1.5\nc: true\nd: yes\ne: off\nf: null\ng: ~\nh: '1'\ni: \"true\"\n"
      "j: 0644\nk: 0x1F\nl: hello\nm:\nn: -3\no: 1e3\np: 1.2.3\nq: !!str 12\n",
      "s.yaml");
  ASSERT_TRUE(docs) << docs.error().message();
  const Json& v = (*docs)[0].value;
  EXPECT_EQ(v["a"], 1);
  EXPECT_DOUBLE_EQ(v["b"].get<double>(), 1.5);
  EXPECT_EQ(v["c"], true);
  EXPECT_EQ(v["d"], true);
  EXPECT_EQ(v["e"], false);
  EXPECT_TRUE(v["f"].is_null());
  EXPECT_TRUE(v["g"].is_null());
  EXPECT_EQ(v["h"], "1");
  EXPECT_EQ(v["i"], "true");
  EXPECT_EQ(v["j"], 420);
  EXPECT_EQ(v["k"], 31);
  EXPECT_EQ(v["l"], "hello");
  EXPECT_TRUE(v["m"].is_null());
  EXPECT_EQ(v["n"], -3);
  EXPECT_DOUBLE_EQ(v["o"].get<double>(), 1000.0);
  EXPECT_EQ(v["p"], "1.2.3");
  EXPECT_EQ(v["q"], "12");
}

TEST(YamlParse, AnchorsAliasesAndMergeKeys) {
  auto docs = ParseYamlDocuments(
      "base: &b\n  x: 1\n  y: 2\nderived:\n  <<: *b\n  y: 3\nlist: [*b, *b]\n", "m.yaml");
  ASSERT_TRUE(docs) << docs.error().message();
  const Json& v = (*docs)[0].value;
  EXPECT_EQ(v["derived"]["x"], 1);
  EXPECT_EQ(v["derived"]["y"], 3);
  EXPECT_EQ(v["list"].size(), 2u);
  EXPECT_EQ(v["list"][1]["y"], 2);
}

TEST(YamlParse, InvalidYamlNamesFileAndLine) {
  auto docs = ParseYamlDocuments("a: 1\nb: [1, 2\nc: 3\n", "apps/web/bad.yaml");
  ASSERT_FALSE(docs);
  EXPECT_EQ(docs.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(docs.error().message().find("apps/web/bad.yaml:"), std::string::npos)
      << docs.error().message();
  auto tab = ParseYamlDocuments("a:\n  b: 1\n c: 2\n", "t.yaml");
  ASSERT_FALSE(tab);
  EXPECT_NE(tab.error().message().find("t.yaml:3"), std::string::npos) << tab.error().message();
}

TEST(YamlParse, AliasBombIsRefusedQuickly) {
  std::string bomb =
      "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
  std::string prev = "a";
  for (char c = 'b'; c <= 'j'; ++c) {
    std::string name(1, c);
    bomb.append(name).append(": &").append(name).append(" [");
    for (int i = 0; i < 9; ++i) bomb += (i ? ",*" : "*") + prev;
    bomb += "]\n";
    prev = name;
  }
  auto docs = ParseYamlDocuments(bomb, "bomb.yaml");
  ASSERT_FALSE(docs);
  EXPECT_EQ(docs.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_NE(docs.error().message().find("bomb.yaml"), std::string::npos);
}

// Billion laughs with long strings: few nodes (about 11,000), but every alias copies 8 KiB
// strings, so the document expands to 80 MiB from a 9 KiB file.
TEST(YamlParse, BillionLaughsOfLongStringsIsRefusedByExpandedBytes) {
  std::string text = "a: &a \"" + std::string(8 << 10, 'x') + "\"\n";
  std::string prev = "a";
  for (char c = 'b'; c <= 'e'; ++c) {
    std::string name(1, c);
    text.append(name).append(": &").append(name).append(" [");
    for (int i = 0; i < 10; ++i) text += (i ? ",*" : "*") + prev;
    text += "]\n";
    prev = name;
  }
  auto docs = ParseYamlDocuments(text, "apps/web/laughs.yaml");
  ASSERT_FALSE(docs);
  EXPECT_EQ(docs.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_NE(docs.error().message().find("apps/web/laughs.yaml:5"), std::string::npos)
      << docs.error().message();
  EXPECT_NE(docs.error().message().find("bytes"), std::string::npos) << docs.error().message();
}

// One 1 MiB anchor repeated by 70 aliases: a 1 MiB file (well inside the directory size
// limit) that expands to 70 MiB.
TEST(YamlParse, LargeAnchorWithManyAliasesIsRefused) {
  std::string text = "data: &big \"" + std::string(1 << 20, 'y') + "\"\ncopies:\n";
  for (int i = 0; i < 70; ++i) text += "- *big\n";
  auto docs = ParseYamlDocuments(text, "big-anchor.yaml");
  ASSERT_FALSE(docs);
  EXPECT_EQ(docs.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_NE(docs.error().message().find("big-anchor.yaml:"), std::string::npos)
      << docs.error().message();
  EXPECT_NE(docs.error().message().find("document 0"), std::string::npos) << docs.error().message();
}

// Expanded bytes are counted over the whole file, not per document.
TEST(YamlParse, ExpandedBytesAreCountedAcrossDocuments) {
  YamlLimits limits{.max_expanded_bytes = 1000};
  std::string doc = "a: &a \"" + std::string(100, 'z') + "\"\nb: [*a, *a, *a, *a]\n";
  ASSERT_TRUE(ParseYamlDocuments(doc, "one.yaml", limits));
  auto two = ParseYamlDocuments(doc + "---\n" + doc, "two.yaml", limits);
  ASSERT_FALSE(two);
  EXPECT_EQ(two.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_NE(two.error().message().find("document 1"), std::string::npos) << two.error().message();
}

// A document without aliases never reaches the expanded-bytes limit when it is no larger
// than the file-size limit (scalar text is never longer than its source).
TEST(YamlParse, AliasFreeFileAtTheSizeLimitIsAccepted) {
  YamlLimits limits{.max_bytes = 4096, .max_expanded_bytes = 4096};
  std::string text = "k: \"" + std::string(4000, 'q') + "\"\nlist: [a, b, c]\n";
  ASSERT_LE(text.size(), limits.max_bytes);
  auto docs = ParseYamlDocuments(text, "plain.yaml", limits);
  ASSERT_TRUE(docs) << docs.error().message();
  EXPECT_EQ((*docs)[0].value["k"].get<std::string>().size(), 4000u);
}

// Each anchor keeps a copy of its node; nested anchors copy the same subtree once per level,
// so those copies count too.
TEST(YamlParse, NestedAnchorCopiesCount) {
  YamlLimits limits{.max_nodes = 10'000};
  std::string inner = "[";
  for (int i = 0; i < 1000; ++i) inner += i ? ",1" : "1";
  inner += "]";
  std::string text;
  for (int d = 0; d < 20; ++d) text += "{k: &a" + std::to_string(d) + " ";
  text += inner;
  for (int d = 0; d < 20; ++d) text += "}";
  auto docs = ParseYamlDocuments(text, "nested.yaml", limits);
  ASSERT_FALSE(docs);
  EXPECT_EQ(docs.error().code(), ErrorCode::kResourceExhausted);
}

TEST(YamlParse, OversizedFileAndDeepNestingAreRefused) {
  YamlLimits limits{.max_bytes = 100};
  auto big = ParseYamlDocuments(std::string(200, 'a'), "big.yaml", limits);
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code(), ErrorCode::kResourceExhausted);
  std::string deep(500, '[');
  auto nested = ParseYamlDocuments(deep, "deep.yaml");
  ASSERT_FALSE(nested);
  EXPECT_EQ(nested.error().code(), ErrorCode::kResourceExhausted);
}

TEST(Json, InvalidJsonNamesLine) {
  auto j = ParseJson("{\n  \"a\": 1,\n  \"b\": }\n", "x.json");
  ASSERT_FALSE(j);
  EXPECT_NE(j.error().message().find("x.json:3"), std::string::npos) << j.error().message();
  auto ok = ParseJson("{\"kind\": \"Service\"}", "y.json");
  ASSERT_TRUE(ok);
  EXPECT_EQ((*ok)["kind"], "Service");
}

TEST(YamlEmit, RoundTripKeepsTypesAndOrder) {
  Json v = Json::parse(R"({"zeta":"true","alpha":1,"s":"","n":null,"yes":"yes","octal":"0644",
    "multi":"line1\nline2\n","list":[1,"2",{"k":false}],"empty":{}})");
  std::string y = ToYaml(v);
  auto back = ParseYamlDocuments(y, "emit.yaml");
  ASSERT_TRUE(back) << back.error().message() << "\n" << y;
  EXPECT_EQ((*back)[0].value, v) << y;
  EXPECT_LT(y.find("zeta"), y.find("alpha"));
}

}  // namespace
}  // namespace cellgate

#include "render/glob.h"

#include <gtest/gtest.h>

#include <string>

namespace cellgate::render {
namespace {

bool M(std::string_view pattern, std::string_view text) {
  auto r = GlobMatch(pattern, text);
  EXPECT_TRUE(r) << pattern << ": " << (r ? "" : r.error().message());
  return r && *r;
}

TEST(Glob, LiteralsMatchWholeText) {
  EXPECT_TRUE(M("config.json", "config.json"));
  EXPECT_FALSE(M("config.json", "sub/config.json"));
  EXPECT_FALSE(M("config", "config.json"));
  EXPECT_TRUE(M("", ""));
  EXPECT_FALSE(M("", "a"));
}

TEST(Glob, StarCrossesSlashesBecauseArgoCompilesWithoutSeparators) {
  EXPECT_TRUE(M("*.yaml", "deploy.yaml"));
  EXPECT_TRUE(M("*.yaml", "sub/dir/deploy.yaml"));
  EXPECT_TRUE(M("**.yaml", "sub/deploy.yaml"));
  EXPECT_TRUE(M("sub/*", "sub/a/b.yaml"));
  EXPECT_FALSE(M("*.yaml", "deploy.yml"));
  EXPECT_TRUE(M("*", ""));
}

TEST(Glob, BracesAreAlternativesAndMayNest) {
  EXPECT_TRUE(M("{config.json,deployment.yaml}", "config.json"));
  EXPECT_TRUE(M("{config.json,deployment.yaml}", "deployment.yaml"));
  EXPECT_FALSE(M("{config.json,deployment.yaml}", "service.yaml"));
  EXPECT_TRUE(M("{*.yml,*.json}", "a/b.json"));
  EXPECT_TRUE(M("a{b,c{d,e}}f", "acef"));
  EXPECT_TRUE(M("x{,y}", "x"));
  EXPECT_TRUE(M("a,b", "a,b"));  // commas and closing braces outside braces are text
  EXPECT_TRUE(M("a}", "a}"));
}

TEST(Glob, SingleClassesAndEscapes) {
  EXPECT_TRUE(M("?.yaml", "a.yaml"));
  EXPECT_FALSE(M("?.yaml", "ab.yaml"));
  EXPECT_TRUE(M("?.yaml", "\xc3\xa9.yaml"));  // one code point, two bytes
  EXPECT_TRUE(M("[abc].yaml", "b.yaml"));
  EXPECT_FALSE(M("[!abc].yaml", "b.yaml"));
  EXPECT_TRUE(M("[!abc].yaml", "d.yaml"));
  EXPECT_TRUE(M("v[0-9].yaml", "v7.yaml"));
  EXPECT_FALSE(M("v[0-9].yaml", "vx.yaml"));
  EXPECT_TRUE(M("\\*.yaml", "*.yaml"));
  EXPECT_FALSE(M("\\*.yaml", "a.yaml"));
  EXPECT_TRUE(M("\\{a\\}", "{a}"));
}

TEST(Glob, InvalidPatternsAreErrors) {
  for (const char* bad : {"{a,b", "[abc", "a\\", "[]", "[z-a]", "{a,{b}"}) {
    auto r = Glob::Compile(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
      EXPECT_NE(r.error().message().find(bad), std::string::npos) << r.error().message();
    }
  }
}

TEST(Glob, HostilePatternsStayLinear) {
  std::string pattern;
  for (int i = 0; i < 40; ++i) pattern += "*a";
  pattern += "b";
  std::string text(5000, 'a');
  auto g = Glob::Compile(pattern);
  ASSERT_TRUE(g);
  EXPECT_FALSE(g->Match(text));  // backtracking would not finish
  EXPECT_FALSE(Glob::Compile(std::string(5000, 'x')));
}

}  // namespace
}  // namespace cellgate::render

#include "appset/path_match.h"

#include <gtest/gtest.h>

namespace cellgate::appset {
namespace {

TEST(GoPathMatch, StarStaysInSegment) {
  EXPECT_TRUE(*GoPathMatch("apps/*", "apps/web"));
  EXPECT_FALSE(*GoPathMatch("apps/*", "apps/web/base"));
  EXPECT_FALSE(*GoPathMatch("apps/*", "apps"));
  EXPECT_TRUE(*GoPathMatch("*", "apps"));
  EXPECT_TRUE(*GoPathMatch("a?c", "abc"));
  EXPECT_FALSE(*GoPathMatch("a?c", "a/c"));
  EXPECT_TRUE(*GoPathMatch("d/[f|g]", "d/g"));
  EXPECT_TRUE(*GoPathMatch("d/[^e]", "d/f"));
  EXPECT_FALSE(*GoPathMatch("d/[^e]", "d/e"));
  EXPECT_TRUE(*GoPathMatch("a\\*b", "a*b"));
  EXPECT_TRUE(*GoPathMatch("**", "x"));
  EXPECT_FALSE(*GoPathMatch("**", "x/y"));
  // Go's path.Match reads code points: '?' and a class each take one, however many bytes.
  EXPECT_TRUE(*GoPathMatch("caf?", "caf\xc3\xa9"));
  EXPECT_TRUE(*GoPathMatch("caf[\xc3\xa9]", "caf\xc3\xa9"));
}

TEST(GoPathMatch, MalformedPatternIsAnError) {
  auto r = GoPathMatch("apps/[a-", "apps/b");
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message().find("syntax error in pattern"), std::string::npos);
  EXPECT_FALSE(GoPathMatch("a\\", "a").has_value());
}

TEST(GitPathspec, StarCrossesSlashAndDirectoriesMatchTheirFiles) {
  EXPECT_TRUE(GitPathspecMatch("apps/*/config.yaml", "apps/web/config.yaml"));
  EXPECT_TRUE(GitPathspecMatch("apps/*/config.yaml", "apps/web/charts/sub/config.yaml"));
  EXPECT_FALSE(GitPathspecMatch("apps/*/config.yaml", "apps/config.yaml"));
  EXPECT_TRUE(GitPathspecMatch("some-path/*.yaml", "some-path/a/b.yaml"));
  EXPECT_TRUE(GitPathspecMatch("cluster-config", "cluster-config/dev/config.json"));
  EXPECT_TRUE(GitPathspecMatch("cluster-config/", "cluster-config/dev/config.json"));
  EXPECT_FALSE(GitPathspecMatch("cluster", "cluster-config/dev/config.json"));
  EXPECT_TRUE(GitPathspecMatch("**/config.json", "a/b/config.json"));
}

TEST(Doublestar, SegmentsAndGlobstar) {
  EXPECT_TRUE(*DoublestarMatch("apps/*/config.yaml", "apps/web/config.yaml"));
  EXPECT_FALSE(*DoublestarMatch("apps/*/config.yaml", "apps/web/charts/config.yaml"));
  EXPECT_TRUE(*DoublestarMatch("apps/**/config.yaml", "apps/config.yaml"));
  EXPECT_TRUE(*DoublestarMatch("apps/**/config.yaml", "apps/a/b/config.yaml"));
  EXPECT_TRUE(*DoublestarMatch("apps/{web,api}/*.json", "apps/api/x.json"));
  EXPECT_FALSE(*DoublestarMatch("apps/{web,api}/*.json", "apps/db/x.json"));
  EXPECT_TRUE(*DoublestarMatch("apps/[!a]*", "apps/web"));
  EXPECT_FALSE(DoublestarMatch("apps/{web", "apps/web").has_value());
}

TEST(Matching, HostilePatternsStayFast) {
  std::string text(2000, 'a');
  EXPECT_FALSE(*GoPathMatch("*a*a*a*a*a*a*a*a*a*a*b", text));
  EXPECT_FALSE(GitPathspecMatch("*a*a*a*a*a*a*a*a*a*a*b", text));
  std::string deep;
  for (int i = 0; i < 200; ++i) deep += "a/";
  deep += "b";
  EXPECT_FALSE(*DoublestarMatch("**/**/**/**/**/**/c", deep));
}

}  // namespace
}  // namespace cellgate::appset

#include "fleet/glob_match.h"

#include <gtest/gtest.h>

#include <string>

namespace cellgate::fleet {
namespace {

bool Gobwas(std::string_view p, std::string_view t, char sep = 0) {
  return GlobMatch(p, t, GlobDialect::kGobwas, sep).value_or(false);
}
bool Filepath(std::string_view p, std::string_view t) {
  return GlobMatch(p, t, GlobDialect::kFilepath).value_or(false);
}

TEST(GlobMatch, GobwasWithoutSeparatorsStarCrossesEverything) {
  EXPECT_TRUE(Gobwas("*", ""));
  EXPECT_TRUE(Gobwas("*", "a/b/c"));
  EXPECT_TRUE(Gobwas("team-*", "team-a"));
  EXPECT_FALSE(Gobwas("team-*", "x-team-a"));
  EXPECT_TRUE(Gobwas("https://*.example.com", "https://a.b.example.com"));
  EXPECT_TRUE(Gobwas("?", "é"));  // one code point
  EXPECT_FALSE(Gobwas("?", "ab"));
  EXPECT_TRUE(Gobwas("", ""));
  EXPECT_FALSE(Gobwas("", "a"));
}

TEST(GlobMatch, GobwasWithSlashSeparatorKeepsStarInOneSegment) {
  EXPECT_TRUE(Gobwas("https://github.com/org/*", "https://github.com/org/repo", '/'));
  EXPECT_FALSE(Gobwas("https://github.com/org/*", "https://github.com/org/sub/repo", '/'));
  EXPECT_TRUE(Gobwas("https://github.com/org/**", "https://github.com/org/sub/repo", '/'));
  EXPECT_FALSE(Gobwas("https://github.com/?rg/x", "https://github.com//rg/x", '/'));
}

TEST(GlobMatch, GobwasClassesAlternativesAndEscapes) {
  EXPECT_TRUE(Gobwas("cell-[0-9]", "cell-7"));
  EXPECT_FALSE(Gobwas("cell-[!0-9]", "cell-7"));
  EXPECT_TRUE(Gobwas("cell-[!0-9]", "cell-x"));
  EXPECT_TRUE(Gobwas("cell-[abc]", "cell-b"));
  EXPECT_TRUE(Gobwas("{prod,staging}-*", "staging-eu"));
  EXPECT_FALSE(Gobwas("{prod,staging}-*", "dev-eu"));
  EXPECT_TRUE(Gobwas("a{b,{c,d}e}f", "adef"));
  EXPECT_TRUE(Gobwas("a\\*b", "a*b"));
  EXPECT_FALSE(Gobwas("a\\*b", "axb"));
}

TEST(GlobMatch, MalformedPatternsAreNullopt) {
  for (const char* bad : {"cell-[0-9", "{a,b", "a\\"}) {
    EXPECT_FALSE(GlobMatch(bad, "x", GlobDialect::kGobwas).has_value()) << bad;
  }
  for (const char* bad : {"[", "[^]", "a\\", "[-]"}) {
    EXPECT_FALSE(GlobMatch(bad, "x", GlobDialect::kFilepath).has_value()) << bad;
  }
}

TEST(GlobMatch, FilepathDialectAsGoPathFilepathMatch) {
  EXPECT_TRUE(Filepath("*", "Deployment"));
  EXPECT_TRUE(Filepath("*", ""));
  EXPECT_TRUE(Filepath("Deploy*", "Deployment"));
  EXPECT_TRUE(Filepath("*.k8s.io", "rbac.authorization.k8s.io"));
  EXPECT_TRUE(Filepath("[^a]pps", "xpps"));
  EXPECT_FALSE(Filepath("[^a]pps", "apps"));
  EXPECT_TRUE(Filepath("[!a]pps", "apps"));  // '!' is a literal in Go's classes
  EXPECT_FALSE(Filepath("{apps,batch}", "apps"));
  EXPECT_TRUE(Filepath("{apps,batch}", "{apps,batch}"));
  EXPECT_FALSE(Filepath("*", "a/b"));
}

TEST(GlobMatch, HostilePatternsStayFast) {
  std::string text(5000, 'a');
  EXPECT_FALSE(Gobwas("*a*a*a*a*a*a*a*a*a*a*b", text));
  EXPECT_FALSE(
      GlobMatch("{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}", "x", GlobDialect::kGobwas));
}

}  // namespace
}  // namespace cellgate::fleet

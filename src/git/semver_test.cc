#include "git/semver.h"

#include <gtest/gtest.h>

#include <initializer_list>

namespace cellgate::git {
namespace {

SemVersion V(std::string_view s) {
  auto v = ParseSemVersion(s);
  EXPECT_TRUE(v.has_value()) << s;
  return v.value_or(SemVersion{});
}

bool Match(std::string_view constraint, std::string_view version) {
  auto c = SemverConstraint::Parse(constraint);
  EXPECT_TRUE(c.has_value()) << constraint;
  return c && c->Matches(V(version));
}

TEST(SemVersion, ParsesTagsLeniently) {
  EXPECT_EQ(V("1.2.3").ToString(), "1.2.3");
  EXPECT_EQ(V("v1.2.3").ToString(), "1.2.3");
  EXPECT_EQ(V("V2").ToString(), "2.0.0");
  EXPECT_EQ(V("1.4").ToString(), "1.4.0");
  EXPECT_EQ(V("1.0.0-rc.1+build.5").ToString(), "1.0.0-rc.1");
  for (const char* bad : {"", "v", "main", "1.2.3.4", "1..2", "1.2.x", "1.2.3-", "1.2.3-a..b",
                          "release-1.2", "v1.2.3 ", "18446744073709551616"}) {
    EXPECT_FALSE(ParseSemVersion(bad).has_value()) << bad;
  }
}

TEST(SemVersion, PrecedenceFollowsSemver2) {
  // semver.org §11 example, in increasing order.
  const char* ordered[] = {"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta",
                           "1.0.0-beta",  "1.0.0-beta.2",  "1.0.0-beta.11",
                           "1.0.0-rc.1",  "1.0.0",         "1.0.1",
                           "1.1.0",       "2.0.0",         "10.0.0"};
  for (std::size_t i = 0; i + 1 < std::size(ordered); ++i) {
    EXPECT_LT(CompareSemVersions(V(ordered[i]), V(ordered[i + 1])), 0)
        << ordered[i] << " < " << ordered[i + 1];
    EXPECT_GT(CompareSemVersions(V(ordered[i + 1]), V(ordered[i])), 0);
  }
  EXPECT_EQ(CompareSemVersions(V("v1.0.0+a"), V("1.0.0+b")), 0);
}

TEST(SemverConstraint, ComparisonsAndRanges) {
  EXPECT_TRUE(Match(">=1.0.0 <2.0.0", "1.9.9"));
  EXPECT_FALSE(Match(">=1.0.0 <2.0.0", "2.0.0"));
  EXPECT_TRUE(Match(">=1.0.0, <2.0.0", "1.0.0"));
  EXPECT_TRUE(Match(">= 1.2", "1.2.0"));
  EXPECT_TRUE(Match(">1.2.3", "1.2.4"));
  EXPECT_FALSE(Match(">1.2.3", "1.2.3"));
  EXPECT_FALSE(Match(">1.2", "1.2.9"));  // >1.2 means >=1.3.0
  EXPECT_TRUE(Match(">1.2", "1.3.0"));
  EXPECT_TRUE(Match("<=1.2", "1.2.9"));  // <=1.2 means <1.3.0
  EXPECT_FALSE(Match("<=1.2", "1.3.0"));
  EXPECT_TRUE(Match("=<1.2.3", "1.2.3"));
  EXPECT_FALSE(Match("<1.2", "1.2.0"));
  EXPECT_TRUE(Match("!=1.2.3", "1.2.4"));
  EXPECT_FALSE(Match("!=1.2.3", "1.2.3"));
  EXPECT_FALSE(Match("!=1.2", "1.2.7"));
  EXPECT_TRUE(Match("1.2 - 1.4.5", "1.4.5"));
  EXPECT_FALSE(Match("1.2 - 1.4.5", "1.4.6"));
  EXPECT_TRUE(Match("1.2.3 - 2.3", "2.3.9"));
  EXPECT_FALSE(Match("1.2.3 - 2.3", "2.4.0"));
  EXPECT_TRUE(Match("<1.0.0 || >=3.0.0", "3.1.0"));
  EXPECT_FALSE(Match("<1.0.0 || >=3.0.0", "2.0.0"));
}

TEST(SemverConstraint, TildeCaretAndWildcards) {
  EXPECT_TRUE(Match("~1.4", "1.4.7"));
  EXPECT_FALSE(Match("~1.4", "1.5.0"));
  EXPECT_TRUE(Match("~1.2.3", "1.2.9"));
  EXPECT_FALSE(Match("~1.2.3", "1.2.2"));
  EXPECT_TRUE(Match("~1", "1.9.0"));
  EXPECT_TRUE(Match("~>1.2", "1.2.5"));
  EXPECT_TRUE(Match("^1.2", "1.9.0"));
  EXPECT_FALSE(Match("^1.2", "2.0.0"));
  EXPECT_FALSE(Match("^1.2.3", "1.2.2"));
  EXPECT_TRUE(Match("^0.2.3", "0.2.9"));
  EXPECT_FALSE(Match("^0.2.3", "0.3.0"));
  EXPECT_TRUE(Match("^0.0.3", "0.0.3"));
  EXPECT_FALSE(Match("^0.0.3", "0.0.4"));
  EXPECT_TRUE(Match("^0.0", "0.0.9"));
  EXPECT_FALSE(Match("^0.0", "0.1.0"));
  EXPECT_TRUE(Match("^0", "0.9.0"));
  EXPECT_TRUE(Match("1.x", "1.7.3"));
  EXPECT_FALSE(Match("1.x", "2.0.0"));
  EXPECT_TRUE(Match("1.2.X", "1.2.8"));
  EXPECT_TRUE(Match("1.2", "1.2.8"));
  EXPECT_TRUE(Match("1.*", "1.0.0"));
  EXPECT_TRUE(Match("*", "0.0.1"));
  EXPECT_TRUE(Match("x", "42.0.0"));
  EXPECT_TRUE(Match("v1.2.3", "1.2.3"));
  EXPECT_TRUE(Match("=1.2.3", "1.2.3"));
  EXPECT_FALSE(Match("1.2.3", "1.2.4"));
}

TEST(SemverConstraint, PrereleasesOnlyWhenAsked) {
  EXPECT_FALSE(Match("*", "1.0.0-rc.1"));
  EXPECT_FALSE(Match(">=1.0.0", "1.1.0-beta"));
  EXPECT_FALSE(Match("^1.0", "1.1.0-beta"));
  EXPECT_TRUE(Match(">=1.1.0-alpha", "1.1.0-beta"));
  EXPECT_FALSE(Match(">=1.1.0-alpha", "1.1.0-0"));  // 0 < alpha
  EXPECT_TRUE(Match(">=1.0.0-0 <2.0.0", "1.5.0-rc.1"));
  EXPECT_TRUE(Match("1.0.0-rc.1", "1.0.0-rc.1"));
  // Each `||` alternative decides for itself.
  EXPECT_FALSE(Match(">=1.0.0-0 <2.0.0 || <0.5.0", "0.1.0-rc"));
  EXPECT_TRUE(Match("<0.5.0 || >=0.1.0-rc <0.2.0", "0.1.0-rc"));
}

TEST(SemverConstraint, RejectsWhatIsNotAConstraint) {
  for (const char* bad : {"main", "feature/x", "release-1.2", "", "   ", ">=", "1.2.3.4", "~~1",
                          ">=1.0.0 ||", "1.2 -", "v1.2.3-", "latest"}) {
    auto c = SemverConstraint::Parse(bad);
    EXPECT_FALSE(c.has_value()) << bad;
    if (!c) {
      EXPECT_EQ(c.error().code(), ErrorCode::kInvalidArgument);
    }
  }
}

}  // namespace
}  // namespace cellgate::git

#include "core/regex.h"

#include <gtest/gtest.h>

#include <string>

namespace cellgate {
namespace {

// Go's regexp: '$' without (?m) matches only at the end of the text (RE2 syntax docs:
// "$ at end of text ... or line (flag m=true)"), unlike PCRE's default before a final '\n'.
TEST(Regex, DollarIsEndOfTextAsInGo) {
  EXPECT_FALSE(*RegexMatch("^a$", "a\n"));
  EXPECT_TRUE(*RegexMatch("(?m)^a$", "a\nb"));
  EXPECT_TRUE(*RegexMatch("^a$", "a"));
}

TEST(Regex, GoSyntaxThatPcre2Reads) {
  EXPECT_TRUE(*RegexMatch("(?P<env>prod|staging)-\\d+", "x-staging-12"));
  EXPECT_TRUE(*RegexMatch("(?i)ABC", "xabcx"));
  EXPECT_FALSE(*RegexMatch("\\d", "\xd9\xa3"));  // Arabic-Indic three: \d is ASCII in Go
  EXPECT_TRUE(*RegexMatch("^.$", "\xc3\xa9"));   // '.' is one code point
  EXPECT_EQ(*RegexReplaceAll("a(x*)b", "-ab-axxb-", "${1}W", false), "-W-xxW-");
  EXPECT_EQ(*RegexFindAll("a.", "paranormal", -1), (std::vector<std::string>{"ar", "an", "al"}));
}

// Go reads invalid UTF-8 in the text as U+FFFD and goes on; the match must not fail.
TEST(Regex, InvalidUtf8InTheTextDoesNotFailTheMatch) {
  auto m = RegexMatch("b",
                      "a\xff"
                      "b");
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_TRUE(*m);
}

TEST(Regex, HostilePatternsStopAtTheLimits) {
  std::string text(28, 'x');
  text += "zy";
  auto m = RegexMatch("(x+x+)+y", text);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code(), ErrorCode::kResourceExhausted);

  auto big = RegexMatch(std::string(RegexLimits{}.max_pattern_bytes + 1, 'a'), "a");
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code(), ErrorCode::kInvalidArgument);

  auto c = RegexMatch("a\\Cb", "axb");  // \C could split a UTF-8 character
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code(), ErrorCode::kInvalidArgument);
}

TEST(Regex, InvalidPatternIsAnError) {
  auto m = RegexMatch("a(", "a");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(m.error().message().find("regexp: Compile(`a(`)"), std::string::npos);
}

}  // namespace
}  // namespace cellgate

#include "core/glob.h"

#include <gtest/gtest.h>

#include <string>

namespace cellgate {
namespace {

// Matches with gobwas semantics; a malformed pattern fails the test.
bool G(std::string_view pattern, std::string_view text, char32_t sep = 0) {
  auto r = GlobMatch(pattern, text, {.dialect = GlobDialect::kGobwas, .separator = sep});
  EXPECT_TRUE(r) << pattern << ": " << (r ? "" : r.error().message());
  return r && *r;
}
bool P(std::string_view pattern, std::string_view text) {
  auto r = GlobMatch(pattern, text, {.dialect = GlobDialect::kGoPath});
  EXPECT_TRUE(r) << pattern << ": " << (r ? "" : r.error().message());
  return r && *r;
}
bool Malformed(std::string_view pattern, GlobDialect d) {
  auto r = Glob::Compile(pattern, {.dialect = d});
  return !r && r.error().code() == ErrorCode::kInvalidArgument;
}

// Cases from gobwas/glob glob_test.go TestGlob (facts, rewritten).
TEST(Glob, GobwasUpstreamTable) {
  EXPECT_TRUE(G("* ?at * eyes", "my cat has very bright eyes"));
  EXPECT_TRUE(G("", ""));
  EXPECT_FALSE(G("", "b"));
  EXPECT_TRUE(G("*\xc3\xa4", "\xc3\xa5\xc3\xa4"));
  EXPECT_TRUE(G("a.*", "a.b", '.'));
  EXPECT_TRUE(G("a.**", "a.b.c", '.'));
  EXPECT_FALSE(G("a.*", "a.b.c", '.'));
  EXPECT_TRUE(G("a.?.c", "a.b.c", '.'));
  EXPECT_FALSE(G("a.?.c", "a.bb.c", '.'));
  EXPECT_FALSE(G("?at", "fat", 'f'));
  EXPECT_TRUE(G("**", "a.b.c", '.'));
  EXPECT_FALSE(G("*", "a.b.c", '.'));
  EXPECT_TRUE(G("\\*", "*"));
  EXPECT_TRUE(G("**is**a***test*", "this is a test"));
  EXPECT_FALSE(G("*is", "this is a test"));
  EXPECT_TRUE(G("[!a]*", "this is a test3"));
  EXPECT_TRUE(G("?*?", "ac"));
  EXPECT_FALSE(G("sta?n", "stagnation"));
  EXPECT_TRUE(G("{abc,abcd}a", "abcda"));
  EXPECT_TRUE(G("{a,ab}{bc,f}", "abc"));
  EXPECT_TRUE(G("{*,**}{a,b}", "ab"));
  EXPECT_FALSE(G("{*,**}{a,b}", "ac"));
  EXPECT_TRUE(G("/{rate,[a-z][a-z][a-z]}*", "/usd"));
  EXPECT_FALSE(G("{*.google.*,*.yandex.*}", "google.com", '.'));
  EXPECT_TRUE(G("{*.google.*,yandex.*}", "yandex.com", '.'));
  EXPECT_TRUE(G("*//{,*.}example.com", "https://www.example.com"));
  EXPECT_FALSE(G("*//{,*.}example.com", "http://example.com.net"));
  EXPECT_TRUE(G("[a-z][!a-x]*cat*[h][!b]*eyes*", "my cat has very bright eyes"));
  EXPECT_FALSE(G("[a-z][!a-x]*cat*[h][!b]*eyes*", "my dog has very bright eyes"));
  EXPECT_TRUE(G("{abc*[a-c]def,abc?[d-g]def,abc[zte]?def}", "abczqdef"));
}

TEST(Glob, GobwasWithoutSeparatorsStarCrossesSlashes) {
  EXPECT_TRUE(G("*.yaml", "sub/dir/deploy.yaml"));
  EXPECT_TRUE(G("sub/*", "sub/a/b.yaml"));
  EXPECT_TRUE(G("?", "\xc3\xa9"));  // one code point, two bytes
  EXPECT_FALSE(G("?", "ab"));
  EXPECT_TRUE(G("a,b", "a,b"));  // ',' and '}' outside braces are text
  EXPECT_TRUE(G("a}", "a}"));
  EXPECT_TRUE(G("/{rate,[0-9]]}*", "/5]x"));  // lexer_test.go: ']' after a class is text
}

TEST(Glob, GobwasSeparatorKeepsStarAndSingleInOneSegment) {
  EXPECT_TRUE(G("https://github.com/org/*", "https://github.com/org/repo", '/'));
  EXPECT_FALSE(G("https://github.com/org/*", "https://github.com/org/sub/repo", '/'));
  EXPECT_TRUE(G("https://github.com/org/**", "https://github.com/org/sub/repo", '/'));
  EXPECT_FALSE(G("a?b", "a/b", '/'));
  // match/list.go and match/range.go do not look at separators.
  EXPECT_TRUE(G("a[!x]b", "a/b", '/'));
}

// syntax/lexer/lexer.go fetchRange: after an optional '!', either "lo-hi]" or a list.
TEST(Glob, GobwasClassIsOneRangeOrAList) {
  EXPECT_TRUE(G("cell-[0-9]", "cell-7"));
  EXPECT_FALSE(G("cell-[!0-9]", "cell-7"));
  EXPECT_TRUE(G("[ab-c]", "-"));  // a list: a, b, '-', c
  EXPECT_FALSE(G("[ab-c]", "bb"));
  EXPECT_TRUE(G("[\\]]", "]"));                                   // '\' escapes inside a list
  EXPECT_TRUE(G("[!!]", "a"));                                    // the second '!' is listed
  EXPECT_TRUE(G("[*?{]", "{"));                                   // specials are literal in a list
  EXPECT_TRUE(G("[\xe6\x97\xa5-\xe8\xaa\x9e]", "\xe6\x9c\xac"));  // [日-語] holds 本
  EXPECT_TRUE(Malformed("[a-zA-Z]", GlobDialect::kGobwas));  // "expected close range character"
  EXPECT_TRUE(Malformed("[]", GlobDialect::kGobwas));
  EXPECT_TRUE(Malformed("[!]", GlobDialect::kGobwas));
  EXPECT_TRUE(Malformed("[z-a]", GlobDialect::kGobwas));
  EXPECT_TRUE(Malformed("[abc", GlobDialect::kGobwas));
  EXPECT_TRUE(Malformed("a\xff", GlobDialect::kGobwas));  // "could not read rune"
}

// The lexer drops a trailing escape, and the parser ends at EOF inside braces without error
// (syntax/ast/parser.go parserMain returns the tree on EOF at any depth).
TEST(Glob, GobwasForgivesATrailingEscapeAndAnUnclosedBrace) {
  EXPECT_TRUE(G("abc\\", "abc"));
  EXPECT_TRUE(G("{a,b", "b"));
  EXPECT_TRUE(G("x{a,{b,c}", "xc"));
  EXPECT_FALSE(G("{a,b", "{a,b"));
}

TEST(Glob, GobwasBracesNestAndMayBeEmpty) {
  EXPECT_TRUE(G("a{b,{c,d}e}f", "adef"));
  EXPECT_TRUE(G("x{,y}", "x"));
  EXPECT_TRUE(G("x{}", "x"));
  EXPECT_TRUE(G("\\{a\\}", "{a}"));
  std::string deep(kMaxGlobNesting + 1, '{');
  EXPECT_TRUE(Malformed(deep, GlobDialect::kGobwas));
}

// Go's src/path/match.go (path/filepath's on Unix), TestMatch's table in part.
TEST(Glob, GoPathUpstreamTable) {
  EXPECT_TRUE(P("abc", "abc"));
  EXPECT_TRUE(P("*", "abc"));
  EXPECT_TRUE(P("*c", "abc"));
  EXPECT_FALSE(P("a*", "ab/c"));
  EXPECT_TRUE(P("a*/b", "abc/b"));
  EXPECT_FALSE(P("a*/b", "a/c/b"));
  EXPECT_TRUE(P("a*b*c*d*e*/f", "axbxcxdxe/f"));
  EXPECT_FALSE(P("a*b*c*d*e*/f", "axbxcxdxe/xxx/f"));
  EXPECT_TRUE(P("ab[c]", "abc"));
  EXPECT_TRUE(P("ab[b-d]", "abc"));
  EXPECT_FALSE(P("ab[e-g]", "abc"));
  EXPECT_FALSE(P("ab[^c]", "abc"));
  EXPECT_TRUE(P("ab[^e-g]", "abc"));
  EXPECT_FALSE(P("a\\*b", "ab"));
  EXPECT_TRUE(P("a?b",
                "a\xe2\x98\xba"
                "b"));
  EXPECT_TRUE(P("[\\-]", "-"));
  EXPECT_TRUE(P("[x\\-]", "x"));
  EXPECT_FALSE(P("[x\\-]", "z"));
  EXPECT_TRUE(P("[\\-x]", "-"));
  EXPECT_TRUE(P("*x", "xxx"));
  EXPECT_TRUE(P("[!a]pps", "apps"));  // '!' is a literal in Go's classes
  EXPECT_FALSE(P("{apps,batch}", "apps"));
  EXPECT_TRUE(P("{apps,batch}", "{apps,batch}"));
  EXPECT_FALSE(P("[z-a]", "m"));  // Go does not check the order; the range is empty
  for (const char* bad :
       {"[", "[^", "[^bc", "a[", "[-]", "[x-]", "[]a]", "[a-b-c]", "a\\", "[\\"}) {
    EXPECT_TRUE(Malformed(bad, GlobDialect::kGoPath)) << bad;
  }
}

TEST(Glob, InvalidBytesInTextAreOneCharacter) {
  EXPECT_TRUE(G("a?b",
                "a\xff"
                "b"));
  EXPECT_FALSE(
      G("a\xef\xbf\xbd"
        "b",
        "a\xff"
        "b"));
  EXPECT_TRUE(P("a?b",
                "a\xff"
                "b"));
}

TEST(Glob, HostilePatternsStayLinear) {
  std::string pattern;
  for (int i = 0; i < 40; ++i) pattern += "*a";
  pattern += "b";
  std::string text(5000, 'a');
  for (GlobDialect d : {GlobDialect::kGobwas, GlobDialect::kGoPath}) {
    auto g = Glob::Compile(pattern, {.dialect = d});
    ASSERT_TRUE(g);
    EXPECT_FALSE(g->Match(text));  // backtracking would not finish
  }
  std::string alternatives;
  for (int i = 0; i < 200; ++i) alternatives += "{a,b}";
  EXPECT_TRUE(G(alternatives, std::string(200, 'b')));  // no expansion into 2^200 patterns
  EXPECT_TRUE(Malformed(std::string(kMaxGlobPatternBytes + 1, 'x'), GlobDialect::kGobwas));
}

}  // namespace
}  // namespace cellgate

// The glob dialects Argo CD's users write, each read as its Go library reads it. One matcher
// for the whole tree.
//
//  kGobwas — github.com/gobwas/glob (Argo CD's util/glob.Match): AppProject sourceRepos,
//  destinations and sourceNamespaces, ignoreDifferences group/kind, directory.include /
//  exclude, resource.customizations keys.
//    *        any run of characters except a separator
//    **       any run of characters, separators included
//    ?        one character (a UTF-8 code point) except a separator
//    [abc]    one of a list; [!abc] none of it (the list is literal up to ']'; '\' escapes)
//    [a-z]    one range; [!a-z] outside it. A class is either ONE range or a list:
//             "[a-zA-Z]" is malformed, "[ab-c]" is the list a, b, '-', c
//    {a,b}    any of the alternatives, each itself a pattern; may nest. ',' and '}' are
//             literal outside braces; an unclosed '{' ends at the end of the pattern
//    \x       x literally; a trailing '\' is dropped
//  Classes match separators too. Without separators '*' and '**' are the same. The pattern
//  must be valid UTF-8; invalid bytes in the text are each one character (U+FFFD).
//
//  kGoPath — Go's path.Match / path/filepath.Match on Unix: AppProject cluster and namespace
//  resource group/kind, manifest-generate-paths, the git generator's directories.
//    *        any run of non-'/' characters ("**" is just two stars)
//    ?        one non-'/' character
//    [a-z0-9] [^abc]   classes of several ranges; '^' negates ('!' is a literal); '-' and
//             ']' must be escaped inside one; a class matches '/' too
//    \x       x literally; a trailing '\' is malformed; no braces
//
// A malformed pattern is kInvalidArgument (Argo CD logs it and treats it as "no match").
//
// Hand-written: no Debian C++ library has either dialect (fnmatch differs on '/', braces and
// classes). A pattern compiles to an NFA that is simulated over the text, so matching is
// O(len(pattern) * len(text)) even for hostile patterns such as "*a*a*a*a*b" or nested
// braces; patterns are capped at kMaxGlobPatternBytes and brace nesting at kMaxGlobNesting.
//
// Thread-safety: a compiled Glob is immutable; Match is safe from many threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace cellgate {

enum class GlobDialect { kGobwas, kGoPath };

inline constexpr std::size_t kMaxGlobPatternBytes = 4096;
inline constexpr int kMaxGlobNesting = 64;

struct GlobOptions {
  GlobDialect dialect = GlobDialect::kGobwas;
  // kGobwas only: the separator '*' and '?' do not cross (Argo CD passes '/' for sourceRepos);
  // 0: none. kGoPath always uses '/'.
  char32_t separator = 0;
};

class Glob {
 public:
  static Result<Glob> Compile(std::string_view pattern, GlobOptions options = {});

  // True when the whole of `text` matches.
  bool Match(std::string_view text) const;
  const std::string& pattern() const { return pattern_; }

 private:
  struct Range {
    char32_t lo;
    char32_t hi;
  };
  struct State {
    enum Kind : std::uint8_t { kChar, kAnyChar, kNotSeparator, kClass, kSplit, kAccept };
    Kind kind = kAccept;
    bool negated = false;
    char32_t ch = 0;
    std::vector<Range> ranges;  // kClass
    std::vector<int> next;      // kSplit: several; matchers: exactly one
  };

  friend class GlobBuilder;
  std::string pattern_;
  char32_t separator_ = 0;
  std::vector<State> states_;
  int start_ = 0;
};

// Compiles and matches in one call; a malformed pattern is kInvalidArgument.
Result<bool> GlobMatch(std::string_view pattern, std::string_view text, GlobOptions options = {});

}  // namespace cellgate

// Glob patterns for `directory.include` / `directory.exclude`, with the semantics Argo CD
// gets from github.com/gobwas/glob compiled *without* separators (util/glob.Match):
//
//   *       any sequence of characters, '/' included ("*.yaml" matches "sub/a.yaml")
//   **      the same as * (there are no separators)
//   ?       any single character (a UTF-8 code point)
//   [abc]   one of; [a-z] a range; [!abc] / [!a-z] none of
//   {a,b}   any of the alternatives, each itself a pattern; may nest
//   \x      the character x literally
//
// The whole text must match. Text is a path relative to the application path
// ("sub/deploy.yaml"). Argo CD logs and treats an invalid pattern as "no match"; we return
// kInvalidArgument so the user sees why nothing rendered.
//
// Hand-written because no Debian C++ library implements gobwas semantics (fnmatch and
// glob(3) treat '/' and braces differently). Matching compiles the pattern to an NFA and
// simulates it, so time is O(len(pattern) * len(text)) even for hostile patterns such as
// "*a*a*a*a*b".
//
// Thread-safety: a compiled Glob is immutable; Match is safe from many threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace cellgate::render {

class Glob {
 public:
  static Result<Glob> Compile(std::string_view pattern);

  bool Match(std::string_view text) const;
  const std::string& pattern() const { return pattern_; }

 private:
  struct ClassRange {
    char32_t lo;
    char32_t hi;
  };
  struct State {
    enum Kind : std::uint8_t { kChar, kAnyChar, kClass, kSplit, kAccept } kind = kAccept;
    char32_t ch = 0;
    bool negated = false;
    std::vector<ClassRange> ranges;  // kClass
    std::vector<int> next;           // kSplit: several; matchers: exactly one
  };

  friend class GlobCompiler;
  std::string pattern_;
  std::vector<State> states_;
  int start_ = 0;
};

// Compiles and matches in one call; an invalid pattern is an error.
Result<bool> GlobMatch(std::string_view pattern, std::string_view text);

}  // namespace cellgate::render

// User-written regular expressions (Sprig's regex* template functions, AppProject
// sourceNamespaces "/regex/"), through PCRE2 (Debian's libpcre2), configured to read Go/RE2
// syntax as closely as PCRE2 allows: UTF-8, (?P<name>) groups, (?i) (?m) (?s) (?U) flags,
// ASCII \d \w \b, '$' only at the very end of the text unless (?m) (PCRE2_DOLLAR_ENDONLY;
// Go's "^a$" does not match "a\n"), no "\C" (PCRE2_NEVER_BACKSLASH_C). Invalid UTF-8 in
// the text does not fail the whole match (PCRE2_MATCH_INVALID_UTF): the valid parts match
// as in Go, but an invalid byte itself matches nothing, where Go reads it as U+FFFD.
//
// Go's RE2 never backtracks; PCRE2 does, so hostile patterns are bounded (RegexLimits): the
// pattern's size, PCRE2's match steps, backtracking depth and heap. Over a limit is an error
// (kResourceExhausted for a match, kInvalidArgument for a pattern), never a hang. PCRE2 also
// accepts what RE2 refuses (backreferences, lookaround); those stay bounded by the same limits.
//
// ReplaceAll follows Go's Regexp.ReplaceAllString: $1, ${1}, $name, ${name}, $$ in the
// replacement, an empty match right after a previous match is not replaced, and the search
// always advances by at least one character.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace cellgate {

struct RegexLimits {
  std::size_t max_pattern_bytes = 8192;
  std::uint32_t match_limit = 1'000'000;  // pcre2_set_match_limit
  std::uint32_t depth_limit = 10'000;     // pcre2_set_depth_limit (backtracking frames)
  std::uint32_t heap_limit_kib = 16 * 1024;
};

// Unanchored search, as Go's regexp.MatchString.
Result<bool> RegexMatch(std::string_view pattern, std::string_view text,
                        const RegexLimits& limits = {});
Result<std::string> RegexReplaceAll(std::string_view pattern, std::string_view text,
                                    std::string_view replacement, bool literal,
                                    const RegexLimits& limits = {});
// All matches (n < 0) or the first n, as Go's FindAllString.
Result<std::vector<std::string>> RegexFindAll(std::string_view pattern, std::string_view text,
                                              int n, const RegexLimits& limits = {});

}  // namespace cellgate

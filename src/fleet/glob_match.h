// The two glob dialects AppProject rules are written in, matched exactly as Argo CD matches
// them:
//
//  kGobwas (github.com/gobwas/glob via Argo CD's util/glob.Match; sourceRepos,
//  destinations, sourceNamespaces):
//    *      any run of characters except a separator
//    **     any run of characters, separators included
//    ?      one character (a UTF-8 code point) except a separator
//    [abc] [a-z] [!abc]   one of / a range / none of
//    {a,b}  any alternative (each itself a pattern; may nest)
//    \x     x literally
//  Argo CD passes '/' as separator for sourceRepos and none elsewhere: without separators
//  '*' and '**' are the same.
//
//  kFilepath (Go's path/filepath.Match; clusterResource*/namespaceResource* group and kind):
//    *      any run of non-'/' characters ("**" is just two stars)
//    ?      one non-'/' character
//    [abc] [a-z] [^abc]   classes negate with '^' ('!' is a literal there)
//    \x     x literally; no braces
//
// A malformed pattern (unclosed '[' or '{', trailing '\') returns nullopt; Argo CD treats it
// as "does not match" (and a negated malformed pattern therefore as "not denied").
//
// Hand-written: no Debian library has either dialect (fnmatch differs on '/', braces and
// classes). Matching is a dynamic programme over pattern and text, O(len * len) per
// alternative, so hostile patterns like "*a*a*a*b" cannot blow up; brace alternatives are
// expanded up to kMaxGlobAlternatives (more is refused as malformed).
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace cellgate::fleet {

enum class GlobDialect { kGobwas, kFilepath };

inline constexpr std::size_t kMaxGlobAlternatives = 256;

// `separator` 0 means none (only meaningful for kGobwas; kFilepath always uses '/').
std::optional<bool> GlobMatch(std::string_view pattern, std::string_view text, GlobDialect dialect,
                              char separator = 0);

}  // namespace cellgate::fleet

// Regular expressions for Sprig's regex* functions, through PCRE2 (Debian's libpcre2),
// configured to read Go/RE2 syntax as closely as PCRE2 allows: UTF-8, (?P<name>) groups,
// (?i) flags, ASCII \d \w \b. Go's RE2 never backtracks; PCRE2 does, so a match limit
// bounds hostile patterns (an over-limit match is an error, not a hang).
//
// ReplaceAll follows Go's Regexp.ReplaceAllString: $1, ${1}, $name, ${name}, $$ in the
// replacement, an empty match right after a previous match is not replaced, and the search
// always advances by at least one character.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace cellgate::tmpl {

Result<bool> RegexMatch(std::string_view pattern, std::string_view text);
Result<std::string> RegexReplaceAll(std::string_view pattern, std::string_view text,
                                    std::string_view replacement, bool literal);
// All matches (n < 0) or the first n, as Go's FindAllString.
Result<std::vector<std::string>> RegexFindAll(std::string_view pattern, std::string_view text,
                                              int n);

}  // namespace cellgate::tmpl

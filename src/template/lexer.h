// Tokens of Go's text/template syntax ({{ }} actions, trim markers, comments), produced in
// one pass over the source. The rules are text/template/parse's: "{{- " and " -}}" trim the
// adjacent text's white space, comments must sit alone in their action, newlines are
// allowed inside actions, strings use Go escapes, numbers Go literal syntax.
//
// Thread-safety: pure function.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace cellgate::tmpl {

enum class Tok {
  kText,
  kLeftDelim,
  kRightDelim,
  kSpace,
  kIdentifier,  // function name
  kField,       // .name
  kVariable,    // $ or $name
  kDot,         // .
  kString,      // "..." (value unquoted)
  kRawString,   // `...` (value unquoted)
  kChar,        // 'a' (value: the code point as decimal text)
  kNumber,
  kBool,
  kNil,
  kPipe,
  kLeftParen,
  kRightParen,
  kAssign,   // =
  kDeclare,  // :=
  kComma,
  kComment,
  // keywords
  kBlock,
  kBreak,
  kContinue,
  kDefine,
  kElse,
  kEnd,
  kIf,
  kRange,
  kTemplate,
  kWith,
  kEof,
};

struct Token {
  Tok type = Tok::kEof;
  std::size_t pos = 0;  // byte offset in the source
  std::string text;     // raw text (unquoted for strings)
};

// Line and 1-based column of a byte offset, "3:14".
std::string PositionOf(std::string_view source, std::size_t pos);

// Errors are kInvalidArgument with "line:col: message".
Result<std::vector<Token>> Lex(std::string_view source);

}  // namespace cellgate::tmpl

#include "template/lexer.h"

#include <cctype>
#include <string>

namespace cellgate::tmpl {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::string AppendRune(std::uint32_t r) {
  std::string out;
  if (r < 0x80) {
    out += static_cast<char>(r);
  } else if (r < 0x800) {
    out += static_cast<char>(0xC0 | (r >> 6));
    out += static_cast<char>(0x80 | (r & 0x3F));
  } else if (r < 0x10000) {
    out += static_cast<char>(0xE0 | (r >> 12));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (r & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (r >> 18));
    out += static_cast<char>(0x80 | ((r >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (r & 0x3F));
  }
  return out;
}

class Lexer {
 public:
  explicit Lexer(std::string_view src) : src_(src) {}

  Result<std::vector<Token>> Run() {
    bool trim_next_text = false;
    while (pos_ < src_.size()) {
      std::size_t open = src_.find("{{", pos_);
      std::size_t text_end = open == std::string_view::npos ? src_.size() : open;
      bool left_trim = open != std::string_view::npos && open + 3 < src_.size() &&
                       src_[open + 2] == '-' && IsSpace(src_[open + 3]);
      std::size_t text_start = pos_;
      std::string_view text = src_.substr(pos_, text_end - pos_);
      if (trim_next_text) {
        while (!text.empty() && IsSpace(text.front())) {
          text.remove_prefix(1);
          ++text_start;
        }
      }
      trim_next_text = false;
      if (left_trim) {
        while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
      }
      if (!text.empty()) Emit(Tok::kText, text_start, std::string(text));
      if (open == std::string_view::npos) break;
      pos_ = open + 2 + (left_trim ? 2 : 0);
      // Comments: {{/* ... */}} alone in the action.
      if (src_.substr(pos_).starts_with("/*")) {
        std::size_t close = src_.find("*/", pos_ + 2);
        if (close == std::string_view::npos) return Fail(open, "unclosed comment");
        pos_ = close + 2;
        auto [delim, trim] = AtRightDelim();
        if (!delim) return Fail(open, "comment ends before closing delimiter");
        Emit(Tok::kComment, open, "");
        pos_ += trim ? 4 : 2;
        trim_next_text = trim;
        continue;
      }
      Emit(Tok::kLeftDelim, open, "{{");
      auto inside = LexAction(open, trim_next_text);
      CG_TRY(inside);
    }
    Emit(Tok::kEof, src_.size(), "");
    return std::move(tokens_);
  }

 private:
  void Emit(Tok t, std::size_t pos, std::string text) {
    tokens_.push_back(Token{t, pos, std::move(text)});
  }

  std::unexpected<Error> Fail(std::size_t pos, const std::string& msg) {
    return std::unexpected(Error(ErrorCode::kInvalidArgument, PositionOf(src_, pos) + ": " + msg));
  }

  // At "}}" or " -}}"; the second says whether the following text is trimmed.
  std::pair<bool, bool> AtRightDelim() const {
    std::string_view rest = src_.substr(pos_);
    if (rest.size() >= 4 && IsSpace(rest[0]) && rest[1] == '-' &&
        rest.substr(2).starts_with("}}")) {
      return {true, true};
    }
    if (rest.starts_with("}}")) return {true, false};
    return {false, false};
  }

  Status LexAction(std::size_t open, bool& trim_next_text) {
    int paren_depth = 0;
    while (true) {
      auto [delim, trim] = AtRightDelim();
      if (delim) {
        if (paren_depth > 0) return Fail(pos_, "unclosed left paren");
        Emit(Tok::kRightDelim, pos_, "}}");
        pos_ += trim ? 4 : 2;
        trim_next_text = trim;
        return Ok();
      }
      if (pos_ >= src_.size()) return Fail(open, "unclosed action");
      char c = src_[pos_];
      std::size_t start = pos_;
      if (IsSpace(c)) {
        std::size_t end = pos_;
        while (end < src_.size() && IsSpace(src_[end])) ++end;
        // Keep the last space of " -}}" for AtRightDelim.
        if (src_.substr(end).starts_with("-}}")) --end;
        Emit(Tok::kSpace, start, std::string(src_.substr(pos_, end - pos_)));
        pos_ = end;
        continue;
      }
      switch (c) {
        case '=':
          Emit(Tok::kAssign, start, "=");
          ++pos_;
          continue;
        case ':':
          if (pos_ + 1 >= src_.size() || src_[pos_ + 1] != '=') return Fail(pos_, "expected :=");
          Emit(Tok::kDeclare, start, ":=");
          pos_ += 2;
          continue;
        case '|':
          Emit(Tok::kPipe, start, "|");
          ++pos_;
          continue;
        case ',':
          Emit(Tok::kComma, start, ",");
          ++pos_;
          continue;
        case '(':
          ++paren_depth;
          Emit(Tok::kLeftParen, start, "(");
          ++pos_;
          continue;
        case ')':
          if (--paren_depth < 0) return Fail(pos_, "unexpected right paren");
          Emit(Tok::kRightParen, start, ")");
          ++pos_;
          continue;
        case '"': {
          auto s = Quoted();
          CG_TRY(s);
          Emit(Tok::kString, start, std::move(*s));
          continue;
        }
        case '`': {
          std::size_t close = src_.find('`', pos_ + 1);
          if (close == std::string_view::npos) return Fail(pos_, "unterminated raw quoted string");
          Emit(Tok::kRawString, start, std::string(src_.substr(pos_ + 1, close - pos_ - 1)));
          pos_ = close + 1;
          continue;
        }
        case '\'': {
          auto r = CharConstant();
          CG_TRY(r);
          Emit(Tok::kChar, start, std::to_string(*r));
          continue;
        }
        case '$': {
          std::size_t end = pos_ + 1;
          while (end < src_.size() && IsAlnum(src_[end])) ++end;
          Emit(Tok::kVariable, start, std::string(src_.substr(pos_, end - pos_)));
          pos_ = end;
          if (!AtTerminator()) return Fail(pos_, "bad character after variable");
          continue;
        }
        case '.':
          if (pos_ + 1 < src_.size() && std::isdigit(static_cast<unsigned char>(src_[pos_ + 1]))) {
            break;  // a number such as .5
          } else {
            std::size_t end = pos_ + 1;
            while (end < src_.size() && IsAlnum(src_[end])) ++end;
            if (end == pos_ + 1) {
              Emit(Tok::kDot, start, ".");
            } else {
              Emit(Tok::kField, start, std::string(src_.substr(pos_ + 1, end - pos_ - 1)));
            }
            pos_ = end;
            if (!AtTerminator()) return Fail(pos_, "bad character in field name");
            continue;
          }
        default:
          break;
      }
      if (c == '.' || c == '+' || c == '-' || std::isdigit(static_cast<unsigned char>(c))) {
        std::size_t end = pos_;
        if (src_[end] == '+' || src_[end] == '-') ++end;
        while (end < src_.size() && (IsAlnum(src_[end]) || src_[end] == '.' ||
                                     ((src_[end] == '+' || src_[end] == '-') &&
                                      (src_[end - 1] == 'e' || src_[end - 1] == 'E' ||
                                       src_[end - 1] == 'p' || src_[end - 1] == 'P')))) {
          ++end;
        }
        Emit(Tok::kNumber, start, std::string(src_.substr(pos_, end - pos_)));
        pos_ = end;
        if (!AtTerminator()) return Fail(start, "bad number syntax");
        continue;
      }
      if (IsAlnum(c)) {
        std::size_t end = pos_;
        while (end < src_.size() && IsAlnum(src_[end])) ++end;
        std::string word(src_.substr(pos_, end - pos_));
        pos_ = end;
        if (!AtTerminator()) return Fail(pos_, "bad character in identifier " + word);
        Emit(Keyword(word), start, word);
        continue;
      }
      return Fail(pos_, std::string("unrecognized character in action: '") + c + "'");
    }
  }

  static Tok Keyword(const std::string& w) {
    if (w == "block") return Tok::kBlock;
    if (w == "break") return Tok::kBreak;
    if (w == "continue") return Tok::kContinue;
    if (w == "define") return Tok::kDefine;
    if (w == "else") return Tok::kElse;
    if (w == "end") return Tok::kEnd;
    if (w == "if") return Tok::kIf;
    if (w == "range") return Tok::kRange;
    if (w == "template") return Tok::kTemplate;
    if (w == "with") return Tok::kWith;
    if (w == "true" || w == "false") return Tok::kBool;
    if (w == "nil") return Tok::kNil;
    return Tok::kIdentifier;
  }

  bool AtTerminator() const {
    if (pos_ >= src_.size()) return true;
    char c = src_[pos_];
    if (IsSpace(c) || c == '.' || c == ',' || c == '|' || c == ':' || c == ')' || c == '(' ||
        c == '=') {
      return true;
    }
    return src_.substr(pos_).starts_with("}}");
  }

  // One escape after a backslash at pos_ (pointing at the backslash); appends to out.
  Status Escape(std::string& out, char quote) {
    std::size_t at = pos_;
    if (pos_ + 1 >= src_.size()) return Fail(at, "unterminated quoted string");
    char e = src_[pos_ + 1];
    pos_ += 2;
    auto hex = [&](int n) -> Result<std::uint32_t> {
      std::uint32_t v = 0;
      for (int k = 0; k < n; ++k) {
        if (pos_ >= src_.size() || !std::isxdigit(static_cast<unsigned char>(src_[pos_]))) {
          return Fail(at, "invalid escape in quoted string");
        }
        v = v * 16 + static_cast<std::uint32_t>(std::stoi(std::string(1, src_[pos_]), nullptr, 16));
        ++pos_;
      }
      return v;
    };
    switch (e) {
      case 'a':
        out += '\a';
        return Ok();
      case 'b':
        out += '\b';
        return Ok();
      case 'f':
        out += '\f';
        return Ok();
      case 'n':
        out += '\n';
        return Ok();
      case 'r':
        out += '\r';
        return Ok();
      case 't':
        out += '\t';
        return Ok();
      case 'v':
        out += '\v';
        return Ok();
      case '\\':
        out += '\\';
        return Ok();
      case 'x': {
        auto v = hex(2);
        CG_TRY(v);
        out += static_cast<char>(*v);
        return Ok();
      }
      case 'u':
      case 'U': {
        auto v = hex(e == 'u' ? 4 : 8);
        CG_TRY(v);
        out += AppendRune(*v);
        return Ok();
      }
      default:
        if (e == quote) {
          out += e;
          return Ok();
        }
        if (e >= '0' && e <= '7') {
          std::uint32_t v = static_cast<std::uint32_t>(e - '0');
          for (int k = 0; k < 2; ++k) {
            if (pos_ >= src_.size() || src_[pos_] < '0' || src_[pos_] > '7') {
              return Fail(at, "invalid escape in quoted string");
            }
            v = v * 8 + static_cast<std::uint32_t>(src_[pos_++] - '0');
          }
          if (v > 255) return Fail(at, "invalid escape in quoted string");
          out += static_cast<char>(v);
          return Ok();
        }
        return Fail(at, "invalid escape in quoted string");
    }
  }

  Result<std::string> Quoted() {
    std::size_t start = pos_;
    ++pos_;
    std::string out;
    while (true) {
      if (pos_ >= src_.size() || src_[pos_] == '\n') {
        return Fail(start, "unterminated quoted string");
      }
      char c = src_[pos_];
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c == '\\') {
        auto s = Escape(out, '"');
        CG_TRY(s);
        continue;
      }
      out += c;
      ++pos_;
    }
  }

  Result<std::uint32_t> CharConstant() {
    std::size_t start = pos_;
    ++pos_;
    std::string out;
    if (pos_ < src_.size() && src_[pos_] == '\\') {
      auto s = Escape(out, '\'');
      CG_TRY(s);
    } else {
      while (pos_ < src_.size() && src_[pos_] != '\'' && src_[pos_] != '\n') out += src_[pos_++];
    }
    if (pos_ >= src_.size() || src_[pos_] != '\'' || out.empty()) {
      return Fail(start, "unterminated character constant");
    }
    ++pos_;
    // Decode one UTF-8 rune.
    auto b0 = static_cast<unsigned char>(out[0]);
    if (b0 < 0x80) return static_cast<std::uint32_t>(b0);
    std::uint32_t r = 0;
    std::size_t n = (b0 >> 5) == 6 ? 2 : (b0 >> 4) == 14 ? 3 : 4;
    r = b0 & (0x7F >> n);
    for (std::size_t k = 1; k < n && k < out.size(); ++k) {
      r = (r << 6) | (static_cast<unsigned char>(out[k]) & 0x3F);
    }
    return r;
  }

  std::string_view src_;
  std::size_t pos_ = 0;
  std::vector<Token> tokens_;
};

}  // namespace

std::string PositionOf(std::string_view source, std::size_t pos) {
  int line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < pos && i < source.size(); ++i) {
    if (source[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return std::to_string(line) + ":" + std::to_string(pos - line_start + 1);
}

Result<std::vector<Token>> Lex(std::string_view source) { return Lexer(source).Run(); }

}  // namespace cellgate::tmpl

#include "fleet/glob_match.h"

#include <vector>

namespace cellgate::fleet {
namespace {

struct Token {
  enum Kind { kLiteral, kAny, kStar, kSuperStar, kClass } kind = kLiteral;
  char32_t ch = 0;
  bool negated = false;
  std::vector<std::pair<char32_t, char32_t>> ranges;  // kClass
};
using Seq = std::vector<Token>;
using Alts = std::vector<Seq>;

std::vector<char32_t> Decode(std::string_view s) {
  std::vector<char32_t> out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    auto b = static_cast<unsigned char>(s[i]);
    int len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) {
      out.push_back(b);  // not UTF-8: one byte, one character
      ++i;
      continue;
    }
    char32_t cp = len == 1 ? b : b & (0x7F >> len);
    bool ok = true;
    for (int k = 1; k < len; ++k) {
      auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (c & 0x3F);
    }
    if (!ok) {
      out.push_back(b);
      ++i;
      continue;
    }
    out.push_back(cp);
    i += len;
  }
  return out;
}

class Parser {
 public:
  Parser(std::vector<char32_t> p, GlobDialect d) : p_(std::move(p)), dialect_(d) {}

  bool Parse(Alts& out) {
    if (!Sequence(out, false, 0)) return false;
    return pos_ == p_.size();
  }

 private:
  bool AtEnd() const { return pos_ >= p_.size(); }
  char32_t Peek() const { return p_[pos_]; }

  static void Append(Alts& alts, const Token& t) {
    for (auto& seq : alts) seq.push_back(t);
  }

  bool Class(Token& t) {
    t.kind = Token::kClass;
    const char32_t negation = dialect_ == GlobDialect::kGobwas ? U'!' : U'^';
    if (!AtEnd() && Peek() == negation) {
      t.negated = true;
      ++pos_;
    }
    while (!AtEnd() && (Peek() != U']' || t.ranges.empty())) {
      char32_t lo = 0;
      if (!Char(lo)) return false;
      char32_t hi = lo;
      if (pos_ + 1 < p_.size() && Peek() == U'-' && p_[pos_ + 1] != U']') {
        ++pos_;
        if (!Char(hi) || hi < lo) return false;
      }
      t.ranges.emplace_back(lo, hi);
    }
    if (AtEnd() || t.ranges.empty()) return false;  // unclosed or empty class
    ++pos_;                                         // ']'
    return true;
  }

  // One possibly escaped character inside a class.
  bool Char(char32_t& c) {
    if (AtEnd()) return false;
    c = p_[pos_++];
    if (c == U'\\') {
      if (AtEnd()) return false;
      c = p_[pos_++];
    } else if (dialect_ == GlobDialect::kFilepath && (c == U'-' || c == U']')) {
      return false;  // filepath.Match refuses an unescaped '-' or ']' here
    }
    return true;
  }

  bool Sequence(Alts& out, bool in_brace, int depth) {
    out = Alts{Seq{}};
    while (!AtEnd()) {
      char32_t c = Peek();
      if (in_brace && (c == U',' || c == U'}')) break;
      ++pos_;
      Token t;
      if (c == U'\\') {
        if (AtEnd()) return false;
        t.ch = p_[pos_++];
      } else if (c == U'*') {
        t.kind = Token::kStar;
        if (dialect_ == GlobDialect::kGobwas && !AtEnd() && Peek() == U'*') {
          t.kind = Token::kSuperStar;
          ++pos_;
        }
      } else if (c == U'?') {
        t.kind = Token::kAny;
      } else if (c == U'[') {
        if (!Class(t)) return false;
      } else if (c == U'{' && dialect_ == GlobDialect::kGobwas) {
        if (depth > 16) return false;
        Alts group;
        while (true) {
          Alts alt;
          if (!Sequence(alt, true, depth + 1)) return false;
          group.insert(group.end(), alt.begin(), alt.end());
          if (AtEnd()) return false;  // unclosed '{'
          if (Peek() == U'}') break;
          ++pos_;  // ','
        }
        ++pos_;  // '}'
        if (out.size() * group.size() > kMaxGlobAlternatives) return false;
        Alts product;
        for (const auto& head : out) {
          for (const auto& tail : group) {
            Seq s = head;
            s.insert(s.end(), tail.begin(), tail.end());
            product.push_back(std::move(s));
          }
        }
        out = std::move(product);
        continue;
      } else {
        t.ch = c;
      }
      Append(out, t);
    }
    return true;
  }

  std::vector<char32_t> p_;
  GlobDialect dialect_;
  std::size_t pos_ = 0;
};

bool InClass(const Token& t, char32_t c) {
  bool in = false;
  for (const auto& [lo, hi] : t.ranges) in = in || (c >= lo && c <= hi);
  return in != t.negated;
}

bool MatchSeq(const Seq& seq, const std::vector<char32_t>& text, char32_t sep) {
  const std::size_t n = text.size();
  // next[j]: does seq[i+1..] match text[j..]; cur[j] the same for seq[i..].
  std::vector<char> next(n + 1, 0);
  std::vector<char> cur(n + 1, 0);
  next[n] = 1;
  for (std::size_t i = seq.size(); i-- > 0;) {
    const Token& t = seq[i];
    for (std::size_t j = n + 1; j-- > 0;) {
      bool m = false;
      const bool have = j < n;
      const bool not_sep = have && (sep == 0 || text[j] != sep);
      switch (t.kind) {
        case Token::kLiteral:
          m = have && text[j] == t.ch && next[j + 1];
          break;
        case Token::kAny:
          m = not_sep && next[j + 1];
          break;
        case Token::kClass:
          m = have && InClass(t, text[j]) && next[j + 1];
          break;
        case Token::kStar:
          m = next[j] || (not_sep && cur[j + 1]);
          break;
        case Token::kSuperStar:
          m = next[j] || (have && cur[j + 1]);
          break;
      }
      cur[j] = m ? 1 : 0;
    }
    std::swap(cur, next);
  }
  return next[0] != 0;
}

}  // namespace

std::optional<bool> GlobMatch(std::string_view pattern, std::string_view text, GlobDialect dialect,
                              char separator) {
  Parser parser(Decode(pattern), dialect);
  Alts alts;
  if (!parser.Parse(alts)) return std::nullopt;
  const char32_t sep = dialect == GlobDialect::kFilepath ? U'/' : static_cast<char32_t>(separator);
  const std::vector<char32_t> t = Decode(text);
  for (const auto& seq : alts) {
    if (MatchSeq(seq, t, sep)) return true;
  }
  return false;
}

}  // namespace cellgate::fleet

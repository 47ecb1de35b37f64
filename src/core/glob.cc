#include "core/glob.h"

#include <utility>

namespace cellgate {
namespace {

// An invalid byte decodes to a value outside Unicode, so it equals no pattern character
// and matches only '?', '*' and negated classes.
constexpr char32_t kInvalidByteBase = 0x110000;

// Decodes the UTF-8 code point at s[*i] and advances; sets *valid to false on a bad byte.
char32_t Decode(std::string_view s, std::size_t* i, bool* valid) {
  auto b = static_cast<unsigned char>(s[*i]);
  int len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
  if (len == 1) {
    ++*i;
    return b;
  }
  if (len == 0 || *i + len > s.size()) {
    *valid = false;
    ++*i;
    return kInvalidByteBase + b;
  }
  char32_t cp = b & (0x7F >> len);
  for (int k = 1; k < len; ++k) {
    auto c = static_cast<unsigned char>(s[*i + k]);
    if ((c & 0xC0) != 0x80) {
      *valid = false;
      ++*i;
      return kInvalidByteBase + b;
    }
    cp = (cp << 6) | (c & 0x3F);
  }
  *i += len;
  return cp;
}

// The pattern's syntax tree: a sequence of items; an alternative holds several sequences.
struct Node {
  enum Kind { kChar, kStar, kSuper, kSingle, kClass, kAlt } kind = kChar;
  char32_t ch = 0;
  bool negated = false;
  std::vector<std::pair<char32_t, char32_t>> ranges;  // kClass
  std::vector<std::vector<Node>> alternatives;        // kAlt
};
using Seq = std::vector<Node>;

class Parser {
 public:
  Parser(std::string_view p, GlobDialect d) : p_(p), dialect_(d) {}

  Result<Seq> Parse() {
    Seq seq;
    CG_TRY(dialect_ == GlobDialect::kGobwas ? GobwasSequence(seq, false, 0) : GoPathSequence(seq));
    return seq;
  }

 private:
  std::unexpected<Error> Fail(std::string_view what) const {
    return MakeError(ErrorCode::kInvalidArgument, "invalid glob pattern '" + std::string(p_) +
                                                      "' at offset " + std::to_string(pos_) + ": " +
                                                      std::string(what));
  }
  bool AtEnd() const { return pos_ >= p_.size(); }
  // The next code point without consuming it (gobwas patterns are valid UTF-8).
  char32_t Peek() const {
    std::size_t i = pos_;
    bool valid = true;
    return Decode(p_, &i, &valid);
  }
  Result<char32_t> Next() {
    bool valid = true;
    char32_t c = Decode(p_, &pos_, &valid);
    if (!valid && dialect_ == GlobDialect::kGobwas) return Fail("could not read rune");
    return c;
  }
  static void Push(Seq& seq, Node::Kind kind, char32_t ch = 0) {
    // Runs of '*' collapse; "**" after "*" or the other way round is just "**".
    if ((kind == Node::kStar || kind == Node::kSuper) && !seq.empty() &&
        (seq.back().kind == Node::kStar || seq.back().kind == Node::kSuper)) {
      if (kind == Node::kSuper) seq.back().kind = Node::kSuper;
      return;
    }
    Node n{kind};
    n.ch = ch;
    seq.push_back(std::move(n));
  }

  // gobwas/glob syntax/lexer/lexer.go and syntax/ast/parser.go.
  Status GobwasSequence(Seq& seq, bool in_braces, int depth) {
    while (!AtEnd()) {
      char32_t c = Peek();
      if (in_braces && (c == U',' || c == U'}')) return Ok();
      CG_ASSIGN(c, Next());
      if (c == U'*') {
        bool super = !AtEnd() && Peek() == U'*';
        if (super) ++pos_;
        Push(seq, super ? Node::kSuper : Node::kStar);
      } else if (c == U'?') {
        Push(seq, Node::kSingle);
      } else if (c == U'[') {
        Node n{Node::kClass};
        CG_TRY(GobwasClass(n));
        seq.push_back(std::move(n));
      } else if (c == U'{') {
        if (depth >= kMaxGlobNesting) return Fail("braces nest too deeply");
        Node n{Node::kAlt};
        while (true) {
          Seq alt;
          CG_TRY(GobwasSequence(alt, true, depth + 1));
          n.alternatives.push_back(std::move(alt));
          if (AtEnd()) break;  // gobwas closes an unclosed '{' at the end of the pattern
          if (p_[pos_++] == '}') break;
        }
        seq.push_back(std::move(n));
      } else {
        if (c == U'\\') {
          if (AtEnd()) return Ok();  // a trailing escape is dropped (lexer fetchText)
          CG_ASSIGN(c, Next());
        }
        Push(seq, Node::kChar, c);
      }
    }
    return Ok();
  }

  // After '[': "[!" optional, then either "lo-hi]" or a list of (escapable) characters.
  Status GobwasClass(Node& n) {
    if (!AtEnd() && Peek() == U'!') {
      n.negated = true;
      ++pos_;
    }
    if (AtEnd()) return Fail("unexpected end of input");
    std::size_t first = pos_;
    char32_t lo = 0;
    CG_ASSIGN(lo, Next());
    if (!AtEnd() && Peek() == U'-') {
      ++pos_;
      if (AtEnd()) return Fail("unexpected end of input");
      char32_t hi = 0;
      CG_ASSIGN(hi, Next());
      if (AtEnd()) return Fail("unexpected end of input");
      if (Peek() != U']') return Fail("expected close range character");
      ++pos_;
      if (hi < lo) return Fail("hi character should be greater than lo");
      n.ranges.emplace_back(lo, hi);
      return Ok();
    }
    pos_ = first;
    while (!AtEnd() && Peek() != U']') {
      char32_t c = 0;
      CG_ASSIGN(c, Next());
      if (c == U'\\') {
        if (AtEnd()) break;
        CG_ASSIGN(c, Next());
      }
      n.ranges.emplace_back(c, c);
    }
    if (AtEnd()) return Fail("unexpected end of input");
    ++pos_;  // ']'
    if (n.ranges.empty()) return Fail("could not parse range");
    return Ok();
  }

  // Go's path.Match (src/path/match.go; filepath's is the same on Unix).
  Status GoPathSequence(Seq& seq) {
    while (!AtEnd()) {
      char32_t c = 0;
      CG_ASSIGN(c, Next());
      if (c == U'*') {
        Push(seq, Node::kStar);
      } else if (c == U'?') {
        Push(seq, Node::kSingle);
      } else if (c == U'[') {
        Node n{Node::kClass};
        CG_TRY(GoPathClass(n));
        seq.push_back(std::move(n));
      } else {
        if (c == U'\\') {
          if (AtEnd()) return Fail("syntax error in pattern");
          CG_ASSIGN(c, Next());
        }
        Push(seq, Node::kChar, c);
      }
    }
    return Ok();
  }

  // getEsc: one possibly escaped class character; '-' and ']' must be escaped; something
  // must follow it.
  Result<char32_t> GoPathClassChar() {
    if (AtEnd() || p_[pos_] == '-' || p_[pos_] == ']') return Fail("syntax error in pattern");
    if (p_[pos_] == '\\') {
      ++pos_;
      if (AtEnd()) return Fail("syntax error in pattern");
    }
    bool valid = true;
    char32_t c = Decode(p_, &pos_, &valid);
    if (!valid || AtEnd()) return Fail("syntax error in pattern");
    return c;
  }

  Status GoPathClass(Node& n) {
    if (AtEnd()) return Fail("syntax error in pattern");
    if (p_[pos_] == '^') {
      n.negated = true;
      ++pos_;
    }
    while (true) {
      if (!AtEnd() && p_[pos_] == ']' && !n.ranges.empty()) {
        ++pos_;
        return Ok();
      }
      char32_t lo = 0, hi = 0;
      CG_ASSIGN(lo, GoPathClassChar());
      hi = lo;
      if (p_[pos_] == '-') {
        ++pos_;
        CG_ASSIGN(hi, GoPathClassChar());
      }
      n.ranges.emplace_back(lo, hi);  // Go does not check lo <= hi: "[z-a]" matches nothing
    }
  }

  std::string_view p_;
  GlobDialect dialect_;
  std::size_t pos_ = 0;
};

}  // namespace

// Thompson construction: each item becomes states wired to the state after it.
class GlobBuilder {
 public:
  explicit GlobBuilder(Glob& g) : g_(g) {}

  int Add(Glob::State s) {
    g_.states_.push_back(std::move(s));
    return static_cast<int>(g_.states_.size()) - 1;
  }

  // Compiles `seq` so that it continues to state `next`; returns its entry state.
  int Sequence(const Seq& seq, int next) {
    for (auto it = seq.rbegin(); it != seq.rend(); ++it) next = Item(*it, next);
    return next;
  }

 private:
  Glob::State::Kind OneChar(bool crosses_separator) const {
    return crosses_separator || g_.separator_ == 0 ? Glob::State::kAnyChar
                                                   : Glob::State::kNotSeparator;
  }

  int Item(const Node& n, int next) {
    Glob::State s;
    s.next = {next};
    switch (n.kind) {
      case Node::kChar:
        s.kind = Glob::State::kChar;
        s.ch = n.ch;
        return Add(std::move(s));
      case Node::kSingle:
        s.kind = OneChar(false);
        return Add(std::move(s));
      case Node::kClass:
        s.kind = Glob::State::kClass;
        s.negated = n.negated;
        for (auto [lo, hi] : n.ranges) s.ranges.push_back({lo, hi});
        return Add(std::move(s));
      case Node::kStar:
      case Node::kSuper: {
        // split -> (one char -> split) | next
        int split = Add(Glob::State{Glob::State::kSplit});
        s.kind = OneChar(n.kind == Node::kSuper);
        s.next = {split};
        int one = Add(std::move(s));
        g_.states_[split].next = {one, next};
        return split;
      }
      case Node::kAlt: {
        Glob::State split{Glob::State::kSplit};
        for (const auto& alt : n.alternatives) split.next.push_back(Sequence(alt, next));
        return Add(std::move(split));
      }
    }
    return next;
  }

  Glob& g_;
};

Result<Glob> Glob::Compile(std::string_view pattern, GlobOptions options) {
  if (pattern.size() > kMaxGlobPatternBytes) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        "glob pattern is longer than " + std::to_string(kMaxGlobPatternBytes) + " bytes");
  }
  Parser parser(pattern, options.dialect);
  Seq seq;
  CG_ASSIGN(seq, parser.Parse());
  Glob g;
  g.pattern_ = std::string(pattern);
  g.separator_ = options.dialect == GlobDialect::kGoPath ? U'/' : options.separator;
  GlobBuilder builder(g);
  int accept = builder.Add(State{State::kAccept});
  g.start_ = builder.Sequence(seq, accept);
  return g;
}

bool Glob::Match(std::string_view text) const {
  const int n = static_cast<int>(states_.size());
  std::vector<int> current, next_set, stack;
  std::vector<std::size_t> seen(n, 0);
  std::size_t generation = 1;
  // Adds `s` and everything reachable from it through splits (an explicit stack: nested
  // braces must not recurse deeply).
  auto add = [&](std::vector<int>& set, int s) {
    stack.push_back(s);
    while (!stack.empty()) {
      int t = stack.back();
      stack.pop_back();
      if (seen[t] == generation) continue;
      seen[t] = generation;
      if (states_[t].kind == State::kSplit) {
        for (auto it = states_[t].next.rbegin(); it != states_[t].next.rend(); ++it) {
          stack.push_back(*it);
        }
      } else {
        set.push_back(t);
      }
    }
  };
  add(current, start_);
  std::size_t i = 0;
  while (i < text.size() && !current.empty()) {
    bool valid = true;
    char32_t c = Decode(text, &i, &valid);
    ++generation;
    next_set.clear();
    for (int s : current) {
      const State& st = states_[s];
      bool ok = false;
      switch (st.kind) {
        case State::kChar:
          ok = st.ch == c;
          break;
        case State::kAnyChar:
          ok = true;
          break;
        case State::kNotSeparator:
          ok = c != separator_;
          break;
        case State::kClass: {
          bool in = false;
          for (const auto& r : st.ranges) in = in || (c >= r.lo && c <= r.hi);
          ok = in != st.negated;
          break;
        }
        default:
          break;
      }
      if (ok) add(next_set, st.next[0]);
    }
    std::swap(current, next_set);
  }
  if (i < text.size()) return false;
  for (int s : current) {
    if (states_[s].kind == State::kAccept) return true;
  }
  return false;
}

Result<bool> GlobMatch(std::string_view pattern, std::string_view text, GlobOptions options) {
  Glob g;
  CG_ASSIGN(g, Glob::Compile(pattern, options));
  return g.Match(text);
}

}  // namespace cellgate

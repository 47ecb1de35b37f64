#include "render/glob.h"

#include <memory>
#include <utility>

namespace cellgate::render {
namespace {

// Decodes one UTF-8 code point at s[*i]; malformed bytes decode as themselves, as Go's
// range loop yields U+FFFD for them (either way they match only '?', '*' or themselves).
char32_t NextCodePoint(std::string_view s, std::size_t* i) {
  auto b = static_cast<unsigned char>(s[*i]);
  int len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xe ? 3 : (b >> 3) == 0x1e ? 4 : 0;
  if (len <= 1 || *i + len > s.size()) {
    ++*i;
    return b;
  }
  char32_t cp = b & (0x7f >> len);
  for (int k = 1; k < len; ++k) {
    auto c = static_cast<unsigned char>(s[*i + k]);
    if ((c >> 6) != 0x2) {
      ++*i;
      return b;
    }
    cp = (cp << 6) | (c & 0x3f);
  }
  *i += len;
  return cp;
}

// Pattern syntax tree: a sequence of items; an alternative holds several sequences.
struct Node {
  enum Kind { kChar, kAny, kSingle, kClass, kAlt } kind = kChar;
  char32_t ch = 0;
  bool negated = false;
  std::vector<std::pair<char32_t, char32_t>> ranges;
  std::vector<std::vector<Node>> alternatives;
};

class Parser {
 public:
  explicit Parser(std::string_view p) : p_(p) {}

  Result<std::vector<Node>> ParseAll() { return ParseSequence(/*in_braces=*/false); }

 private:
  std::unexpected<Error> Fail(const std::string& what) const {
    return MakeError(ErrorCode::kInvalidArgument, "invalid glob pattern '" + std::string(p_) +
                                                      "' at offset " + std::to_string(pos_) + ": " +
                                                      what);
  }

  Result<std::vector<Node>> ParseSequence(bool in_braces) {
    std::vector<Node> seq;
    while (pos_ < p_.size()) {
      char c = p_[pos_];
      if (in_braces && (c == ',' || c == '}')) return seq;
      if (c == '*') {
        ++pos_;
        if (pos_ < p_.size() && p_[pos_] == '*') ++pos_;  // ** == * without separators
        if (seq.empty() || seq.back().kind != Node::kAny) seq.push_back(Node{Node::kAny});
      } else if (c == '?') {
        ++pos_;
        seq.push_back(Node{Node::kSingle});
      } else if (c == '[') {
        auto cls = ParseClass();
        CG_TRY(cls);
        seq.push_back(std::move(*cls));
      } else if (c == '{') {
        auto alt = ParseAlternatives();
        CG_TRY(alt);
        seq.push_back(std::move(*alt));
      } else {
        if (c == '\\') {
          ++pos_;
          if (pos_ >= p_.size()) return Fail("pattern ends with an escape");
        }
        Node n{Node::kChar};
        n.ch = NextCodePoint(p_, &pos_);
        seq.push_back(std::move(n));
      }
    }
    if (in_braces) return Fail("unclosed '{'");
    return seq;
  }

  Result<Node> ParseClass() {
    ++pos_;  // '['
    Node n{Node::kClass};
    if (pos_ < p_.size() && p_[pos_] == '!') {
      n.negated = true;
      ++pos_;
    }
    while (pos_ < p_.size() && p_[pos_] != ']') {
      if (p_[pos_] == '\\' && pos_ + 1 < p_.size()) ++pos_;
      char32_t lo = NextCodePoint(p_, &pos_);
      char32_t hi = lo;
      if (pos_ + 1 < p_.size() && p_[pos_] == '-' && p_[pos_ + 1] != ']') {
        ++pos_;
        if (p_[pos_] == '\\' && pos_ + 1 < p_.size()) ++pos_;
        hi = NextCodePoint(p_, &pos_);
        if (hi < lo) return Fail("character range is out of order");
      }
      n.ranges.emplace_back(lo, hi);
    }
    if (pos_ >= p_.size()) return Fail("unclosed '['");
    ++pos_;  // ']'
    if (n.ranges.empty()) return Fail("empty character class");
    return n;
  }

  Result<Node> ParseAlternatives() {
    ++pos_;  // '{'
    Node n{Node::kAlt};
    while (true) {
      auto seq = ParseSequence(/*in_braces=*/true);
      CG_TRY(seq);
      n.alternatives.push_back(std::move(*seq));
      if (pos_ >= p_.size()) return Fail("unclosed '{'");
      char c = p_[pos_++];
      if (c == '}') return n;
    }
  }

  std::string_view p_;
  std::size_t pos_ = 0;
};

}  // namespace

// Thompson construction: each item becomes states wired to the state after it.
class GlobCompiler {
 public:
  explicit GlobCompiler(Glob& g) : g_(g) {}

  int Add(Glob::State s) {
    g_.states_.push_back(std::move(s));
    return static_cast<int>(g_.states_.size()) - 1;
  }

  // Compiles `seq` so that it continues to state `next`; returns its entry state.
  int CompileSequence(const std::vector<Node>& seq, int next) {
    for (auto it = seq.rbegin(); it != seq.rend(); ++it) next = CompileNode(*it, next);
    return next;
  }

 private:
  int CompileNode(const Node& n, int next) {
    Glob::State s;
    switch (n.kind) {
      case Node::kChar:
        s.kind = Glob::State::kChar;
        s.ch = n.ch;
        s.next = {next};
        return Add(std::move(s));
      case Node::kSingle:
        s.kind = Glob::State::kAnyChar;
        s.next = {next};
        return Add(std::move(s));
      case Node::kClass:
        s.kind = Glob::State::kClass;
        s.negated = n.negated;
        for (auto [lo, hi] : n.ranges) s.ranges.push_back({lo, hi});
        s.next = {next};
        return Add(std::move(s));
      case Node::kAny: {
        // split -> (anychar -> split) | next
        int split = Add(Glob::State{Glob::State::kSplit});
        Glob::State any;
        any.kind = Glob::State::kAnyChar;
        any.next = {split};
        int any_id = Add(std::move(any));
        g_.states_[split].next = {any_id, next};
        return split;
      }
      case Node::kAlt: {
        std::vector<int> entries;
        for (const auto& alt : n.alternatives) entries.push_back(CompileSequence(alt, next));
        Glob::State split;
        split.kind = Glob::State::kSplit;
        split.next = std::move(entries);
        return Add(std::move(split));
      }
    }
    return next;
  }

  Glob& g_;
};

Result<Glob> Glob::Compile(std::string_view pattern) {
  // Bounds the NFA (and the recursion over nested braces) for hostile Application specs.
  constexpr std::size_t kMaxPattern = 4096;
  if (pattern.size() > kMaxPattern) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "glob pattern is longer than " + std::to_string(kMaxPattern) + " bytes");
  }
  Parser parser(pattern);
  auto seq = parser.ParseAll();
  CG_TRY(seq);
  Glob g;
  g.pattern_ = std::string(pattern);
  GlobCompiler compiler(g);
  int accept = compiler.Add(State{State::kAccept});
  g.start_ = compiler.CompileSequence(*seq, accept);
  return g;
}

bool Glob::Match(std::string_view text) const {
  const int n = static_cast<int>(states_.size());
  std::vector<int> current, next_set;
  std::vector<std::size_t> seen(n, 0);
  std::size_t generation = 1;
  // Adds `s` and everything reachable from it through splits.
  auto add = [&](std::vector<int>& set, int s, auto&& self) -> void {
    if (seen[s] == generation) return;
    seen[s] = generation;
    if (states_[s].kind == State::kSplit) {
      for (int t : states_[s].next) self(set, t, self);
    } else {
      set.push_back(s);
    }
  };
  add(current, start_, add);
  std::size_t i = 0;
  while (i < text.size() && !current.empty()) {
    char32_t c = NextCodePoint(text, &i);
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
        case State::kClass: {
          bool in = false;
          for (const auto& r : st.ranges) in = in || (c >= r.lo && c <= r.hi);
          ok = in != st.negated;
          break;
        }
        default:
          break;
      }
      if (ok) add(next_set, st.next[0], add);
    }
    std::swap(current, next_set);
  }
  if (i < text.size()) return false;
  for (int s : current) {
    if (states_[s].kind == State::kAccept) return true;
  }
  return false;
}

Result<bool> GlobMatch(std::string_view pattern, std::string_view text) {
  auto g = Glob::Compile(pattern);
  CG_TRY(g);
  return g->Match(text);
}

}  // namespace cellgate::render

#include "git/semver.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <utility>

namespace cellgate::git {
namespace {

using Interval = SemverConstraint::Interval;

// A version as written in a constraint: `n` leading numeric parts, the rest wildcards.
struct Partial {
  std::array<std::uint64_t, 3> parts{0, 0, 0};
  int n = 0;
  std::vector<std::string> prerelease;
};

bool IsWildcard(std::string_view s) { return s == "x" || s == "X" || s == "*"; }

std::optional<std::uint64_t> ParseNumber(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<std::vector<std::string>> ParseIdentifiers(std::string_view s) {
  std::vector<std::string> out;
  while (true) {
    std::size_t dot = s.find('.');
    std::string_view id = s.substr(0, dot);
    if (id.empty()) return std::nullopt;
    for (char c : id) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return std::nullopt;
    }
    out.emplace_back(id);
    if (dot == std::string_view::npos) return out;
    s.remove_prefix(dot + 1);
  }
}

std::optional<Partial> ParsePartial(std::string_view s, bool allow_wildcards) {
  if (!s.empty() && (s.front() == 'v' || s.front() == 'V')) s.remove_prefix(1);
  if (std::size_t plus = s.find('+'); plus != std::string_view::npos) {
    if (!ParseIdentifiers(s.substr(plus + 1))) return std::nullopt;
    s = s.substr(0, plus);
  }
  Partial p;
  if (std::size_t dash = s.find('-'); dash != std::string_view::npos) {
    auto pre = ParseIdentifiers(s.substr(dash + 1));
    if (!pre) return std::nullopt;
    p.prerelease = std::move(*pre);
    s = s.substr(0, dash);
  }
  bool wild = false;
  for (int i = 0; i < 3; ++i) {
    std::size_t dot = s.find('.');
    std::string_view part = s.substr(0, dot);
    if (IsWildcard(part)) {
      if (!allow_wildcards) return std::nullopt;
      wild = true;
    } else {
      auto num = ParseNumber(part);
      if (!num) return std::nullopt;
      if (!wild) {
        p.parts[static_cast<std::size_t>(i)] = *num;
        p.n = i + 1;
      }
    }
    if (dot == std::string_view::npos) return p;
    s.remove_prefix(dot + 1);
  }
  return std::nullopt;  // a fourth part
}

SemVersion Lower(const Partial& p) {
  return SemVersion{.major = p.parts[0],
                    .minor = p.parts[1],
                    .patch = p.parts[2],
                    .prerelease = p.n == 3 ? p.prerelease : std::vector<std::string>{}};
}

// The first version above every version that `p` stands for, bumping part `at` (0..2).
SemVersion Bump(const Partial& p, int at) {
  SemVersion v{.major = p.parts[0], .minor = p.parts[1], .patch = p.parts[2]};
  if (at == 0) v = {.major = v.major + 1};
  if (at == 1) v = {.major = v.major, .minor = v.minor + 1};
  if (at == 2) v.patch += 1;
  return v;
}

std::optional<Interval> Lowered(std::string_view op, const Partial& p) {
  const int n = p.n;
  Interval iv;
  if (n == 0) {  // `*`, `x`, ``: everything, or nothing for the strict and negated forms
    iv.empty = op == ">" || op == "<" || op == "!=";
    return iv;
  }
  const SemVersion lo = Lower(p);
  if (op.empty() || op == "=" || op == "!=") {
    iv.negate = op == "!=";
    iv.lo = lo;
    if (n == 3) {
      iv.hi = lo;
      iv.hi_inclusive = true;
    } else {
      iv.hi = Bump(p, n - 1);
    }
  } else if (op == ">") {
    iv.lo = n == 3 ? lo : Bump(p, n - 1);
    iv.lo_inclusive = n != 3;
  } else if (op == ">=") {
    iv.lo = lo;
  } else if (op == "<") {
    iv.hi = lo;
  } else if (op == "<=" || op == "=<") {
    iv.hi = n == 3 ? lo : Bump(p, n - 1);
    iv.hi_inclusive = n == 3;
  } else if (op == "~" || op == "~>") {
    iv.lo = lo;
    iv.hi = Bump(p, n == 1 ? 0 : 1);
  } else if (op == "^") {
    iv.lo = lo;
    int at = 0;
    if (p.parts[0] == 0 && n >= 2) at = (p.parts[1] == 0 && n == 3) ? 2 : 1;
    iv.hi = Bump(p, at);
  } else {
    return std::nullopt;
  }
  return iv;
}

bool Contains(const Interval& iv, const SemVersion& v) {
  if (iv.empty) return false;
  bool in = true;
  if (iv.lo) {
    int c = CompareSemVersions(v, *iv.lo);
    in = in && (c > 0 || (c == 0 && iv.lo_inclusive));
  }
  if (iv.hi) {
    int c = CompareSemVersions(v, *iv.hi);
    in = in && (c < 0 || (c == 0 && iv.hi_inclusive));
  }
  return iv.negate ? !in : in;
}

// Splits "<op><version>" into its parts.
std::pair<std::string_view, std::string_view> SplitOperator(std::string_view token) {
  static constexpr std::string_view kOps[] = {"!=", ">=", "<=", "=<", "~>",
                                              ">",  "<",  "=",  "~",  "^"};
  for (std::string_view op : kOps) {
    if (token.starts_with(op)) return {op, token.substr(op.size())};
  }
  return {"", token};
}

bool IsOperatorOnly(std::string_view t) {
  return !t.empty() && t.find_first_not_of("<>=!~^") == std::string_view::npos;
}

std::vector<std::string> Tokens(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ',' || std::isspace(static_cast<unsigned char>(c))) {
      if (!cur.empty()) out.push_back(std::exchange(cur, {}));
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

std::optional<SemverConstraint::Alternative> ParseAlternative(std::string_view text) {
  std::vector<std::string> tokens = Tokens(text);
  if (tokens.empty()) return std::nullopt;
  SemverConstraint::Alternative alt;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    std::string token = tokens[i];
    if (IsOperatorOnly(token) && i + 1 < tokens.size()) token += tokens[++i];
    auto [op, version] = SplitOperator(token);
    auto p = ParsePartial(version, /*allow_wildcards=*/true);
    if (!p) return std::nullopt;
    if (op.empty() && i + 2 < tokens.size() && tokens[i + 1] == "-") {  // hyphen range
      auto upper = ParsePartial(tokens[i + 2], true);
      if (!upper) return std::nullopt;
      i += 2;
      auto lo = Lowered(">=", *p);
      auto hi = Lowered("<=", *upper);
      if (!lo || !hi) return std::nullopt;
      alt.allows_prerelease |= !p->prerelease.empty() || !upper->prerelease.empty();
      alt.intervals.push_back(*lo);
      alt.intervals.push_back(*hi);
      continue;
    }
    auto iv = Lowered(op, *p);
    if (!iv) return std::nullopt;
    alt.allows_prerelease |= !p->prerelease.empty();
    alt.intervals.push_back(*iv);
  }
  return alt;
}

}  // namespace

std::string SemVersion::ToString() const {
  std::string s = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
  for (std::size_t i = 0; i < prerelease.size(); ++i) s += (i == 0 ? "-" : ".") + prerelease[i];
  return s;
}

std::optional<SemVersion> ParseSemVersion(std::string_view text) {
  auto p = ParsePartial(text, /*allow_wildcards=*/false);
  if (!p) return std::nullopt;
  return SemVersion{.major = p->parts[0],
                    .minor = p->parts[1],
                    .patch = p->parts[2],
                    .prerelease = std::move(p->prerelease)};
}

int CompareSemVersions(const SemVersion& a, const SemVersion& b) {
  auto cmp = [](auto x, auto y) { return x < y ? -1 : (x > y ? 1 : 0); };
  if (int c = cmp(a.major, b.major)) return c;
  if (int c = cmp(a.minor, b.minor)) return c;
  if (int c = cmp(a.patch, b.patch)) return c;
  if (a.prerelease.empty() || b.prerelease.empty()) {
    return cmp(b.prerelease.size(), a.prerelease.size());  // a release ranks higher
  }
  for (std::size_t i = 0; i < std::min(a.prerelease.size(), b.prerelease.size()); ++i) {
    const std::string& x = a.prerelease[i];
    const std::string& y = b.prerelease[i];
    auto nx = ParseNumber(x);
    auto ny = ParseNumber(y);
    int c = 0;
    if (nx && ny) {
      c = cmp(*nx, *ny);
    } else if (nx || ny) {
      c = nx ? -1 : 1;  // numeric identifiers have lower precedence
    } else {
      c = cmp(x.compare(y), 0);
    }
    if (c) return c;
  }
  return cmp(a.prerelease.size(), b.prerelease.size());
}

Result<SemverConstraint> SemverConstraint::Parse(std::string_view text) {
  SemverConstraint c;
  std::string_view rest = text;
  while (true) {
    std::size_t bar = rest.find("||");
    auto alt = ParseAlternative(rest.substr(0, bar));
    if (!alt) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "'" + std::string(text) + "' is not a semver constraint");
    }
    c.alternatives_.push_back(std::move(*alt));
    if (bar == std::string_view::npos) break;
    rest.remove_prefix(bar + 2);
  }
  return c;
}

bool SemverConstraint::Matches(const SemVersion& v) const {
  return std::any_of(alternatives_.begin(), alternatives_.end(), [&](const Alternative& alt) {
    if (v.IsPrerelease() && !alt.allows_prerelease) return false;
    return std::all_of(alt.intervals.begin(), alt.intervals.end(),
                       [&](const Interval& iv) { return Contains(iv, v); });
  });
}

}  // namespace cellgate::git

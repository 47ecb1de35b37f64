#include "appset/path_match.h"

#include <functional>
#include <string>
#include <vector>

#include "core/glob.h"

namespace cellgate::appset {
namespace {

struct GlobRules {
  bool star_crosses_slash = false;
  bool bang_negates = false;  // '!' as well as '^' negates a class
};

// Matches a class at p[i] ('[' ... ']') against c; sets `end` past the class. Returns
// kInvalidArgument for a malformed class.
Result<bool> MatchClass(std::string_view p, std::size_t i, char c, std::size_t& end,
                        const GlobRules& rules) {
  std::size_t k = i + 1;
  bool negate = false;
  if (k < p.size() && (p[k] == '^' || (rules.bang_negates && p[k] == '!'))) {
    negate = true;
    ++k;
  }
  bool matched = false;
  bool first = true;
  while (true) {
    if (k >= p.size())
      return MakeError(ErrorCode::kInvalidArgument,
                       "syntax error in pattern \"" + std::string(p) + "\"");
    if (p[k] == ']' && !first) {
      ++k;
      break;
    }
    first = false;
    char lo = p[k];
    if (lo == '\\') {
      if (++k >= p.size())
        return MakeError(ErrorCode::kInvalidArgument,
                         "syntax error in pattern \"" + std::string(p) + "\"");
      lo = p[k];
    }
    ++k;
    char hi = lo;
    if (k + 1 < p.size() && p[k] == '-' && p[k + 1] != ']') {
      hi = p[k + 1];
      if (hi == '\\') {
        if (k + 2 >= p.size())
          return MakeError(ErrorCode::kInvalidArgument,
                           "syntax error in pattern \"" + std::string(p) + "\"");
        hi = p[k + 2];
        ++k;
      }
      k += 2;
    }
    if (lo <= c && c <= hi) matched = true;
  }
  end = k;
  return matched != negate;
}

// Validates a Go path.Match pattern fully (Go reports ErrBadPattern even when the text
// fails to match early).
// Wildcard match with '*' backtracking, O(len(p) * len(s)).
Result<bool> Glob(std::string_view p, std::string_view s, const GlobRules& rules) {
  std::size_t pi = 0, si = 0;
  std::size_t star_p = std::string_view::npos, star_s = 0;
  while (si < s.size()) {
    if (pi < p.size()) {
      char pc = p[pi];
      if (pc == '*') {
        while (pi < p.size() && p[pi] == '*') ++pi;
        star_p = pi;
        star_s = si;
        continue;
      }
      if (pc == '?' && (rules.star_crosses_slash || s[si] != '/')) {
        ++pi;
        ++si;
        continue;
      }
      if (pc == '[') {
        std::size_t end = 0;
        auto m = MatchClass(p, pi, s[si], end, rules);
        CG_TRY(m);
        if (*m && (rules.star_crosses_slash || s[si] != '/')) {
          pi = end;
          ++si;
          continue;
        }
      } else if (pc != '?') {
        char lit = pc;
        std::size_t adv = 1;
        if (pc == '\\' && pi + 1 < p.size()) {
          lit = p[pi + 1];
          adv = 2;
        }
        if (lit == s[si]) {
          pi += adv;
          ++si;
          continue;
        }
      }
    }
    // Backtrack: let the last '*' eat one more character.
    if (star_p != std::string_view::npos && (rules.star_crosses_slash || s[star_s] != '/')) {
      ++star_s;
      si = star_s;
      pi = star_p;
      continue;
    }
    return false;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

std::vector<std::string> SplitPath(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    std::size_t slash = s.find('/', start);
    out.emplace_back(
        s.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

// Expands the first {a,b} group recursively; bounded.
Status ExpandBraces(const std::string& p, std::vector<std::string>& out) {
  if (out.size() > 256)
    return MakeError(ErrorCode::kResourceExhausted,
                     "pattern \"" + p + "\" has too many {} alternatives");
  std::size_t open = std::string::npos;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '\\') {
      ++i;
    } else if (p[i] == '{') {
      open = i;
      break;
    }
  }
  if (open == std::string::npos) {
    out.push_back(p);
    return Ok();
  }
  int depth = 0;
  std::vector<std::string> alts;
  std::size_t start = open + 1;
  for (std::size_t i = open; i < p.size(); ++i) {
    if (p[i] == '\\') {
      ++i;
      continue;
    }
    if (p[i] == '{') {
      ++depth;
    } else if (p[i] == '}') {
      if (--depth == 0) {
        alts.push_back(p.substr(start, i - start));
        for (const auto& a : alts) {
          if (auto s = ExpandBraces(p.substr(0, open) + a + p.substr(i + 1), out); !s) return s;
        }
        return Ok();
      }
    } else if (p[i] == ',' && depth == 1) {
      alts.push_back(p.substr(start, i - start));
      start = i + 1;
    }
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   "syntax error in pattern \"" + p + "\": unclosed {");
}

Result<bool> SegmentsMatch(const std::vector<std::string>& pat,
                           const std::vector<std::string>& path) {
  // dp[i][j]: pattern segments from i match path segments from j.
  std::vector<std::vector<int>> memo(pat.size() + 1, std::vector<int>(path.size() + 1, -1));
  GlobRules rules{.star_crosses_slash = false, .bang_negates = true};
  std::function<Result<bool>(std::size_t, std::size_t)> go = [&](std::size_t i,
                                                                 std::size_t j) -> Result<bool> {
    if (memo[i][j] >= 0) return memo[i][j] == 1;
    bool r = false;
    if (i == pat.size()) {
      r = j == path.size();
    } else if (pat[i] == "**") {
      for (std::size_t k = j; k <= path.size() && !r; ++k) {
        auto m = go(i + 1, k);
        if (!m) return m;
        r = *m;
      }
    } else if (j < path.size()) {
      auto m = Glob(pat[i], path[j], rules);
      if (!m) return m;
      if (*m) {
        auto rest = go(i + 1, j + 1);
        if (!rest) return rest;
        r = *rest;
      }
    }
    memo[i][j] = r ? 1 : 0;
    return r;
  };
  return go(0, 0);
}

}  // namespace

Result<bool> GoPathMatch(std::string_view pattern, std::string_view path) {
  return GlobMatch(pattern, path, {.dialect = GlobDialect::kGoPath});
}

bool GitPathspecMatch(std::string_view pattern, std::string_view path) {
  std::string_view p = pattern;
  if (p.starts_with("./")) p.remove_prefix(2);
  if (p.empty() || p == ".") return true;
  // Literal prefix: the path itself or a directory above it.
  if (path == p) return true;
  if (p.back() == '/' && path.starts_with(p)) return true;
  if (path.size() > p.size() && path.starts_with(p) && path[p.size()] == '/') return true;
  if (p.find_first_of("*?[\\") == std::string_view::npos) return false;
  auto m = Glob(p, path, {.star_crosses_slash = true, .bang_negates = true});
  return m.has_value() && *m;
}

Result<bool> DoublestarMatch(std::string_view pattern, std::string_view path) {
  std::vector<std::string> alternatives;
  CG_TRY(ExpandBraces(std::string(pattern), alternatives));
  auto segs = SplitPath(path);
  for (const auto& alt : alternatives) {
    auto m = SegmentsMatch(SplitPath(alt), segs);
    if (!m) return m;
    if (*m) return true;
  }
  return false;
}

}  // namespace cellgate::appset

// Semantic versions and Flux-style version constraints, for selecting the highest tag that
// matches a targetRevision such as ">=1.2.0 <2", "~1.4", "^1.2", "1.x", "*" or "1.2.3".
//
// Hand-written because Debian packages no C++ semver library. The rules are those of
// Masterminds/semver v3 (what Flux uses), with npm's reading of partial versions:
//   - Versions (tags) are lenient: an optional `v`/`V` prefix, one to three numeric parts
//     (missing parts are 0), an optional `-pre.release` and `+build` (build is ignored when
//     comparing). Precedence follows semver 2.0.0 §11.
//   - A constraint is `||`-separated alternatives of comparators joined by spaces or commas.
//     Comparators: `=`, `!=`, `>`, `>=`, `<`, `<=` (`=<`), `~` (`~>`), `^`, hyphen ranges
//     `1.2 - 1.4.5`, and wildcards `x`, `X`, `*` or missing parts (`1.2` = `1.2.x`).
//     `~1.2.3` = `>=1.2.3 <1.3.0`; `~1` = `>=1.0.0 <2.0.0`; `^1.2.3` = `>=1.2.3 <2.0.0`;
//     `^0.2.3` = `>=0.2.3 <0.3.0`; `^0.0.3` = `>=0.0.3 <0.0.4`; `>1.2` = `>=1.3.0`;
//     `<=1.2` = `<1.3.0`.
//   - A version with a pre-release matches an alternative only if one of that
//     alternative's comparators names a pre-release (`>=1.0.0-rc.1`); otherwise
//     pre-releases are excluded.
//
// Thread-safety: values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace cellgate::git {

struct SemVersion {
  std::uint64_t major = 0;
  std::uint64_t minor = 0;
  std::uint64_t patch = 0;
  std::vector<std::string> prerelease;  // dot-separated identifiers; empty for a release

  bool IsPrerelease() const { return !prerelease.empty(); }
  std::string ToString() const;
};

// Parses a tag name leniently (see above); nullopt when it is not a version.
std::optional<SemVersion> ParseSemVersion(std::string_view text);

// <0, 0 or >0 as a has lower, equal or higher precedence than b.
int CompareSemVersions(const SemVersion& a, const SemVersion& b);

class SemverConstraint {
 public:
  // kInvalidArgument when `text` is not a constraint (e.g. a branch name).
  static Result<SemverConstraint> Parse(std::string_view text);

  bool Matches(const SemVersion& v) const;

  // One comparator, lowered to an interval; `negate` inverts it (for `!=`).
  struct Interval {
    std::optional<SemVersion> lo;
    bool lo_inclusive = true;
    std::optional<SemVersion> hi;
    bool hi_inclusive = false;
    bool negate = false;
    bool empty = false;  // matches nothing (`<*`)
  };
  struct Alternative {
    std::vector<Interval> intervals;
    bool allows_prerelease = false;
  };

 private:
  std::vector<Alternative> alternatives_;
};

}  // namespace cellgate::git

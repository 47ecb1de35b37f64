// Revision resolution against a mirror's refs and objects (no network), following Argo CD's
// targetRevision rules, first match wins:
//   1. "" or "HEAD": the remote's default branch (the mirror's HEAD, which the sync points
//      at the remote's HEAD), falling back to `main`, then `master`.
//   2. A full ref name (`refs/heads/x`, `refs/tags/v1`).
//   3. A branch, then a tag, of that name (annotated tags are peeled to their commit).
//   4. A full 40-hex commit SHA, or an abbreviated one (at least 4 hex digits) that must
//      name exactly one object.
//   5. A semver constraint (see semver.h): the highest tag matching it; ties between
//      tags of equal precedence go to the greatest tag name.
//
// Thread-safety: uses `repo` only during the call; the caller owns it.
#pragma once

#include <git2.h>

#include <string>
#include <string_view>

#include "core/result.h"

namespace cellgate::git {

// The full commit SHA `revision` names. kNotFound: "revision 'x' not found in <url>";
// kInvalidArgument for an ambiguous abbreviated SHA. `url` must already be redacted.
Result<std::string> ResolveRevision(git_repository* repo, std::string_view revision,
                                    std::string_view url);

}  // namespace cellgate::git

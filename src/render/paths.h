// Repository-relative paths, handled lexically so that nothing an Application or a
// kustomization says can point outside the repository.
//
// A repository path is '/'-separated, relative to the repository root, without "." or ".."
// components and without leading or trailing slashes; "" is the root. Symlinks are not
// resolved here: the git Snapshot refuses symlinks that leave the repository, and
// Materialize does not write them.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace cellgate::render {

// Normalizes `path` relative to the root: "./a//b/../c/" -> "a/c", "." -> "".
// kPermissionDenied when ".." climbs above the root; kInvalidArgument for an absolute path
// or a NUL byte.
Result<std::string> NormalizeRepoPath(std::string_view path);

// Resolves `rel` against the repository directory `base` (already normalized). An absolute
// `rel` ("/values.yaml") is taken relative to the repository root, as Argo CD does for Helm
// value files. kPermissionDenied when the result leaves the repository.
Result<std::string> ResolveRepoPath(std::string_view base, std::string_view rel);

// True when `path` is `dir` or below it ("" contains everything). Both normalized.
bool IsWithin(std::string_view path, std::string_view dir);

// "a" + "b" -> "a/b"; either side may be "".
std::string JoinRepoPath(std::string_view a, std::string_view b);

// `path` relative to `dir`; `path` must be within `dir`. ("a/b/c", "a") -> "b/c".
std::string RelativeTo(std::string_view path, std::string_view dir);

// The last component: "a/b/c.yaml" -> "c.yaml".
std::string_view BaseName(std::string_view path);

}  // namespace cellgate::render

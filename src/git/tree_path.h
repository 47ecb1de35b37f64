// Paths inside a commit's tree: checking a caller's path and resolving it through the tree
// with symlinks followed the way the kernel would follow them in a checkout (a symlink's
// target is relative to the directory holding it; `..` after a symlink leaves the target's
// parent). Whatever leaves the repository is refused, so a Snapshot can never be made to
// read, or a checkout to point at, anything outside the repository.
//
// Thread-safety: uses `repo` only during the call; the caller serialises access to it.
#pragma once

#include <git2.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace cellgate::git {

// Splits a caller's path into components, dropping "" and ".". kPermissionDenied for
// absolute paths and any ".." component.
Result<std::vector<std::string>> SplitRepoPath(std::string_view path);

// Joins components with '/'.
std::string JoinRepoPath(const std::vector<std::string>& components);

struct ResolvedEntry {
  std::string path;  // the real path after following symlinks ("" for the root)
  git_oid oid{};
  git_filemode_t mode = GIT_FILEMODE_TREE;
};

// Resolves `components` from `root`, following symlinks on the way and, with `follow_last`,
// a symlink at the end. kNotFound (path absent, or a file used as a directory),
// kPermissionDenied (a symlink leaves the repository), kInvalidArgument (symlink loop).
// Messages name `display` (the caller's path).
Result<ResolvedEntry> ResolveTreePath(git_repository* repo, const git_tree* root,
                                      const std::vector<std::string>& components, bool follow_last,
                                      std::string_view display);

// Orders paths component by component ("a/b" before "a-c"), so a sorted listing is depth first.
bool RepoPathLess(std::string_view a, std::string_view b);

}  // namespace cellgate::git

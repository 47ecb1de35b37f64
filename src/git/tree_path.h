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

// Checks one tree entry name before it becomes a path component (on disk or in a listing).
// Refused, as git's verify_path and fsck refuse them: "", ".", "..", any name holding '/',
// '\\' or NUL, and every spelling of ".git" that a file system could map to the repository's
// own directory: any case (".GIT"), with HFS+'s ignorable Unicode code points inside
// (".g\u200cit"), with NTFS's trailing dots and spaces or a stream suffix (".git.", ".git ",
// ".git::$INDEX_ALLOCATION"), and its NTFS short name ("git~1"). kInvalidArgument whose message
// names `path` (the entry's full path) and `commit`.
Status CheckTreeEntryName(std::string_view name, std::string_view path, std::string_view commit);

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
// kPermissionDenied (a symlink leaves the repository), kInvalidArgument (symlink loop, or an
// entry on the way whose name CheckTreeEntryName refuses). Messages name `display` (the
// caller's path) and, for refused names, `commit`.
Result<ResolvedEntry> ResolveTreePath(git_repository* repo, const git_tree* root,
                                      const std::vector<std::string>& components, bool follow_last,
                                      std::string_view display, std::string_view commit);

// Orders paths component by component ("a/b" before "a-c"), so a sorted listing is depth first.
bool RepoPathLess(std::string_view a, std::string_view b);

}  // namespace cellgate::git

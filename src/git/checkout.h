// Checkouts: a commit's tree written to disk for tools that need files (kustomize, helm).
//
// A checkout lives at `<checkouts_dir>/<commit>` and is immutable once there: it is written
// to a temporary directory beside it and renamed into place, so a reader either sees a
// complete checkout or none, and concurrent writers of the same commit (threads or
// processes) end with one. Symlinks are written only when they resolve to an entry inside
// the repository; others are skipped (and logged by path). Submodules become empty
// directories, as in `git clone` without `--recurse-submodules`.
//
// The tree is untrusted. Every entry name is checked (CheckTreeEntryName: no "..", no
// separators, no ".git" spellings), and every file, directory and symlink is created
// relative to its parent directory's descriptor with mkdirat/openat/symlinkat, exclusively
// (O_EXCL, O_NOFOLLOW), never through a path string: a symlink written earlier in the same
// checkout is never followed, and a name that appears twice in one tree is refused.
//
// Thread-safety: WriteCheckout uses `repo` only during the call (the caller serialises access
// to it); RemoveCheckouts may run concurrently with writers but removes what it is told to.
#pragma once

#include <git2.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <set>
#include <string>

#include "core/result.h"

namespace cellgate::git {

struct CheckoutLimits {
  std::uint64_t max_blob_bytes = 64u << 20;    // one file
  std::uint64_t max_total_bytes = 256u << 20;  // all files of one checkout together
  std::uint64_t max_files = 20'000;            // files, directories and symlinks together
  int max_depth = 256;                         // directories nested in one another
};

// Writes `root` (the tree of `commit`) to `<checkouts_dir>/<commit>` unless it exists, and
// returns that directory. kResourceExhausted (naming the commit and the limit) when the tree
// is over one of `limits`; kInvalidArgument for a refused or duplicate entry name. Nothing is
// left behind on error.
Result<std::filesystem::path> WriteCheckout(git_repository* repo, const git_tree* root,
                                            const std::string& commit,
                                            const std::filesystem::path& checkouts_dir,
                                            const CheckoutLimits& limits);

struct CheckoutCleanup {
  // Remove checkouts last materialized (written or reused) longer ago than this; zero
  // removes every checkout not kept.
  std::chrono::seconds max_age{0};
  // Commits whose checkouts stay regardless of age (those still in use).
  std::set<std::string> keep;
};

// Removes checkouts (and abandoned temporary directories) per `cleanup`; returns how many
// checkouts were removed.
Result<int> RemoveCheckouts(const std::filesystem::path& checkouts_dir,
                            const CheckoutCleanup& cleanup);

}  // namespace cellgate::git

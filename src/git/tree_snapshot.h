// TreeSnapshot: the Snapshot of one commit, read straight from a mirror's object database.
//
// Each snapshot opens its own handle on the mirror, so snapshots of the same repository read
// in parallel, and a fetch into the mirror never disturbs them (objects are never removed
// from a mirror). Calls on one snapshot are serialised by its mutex: libgit2 handles are
// single-threaded.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/mutex.h"
#include "git/checkout.h"
#include "git/libgit2.h"
#include "git/source.h"
#include "git/tree_path.h"

namespace cellgate::git {

class TreeSnapshot final : public Snapshot {
 public:
  struct Options {
    std::filesystem::path mirror_dir;
    std::filesystem::path checkouts_dir;
    CheckoutLimits limits;  // limits.max_blob_bytes also bounds ReadFile
  };

  // kNotFound when `commit` (a full SHA) is not a commit in the mirror.
  static Result<std::shared_ptr<const TreeSnapshot>> Open(const Options& options,
                                                          const std::string& commit);

  const std::string& commit() const override { return commit_; }
  Result<std::vector<TreeEntry>> List(const std::string& dir, bool recursive) const override;
  Result<std::string> ReadFile(const std::string& path) const override;
  Result<std::string> ObjectId(const std::string& path) const override;
  Result<std::filesystem::path> Materialize() const override;

 private:
  TreeSnapshot(Options options, std::string commit, RepositoryPtr repo, TreePtr root, OdbPtr odb)
      : options_(std::move(options)),
        commit_(std::move(commit)),
        repo_(std::move(repo)),
        root_(std::move(root)),
        odb_(std::move(odb)) {}

  // Resolves a caller's path, following symlinks.
  Result<ResolvedEntry> Resolve(const std::string& path) const REQUIRES(mu_);
  Status ListInto(const git_oid& tree_oid, const std::string& prefix, bool recursive,
                  std::vector<TreeEntry>& out) const REQUIRES(mu_);

  const Options options_;
  const std::string commit_;
  mutable core::Mutex mu_;
  RepositoryPtr repo_ GUARDED_BY(mu_);
  TreePtr root_ GUARDED_BY(mu_);
  OdbPtr odb_ GUARDED_BY(mu_);
};

}  // namespace cellgate::git

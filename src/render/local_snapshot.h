// LocalSnapshot: a git::Snapshot of a directory on disk (a working tree, uncommitted changes
// included), for `cellgate render --repo <dir>`: render what you are editing before you
// commit, as `kustomize build <dir>` or `helm template <dir>` would.
//
// It keeps the Snapshot contracts: paths may not leave the root, symlinks are followed only
// when they stay inside it, `.git` is invisible, ObjectIds are content digests (SHA-256,
// not git's ids) that change exactly when a file or subtree changes, and Materialize writes
// a copy (without `.git` and escaping symlinks) to a temporary directory, so tools never see
// files outside the root. commit() is "worktree".
//
// Thread-safety: safe for concurrent reads; ObjectIds are memoized under a mutex, so the
// snapshot reflects the files as they were when first read.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/mutex.h"
#include "git/source.h"

namespace cellgate::render {

class LocalSnapshot final : public git::Snapshot {
 public:
  // kNotFound when `root` is not a directory.
  static Result<std::shared_ptr<const LocalSnapshot>> Open(const std::filesystem::path& root,
                                                           std::uint64_t max_file_bytes = 64u
                                                                                          << 20);
  ~LocalSnapshot() override;

  const std::string& commit() const override { return commit_; }
  Result<std::vector<git::TreeEntry>> List(const std::string& dir, bool recursive) const override;
  Result<std::string> ReadFile(const std::string& path) const override;
  Result<std::string> ObjectId(const std::string& path) const override;
  Result<std::filesystem::path> Materialize() const override;

  const std::filesystem::path& root() const { return root_; }

 private:
  LocalSnapshot(std::filesystem::path root, std::uint64_t max_file_bytes)
      : root_(std::move(root)), max_file_bytes_(max_file_bytes) {}

  // The absolute path of a repository path, after checking it stays inside the root.
  Result<std::filesystem::path> Resolve(const std::string& path, bool follow_final) const;
  bool Inside(const std::filesystem::path& canonical) const;
  Status ListInto(const std::string& dir, bool recursive, std::vector<git::TreeEntry>& out) const;
  Result<std::string> OidOf(const std::string& path) const;

  const std::filesystem::path root_;  // canonical
  const std::uint64_t max_file_bytes_;
  const std::string commit_ = "worktree";
  mutable core::Mutex mu_;
  mutable std::map<std::string, std::string> oids_ GUARDED_BY(mu_);
  mutable std::filesystem::path materialized_ GUARDED_BY(mu_);
};

}  // namespace cellgate::render

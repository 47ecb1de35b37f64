#include "git/tree_snapshot.h"

#include <algorithm>

#include "core/mutex.h"
#include "git/checkout.h"

namespace cellgate::git {
namespace {

EntryType TypeOf(git_filemode_t mode) {
  switch (mode) {
    case GIT_FILEMODE_TREE:
      return EntryType::kDirectory;
    case GIT_FILEMODE_LINK:
      return EntryType::kSymlink;
    case GIT_FILEMODE_COMMIT:
      return EntryType::kSubmodule;
    default:
      return EntryType::kFile;
  }
}

}  // namespace

Result<std::shared_ptr<const TreeSnapshot>> TreeSnapshot::Open(const Options& options,
                                                               const std::string& commit) {
  auto repo = OpenBare(options.mirror_dir);
  CG_TRY(repo);
  git_oid oid;
  if (commit.size() != GIT_OID_HEXSZ || git_oid_fromstr(&oid, commit.c_str()) != 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "'" + commit + "' is not a full commit SHA (resolve it first)");
  }
  git_commit* raw_commit = nullptr;
  if (git_commit_lookup(&raw_commit, repo->get(), &oid) != 0) {
    return MakeError(ErrorCode::kNotFound, "commit " + commit + " not in the mirror");
  }
  git_tree* raw_tree = nullptr;
  int rc = git_commit_tree(&raw_tree, raw_commit);
  git_commit_free(raw_commit);
  if (rc != 0) return std::unexpected(GitError(ErrorCode::kInternal, "read tree of " + commit));
  TreePtr tree(raw_tree);
  git_odb* raw_odb = nullptr;
  if (git_repository_odb(&raw_odb, repo->get()) != 0) {
    return std::unexpected(GitError(ErrorCode::kInternal, "open object database"));
  }
  return std::shared_ptr<const TreeSnapshot>(
      new TreeSnapshot(options, commit, std::move(*repo), std::move(tree), OdbPtr(raw_odb)));
}

Result<ResolvedEntry> TreeSnapshot::Resolve(const std::string& path) const {
  auto parts = SplitRepoPath(path);
  CG_TRY(parts);
  return ResolveTreePath(repo_.get(), root_.get(), *parts, /*follow_last=*/true, path, commit_);
}

Status TreeSnapshot::ListInto(const git_oid& tree_oid, const std::string& prefix, bool recursive,
                              std::vector<TreeEntry>& out) const {
  git_tree* raw = nullptr;
  if (git_tree_lookup(&raw, repo_.get(), &tree_oid) != 0) {
    return std::unexpected(GitError(ErrorCode::kInternal, "read tree " + prefix));
  }
  TreePtr tree(raw);
  for (std::size_t i = 0; i < git_tree_entrycount(tree.get()); ++i) {
    const git_tree_entry* e = git_tree_entry_byindex(tree.get(), i);
    std::string_view name = git_tree_entry_name(e);
    std::string path = prefix;
    if (!path.empty()) path += '/';
    path += name;
    if (Status ok = CheckTreeEntryName(name, path, commit_); !ok) return ok;
    TreeEntry entry{.path = std::move(path),
                    .type = TypeOf(git_tree_entry_filemode(e)),
                    .oid = OidHex(*git_tree_entry_id(e))};
    if (entry.type == EntryType::kFile || entry.type == EntryType::kSymlink) {
      std::size_t size = 0;
      git_object_t type = GIT_OBJECT_INVALID;
      if (git_odb_read_header(&size, &type, odb_.get(), git_tree_entry_id(e)) != 0) {
        return std::unexpected(GitError(ErrorCode::kInternal, "read " + entry.path));
      }
      entry.size = size;
    }
    bool descend = recursive && entry.type == EntryType::kDirectory;
    std::string child_prefix = entry.path;
    out.push_back(std::move(entry));
    if (descend) {
      if (Status st = ListInto(*git_tree_entry_id(e), child_prefix, true, out); !st) return st;
    }
  }
  return Ok();
}

Result<std::vector<TreeEntry>> TreeSnapshot::List(const std::string& dir, bool recursive) const {
  core::MutexLock lock(mu_);
  auto parts = SplitRepoPath(dir);
  CG_TRY(parts);
  auto resolved = ResolveTreePath(repo_.get(), root_.get(), *parts, true, dir, commit_);
  CG_TRY(resolved);
  if (resolved->mode != GIT_FILEMODE_TREE) {
    return MakeError(ErrorCode::kInvalidArgument, "'" + dir + "' is not a directory");
  }
  std::vector<TreeEntry> out;
  CG_TRY(ListInto(resolved->oid, JoinRepoPath(*parts), recursive, out));
  std::sort(out.begin(), out.end(),
            [](const TreeEntry& a, const TreeEntry& b) { return RepoPathLess(a.path, b.path); });
  return out;
}

Result<std::string> TreeSnapshot::ReadFile(const std::string& path) const {
  core::MutexLock lock(mu_);
  auto resolved = Resolve(path);
  CG_TRY(resolved);
  if (resolved->mode == GIT_FILEMODE_TREE) {
    return MakeError(ErrorCode::kInvalidArgument, "'" + path + "' is a directory");
  }
  if (resolved->mode == GIT_FILEMODE_COMMIT) {
    return MakeError(ErrorCode::kInvalidArgument, "'" + path + "' is a submodule");
  }
  std::size_t size = 0;
  git_object_t type = GIT_OBJECT_INVALID;
  if (git_odb_read_header(&size, &type, odb_.get(), &resolved->oid) != 0) {
    return std::unexpected(GitError(ErrorCode::kInternal, "read " + path));
  }
  if (size > options_.limits.max_blob_bytes) {
    return MakeError(ErrorCode::kResourceExhausted,
                     "file '" + path + "' is " + std::to_string(size) +
                         " bytes, over the limit of " +
                         std::to_string(options_.limits.max_blob_bytes));
  }
  git_blob* raw = nullptr;
  if (git_blob_lookup(&raw, repo_.get(), &resolved->oid) != 0) {
    return std::unexpected(GitError(ErrorCode::kInternal, "read " + path));
  }
  BlobPtr blob(raw);
  return std::string(static_cast<const char*>(git_blob_rawcontent(raw)),
                     static_cast<std::size_t>(git_blob_rawsize(raw)));
}

Result<std::string> TreeSnapshot::ObjectId(const std::string& path) const {
  core::MutexLock lock(mu_);
  auto resolved = Resolve(path);
  CG_TRY(resolved);
  return OidHex(resolved->oid);
}

Result<std::filesystem::path> TreeSnapshot::Materialize() const {
  core::MutexLock lock(mu_);
  return WriteCheckout(repo_.get(), root_.get(), commit_, options_.checkouts_dir, options_.limits);
}

}  // namespace cellgate::git

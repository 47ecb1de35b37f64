#include "git/checkout.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <vector>

#include "git/libgit2.h"
#include "git/tree_path.h"

namespace cellgate::git {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kTempPrefix = ".tmp-";

struct Writer {
  git_repository* repo;
  const git_tree* root;
  std::uint64_t max_blob_bytes;
  git_odb* odb;
};

Error IoError(const fs::path& p, const std::error_code& ec) {
  return Error(ErrorCode::kInternal, "write checkout " + p.string() + ": " + ec.message());
}

Status WriteBlob(const Writer& w, const git_oid& oid, const std::string& path, const fs::path& to,
                 bool executable) {
  std::size_t size = 0;
  git_object_t type = GIT_OBJECT_INVALID;
  if (git_odb_read_header(&size, &type, w.odb, &oid) != 0) {
    return std::unexpected(GitError(ErrorCode::kInternal, "read " + path));
  }
  if (size > w.max_blob_bytes) {
    return MakeError(ErrorCode::kResourceExhausted,
                     "file '" + path + "' is " + std::to_string(size) +
                         " bytes, over the limit of " + std::to_string(w.max_blob_bytes));
  }
  git_blob* raw = nullptr;
  if (git_blob_lookup(&raw, w.repo, &oid) != 0) {
    return std::unexpected(GitError(ErrorCode::kInternal, "read " + path));
  }
  BlobPtr blob(raw);
  std::ofstream out(to, std::ios::binary | std::ios::trunc);
  out.write(static_cast<const char*>(git_blob_rawcontent(raw)),
            static_cast<std::streamsize>(git_blob_rawsize(raw)));
  out.close();
  if (!out) return MakeError(ErrorCode::kInternal, "write checkout file " + to.string());
  std::error_code ec;
  fs::permissions(to, executable ? fs::perms(0755) : fs::perms(0644), fs::perm_options::replace,
                  ec);
  if (ec) return std::unexpected(IoError(to, ec));
  return Ok();
}

Status WriteSymlink(const Writer& w, const git_oid& oid, const std::string& path,
                    const fs::path& to) {
  auto parts = SplitRepoPath(path);
  if (!parts) return std::unexpected(parts.error());
  auto resolved = ResolveTreePath(w.repo, w.root, *parts, /*follow_last=*/true, path);
  if (!resolved) {
    spdlog::warn("checkout: symlink '{}' not written: {}", path, resolved.error().message());
    return Ok();
  }
  git_blob* raw = nullptr;
  if (git_blob_lookup(&raw, w.repo, &oid) != 0) {
    return std::unexpected(GitError(ErrorCode::kInternal, "read symlink " + path));
  }
  BlobPtr blob(raw);
  std::string target(static_cast<const char*>(git_blob_rawcontent(raw)),
                     static_cast<std::size_t>(git_blob_rawsize(raw)));
  std::error_code ec;
  fs::create_symlink(target, to, ec);
  if (ec) return std::unexpected(IoError(to, ec));
  return Ok();
}

Status WriteTree(const Writer& w, const git_tree* tree, const std::string& prefix,
                 const fs::path& dir) {
  std::error_code ec;
  fs::create_directory(dir, ec);
  if (ec) return std::unexpected(IoError(dir, ec));
  for (std::size_t i = 0; i < git_tree_entrycount(tree); ++i) {
    const git_tree_entry* e = git_tree_entry_byindex(tree, i);
    std::string name = git_tree_entry_name(e);
    std::string path = prefix;
    if (!path.empty()) path += '/';
    path += name;
    fs::path to = dir / name;
    const git_oid* oid = git_tree_entry_id(e);
    Status st;
    switch (git_tree_entry_filemode(e)) {
      case GIT_FILEMODE_TREE: {
        git_tree* raw = nullptr;
        if (git_tree_lookup(&raw, w.repo, oid) != 0) {
          return std::unexpected(GitError(ErrorCode::kInternal, "read tree " + path));
        }
        TreePtr sub(raw);
        st = WriteTree(w, sub.get(), path, to);
        break;
      }
      case GIT_FILEMODE_BLOB:
      case GIT_FILEMODE_BLOB_EXECUTABLE:
        st = WriteBlob(w, *oid, path, to,
                       git_tree_entry_filemode(e) == GIT_FILEMODE_BLOB_EXECUTABLE);
        break;
      case GIT_FILEMODE_LINK:
        st = WriteSymlink(w, *oid, path, to);
        break;
      default:  // a submodule
        fs::create_directory(to, ec);
        if (ec) return std::unexpected(IoError(to, ec));
        break;
    }
    if (!st) return st;
  }
  return Ok();
}

std::string TempName(const std::string& commit) {
  static std::atomic<unsigned> counter{0};
  return std::string(kTempPrefix) + commit + "-" + std::to_string(::getpid()) + "-" +
         std::to_string(counter.fetch_add(1));
}

}  // namespace

Result<fs::path> WriteCheckout(git_repository* repo, const git_tree* root,
                               const std::string& commit, const fs::path& checkouts_dir,
                               std::uint64_t max_blob_bytes) {
  const fs::path final_dir = checkouts_dir / commit;
  std::error_code ec;
  if (fs::is_directory(final_dir, ec)) {
    // Reuse counts as use: RemoveCheckouts' max_age measures from the last Materialize.
    fs::last_write_time(final_dir, fs::file_time_type::clock::now(), ec);
    return final_dir;
  }
  fs::create_directories(checkouts_dir, ec);
  if (ec) return std::unexpected(IoError(checkouts_dir, ec));
  git_odb* raw_odb = nullptr;
  if (git_repository_odb(&raw_odb, repo) != 0) {
    return std::unexpected(GitError(ErrorCode::kInternal, "open object database"));
  }
  OdbPtr odb(raw_odb);
  const fs::path temp = checkouts_dir / TempName(commit);
  Writer w{repo, root, max_blob_bytes, odb.get()};
  Status st = WriteTree(w, root, "", temp);
  if (st) {
    fs::rename(temp, final_dir, ec);
    if (ec && fs::is_directory(final_dir)) ec.clear();  // another writer won the race
    if (ec) st = std::unexpected(IoError(final_dir, ec));
  }
  std::error_code ignored;
  fs::remove_all(temp, ignored);
  if (!st) return std::unexpected(st.error().Wrap("materialize " + commit));
  return final_dir;
}

Result<int> RemoveCheckouts(const fs::path& checkouts_dir, const CheckoutCleanup& cleanup) {
  std::error_code ec;
  if (!fs::exists(checkouts_dir, ec)) return 0;
  const auto now = fs::file_time_type::clock::now();
  int removed = 0;
  std::vector<fs::path> doomed;
  for (const fs::directory_entry& entry : fs::directory_iterator(checkouts_dir, ec)) {
    std::string name = entry.path().filename().string();
    bool temp = name.starts_with(kTempPrefix);
    if (!temp && cleanup.keep.contains(name)) continue;
    auto written = entry.last_write_time(ec);
    if (ec) continue;
    // Temporary directories of writers still running are young; leave them a minute.
    auto max_age = temp ? std::max(cleanup.max_age, std::chrono::seconds(60)) : cleanup.max_age;
    if (now - written < max_age) continue;
    doomed.push_back(entry.path());
    if (!temp) ++removed;
  }
  if (ec) return std::unexpected(IoError(checkouts_dir, ec));
  for (const fs::path& p : doomed) {
    fs::remove_all(p, ec);
    if (ec) return std::unexpected(IoError(p, ec));
  }
  return removed;
}

}  // namespace cellgate::git

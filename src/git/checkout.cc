#include "git/checkout.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <vector>

#include "git/libgit2.h"
#include "git/tree_path.h"

namespace cellgate::git {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kTempPrefix = ".tmp-";

// Flags of every descriptor the writer opens: never follow a symlink in the last component
// (earlier ones never exist: each open is relative to its parent's descriptor).
constexpr int kDirFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
constexpr int kFileFlags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

struct Writer {
  git_repository* repo;
  const git_tree* root;
  const std::string& commit;
  const CheckoutLimits& limits;
  git_odb* odb;
  std::uint64_t bytes = 0;    // written so far
  std::uint64_t entries = 0;  // files, directories and symlinks created so far

  Error Fail(ErrorCode code, const std::string& message) const {
    return Error(code, "commit " + commit + ": " + message);
  }
  // A failed system call on `path`; EEXIST means the tree names `path` twice.
  Error Sys(std::string_view call, const std::string& path, int err) const {
    if (err == EEXIST) {
      return Fail(ErrorCode::kInvalidArgument, "tree entry '" + path + "' appears twice");
    }
    return Fail(ErrorCode::kInternal,
                "write checkout: " + std::string(call) + " '" + path + "': " + std::strerror(err));
  }
  Status Count(const std::string& path) {
    if (++entries <= limits.max_files) return Ok();
    return std::unexpected(Fail(ErrorCode::kResourceExhausted,
                                "checkout has more than " + std::to_string(limits.max_files) +
                                    " files and directories (at '" + path + "')"));
  }
};

Error IoError(const fs::path& p, const std::error_code& ec) {
  return Error(ErrorCode::kInternal, "write checkout " + p.string() + ": " + ec.message());
}

Status WriteAll(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return MakeError(ErrorCode::kInternal, std::strerror(n < 0 ? errno : EIO));
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return Ok();
}

Status WriteBlob(Writer& w, const git_oid& oid, const std::string& path, int dir_fd,
                 const char* name, bool executable) {
  std::size_t size = 0;
  git_object_t type = GIT_OBJECT_INVALID;
  if (git_odb_read_header(&size, &type, w.odb, &oid) != 0) {
    return std::unexpected(GitError(ErrorCode::kInternal, "read " + path));
  }
  if (size > w.limits.max_blob_bytes) {
    return std::unexpected(
        w.Fail(ErrorCode::kResourceExhausted, "file '" + path + "' is " + std::to_string(size) +
                                                  " bytes, over the limit of " +
                                                  std::to_string(w.limits.max_blob_bytes)));
  }
  w.bytes += size;
  if (w.bytes > w.limits.max_total_bytes) {
    return std::unexpected(
        w.Fail(ErrorCode::kResourceExhausted, "checkout is over the limit of " +
                                                  std::to_string(w.limits.max_total_bytes) +
                                                  " bytes (at '" + path + "')"));
  }
  git_blob* raw = nullptr;
  if (git_blob_lookup(&raw, w.repo, &oid) != 0) {
    return std::unexpected(GitError(ErrorCode::kInternal, "read " + path));
  }
  BlobPtr blob(raw);
  const mode_t mode = executable ? 0755 : 0644;
  Fd out(::openat(dir_fd, name, kFileFlags, mode));
  if (out.get() < 0) return std::unexpected(w.Sys("open", path, errno));
  if (Status st = WriteAll(out.get(), static_cast<const char*>(git_blob_rawcontent(raw)),
                           static_cast<std::size_t>(git_blob_rawsize(raw)));
      !st) {
    return std::unexpected(w.Fail(ErrorCode::kInternal,
                                  "write checkout file '" + path + "': " + st.error().message()));
  }
  if (::fchmod(out.get(), mode) != 0) return std::unexpected(w.Sys("chmod", path, errno));
  return Ok();
}

Status WriteSymlink(Writer& w, const git_oid& oid, const std::string& path, int dir_fd,
                    const char* name) {
  auto parts = SplitRepoPath(path);
  CG_TRY(parts);
  auto resolved = ResolveTreePath(w.repo, w.root, *parts, /*follow_last=*/true, path, w.commit);
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
  if (target.find('\0') != std::string::npos) {
    spdlog::warn("checkout: symlink '{}' not written: its target holds NUL", path);
    return Ok();
  }
  if (::symlinkat(target.c_str(), dir_fd, name) != 0) {
    return std::unexpected(w.Sys("symlink", path, errno));
  }
  return Ok();
}

// Writes the entries of `tree` into the directory open as `dir_fd`.
Status WriteTree(Writer& w, const git_tree* tree, const std::string& prefix, int dir_fd,
                 int depth) {
  if (depth > w.limits.max_depth) {
    return std::unexpected(w.Fail(ErrorCode::kResourceExhausted,
                                  "directories nested deeper than " +
                                      std::to_string(w.limits.max_depth) + " at '" + prefix + "'"));
  }
  for (std::size_t i = 0; i < git_tree_entrycount(tree); ++i) {
    const git_tree_entry* e = git_tree_entry_byindex(tree, i);
    const char* name = git_tree_entry_name(e);
    std::string path = prefix;
    if (!path.empty()) path += '/';
    path += name;
    if (Status ok = CheckTreeEntryName(name, path, w.commit); !ok) return ok;
    if (Status ok = w.Count(path); !ok) return ok;
    const git_oid* oid = git_tree_entry_id(e);
    Status st;
    switch (git_tree_entry_filemode(e)) {
      case GIT_FILEMODE_TREE: {
        git_tree* raw = nullptr;
        if (git_tree_lookup(&raw, w.repo, oid) != 0) {
          return std::unexpected(GitError(ErrorCode::kInternal, "read tree " + path));
        }
        TreePtr sub(raw);
        if (::mkdirat(dir_fd, name, 0755) != 0) return std::unexpected(w.Sys("mkdir", path, errno));
        Fd child(::openat(dir_fd, name, kDirFlags));
        if (child.get() < 0) return std::unexpected(w.Sys("open", path, errno));
        st = WriteTree(w, sub.get(), path, child.get(), depth + 1);
        break;
      }
      case GIT_FILEMODE_BLOB:
      case GIT_FILEMODE_BLOB_EXECUTABLE:
        st = WriteBlob(w, *oid, path, dir_fd, name,
                       git_tree_entry_filemode(e) == GIT_FILEMODE_BLOB_EXECUTABLE);
        break;
      case GIT_FILEMODE_LINK:
        st = WriteSymlink(w, *oid, path, dir_fd, name);
        break;
      default:  // a submodule
        if (::mkdirat(dir_fd, name, 0755) != 0) return std::unexpected(w.Sys("mkdir", path, errno));
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
                               const CheckoutLimits& limits) {
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
  Writer w{repo, root, commit, limits, odb.get()};
  Status st;
  if (::mkdir(temp.c_str(), 0755) != 0) {
    st = std::unexpected(w.Sys("mkdir", temp.string(), errno));
  } else {
    Fd top(::open(temp.c_str(), kDirFlags));
    st = top.get() < 0 ? std::unexpected(w.Sys("open", temp.string(), errno))
                       : WriteTree(w, root, "", top.get(), 0);
  }
  if (st) {
    fs::rename(temp, final_dir, ec);
    if (ec && fs::is_directory(final_dir)) ec.clear();  // another writer won the race
    if (ec) st = std::unexpected(IoError(final_dir, ec));
  }
  std::error_code ignored;
  fs::remove_all(temp, ignored);
  CG_TRY(st);
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

#include "render/local_snapshot.h"

#include <stdlib.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>

#include "core/digest.h"
#include "core/mutex.h"
#include "render/paths.h"

namespace cellgate::render {
namespace {

namespace fs = std::filesystem;

std::string Display(const std::string& p) { return p.empty() ? "." : p; }

}  // namespace

Result<std::shared_ptr<const LocalSnapshot>> LocalSnapshot::Open(const fs::path& root,
                                                                 std::uint64_t max_file_bytes) {
  std::error_code ec;
  fs::path canonical = fs::canonical(root, ec);
  if (ec || !fs::is_directory(canonical, ec)) {
    return MakeError(ErrorCode::kNotFound, root.string() + " is not a directory");
  }
  return std::shared_ptr<const LocalSnapshot>(new LocalSnapshot(canonical, max_file_bytes));
}

LocalSnapshot::~LocalSnapshot() {
  std::error_code ec;
  if (!materialized_.empty()) fs::remove_all(materialized_, ec);
}

bool LocalSnapshot::Inside(const fs::path& canonical) const {
  auto rel = canonical.lexically_relative(root_);
  return !rel.empty() && *rel.begin() != "..";
}

Result<fs::path> LocalSnapshot::Resolve(const std::string& path, bool follow_final) const {
  auto norm = NormalizeRepoPath(path);
  CG_TRY(norm);
  if (*norm == ".git" || norm->starts_with(".git/")) {
    return MakeError(ErrorCode::kNotFound, "'" + path + "' not found");
  }
  if (norm->empty()) return root_;
  fs::path full = root_ / *norm;
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(full, ec))) {
    return MakeError(ErrorCode::kNotFound, "'" + Display(*norm) + "' not found");
  }
  // Every directory on the way must stay inside; the final symlink only when followed.
  fs::path parent = fs::weakly_canonical(full.parent_path(), ec);
  if (ec || (!Inside(parent) && parent != root_)) {
    return MakeError(ErrorCode::kPermissionDenied,
                     "'" + Display(*norm) + "' resolves outside the repository");
  }
  if (!follow_final) return parent / full.filename();
  fs::path target = fs::weakly_canonical(full, ec);
  if (ec || (!Inside(target) && target != root_)) {
    return MakeError(ErrorCode::kPermissionDenied,
                     "symlink '" + Display(*norm) + "' points outside the repository");
  }
  return target;
}

Status LocalSnapshot::ListInto(const std::string& dir, bool recursive,
                               std::vector<git::TreeEntry>& out) const {
  auto full = Resolve(dir, true);
  CG_TRY(full);
  std::error_code ec;
  if (!fs::is_directory(*full, ec)) {
    return MakeError(ErrorCode::kNotFound, "directory '" + Display(dir) + "' not found");
  }
  std::vector<fs::directory_entry> entries;
  for (const auto& e : fs::directory_iterator(*full, ec)) entries.push_back(e);
  if (ec) return MakeError(ErrorCode::kInternal, "list " + Display(dir) + ": " + ec.message());
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.path().filename() < b.path().filename(); });
  for (const auto& e : entries) {
    std::string name = e.path().filename().string();
    if (name == ".git") continue;
    std::string path = JoinRepoPath(dir, name);
    git::TreeEntry t{path, git::EntryType::kFile, "", 0};
    if (e.is_symlink(ec)) {
      t.type = git::EntryType::kSymlink;
    } else if (e.is_directory(ec)) {
      t.type = git::EntryType::kDirectory;
    } else if (e.is_regular_file(ec)) {
      t.size = e.file_size(ec);
    } else {
      continue;  // sockets, devices: not content
    }
    auto oid = OidOf(path);
    CG_TRY(oid);
    t.oid = *oid;
    out.push_back(t);
    if (recursive && t.type == git::EntryType::kDirectory) {
      if (auto st = ListInto(path, true, out); !st) return st;
    }
  }
  return Ok();
}

Result<std::vector<git::TreeEntry>> LocalSnapshot::List(const std::string& dir,
                                                        bool recursive) const {
  auto norm = NormalizeRepoPath(dir);
  CG_TRY(norm);
  std::vector<git::TreeEntry> out;
  CG_TRY(ListInto(*norm, recursive, out));
  return out;
}

Result<std::string> LocalSnapshot::ReadFile(const std::string& path) const {
  auto full = Resolve(path, true);
  CG_TRY(full);
  std::error_code ec;
  if (!fs::is_regular_file(*full, ec)) {
    return MakeError(ErrorCode::kInvalidArgument, "'" + path + "' is not a file");
  }
  if (fs::file_size(*full, ec) > max_file_bytes_) {
    return MakeError(ErrorCode::kResourceExhausted,
                     "'" + path + "' is larger than " + std::to_string(max_file_bytes_) + " bytes");
  }
  std::ifstream in(*full, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  if (!in) return MakeError(ErrorCode::kInternal, "read " + path);
  return ss.str();
}

Result<std::string> LocalSnapshot::OidOf(const std::string& path) const {
  {
    core::MutexLock lock(mu_);
    if (auto it = oids_.find(path); it != oids_.end()) return it->second;
  }
  auto full = Resolve(path, false);
  CG_TRY(full);
  std::error_code ec;
  std::string oid;
  if (fs::is_symlink(*full, ec)) {
    oid = Sha256Hex("link:" + fs::read_symlink(*full, ec).string());
  } else if (fs::is_directory(*full, ec)) {
    auto entries = List(path, false);
    CG_TRY(entries);
    std::string text;
    for (const auto& e : *entries) {
      text += std::string(BaseName(e.path)) + '\0' + e.oid + '\n';
    }
    oid = Sha256Hex("tree:" + text);
  } else {
    auto content = ReadFile(path);
    CG_TRY(content);
    oid = Sha256Hex("blob:" + *content);
  }
  core::MutexLock lock(mu_);
  oids_[path] = oid;
  return oid;
}

Result<std::string> LocalSnapshot::ObjectId(const std::string& path) const {
  auto norm = NormalizeRepoPath(path);
  CG_TRY(norm);
  return OidOf(*norm);
}

Result<fs::path> LocalSnapshot::Materialize() const {
  core::MutexLock lock(mu_);
  if (!materialized_.empty()) return materialized_;
  std::string tmpl = (fs::temp_directory_path() / "cellgate-worktree-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) {
    return MakeError(ErrorCode::kInternal, "create a directory for the working tree copy");
  }
  fs::path dest = tmpl;
  std::error_code ec;     // iteration and copy failures: fatal
  std::error_code probe;  // per-entry questions (is it a link? where does it point?)
  auto it = fs::recursive_directory_iterator(root_, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::path& src = it->path();
    if (src.filename() == ".git") {
      it.disable_recursion_pending();
      continue;
    }
    fs::path to = dest / src.lexically_relative(root_);
    if (it->is_symlink(probe)) {
      fs::path target = fs::weakly_canonical(src, probe);
      if (probe || !Inside(target)) continue;  // leaves the repository: not written
      fs::create_symlink(fs::read_symlink(src, probe), to, ec);
    } else if (it->is_directory(probe)) {
      fs::create_directories(to, ec);
    } else if (it->is_regular_file(probe)) {
      fs::copy_file(src, to, ec);
    }
  }
  if (ec) {
    std::string what = ec.message();
    fs::remove_all(dest, probe);
    return MakeError(ErrorCode::kInternal, "copy the working tree: " + what);
  }
  materialized_ = dest;
  return materialized_;
}

}  // namespace cellgate::render

// An in-memory git::Snapshot for unit tests and benchmarks: a map of paths to file contents
// and symlinks, with the interface's contracts (sorted listings, ObjectIds that change only
// when a subtree changes, symlinks that leave the repository refused, Materialize to a
// temporary directory). Not a substitute for real repositories in integration tests.
//
// Thread-safety: build it on one thread, then read it from many (ObjectId memoizes under a
// mutex). Counters record how often each method ran.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "core/digest.h"
#include "core/mutex.h"
#include "git/source.h"
#include "render/paths.h"

namespace cellgate::render::testing {

class MemorySnapshot final : public git::Snapshot {
 public:
  explicit MemorySnapshot(std::string commit = std::string(40, 'a')) : commit_(std::move(commit)) {}
  MemorySnapshot(const MemorySnapshot& o) : commit_(o.commit_), files_(o.files_) {}
  ~MemorySnapshot() override {
    std::error_code ec;
    if (!materialized_.empty()) std::filesystem::remove_all(materialized_, ec);
  }

  void AddFile(const std::string& path, std::string content) {
    files_[path] = Node{std::move(content), false};
    oids_.clear();
  }
  // `target` as git stores it: relative to the link's directory.
  void AddSymlink(const std::string& path, std::string target) {
    files_[path] = Node{std::move(target), true};
    oids_.clear();
  }
  void Remove(const std::string& path) {
    files_.erase(path);
    oids_.clear();
  }
  void SetCommit(std::string commit) { commit_ = std::move(commit); }

  const std::string& commit() const override { return commit_; }

  Result<std::vector<git::TreeEntry>> List(const std::string& dir, bool recursive) const override {
    ++list_calls;
    auto d = NormalizeRepoPath(dir);
    CG_TRY(d);
    if (!IsDir(*d)) return MakeError(ErrorCode::kNotFound, "directory '" + dir + "' not found");
    std::map<std::string, git::TreeEntry> out;
    for (auto it = d->empty() ? files_.begin() : files_.lower_bound(*d + "/");
         it != files_.end() && IsWithin(it->first, *d); ++it) {
      const auto& [path, node] = *it;
      if (path == *d) continue;
      std::string rel = RelativeTo(path, *d);
      auto slash = rel.find('/');
      if (slash != std::string::npos && !recursive) {
        std::string sub = JoinRepoPath(*d, rel.substr(0, slash));
        out.emplace(sub, git::TreeEntry{sub, git::EntryType::kDirectory, TreeOid(sub), 0});
        continue;
      }
      if (recursive) {
        // every directory on the way down
        for (auto p = rel.find('/'); p != std::string::npos; p = rel.find('/', p + 1)) {
          std::string sub = JoinRepoPath(*d, rel.substr(0, p));
          out.emplace(sub, git::TreeEntry{sub, git::EntryType::kDirectory, TreeOid(sub), 0});
        }
      }
      out[path] =
          git::TreeEntry{path, node.symlink ? git::EntryType::kSymlink : git::EntryType::kFile,
                         BlobOid(node), node.content.size()};
    }
    std::vector<git::TreeEntry> v;
    v.reserve(out.size());
    for (auto& [p, e] : out) v.push_back(std::move(e));
    return v;
  }

  Result<std::string> ReadFile(const std::string& path) const override {
    ++read_calls;
    auto p = NormalizeRepoPath(path);
    CG_TRY(p);
    std::string cur = *p;
    for (int hops = 0; hops < 8; ++hops) {
      auto it = files_.find(cur);
      if (it == files_.end()) {
        return MakeError(IsDir(cur) ? ErrorCode::kInvalidArgument : ErrorCode::kNotFound,
                         "file '" + path + "' not found");
      }
      if (!it->second.symlink) return it->second.content;
      std::string dir(cur.substr(0, cur.size() - BaseName(cur).size()));
      auto next =
          ResolveRepoPath(dir.empty() ? "" : dir.substr(0, dir.size() - 1), it->second.content);
      if (!next || it->second.content.front() == '/') {
        return MakeError(ErrorCode::kPermissionDenied,
                         "symlink '" + cur + "' points outside the repository");
      }
      cur = *next;
    }
    return MakeError(ErrorCode::kInvalidArgument, "too many symlinks at '" + path + "'");
  }

  Result<std::string> ObjectId(const std::string& path) const override {
    ++oid_calls;
    auto p = NormalizeRepoPath(path);
    CG_TRY(p);
    if (auto it = files_.find(*p); it != files_.end()) return BlobOid(it->second);
    if (IsDir(*p)) return TreeOid(*p);
    return MakeError(ErrorCode::kNotFound, "path '" + path + "' not found");
  }

  Result<std::filesystem::path> Materialize() const override {
    core::MutexLock lock(mu_);
    ++materialize_calls;
    if (!materialized_.empty()) return materialized_;
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "cellgate-memsnap-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
      return MakeError(ErrorCode::kInternal, "mkdtemp failed");
    }
    std::filesystem::path root = tmpl;
    for (const auto& [path, node] : files_) {
      auto full = root / path;
      std::filesystem::create_directories(full.parent_path());
      if (node.symlink) {
        std::string dir = path.substr(0, path.size() - BaseName(path).size());
        if (node.content.front() == '/' ||
            !ResolveRepoPath(dir.empty() ? "" : dir.substr(0, dir.size() - 1), node.content)) {
          continue;  // leaves the repository: not written
        }
        std::filesystem::create_symlink(node.content, full);
      } else {
        std::ofstream(full, std::ios::binary) << node.content;
      }
    }
    materialized_ = root;
    return materialized_;
  }

  mutable std::atomic<int> list_calls{0}, read_calls{0}, oid_calls{0}, materialize_calls{0};

 private:
  struct Node {
    std::string content;  // file bytes, or the symlink target
    bool symlink = false;
  };

  bool IsDir(const std::string& d) const {
    if (d.empty()) return true;
    auto it = files_.lower_bound(d + "/");
    return it != files_.end() && IsWithin(it->first, d);
  }

  static std::string BlobOid(const Node& n) {
    return Sha256Hex(std::string(n.symlink ? "link:" : "blob:") + n.content).substr(0, 40);
  }

  std::string TreeOid(const std::string& dir) const {
    core::MutexLock lock(oid_mu_);
    if (auto it = oids_.find(dir); it != oids_.end()) return it->second;
    std::string text;
    for (auto it = dir.empty() ? files_.begin() : files_.lower_bound(dir + "/");
         it != files_.end() && IsWithin(it->first, dir); ++it) {
      text += RelativeTo(it->first, dir) + '\0' + BlobOid(it->second) + '\n';
    }
    std::string oid = Sha256Hex("tree:" + text).substr(0, 40);
    oids_[dir] = oid;
    return oid;
  }

  std::string commit_;
  std::map<std::string, Node> files_;
  mutable core::Mutex oid_mu_;
  mutable std::map<std::string, std::string> oids_;
  mutable core::Mutex mu_;
  mutable std::filesystem::path materialized_;
};

}  // namespace cellgate::render::testing

// Test helpers: temporary directories and real Git repositories driven by the `git` CLI.
// An Origin is a bare repository (what Sources fetch from) plus a work tree that commits
// and publishes to it, as a developer would push.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace cellgate::git::testing {

class TempDir {
 public:
  TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "cellgate-git-XXXXXX").string();
    path_ = ::mkdtemp(templ.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Runs a shell command; returns its stdout (stderr goes to the test log). Fails the test
// when it exits non-zero.
inline std::string Sh(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "popen " << command;
    return out;
  }
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof(buf), pipe)) out.append(buf, n);
  int status = ::pclose(pipe);
  EXPECT_EQ(status, 0) << command << "\n" << out;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

inline std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

class Origin {
 public:
  explicit Origin(const std::filesystem::path& root)
      : bare_(root / "origin.git"), work_(root / "work") {
    Sh("git init -q --bare -b main " + Quote(bare_.string()));
    Sh("git init -q -b main " + Quote(work_.string()));
    Git("remote add origin " + Quote(bare_.string()));
  }

  const std::filesystem::path& bare() const { return bare_; }
  const std::filesystem::path& work() const { return work_; }
  std::string url() const { return "file://" + bare_.string(); }

  // Runs `git <args>` in the work tree with a fixed identity and no user configuration.
  std::string Git(const std::string& args) const {
    return Sh("cd " + Quote(work_.string()) +
              " && GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 git -c user.name=test "
              "-c user.email=test@example.com -c commit.gpgsign=false -c tag.gpgsign=false " +
              args + " 2>&1");
  }

  void Write(const std::string& path, const std::string& content) const {
    std::filesystem::path p = work_ / path;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary | std::ios::trunc) << content;
  }

  void Symlink(const std::string& path, const std::string& target) const {
    std::filesystem::path p = work_ / path;
    std::filesystem::create_directories(p.parent_path());
    std::filesystem::create_symlink(target, p);
  }

  // Commits everything in the work tree; returns the new commit's SHA (not yet published).
  std::string Commit(const std::string& message) const {
    Git("add -A");
    Git("commit -q --allow-empty -m " + Quote(message));
    return Git("rev-parse HEAD");
  }

  // Makes the origin equal to the work tree's branches and tags (deletions included).
  void Publish() const {
    Git("push -q --force --prune origin 'refs/heads/*:refs/heads/*' 'refs/tags/*:refs/tags/*'");
  }

  std::string CommitAndPublish(const std::string& message) const {
    std::string sha = Commit(message);
    Publish();
    return sha;
  }

  // Hostile objects, written straight into the origin with no checks on names or order (as
  // `git hash-object --literally` allows): a blob, a tree of raw entries, and a commit of a
  // tree made the tip of `main`.
  struct RawEntry {
    std::string mode;  // "100644", "100755", "120000" (symlink), "40000" (tree)
    std::string name;
    std::string oid;  // hex
  };
  std::string RawBlob(const std::string& content) const { return RawObject("blob", content); }
  std::string RawTree(const std::vector<RawEntry>& entries) const {
    std::string body;
    for (const RawEntry& e : entries) {
      body += e.mode + " " + e.name + std::string(1, '\0');
      for (std::size_t i = 0; i + 1 < e.oid.size(); i += 2) {
        body += static_cast<char>(std::stoi(e.oid.substr(i, 2), nullptr, 16));
      }
    }
    return RawObject("tree", body);
  }
  std::string PublishTree(const std::string& tree) const {
    std::string sha = Sh(BareGit() + "commit-tree -m hostile " + tree);
    Sh(BareGit() + "update-ref refs/heads/main " + sha);
    return sha;
  }

 private:
  std::string BareGit() const {
    return "GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=t "
           "GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com "
           "git --git-dir=" +
           Quote(bare_.string()) + " ";
  }
  std::string RawObject(const std::string& type, const std::string& body) const {
    std::filesystem::path file = bare_ / ("raw-" + type);
    std::ofstream(file, std::ios::binary | std::ios::trunc) << body;
    return Sh(BareGit() + "hash-object -w --literally -t " + type + " " + Quote(file.string()));
  }

  std::filesystem::path bare_;
  std::filesystem::path work_;
};

}  // namespace cellgate::git::testing

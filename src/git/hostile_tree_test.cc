// Trees a hostile repository can hold (objects written with `git hash-object --literally`,
// which checks nothing): entry names that leave the checkout or name `.git`, duplicate names
// that plant a symlink under a directory, and checkouts over the size and file-count caps.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "git/mirror_source.h"
#include "git/test_repos.h"

namespace cellgate::git {
namespace {

namespace fs = std::filesystem;
using testing::Origin;
using testing::TempDir;
using Entry = Origin::RawEntry;

class HostileTreeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    origin_.CommitAndPublish("first");  // so the origin has a main branch
    auto s = MirrorSource::Create({.work_dir = work_.path() / "cellgate",
                                   .max_checkout_bytes = 10'000,
                                   .max_checkout_files = 40});
    ASSERT_TRUE(s) << s.error().message();
    source_ = std::move(*s);
  }

  // Publishes `root` as the tip of main and opens a snapshot of it.
  std::shared_ptr<const Snapshot> Publish(const std::string& root) {
    commit_ = origin_.PublishTree(root);
    auto resolved = source_->Resolve(origin_.url(), "main");
    EXPECT_TRUE(resolved) << resolved.error().message();
    EXPECT_EQ(resolved.value_or(""), commit_);
    auto snap = source_->Open(origin_.url(), commit_);
    EXPECT_TRUE(snap) << snap.error().message();
    return snap.value_or(nullptr);
  }

  // A tree holding `name` as a directory with one file, `config`, and a file `zz.yaml` (after
  // it in git's order, which lookups by name rely on).
  std::string TreeWithDir(const std::string& name) {
    std::string sub = origin_.RawTree({{"100644", "config", origin_.RawBlob("x: 1\n")}});
    return origin_.RawTree(
        {{"40000", name, sub}, {"100644", "zz.yaml", origin_.RawBlob("kind: A\n")}});
  }

  TempDir work_;
  Origin origin_{work_.path()};
  std::unique_ptr<MirrorSource> source_;
  std::string commit_;
};

TEST_F(HostileTreeTest, DotDotEntryDoesNotWriteOutsideTheCheckout) {
  // checkouts/<temp>/../../pwned is work_dir/pwned.
  std::string blob = origin_.RawBlob("#!/bin/sh\necho pwned\n");
  std::string inner = origin_.RawTree({{"100755", "pwned", blob}});
  std::string middle = origin_.RawTree({{"40000", "..", inner}});
  auto snap = Publish(origin_.RawTree({{"40000", "..", middle}}));
  ASSERT_TRUE(snap);
  auto dir = snap->Materialize();
  EXPECT_FALSE(fs::exists(work_.path() / "cellgate" / "pwned"));
  ASSERT_FALSE(dir);
  EXPECT_EQ(dir.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(dir.error().message().find("commit " + commit_ + ": tree entry '..'"),
            std::string::npos)
      << dir.error().message();
  auto listed = snap->List("", true);
  ASSERT_FALSE(listed);
  EXPECT_EQ(listed.error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(HostileTreeTest, RefusesNamesGitRefuses) {
  for (const std::string name :
       {".", "..", ".git", ".GIT", ".Git", ".git.", ".git ", ".git. . ", ".git::$INDEX_ALLOCATION",
        "git~1", "GIT~1", "git~1.", ".g\xe2\x80\x8cit", ".gi\xef\xbb\xbft", "a\\b", "a/b"}) {
    SCOPED_TRACE(name);
    auto snap = Publish(TreeWithDir(name));
    ASSERT_TRUE(snap);
    const std::string expected = "commit " + commit_ + ": tree entry '" + name + "'";
    auto listed = snap->List("", false);
    ASSERT_FALSE(listed);
    EXPECT_EQ(listed.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(listed.error().message().find(expected), std::string::npos)
        << listed.error().message();
    auto dir = snap->Materialize();
    ASSERT_FALSE(dir);
    EXPECT_NE(dir.error().message().find(expected), std::string::npos) << dir.error().message();
    if (name.find('/') == std::string::npos && name != "." && name != "..") {
      auto read = snap->ReadFile(name + "/config");
      ASSERT_FALSE(read);
      EXPECT_EQ(read.error().code(), ErrorCode::kInvalidArgument) << read.error().message();
    }
    auto other = snap->ReadFile("zz.yaml");  // other paths still read
    EXPECT_EQ(other.value_or(other.error().message()), "kind: A\n");
  }
}

TEST_F(HostileTreeTest, AcceptsNamesThatOnlyLookLikeGit) {
  for (const std::string name :
       {".gitignore", ".github", ".git.yaml", "git~2", "git~10", "..a", "a..b", "...", "g.it"}) {
    SCOPED_TRACE(name);
    auto snap = Publish(TreeWithDir(name));
    ASSERT_TRUE(snap);
    EXPECT_TRUE(snap->List("", true)) << name;
    EXPECT_EQ(snap->ReadFile(name + "/config").value_or(""), "x: 1\n");
    auto dir = snap->Materialize();
    ASSERT_TRUE(dir) << dir.error().message();
    EXPECT_TRUE(fs::is_regular_file(*dir / name / "config"));
  }
}

TEST_F(HostileTreeTest, DuplicateNameCannotWriteThroughAPlantedSymlink) {
  // A symlink `t` to a directory outside, then a directory `t` with a file: a writer that
  // reuses existing directories by path would write the file through the symlink.
  fs::path outside = work_.path() / "outside";
  fs::create_directories(outside);
  std::string link = origin_.RawBlob(outside.string());
  std::string sub = origin_.RawTree({{"100644", "pwned", origin_.RawBlob("x")}});
  auto snap = Publish(origin_.RawTree({{"120000", "t", link}, {"40000", "t", sub}}));
  ASSERT_TRUE(snap);
  auto dir = snap->Materialize();
  EXPECT_FALSE(fs::exists(outside / "pwned"));
  ASSERT_FALSE(dir);
  EXPECT_EQ(dir.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(dir.error().message().find("commit " + commit_ + ": tree entry 't' appears twice"),
            std::string::npos)
      << dir.error().message();
}

TEST_F(HostileTreeTest, DuplicateNamesAreRefused) {
  std::string inside = origin_.RawBlob("d");  // a symlink to the directory `d` (inside)
  std::string sub = origin_.RawTree({{"100644", "f", origin_.RawBlob("x")}});
  auto snap =
      Publish(origin_.RawTree({{"40000", "d", sub}, {"120000", "t", inside}, {"40000", "t", sub}}));
  ASSERT_TRUE(snap);
  auto dir = snap->Materialize();
  ASSERT_FALSE(dir);
  EXPECT_NE(dir.error().message().find("commit " + commit_), std::string::npos)
      << dir.error().message();
  EXPECT_NE(dir.error().message().find("'t'"), std::string::npos) << dir.error().message();
}

TEST_F(HostileTreeTest, CheckoutOverTheTotalSizeIsRefused) {
  // 50 entries naming one 1,000-byte blob: a small mirror, a 50,000-byte checkout.
  std::string blob = origin_.RawBlob(std::string(1000, 'x'));
  std::vector<Entry> entries;
  for (int i = 0; i < 50; ++i) entries.push_back({"100644", "f" + std::to_string(100 + i), blob});
  auto snap = Publish(origin_.RawTree(entries));
  ASSERT_TRUE(snap);
  auto dir = snap->Materialize();
  ASSERT_FALSE(dir);
  EXPECT_EQ(dir.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_NE(dir.error().message().find("commit " + commit_ +
                                       ": checkout is over the limit of 10000 bytes"),
            std::string::npos)
      << dir.error().message();
  EXPECT_TRUE(fs::is_empty(work_.path() / "cellgate" / "checkouts"));  // nothing left behind
}

TEST_F(HostileTreeTest, CheckoutOverTheFileCountIsRefused) {
  std::string blob = origin_.RawBlob("x");
  std::vector<Entry> entries;
  for (int i = 0; i < 50; ++i) entries.push_back({"100644", "f" + std::to_string(100 + i), blob});
  auto snap = Publish(origin_.RawTree(entries));
  ASSERT_TRUE(snap);
  auto dir = snap->Materialize();
  ASSERT_FALSE(dir);
  EXPECT_EQ(dir.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_NE(dir.error().message().find("commit " + commit_ +
                                       ": checkout has more than 40 files and directories"),
            std::string::npos)
      << dir.error().message();
}

}  // namespace
}  // namespace cellgate::git

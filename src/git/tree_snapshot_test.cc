// Snapshot reads over real commits: listing, reading, object ids, path and symlink safety,
// limits and checkouts.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "git/mirror_source.h"
#include "git/test_repos.h"

namespace cellgate::git {
namespace {

using testing::Origin;
using testing::TempDir;

class SnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = MirrorSource::Create({.work_dir = work_.path() / "cellgate", .max_blob_bytes = 4096});
    ASSERT_TRUE(s) << s.error().message();
    source_ = std::move(*s);
    origin_.Write("apps/web/deploy.yaml", "kind: Deployment\n");
    origin_.Write("apps/web/svc.yaml", "kind: Service\n");
    origin_.Write("apps/api/deploy.yaml", "kind: Deployment\nname: api\n");
    origin_.Write("apps-list.txt", "web api\n");
    origin_.Write("big.bin", std::string(5000, 'b'));
    origin_.Write("tools/run.sh", "#!/bin/sh\n");
    std::filesystem::permissions(origin_.work() / "tools/run.sh", std::filesystem::perms(0755));
    origin_.Symlink("current", "apps/web");
    origin_.Symlink("apps/api/svc.yaml", "../web/svc.yaml");
    origin_.Symlink("apps/up", "..");
    origin_.Symlink("apps/escape", "up/..");  // physically: above the root
    origin_.Symlink("x.yaml", "../../etc/passwd");
    origin_.Symlink("etc", "/etc");
    origin_.Symlink("loop", "loop");
    commit_ = origin_.CommitAndPublish("tree");
  }

  std::shared_ptr<const Snapshot> Snap(const std::string& commit) {
    auto resolved = source_->Resolve(origin_.url(), commit);
    EXPECT_TRUE(resolved) << resolved.error().message();
    auto snap = source_->Open(origin_.url(), resolved.value_or(""));
    EXPECT_TRUE(snap) << snap.error().message();
    return snap.value_or(nullptr);
  }

  static std::string Paths(const std::vector<TreeEntry>& entries) {
    std::ostringstream out;
    for (const TreeEntry& e : entries)
      out << e.path << (e.type == EntryType::kDirectory ? "/ " : " ");
    return out.str();
  }

  TempDir work_;
  Origin origin_{work_.path()};
  std::string commit_;
  std::unique_ptr<MirrorSource> source_;
};

TEST_F(SnapshotTest, ListsSortedDepthFirst) {
  auto snap = Snap(commit_);
  ASSERT_TRUE(snap);
  EXPECT_EQ(snap->commit(), commit_);
  auto root = snap->List("", false);
  ASSERT_TRUE(root) << root.error().message();
  EXPECT_EQ(Paths(*root), "apps/ apps-list.txt big.bin current etc loop tools/ x.yaml ");
  auto all = snap->List(".", true);
  ASSERT_TRUE(all);
  EXPECT_EQ(Paths(*all),
            "apps/ apps/api/ apps/api/deploy.yaml apps/api/svc.yaml apps/escape apps/up apps/web/ "
            "apps/web/deploy.yaml apps/web/svc.yaml apps-list.txt big.bin current etc loop "
            "tools/ tools/run.sh x.yaml ");
  auto web = snap->List("apps/web", false);
  ASSERT_TRUE(web);
  ASSERT_EQ(web->size(), 2u);
  EXPECT_EQ((*web)[0].path, "apps/web/deploy.yaml");
  EXPECT_EQ((*web)[0].type, EntryType::kFile);
  EXPECT_EQ((*web)[0].size, 17u);
  EXPECT_EQ((*web)[0].oid.size(), 40u);
  auto via_link = snap->List("current", false);  // a symlinked directory lists under its name
  ASSERT_TRUE(via_link);
  EXPECT_EQ(Paths(*via_link), "current/deploy.yaml current/svc.yaml ");
  EXPECT_EQ((*root)[3].type, EntryType::kSymlink);
}

TEST_F(SnapshotTest, ReadsFilesAndFollowsInRepoSymlinks) {
  auto snap = Snap(commit_);
  ASSERT_TRUE(snap);
  EXPECT_EQ(snap->ReadFile("apps/web/deploy.yaml").value_or(""), "kind: Deployment\n");
  EXPECT_EQ(snap->ReadFile("./apps//web/svc.yaml").value_or(""), "kind: Service\n");
  EXPECT_EQ(snap->ReadFile("current/svc.yaml").value_or(""), "kind: Service\n");
  EXPECT_EQ(snap->ReadFile("apps/api/svc.yaml").value_or(""), "kind: Service\n");
  EXPECT_EQ(snap->ReadFile("apps/up/apps-list.txt").value_or(""), "web api\n");
  auto dir = snap->ReadFile("apps");
  ASSERT_FALSE(dir);
  EXPECT_EQ(dir.error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(SnapshotTest, ObjectIdsFollowContentNotCommits) {
  auto first = Snap(commit_);
  ASSERT_TRUE(first);
  origin_.Write("apps/api/deploy.yaml", "kind: Deployment\nname: api2\n");
  std::string second_commit = origin_.CommitAndPublish("api changes");
  auto second = Snap(second_commit);
  ASSERT_TRUE(second);
  EXPECT_EQ(first->ObjectId("apps/web").value_or("a"), second->ObjectId("apps/web").value_or("b"));
  EXPECT_NE(first->ObjectId("apps/api").value_or("a"), second->ObjectId("apps/api").value_or("a"));
  EXPECT_NE(first->ObjectId("").value_or("a"), second->ObjectId("").value_or("a"));
  EXPECT_EQ(first->ObjectId("current").value_or("a"), first->ObjectId("apps/web").value_or("b"));
  EXPECT_EQ(first->ObjectId("apps/web/svc.yaml").value_or(""),
            origin_.Git("rev-parse " + commit_ + ":apps/web/svc.yaml"));
}

TEST_F(SnapshotTest, MissingPathsAreNotFound) {
  auto snap = Snap(commit_);
  ASSERT_TRUE(snap);
  for (const char* path : {"nope.yaml", "apps/nope", "apps/web/deploy.yaml/x", "current/nope"}) {
    auto r = snap->ReadFile(path);
    ASSERT_FALSE(r) << path;
    EXPECT_EQ(r.error().code(), ErrorCode::kNotFound) << r.error().message();
    EXPECT_EQ(r.error().message(), "path '" + std::string(path) + "' not found");
  }
  EXPECT_EQ(snap->List("nope", true).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(snap->ObjectId("nope").error().code(), ErrorCode::kNotFound);
}

TEST_F(SnapshotTest, RefusesPathsThatLeaveTheRepository) {
  auto snap = Snap(commit_);
  ASSERT_TRUE(snap);
  for (const char* path : {"../x", "apps/../apps-list.txt", "/etc/passwd", "x.yaml", "etc/passwd",
                           "apps/escape/etc/passwd"}) {
    auto r = snap->ReadFile(path);
    ASSERT_FALSE(r) << path;
    EXPECT_EQ(r.error().code(), ErrorCode::kPermissionDenied) << r.error().message();
    EXPECT_NE(r.error().message().find(std::string("'") + path + "'"), std::string::npos)
        << r.error().message();
  }
  EXPECT_EQ(snap->List("etc", false).error().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(snap->ObjectId("x.yaml").error().code(), ErrorCode::kPermissionDenied);
  auto loop = snap->ReadFile("loop");
  ASSERT_FALSE(loop);
  EXPECT_EQ(loop.error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(SnapshotTest, RefusesFilesOverTheLimit) {
  auto snap = Snap(commit_);
  ASSERT_TRUE(snap);
  auto big = snap->ReadFile("big.bin");
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(big.error().message(), "file 'big.bin' is 5000 bytes, over the limit of 4096");
  auto dir = snap->Materialize();
  ASSERT_FALSE(dir);
  EXPECT_EQ(dir.error().code(), ErrorCode::kResourceExhausted);
}

TEST_F(SnapshotTest, MaterializesOnceAndCleansUp) {
  origin_.Git("rm -q big.bin");
  std::string small = origin_.CommitAndPublish("no big file");
  auto snap = Snap(small);
  ASSERT_TRUE(snap);
  auto dir = snap->Materialize();
  ASSERT_TRUE(dir) << dir.error().message();
  namespace fs = std::filesystem;
  EXPECT_EQ(*dir, work_.path() / "cellgate" / "checkouts" / small);
  std::ifstream in(*dir / "apps/web/deploy.yaml");
  std::string content((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(content, "kind: Deployment\n");
  struct stat st {};
  ASSERT_EQ(::stat((*dir / "tools/run.sh").c_str(), &st), 0);
  EXPECT_NE(st.st_mode & S_IXUSR, 0u);
  EXPECT_TRUE(fs::is_symlink(*dir / "current"));
  EXPECT_TRUE(fs::is_symlink(*dir / "apps/api/svc.yaml"));
  EXPECT_TRUE(fs::is_symlink(*dir / "apps/up"));
  for (const char* refused : {"x.yaml", "etc", "apps/escape", "loop"}) {
    EXPECT_FALSE(fs::exists(fs::symlink_status(*dir / refused))) << refused;
  }
  EXPECT_FALSE(fs::exists(*dir / "big.bin"));

  std::ofstream(*dir / "marker") << "reused";  // a second Materialize must not rewrite it
  auto again = Snap(small)->Materialize();
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *dir);
  EXPECT_TRUE(fs::exists(*dir / "marker"));
  auto kept = source_->CleanupCheckouts({.keep = {small}});
  ASSERT_TRUE(kept);
  EXPECT_EQ(*kept, 0);
  EXPECT_TRUE(fs::exists(*dir));
  auto young = source_->CleanupCheckouts({.max_age = std::chrono::hours(1)});
  ASSERT_TRUE(young);
  EXPECT_EQ(*young, 0);
  auto removed = source_->CleanupCheckouts({});
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, 1);
  EXPECT_FALSE(fs::exists(*dir));
  EXPECT_TRUE(snap->Materialize());  // written again on demand
}

}  // namespace
}  // namespace cellgate::git

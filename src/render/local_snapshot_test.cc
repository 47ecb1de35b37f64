#include "render/local_snapshot.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>

namespace cellgate::render {
namespace {

namespace fs = std::filesystem;

class LocalSnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "cg-local-XXXXXX").string();
    base_ = ::mkdtemp(tmpl.data());
    root_ = base_ / "repo";
    Write("apps/web/a.yaml", "a");
    Write("apps/web/sub/b.yaml", "b");
    Write(".git/config", "secret");
    Write("../outside.yaml", "outside");
    fs::create_symlink("web/a.yaml", root_ / "apps/link.yaml");
    fs::create_symlink("../../outside.yaml", root_ / "apps/escape.yaml");
  }
  void TearDown() override { fs::remove_all(base_); }
  void Write(const std::string& rel, const std::string& content) {
    fs::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel) << content;
  }
  fs::path base_, root_;
};

TEST_F(LocalSnapshotTest, ListsReadsAndHidesGit) {
  auto s = LocalSnapshot::Open(root_);
  ASSERT_TRUE(s) << s.error().message();
  auto top = (*s)->List("", false);
  ASSERT_TRUE(top) << top.error().message();
  ASSERT_EQ(top->size(), 1u);  // apps only; .git is invisible
  EXPECT_EQ((*top)[0].type, git::EntryType::kDirectory);
  auto all = (*s)->List("apps", true);
  ASSERT_TRUE(all);
  std::vector<std::string> paths;
  for (const auto& e : *all) paths.push_back(e.path);
  EXPECT_EQ(paths,
            (std::vector<std::string>{"apps/escape.yaml", "apps/link.yaml", "apps/web",
                                      "apps/web/a.yaml", "apps/web/sub", "apps/web/sub/b.yaml"}));
  auto a = (*s)->ReadFile("apps/web/a.yaml");
  ASSERT_TRUE(a) << a.error().message();
  EXPECT_EQ(*a, "a");
  auto link = (*s)->ReadFile("apps/link.yaml");
  ASSERT_TRUE(link) << link.error().message();
  EXPECT_EQ(*link, "a");
  EXPECT_FALSE((*s)->ReadFile(".git/config"));
}

TEST_F(LocalSnapshotTest, RefusesEscapes) {
  auto s = LocalSnapshot::Open(root_);
  ASSERT_TRUE(s);
  auto link = (*s)->ReadFile("apps/escape.yaml");
  ASSERT_FALSE(link);
  EXPECT_EQ(link.error().code(), ErrorCode::kPermissionDenied);
  auto up = (*s)->ReadFile("../outside.yaml");
  ASSERT_FALSE(up);
  EXPECT_EQ(up.error().code(), ErrorCode::kPermissionDenied);
  auto root = (*s)->Materialize();
  ASSERT_TRUE(root) << root.error().message();
  EXPECT_TRUE(fs::exists(*root / "apps/web/sub/b.yaml"));
  EXPECT_TRUE(fs::is_symlink(*root / "apps/link.yaml"));
  EXPECT_FALSE(fs::exists(fs::symlink_status(*root / "apps/escape.yaml")));
  EXPECT_FALSE(fs::exists(*root / ".git"));
}

TEST_F(LocalSnapshotTest, ObjectIdsFollowContent) {
  auto s1 = LocalSnapshot::Open(root_);
  ASSERT_TRUE(s1);
  auto web1 = (*s1)->ObjectId("apps/web");
  auto apps1 = (*s1)->ObjectId("apps");
  ASSERT_TRUE(web1 && apps1);
  Write("apps/other.yaml", "new");
  auto s2 = LocalSnapshot::Open(root_);
  EXPECT_EQ(*(*s2)->ObjectId("apps/web"), *web1);
  EXPECT_NE(*(*s2)->ObjectId("apps"), *apps1);
  EXPECT_EQ((*s2)->ObjectId("nope").error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace cellgate::render

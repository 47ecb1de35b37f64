#include "render/paths.h"

#include <gtest/gtest.h>

#include "render/envsubst.h"

namespace cellgate::render {
namespace {

TEST(Paths, NormalizeRemovesDotsAndSlashes) {
  EXPECT_EQ(*NormalizeRepoPath(""), "");
  EXPECT_EQ(*NormalizeRepoPath("."), "");
  EXPECT_EQ(*NormalizeRepoPath("./apps//web/"), "apps/web");
  EXPECT_EQ(*NormalizeRepoPath("apps/x/../web"), "apps/web");
  EXPECT_EQ(*NormalizeRepoPath("apps/.."), "");
}

TEST(Paths, NormalizeRefusesEscapesAndAbsolutePaths) {
  for (const char* p : {"..", "../x", "apps/../../x", "a/b/../../.."}) {
    auto r = NormalizeRepoPath(p);
    ASSERT_FALSE(r) << p;
    EXPECT_EQ(r.error().code(), ErrorCode::kPermissionDenied) << p;
  }
  auto abs = NormalizeRepoPath("/etc");
  ASSERT_FALSE(abs);
  EXPECT_EQ(abs.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(NormalizeRepoPath(std::string_view("a\0b", 3)));
}

TEST(Paths, ResolveIsRelativeToBaseAndAbsoluteMeansRepoRoot) {
  EXPECT_EQ(*ResolveRepoPath("charts/web", "values-prod.yaml"), "charts/web/values-prod.yaml");
  EXPECT_EQ(*ResolveRepoPath("charts/web", "../common/values.yaml"), "charts/common/values.yaml");
  EXPECT_EQ(*ResolveRepoPath("charts/web", "/envs/prod.yaml"), "envs/prod.yaml");
  auto escape = ResolveRepoPath("charts/web", "../../../etc/passwd");
  ASSERT_FALSE(escape);
  EXPECT_EQ(escape.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_FALSE(ResolveRepoPath("charts/web", "/../etc/passwd"));
}

TEST(Paths, Helpers) {
  EXPECT_TRUE(IsWithin("a/b", "a"));
  EXPECT_TRUE(IsWithin("a", "a"));
  EXPECT_TRUE(IsWithin("a", ""));
  EXPECT_FALSE(IsWithin("ab", "a"));
  EXPECT_EQ(RelativeTo("a/b/c", "a"), "b/c");
  EXPECT_EQ(RelativeTo("a/b", ""), "a/b");
  EXPECT_EQ(JoinRepoPath("", "x"), "x");
  EXPECT_EQ(BaseName("a/b.yaml"), "b.yaml");
}

TEST(Envsubst, FollowsGoOsExpand) {
  BuildEnv env = MakeBuildEnv({.app_name = "web",
                               .app_namespace = "prod",
                               .revision = "0123456789abcdef",
                               .repo_url = "https://x/r.git",
                               .source_path = "apps/web",
                               .target_revision = "main"});
  EXPECT_EQ(Envsubst("img:${ARGOCD_APP_REVISION_SHORT}", env), "img:0123456");
  EXPECT_EQ(Envsubst("$ARGOCD_APP_NAME-x", env), "web-x");
  EXPECT_EQ(Envsubst("cost $$5", env), "cost $5");
  EXPECT_EQ(Envsubst("$UNKNOWN|", env), "|");
  EXPECT_EQ(Envsubst("a${}b", env), "ab");
  EXPECT_EQ(Envsubst("trailing $", env), "trailing $");
  EXPECT_EQ(Envsubst("$ space", env), "$ space");
  EXPECT_EQ(Envsubst("no vars", env), "no vars");
}

}  // namespace
}  // namespace cellgate::render

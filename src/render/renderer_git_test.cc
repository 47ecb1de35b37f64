// The renderer over real git repositories (file:// origins read through the MirrorSource):
// the cache reuses renders across commits that do not touch an app, git errors pass
// through, and hostile trees are refused.
#include <gtest/gtest.h>

#include "git/mirror_source.h"
#include "git/test_repos.h"
#include "render/renderer.h"

namespace cellgate::render {
namespace {

using git::testing::Origin;
using git::testing::TempDir;

std::string Cm(const std::string& name, const std::string& data = "v: '1'") {
  return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\ndata: {" + data + "}\n";
}

class RendererGitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = git::MirrorSource::Create({.work_dir = work_.path() / "cellgate"});
    ASSERT_TRUE(s) << s.error().message();
    source_ = std::move(*s);
    origin_.Write("apps/web/cm.yaml", Cm("web"));
    origin_.Write("apps/api/cm.yaml", Cm("api"));
    origin_.Write("base/kustomization.yaml", "resources: [cm.yaml]\n");
    origin_.Write("base/cm.yaml", Cm("base"));
    origin_.Write("overlays/prod/kustomization.yaml",
                  "namePrefix: prod-\nresources: [../../base]\n");
    origin_.Write("docs/readme.yaml", Cm("docs"));
  }

  std::shared_ptr<const git::Snapshot> Snap(const std::string& revision = "HEAD") {
    auto commit = source_->Resolve(origin_.url(), revision);
    EXPECT_TRUE(commit) << commit.error().message();
    if (!commit) return nullptr;
    auto snap = source_->Open(origin_.url(), *commit);
    EXPECT_TRUE(snap) << snap.error().message();
    return snap ? *snap : nullptr;
  }

  RenderRequest Req(const std::string& path) {
    RenderRequest r;
    r.repo_url = origin_.url();
    r.app_name = "app";
    r.destination_namespace = "default";
    r.source.repo_url = origin_.url();
    r.source.path = path;
    return r;
  }

  TempDir work_;
  Origin origin_{work_.path()};
  std::unique_ptr<git::MirrorSource> source_;
};

TEST_F(RendererGitTest, UnrelatedCommitsReuseTheRender) {
  origin_.CommitAndPublish("one");
  Renderer r;
  auto s1 = Snap();
  ASSERT_TRUE(s1);
  auto first = r.Render(*s1, Req("apps/web"));
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_FALSE(first->cache_hit);
  EXPECT_EQ(first->objects()[0].origin().ToString(), "apps/web/cm.yaml:1");

  origin_.Write("docs/readme.yaml", Cm("docs", "v: '2'"));
  origin_.CommitAndPublish("docs only");
  auto s2 = Snap();
  ASSERT_NE(s1->commit(), s2->commit());
  auto second = r.Render(*s2, Req("apps/web"));
  ASSERT_TRUE(second);
  EXPECT_TRUE(second->cache_hit);

  origin_.Write("apps/web/cm.yaml", Cm("web", "v: '3'"));
  origin_.CommitAndPublish("web");
  auto third = r.Render(*Snap(), Req("apps/web"));
  ASSERT_TRUE(third);
  EXPECT_FALSE(third->cache_hit);
  EXPECT_EQ(third->objects()[0].body()["data"]["v"], "3");
}

TEST_F(RendererGitTest, KustomizeFollowsItsBaseAcrossCommits) {
  if (!FindTool("kustomize")) GTEST_SKIP() << "kustomize not installed";
  origin_.CommitAndPublish("one");
  Renderer r;
  auto first = r.Render(*Snap(), Req("overlays/prod"));
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_EQ(first->objects()[0].Name(), "prod-base");
  auto runs = r.tools().invocations();

  origin_.Write("apps/api/cm.yaml", Cm("api", "v: '2'"));
  origin_.CommitAndPublish("api only");
  auto second = r.Render(*Snap(), Req("overlays/prod"));
  ASSERT_TRUE(second);
  EXPECT_TRUE(second->cache_hit);
  EXPECT_EQ(r.tools().invocations(), runs);

  origin_.Write("base/cm.yaml", Cm("base", "v: '2'"));
  origin_.CommitAndPublish("base");
  auto third = r.Render(*Snap(), Req("overlays/prod"));
  ASSERT_TRUE(third) << third.error().message();
  EXPECT_FALSE(third->cache_hit);
  EXPECT_EQ(third->objects()[0].body()["data"]["v"], "2");
  EXPECT_EQ(r.tools().invocations(), runs + 1);
}

TEST_F(RendererGitTest, HostileTreesAreRefused) {
  origin_.Symlink("apps/web/passwd.yaml", "../../../../../../etc/passwd");
  origin_.Write("apps/bad/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [\n");
  origin_.CommitAndPublish("hostile");
  Renderer r;
  auto snap = Snap();
  ASSERT_TRUE(snap);
  auto link = r.Render(*snap, Req("apps/web"));
  ASSERT_FALSE(link);
  EXPECT_EQ(link.error().code(), ErrorCode::kPermissionDenied) << link.error().message();
  auto all = r.RenderAll(*snap, {Req("apps/bad"), Req("apps/api"), Req("../outside")});
  ASSERT_FALSE(all[0]);
  EXPECT_NE(all[0].error().message().find("apps/bad/cm.yaml:"), std::string::npos);
  ASSERT_TRUE(all[1]) << all[1].error().message();
  ASSERT_FALSE(all[2]);
  EXPECT_EQ(all[2].error().code(), ErrorCode::kPermissionDenied);
  auto missing = r.Render(*snap, Req("apps/missing"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
}

TEST_F(RendererGitTest, MissingRevisionAndUnreachableRepoComeFromGit) {
  origin_.CommitAndPublish("one");
  auto rev = source_->Resolve(origin_.url(), "no-such-branch");
  ASSERT_FALSE(rev);
  EXPECT_EQ(rev.error().code(), ErrorCode::kNotFound);
  auto gone = source_->Resolve("file://" + (work_.path() / "nope.git").string(), "HEAD");
  ASSERT_FALSE(gone);
  EXPECT_NE(gone.error().code(), ErrorCode::kInternal);
}

}  // namespace
}  // namespace cellgate::render

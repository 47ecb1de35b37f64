#include "render/renderer.h"

#include <gtest/gtest.h>

#include <thread>

#include "render/testing/memory_snapshot.h"

namespace cellgate::render {
namespace {

using testing::MemorySnapshot;

std::string Cm(const std::string& name, const std::string& extra = "") {
  return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n" + extra;
}

RenderRequest Req(const std::string& path, const std::string& app = "app") {
  RenderRequest r;
  r.repo_url = "https://git.example.com/fleet.git";
  r.app_name = app;
  r.destination_namespace = "default";
  r.source.repo_url = r.repo_url;
  r.source.path = path;
  return r;
}

MemorySnapshot Fleet() {
  MemorySnapshot s(std::string(40, '1'));
  s.AddFile("apps/web/cm.yaml", Cm("web"));
  s.AddFile("apps/api/cm.yaml", Cm("api"));
  s.AddFile("base/kustomization.yaml", "resources: [cm.yaml]\n");
  s.AddFile("base/cm.yaml", Cm("base", "data: {v: '1'}\n"));
  s.AddFile("overlays/prod/kustomization.yaml", "namePrefix: prod-\nresources: [../../base]\n");
  s.AddFile("charts/web/Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n");
  s.AddFile("charts/web/templates/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n"
            "data:\n  v: {{ .Values.v | quote }}\n");
  s.AddFile("envs/prod.yaml", "v: prod\n");
  s.AddFile("unrelated/readme.yaml", Cm("unrelated"));
  return s;
}

MemorySnapshot NextCommit(const MemorySnapshot& s, char c) {
  MemorySnapshot next(s);
  next.SetCommit(std::string(40, c));
  return next;
}

bool HaveTools() { return FindTool("kustomize") && FindTool("helm"); }

TEST(Renderer, DetectsTypesLikeArgoCd) {
  auto s = Fleet();
  s.AddFile("both/Chart.yaml", "apiVersion: v2\nname: both\nversion: 0.1.0\n");
  s.AddFile("both/kustomization.yaml", "resources: []\n");
  Renderer r;
  auto dir = r.Render(s, Req("apps/web"));
  ASSERT_TRUE(dir) << dir.error().message();
  EXPECT_EQ(dir->type(), SourceType::kDirectory);
  if (!HaveTools()) GTEST_SKIP() << "kustomize/helm not installed";
  EXPECT_EQ(r.Render(s, Req("overlays/prod"))->type(), SourceType::kKustomize);
  EXPECT_EQ(r.Render(s, Req("charts/web"))->type(), SourceType::kHelm);
  EXPECT_EQ(r.Render(s, Req("both"))->type(), SourceType::kKustomize);
  auto explicit_dir = Req("overlays/prod");
  explicit_dir.source.directory = argo::DirectoryOptions{};
  auto d = r.Render(s, explicit_dir);
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_EQ(d->type(), SourceType::kDirectory);  // kustomization.yaml is then just a file
}

TEST(Renderer, MultipleExplicitTypesAreAnError) {
  auto s = Fleet();
  auto req = Req("apps/web");
  req.source.kustomize = argo::KustomizeOptions{};
  req.source.helm = argo::HelmOptions{};
  Renderer r;
  auto res = r.Render(s, req);
  ASSERT_FALSE(res);
  EXPECT_NE(res.error().message().find("multiple application sources defined: Kustomize,Helm"),
            std::string::npos);
}

TEST(Renderer, DirectoryCacheKeysOnTheAppTreeNotTheCommit) {
  auto c1 = Fleet();
  Renderer r;
  auto first = r.Render(c1, Req("apps/web"));
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_FALSE(first->cache_hit);

  auto c2 = NextCommit(c1, '2');
  c2.AddFile("apps/api/cm.yaml", Cm("api", "data: {changed: 'yes'}\n"));
  int reads = c2.read_calls;
  auto second = r.Render(c2, Req("apps/web"));
  ASSERT_TRUE(second);
  EXPECT_TRUE(second->cache_hit);
  EXPECT_EQ(second->cache_key, first->cache_key);
  EXPECT_EQ(c2.read_calls, reads);  // no file was read
  EXPECT_EQ(second->render.get(), first->render.get());

  auto c3 = NextCommit(c2, '3');
  c3.AddFile("apps/web/cm.yaml", Cm("web", "data: {v: '2'}\n"));
  auto third = r.Render(c3, Req("apps/web"));
  ASSERT_TRUE(third);
  EXPECT_FALSE(third->cache_hit);
  EXPECT_EQ(third->objects()[0].body()["data"]["v"], "2");

  // Options are part of the key.
  auto recurse = Req("apps/web");
  recurse.source.directory = argo::DirectoryOptions{.recurse = true};
  EXPECT_FALSE(r.Render(c3, recurse)->cache_hit);
  // So is the path: identical trees at two paths keep their own origins.
  c3.AddFile("copy/web/cm.yaml", Cm("web", "data: {v: '2'}\n"));
  auto copy = r.Render(c3, Req("copy/web"));
  ASSERT_TRUE(copy);
  EXPECT_FALSE(copy->cache_hit);
  EXPECT_EQ(copy->objects()[0].origin().file, "copy/web/cm.yaml");
}

TEST(Renderer, SymlinkedFilesInvalidateTheirRender) {
  auto c1 = Fleet();
  c1.AddFile("shared/common.yaml", Cm("common", "data: {v: '1'}\n"));
  c1.AddSymlink("apps/web/common.yaml", "../../shared/common.yaml");
  Renderer r;
  auto first = r.Render(c1, Req("apps/web"));
  ASSERT_TRUE(first) << first.error().message();
  auto c2 = NextCommit(c1, '2');
  c2.AddFile("shared/common.yaml", Cm("common", "data: {v: '2'}\n"));
  auto second = r.Render(c2, Req("apps/web"));
  ASSERT_TRUE(second);
  EXPECT_FALSE(second->cache_hit);
  EXPECT_EQ(second->objects()[1].body()["data"]["v"], "2");
  auto again = r.Render(c2, Req("apps/web"));
  EXPECT_TRUE(again->cache_hit);
}

TEST(Renderer, KustomizeCacheHitRunsNoTool) {
  if (!HaveTools()) GTEST_SKIP() << "kustomize/helm not installed";
  auto c1 = Fleet();
  Renderer r;
  auto first = r.Render(c1, Req("overlays/prod"));
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_EQ(first->objects()[0].Name(), "prod-base");
  const auto after_first = r.tools().invocations();  // version probe + build

  auto c2 = NextCommit(c1, '2');
  c2.AddFile("unrelated/readme.yaml", Cm("unrelated", "data: {x: y}\n"));
  auto second = r.Render(c2, Req("overlays/prod"));
  ASSERT_TRUE(second);
  EXPECT_TRUE(second->cache_hit);
  EXPECT_EQ(r.tools().invocations(), after_first);

  // The base lives outside the app path; changing it must re-render.
  auto c3 = NextCommit(c2, '3');
  c3.AddFile("base/cm.yaml", Cm("base", "data: {v: '2'}\n"));
  auto third = r.Render(c3, Req("overlays/prod"));
  ASSERT_TRUE(third) << third.error().message();
  EXPECT_FALSE(third->cache_hit);
  EXPECT_EQ(third->objects()[0].body()["data"]["v"], "2");
  EXPECT_EQ(r.tools().invocations(), after_first + 1);
}

TEST(Renderer, HelmCacheCoversValueFilesOutsideTheChart) {
  if (!HaveTools()) GTEST_SKIP() << "kustomize/helm not installed";
  auto c1 = Fleet();
  auto req = Req("charts/web", "shop");
  req.source.helm = argo::HelmOptions{.value_files = {"/envs/prod.yaml"}};
  Renderer r;
  auto first = r.Render(c1, req);
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_EQ(first->objects()[0].Name(), "shop");
  EXPECT_EQ(first->objects()[0].body()["data"]["v"], "prod");
  auto n = r.tools().invocations();
  auto c2 = NextCommit(c1, '2');
  c2.AddFile("unrelated/readme.yaml", Cm("unrelated", "data: {x: y}\n"));
  EXPECT_TRUE(r.Render(c2, req)->cache_hit);
  EXPECT_EQ(r.tools().invocations(), n);
  auto c3 = NextCommit(c2, '3');
  c3.AddFile("envs/prod.yaml", "v: prod2\n");
  auto third = r.Render(c3, req);
  ASSERT_TRUE(third);
  EXPECT_FALSE(third->cache_hit);
  EXPECT_EQ(third->objects()[0].body()["data"]["v"], "prod2");
  // Another app name is another release: not the same render.
  EXPECT_FALSE(r.Render(c3, Req("charts/web", "other"))->cache_hit);
}

TEST(Renderer, ConcurrentRendersOfOneKeyRunTheToolOnce) {
  if (!HaveTools()) GTEST_SKIP() << "kustomize/helm not installed";
  auto s = Fleet();
  Renderer r;
  ASSERT_TRUE(r.Render(s, Req("base")));  // warms the version probe
  auto before = r.tools().invocations();
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&] { ok += r.Render(s, Req("overlays/prod")).has_value(); });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, 6);
  EXPECT_EQ(r.tools().invocations(), before + 1);
}

TEST(Renderer, DuplicateObjectsNameBothFiles) {
  auto s = Fleet();
  s.AddFile("apps/dup/a.yaml", Cm("same"));
  s.AddFile("apps/dup/b.yaml", "# comment\n" + Cm("same"));
  Renderer r;
  auto res = r.Render(s, Req("apps/dup", "dup"));
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(res.error().message().find("render dup: duplicate object ConfigMap same"),
            std::string::npos)
      << res.error().message();
  EXPECT_NE(res.error().message().find("apps/dup/a.yaml:1"), std::string::npos);
  EXPECT_NE(res.error().message().find("apps/dup/b.yaml:2"), std::string::npos);
}

TEST(Renderer, HostilePaths) {
  auto s = Fleet();
  Renderer r;
  auto up = r.Render(s, Req("../x"));
  ASSERT_FALSE(up);
  EXPECT_EQ(up.error().code(), ErrorCode::kPermissionDenied);
  auto deep = r.Render(s, Req("apps/../../../etc"));
  ASSERT_FALSE(deep);
  EXPECT_EQ(deep.error().code(), ErrorCode::kPermissionDenied);
  auto abs = r.Render(s, Req("/etc"));
  ASSERT_FALSE(abs);
  auto missing = r.Render(s, Req("apps/nope"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message().find("apps/nope"), std::string::npos);
  auto file = r.Render(s, Req("apps/web/cm.yaml"));
  ASSERT_FALSE(file);
  EXPECT_NE(file.error().message().find("not a directory"), std::string::npos);

  if (HaveTools()) {
    s.AddFile("web/Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n");
    auto values = Req("web");
    values.source.helm = argo::HelmOptions{.value_files = {"../../etc/passwd"}};
    auto v = r.Render(s, values);
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error().code(), ErrorCode::kPermissionDenied);
    EXPECT_NE(v.error().message().find("../../etc/passwd"), std::string::npos);
    // Inside the repository "../../x" from charts/web is just a missing file.
    auto inside = Req("charts/web");
    inside.source.helm = argo::HelmOptions{.value_files = {"../../etc/passwd"}};
    auto i = r.Render(s, inside);
    ASSERT_FALSE(i);
    EXPECT_EQ(i.error().code(), ErrorCode::kNotFound);
  }
  s.AddSymlink("apps/web/escape.yaml", "../../../outside.yaml");
  auto link = r.Render(s, Req("apps/web"));
  ASSERT_FALSE(link);
  EXPECT_EQ(link.error().code(), ErrorCode::kPermissionDenied);
}

TEST(Renderer, UnsupportedFeaturesSayso) {
  auto s = Fleet();
  Renderer r;
  auto chart = Req("");
  chart.source.chart = "nginx";
  auto c = r.Render(s, chart);
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message().find("not supported yet"), std::string::npos);
  auto plugin = Req("apps/web");
  plugin.source.has_plugin = true;
  EXPECT_FALSE(r.Render(s, plugin));
}

TEST(Renderer, OneBrokenAppDoesNotStopTheOthers) {
  auto s = Fleet();
  s.AddFile("apps/broken/bad.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [\n");
  Renderer r;
  std::vector<RenderRequest> reqs = {Req("apps/web", "web"), Req("apps/broken", "broken"),
                                     Req("apps/api", "api")};
  auto results = r.RenderAll(s, reqs, 2);
  ASSERT_EQ(results.size(), 3u);
  ASSERT_TRUE(results[0]);
  ASSERT_FALSE(results[1]);
  EXPECT_NE(results[1].error().message().find("render broken: apps/broken/bad.yaml:"),
            std::string::npos)
      << results[1].error().message();
  ASSERT_TRUE(results[2]);
  EXPECT_EQ(results[2]->objects()[0].Name(), "api");
}

TEST(Renderer, RevisionInOptionsMakesTheKeyFollowTheCommit) {
  if (!HaveTools()) GTEST_SKIP() << "kustomize/helm not installed";
  auto c1 = Fleet();
  auto req = Req("overlays/prod");
  req.source.kustomize =
      argo::KustomizeOptions{.common_labels = {{"rev", "${ARGOCD_APP_REVISION_SHORT}"}}};
  Renderer r;
  auto first = r.Render(c1, req);
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_EQ(first->objects()[0].Label("rev"), "1111111");
  auto c2 = NextCommit(c1, '2');
  auto second = r.Render(c2, req);
  ASSERT_TRUE(second);
  EXPECT_FALSE(second->cache_hit);
  EXPECT_EQ(second->objects()[0].Label("rev"), "2222222");
}

}  // namespace
}  // namespace cellgate::render

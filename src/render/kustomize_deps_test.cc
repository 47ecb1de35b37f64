#include "render/kustomize_deps.h"

#include <gtest/gtest.h>

#include "render/testing/memory_snapshot.h"

namespace cellgate::render {
namespace {

using testing::MemorySnapshot;

MemorySnapshot Overlays() {
  MemorySnapshot s;
  s.AddFile("base/kustomization.yaml", "resources: [deploy.yaml, ../shared/common]\n");
  s.AddFile("base/deploy.yaml", "kind: Deployment\n");
  s.AddFile("shared/common/kustomization.yaml", "resources: [cm.yaml]\n");
  s.AddFile("shared/common/cm.yaml", "kind: ConfigMap\n");
  s.AddFile("shared/patches/replicas.yaml", "kind: Deployment\n");
  s.AddFile("components/tls/kustomization.yaml", "kind: Component\n");
  s.AddFile("overlays/prod/kustomization.yaml", R"(
resources:
- ../../base
- extra.yaml
patches:
- path: ../../shared/patches/replicas.yaml
- patch: |-
    - op: replace
      path: /spec/replicas
      value: 3
configMapGenerator:
- name: cfg
  files: [app.properties, key=../../shared/cfg.txt]
)");
  s.AddFile("overlays/prod/extra.yaml", "kind: Service\n");
  s.AddFile("overlays/prod/app.properties", "a=b\n");
  s.AddFile("shared/cfg.txt", "x\n");
  s.AddFile("unrelated/x.yaml", "kind: ConfigMap\n");
  return s;
}

TEST(KustomizeDeps, FollowsBasesPatchesAndGeneratorsTransitively) {
  auto s = Overlays();
  auto d = FindKustomizeDeps(s, "overlays/prod", {"../../components/tls"});
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_FALSE(d->whole_repository) << d->reason;
  EXPECT_EQ(d->dirs,
            (std::vector<std::string>{"overlays/prod", "base", "components/tls", "shared/common"}));
  EXPECT_EQ(d->files, (std::vector<std::string>{"shared/cfg.txt", "shared/patches/replicas.yaml"}));
}

TEST(KustomizeDeps, RemoteAndMissingFallBackToTheWholeRepository) {
  auto s = Overlays();
  s.AddFile("remote/kustomization.yaml",
            "resources:\n- https://github.com/org/repo//deploy?ref=v1\n");
  auto remote = FindKustomizeDeps(s, "remote");
  ASSERT_TRUE(remote);
  EXPECT_TRUE(remote->whole_repository);
  EXPECT_NE(remote->reason.find("remote"), std::string::npos);
  s.AddFile("missing/kustomization.yaml", "resources: [../nope]\n");
  auto missing = FindKustomizeDeps(s, "missing");
  ASSERT_TRUE(missing);
  EXPECT_TRUE(missing->whole_repository);
  s.AddFile("helm/kustomization.yaml", "helmCharts:\n- name: x\n");
  EXPECT_TRUE(FindKustomizeDeps(s, "helm")->whole_repository);
  s.AddFile("broken/kustomization.yaml", "resources: [\n");
  EXPECT_TRUE(FindKustomizeDeps(s, "broken")->whole_repository);
}

TEST(KustomizeDeps, SymlinksInReferencedTreesFallBack) {
  auto s = Overlays();
  s.AddSymlink("base/linked.yaml", "../unrelated/x.yaml");
  auto d = FindKustomizeDeps(s, "overlays/prod");
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->whole_repository);
  EXPECT_NE(d->reason.find("base/linked.yaml"), std::string::npos);
}

TEST(KustomizeDeps, EscapesAreRefused) {
  MemorySnapshot s;
  s.AddFile("app/kustomization.yaml", "resources: [../../../etc]\n");
  auto d = FindKustomizeDeps(s, "app");
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code(), ErrorCode::kPermissionDenied);
  s.AddFile("abs/kustomization.yaml", "resources: [/etc/passwd]\n");
  EXPECT_FALSE(FindKustomizeDeps(s, "abs"));
}

TEST(KustomizeDeps, CyclesTerminateAndParentsCoverChildren) {
  MemorySnapshot s;
  s.AddFile("a/kustomization.yaml", "resources: [../b]\n");
  s.AddFile("b/kustomization.yaml", "resources: [../a, sub]\n");
  s.AddFile("b/sub/kustomization.yaml", "resources: [../../a]\n");
  auto d = FindKustomizeDeps(s, "a");
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->whole_repository);
  EXPECT_EQ(d->dirs, (std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace cellgate::render

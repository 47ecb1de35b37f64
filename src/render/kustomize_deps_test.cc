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
  auto d = FindKustomizeDeps(s, "overlays/prod", {.components = {"../../components/tls"}});
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_FALSE(d->whole_repository) << d->reason;
  EXPECT_EQ(d->dirs,
            (std::vector<std::string>{"overlays/prod", "base", "components/tls", "shared/common"}));
  EXPECT_EQ(d->files, (std::vector<std::string>{"shared/cfg.txt", "shared/patches/replicas.yaml"}));
}

TEST(KustomizeDeps, RemoteReferencesAreRefusedUnlessAllowed) {
  auto s = Overlays();
  s.AddFile("remote/kustomization.yaml",
            "resources:\n- https://github.com/org/repo//deploy?ref=v1\n");
  auto refused = FindKustomizeDeps(s, "remote");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(
      refused.error().message(),
      "remote/kustomization.yaml: resources entry 'https://github.com/org/repo//deploy?ref=v1' "
      "is a remote reference; remote kustomize bases are off (enable them with "
      "--allow-remote-bases)");
  auto allowed = FindKustomizeDeps(s, "remote", {.allow_remote = true});
  ASSERT_TRUE(allowed) << allowed.error().message();
  EXPECT_TRUE(allowed->whole_repository);
  EXPECT_NE(allowed->reason.find("remote"), std::string::npos);
  s.AddFile("chart/kustomization.yaml",
            "helmCharts:\n- name: web\n  repo: https://charts.example.com\n");
  auto chart = FindKustomizeDeps(s, "chart");
  ASSERT_FALSE(chart);
  EXPECT_NE(chart.error().message().find("chart/kustomization.yaml: helmCharts.repo entry"),
            std::string::npos)
      << chart.error().message();
}

TEST(KustomizeDeps, MissingAndBrokenKustomizationsAreRefused) {
  auto s = Overlays();
  s.AddFile("missing/kustomization.yaml", "resources: [../nope]\n");
  auto missing = FindKustomizeDeps(s, "missing");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().message(),
            "missing/kustomization.yaml: resources entry '../nope' does not exist");
  s.AddFile("broken/kustomization.yaml", "resources: [\n");
  auto broken = FindKustomizeDeps(s, "broken");
  ASSERT_FALSE(broken);
  EXPECT_NE(broken.error().message().find("broken/kustomization.yaml"), std::string::npos);
  s.AddFile("helm/charts/x/Chart.yaml", "name: x\n");
  s.AddFile("helm/kustomization.yaml", "helmCharts:\n- name: x\n");
  auto helm = FindKustomizeDeps(s, "helm");
  ASSERT_TRUE(helm) << helm.error().message();
  EXPECT_TRUE(helm->whole_repository);
  auto ignored =
      FindKustomizeDeps(s, "base", {.components = {"../nope"}, .ignore_missing_components = true});
  ASSERT_TRUE(ignored) << ignored.error().message();
}

// An escape after a remote or missing reference, or beyond the first 256 directories, is
// still found: every kustomization is checked.
TEST(KustomizeDeps, EveryKustomizationIsChecked) {
  MemorySnapshot s;
  s.AddFile("app/kustomization.yaml",
            "resources:\n- https://github.com/org/repo//x?ref=v1\n- ../chain/0\n");
  const int n = 300;
  for (int i = 0; i < n; ++i) {
    s.AddFile("chain/" + std::to_string(i) + "/kustomization.yaml",
              "resources: [../" + std::to_string(i + 1) + "]\n");
  }
  s.AddFile("chain/" + std::to_string(n) + "/kustomization.yaml",
            "resources: [../../../other-commit/secrets]\n");
  auto d = FindKustomizeDeps(s, "app", {.allow_remote = true});
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(d.error().message(),
            "chain/300/kustomization.yaml: resources entry "
            "'../../../other-commit/secrets' leaves the repository");
  auto capped = FindKustomizeDeps(s, "app", {.allow_remote = true, .max_directories = 100});
  ASSERT_FALSE(capped);
  EXPECT_EQ(capped.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_NE(capped.error().message().find("more than 100 directories"), std::string::npos);
}

TEST(KustomizeDeps, EveryPathFieldIsChecked) {
  const std::vector<std::string> fields = {
      "components: [../../x]",
      "crds: [../../x.yaml]",
      "configurations: [../../x.yaml]",
      "openapi:\n  path: ../../x.json",
      "patchesStrategicMerge: [../../p.yaml]",
      "patchesJson6902:\n- path: ../../p.yaml\n  target: {kind: X}",
      "replacements:\n- path: ../../r.yaml",
      "secretGenerator:\n- name: s\n  envs: [../../.env]",
      "configMapGenerator:\n- name: c\n  env: ../../.env",
      "helmCharts:\n- name: web\n  valuesFile: ../../values.yaml",
      "helmGlobals:\n  chartHome: ../../charts\nhelmCharts:\n- name: web",
      "transformers:\n- |\n  apiVersion: builtin\n  kind: PatchTransformer\n  metadata: {name: p}\n"
      "  path: ../../p.yaml",
      "generators: [gen.yaml]",
  };
  for (const auto& f : fields) {
    MemorySnapshot s;
    s.AddFile("app/kustomization.yaml", f + "\n");
    s.AddFile("app/gen.yaml",
              "apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata: {name: g}\n"
              "files: [k=../../../etc/passwd]\n");
    auto d = FindKustomizeDeps(s, "app");
    ASSERT_FALSE(d) << f;
    EXPECT_EQ(d.error().code(), ErrorCode::kPermissionDenied) << f;
    EXPECT_TRUE(d.error().message().starts_with("app/kustomization.yaml: ")) << d.error().message();
  }
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

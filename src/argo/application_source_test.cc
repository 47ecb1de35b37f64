#include <gtest/gtest.h>

#include "argo/application.h"
#include "core/yaml.h"

namespace cellgate::argo {
namespace {

Json Yaml(std::string_view text) {
  auto docs = ParseYamlDocuments(text, "test.yaml");
  EXPECT_TRUE(docs) << docs.error().message();
  return docs ? (*docs)[0].value : Json();
}

TEST(Application, ParsesTheSeedRootApp) {
  auto app = ParseApplication(Yaml(R"(
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: cell-bootstrap
  namespace: argocd
spec:
  project: default
  source:
    repoURL: 'https://github.com/your-username/your-cell-repo.git'
    path: apps
    targetRevision: HEAD
  destination:
    server: 'https://kubernetes.default.svc'
    namespace: default
  syncPolicy:
    automated:
      prune: true
      selfHeal: true
)"));
  ASSERT_TRUE(app) << app.error().message();
  EXPECT_EQ(app->name, "cell-bootstrap");
  EXPECT_EQ(app->ns, "argocd");
  EXPECT_EQ(app->project, "default");
  EXPECT_EQ(app->source.repo_url, "https://github.com/your-username/your-cell-repo.git");
  EXPECT_EQ(app->source.path, "apps");
  EXPECT_EQ(app->source.target_revision, "HEAD");
  EXPECT_EQ(app->destination.server, "https://kubernetes.default.svc");
  EXPECT_EQ(app->destination.ns, "default");
  EXPECT_FALSE(app->source.directory);
  EXPECT_FALSE(app->source.kustomize);
  EXPECT_FALSE(app->source.helm);
  EXPECT_TRUE(app->notes.empty());
}

TEST(Application, ParsesEveryToolBlock) {
  auto src = ParseApplicationSource(Yaml(R"(
repoURL: https://example.com/r.git
path: charts/web
directory:
  recurse: true
  include: '{a.yaml,b.yaml}'
  exclude: 'x/*'
  jsonnet:
    libs: [vendor]
    extVars: [{name: env, value: prod}, {name: replicas, value: '3', code: true}]
    tlas: [{name: team, value: web}]
kustomize:
  namePrefix: p-
  nameSuffix: -s
  images: ['nginx=nginx:1.27', 'app:v2']
  commonLabels: {team: web}
  commonAnnotations: {owner: me}
  namespace: web
  forceCommonLabels: true
  replicas:
  - name: web
    count: 3
  - name: api
    count: "2"
  patches:
  - target: {kind: Deployment}
    patch: '[{"op":"add","path":"/x","value":1}]'
  components: [../components/tls]
helm:
  releaseName: rel
  valueFiles: [values-prod.yaml, /envs/common.yaml]
  values: |
    replicas: 2
  valuesObject:
    image: {tag: v3}
  parameters:
  - name: image.tag
    value: v1
  - name: port
    value: "80"
    forceString: true
  fileParameters:
  - name: config
    path: files/config.txt
  ignoreMissingValueFiles: true
  skipCrds: true
  namespace: other
  kubeVersion: "1.30"
  apiVersions: [monitoring.coreos.com/v1]
)"));
  ASSERT_TRUE(src) << src.error().message();
  ASSERT_TRUE(src->directory);
  EXPECT_TRUE(src->directory->recurse);
  EXPECT_EQ(src->directory->include, "{a.yaml,b.yaml}");
  EXPECT_EQ(src->directory->exclude, "x/*");
  EXPECT_EQ(src->directory->jsonnet.libs, std::vector<std::string>{"vendor"});
  ASSERT_EQ(src->directory->jsonnet.ext_vars.size(), 2u);
  EXPECT_EQ(src->directory->jsonnet.ext_vars[1].name, "replicas");
  EXPECT_EQ(src->directory->jsonnet.ext_vars[1].value, "3");
  EXPECT_TRUE(src->directory->jsonnet.ext_vars[1].code);
  EXPECT_FALSE(src->directory->jsonnet.ext_vars[0].code);
  ASSERT_EQ(src->directory->jsonnet.tlas.size(), 1u);
  EXPECT_EQ(src->directory->jsonnet.tlas[0].value, "web");
  ASSERT_TRUE(src->kustomize);
  EXPECT_EQ(src->kustomize->name_prefix, "p-");
  EXPECT_EQ(src->kustomize->images.size(), 2u);
  EXPECT_EQ(src->kustomize->common_labels.at("team"), "web");
  EXPECT_EQ(src->kustomize->ns, "web");
  EXPECT_TRUE(src->kustomize->force_common_labels);
  ASSERT_EQ(src->kustomize->replicas.size(), 2u);
  EXPECT_EQ(src->kustomize->replicas[1].count, 2);
  EXPECT_EQ(src->kustomize->patches.size(), 1u);
  ASSERT_TRUE(src->helm);
  EXPECT_EQ(src->helm->release_name, "rel");
  EXPECT_EQ(src->helm->value_files[1], "/envs/common.yaml");
  EXPECT_EQ(src->helm->values, "replicas: 2\n");
  ASSERT_TRUE(src->helm->values_object);
  EXPECT_EQ((*src->helm->values_object)["image"]["tag"], "v3");
  ASSERT_EQ(src->helm->parameters.size(), 2u);
  EXPECT_TRUE(src->helm->parameters[1].force_string);
  EXPECT_EQ(src->helm->file_parameters[0].path, "files/config.txt");
  EXPECT_TRUE(src->helm->ignore_missing_value_files);
  EXPECT_TRUE(src->helm->skip_crds);
  EXPECT_EQ(src->helm->ns, "other");
  EXPECT_EQ(src->helm->kube_version, "1.30");
}

TEST(Application, EmptyBlocksStillMakeTheTypeExplicit) {
  auto src = ParseApplicationSource(Yaml("repoURL: r\nkustomize: {}\n"));
  ASSERT_TRUE(src);
  EXPECT_TRUE(src->kustomize);
  EXPECT_FALSE(src->helm);
}

TEST(Application, WrongTypesNameTheField) {
  struct Case {
    const char* yaml;
    const char* field;
  } cases[] = {
      {"helm:\n  parameters:\n  - name: a\n    value: 3\n", "src.helm.parameters[0].value"},
      {"helm:\n  values:\n    a: 1\n", "src.helm.values"},
      {"directory:\n  recurse: 'yes'\n", "src.directory.recurse"},
      {"directory:\n  jsonnet:\n    extVars:\n    - {name: a, value: 1}\n",
       "src.directory.jsonnet.extVars[0].value"},
      {"directory:\n  jsonnet:\n    tlas:\n    - {name: a, value: b, code: 'yes'}\n",
       "src.directory.jsonnet.tlas[0].code"},
      {"directory:\n  jsonnet:\n    libs: vendor\n", "src.directory.jsonnet.libs"},
      {"kustomize:\n  commonLabels:\n    a: 1\n", "src.kustomize.commonLabels.a"},
      {"kustomize:\n  replicas:\n  - name: a\n    count: two\n", "src.kustomize.replicas[0].count"},
      {"path: [a]\n", "src.path"},
  };
  for (const auto& c : cases) {
    auto src = ParseApplicationSource(Yaml(c.yaml), "src");
    ASSERT_FALSE(src) << c.yaml;
    EXPECT_EQ(src.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(src.error().message().find(c.field), std::string::npos) << src.error().message();
  }
}

TEST(Application, SourcesTakesTheFirstWithANote) {
  auto app = ParseApplication(Yaml(R"(
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: multi}
spec:
  source: {repoURL: ignored, path: ignored}
  sources:
  - {repoURL: https://a, path: one}
  - {repoURL: https://b, ref: values}
  destination: {namespace: web}
)"));
  ASSERT_TRUE(app) << app.error().message();
  EXPECT_EQ(app->source.path, "one");
  EXPECT_EQ(app->source_count, 2);
  ASSERT_EQ(app->notes.size(), 1u);
  EXPECT_NE(app->notes[0].find("sources[0]"), std::string::npos);
}

TEST(Application, RejectsOtherKindsAndMissingParts) {
  EXPECT_FALSE(ParseApplication(Yaml("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")));
  auto no_name = ParseApplication(
      Yaml("apiVersion: argoproj.io/v1alpha1\nkind: Application\nspec: {source: {}}\n"));
  ASSERT_FALSE(no_name);
  EXPECT_NE(no_name.error().message().find("metadata.name"), std::string::npos);
  auto no_source = ParseApplication(
      Yaml("apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: x}\nspec: {}\n"));
  ASSERT_FALSE(no_source);
  EXPECT_NE(no_source.error().message().find("spec.source"), std::string::npos);
}

TEST(Application, OptionsJsonIgnoresLocationFields) {
  auto a = ParseApplicationSource(Yaml("repoURL: a\npath: x\ntargetRevision: main\n"));
  auto b = ParseApplicationSource(Yaml("repoURL: b\npath: other\ntargetRevision: dev\n"));
  auto c = ParseApplicationSource(Yaml("repoURL: a\npath: x\ndirectory: {recurse: true}\n"));
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(SourceOptionsJson(*a).dump(), SourceOptionsJson(*b).dump());
  EXPECT_NE(SourceOptionsJson(*a).dump(), SourceOptionsJson(*c).dump());
}

}  // namespace
}  // namespace cellgate::argo

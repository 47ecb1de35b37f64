// Rendering Applications from an ApplicationSet: template merging, finalizers, templatePatch,
// ownership, duplicate names, goTemplateOptions and the shape of errors.
#include "appset/applications.h"

#include <gtest/gtest.h>

#include "appset/test_util.h"

namespace cellgate::appset {
namespace {

using testing::Plain;
using testing::Yaml;

constexpr const char* kHeader = R"(
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: apps, namespace: argocd, uid: u-1}
)";

Result<std::vector<Object>> Gen(const std::string& spec, const GeneratorInputs& in = {}) {
  auto a = argo::ParseApplicationSet(Yaml(std::string(kHeader) + spec));
  CG_TRY(a);
  return GenerateApplications(*a, in);
}

TEST(Applications, GeneratorTemplateOverridesEmptyFieldsOnly) {
  auto apps = Gen(R"(
spec:
  generators:
  - list:
      elements: [{cluster: a}]
      template:
        metadata: {labels: {gen: 'yes-{{cluster}}'}}
        spec:
          project: special
          destination: {namespace: ''}
  template:
    metadata: {name: '{{cluster}}-app', labels: {base: x}}
    spec:
      project: default
      source: {repoURL: r, path: p}
      destination: {server: s, namespace: ns}
)");
  ASSERT_TRUE(apps.has_value()) << apps.error().message();
  ASSERT_EQ(apps->size(), 1u);
  const Json& b = (*apps)[0].body();
  EXPECT_EQ(b["spec"]["project"], "special");
  EXPECT_EQ(b["spec"]["destination"]["namespace"], "ns");  // empty takes the base
  EXPECT_EQ(b["spec"]["source"]["path"], "p");
  EXPECT_EQ(Plain(b["metadata"]["labels"]), Plain(Json{{"gen", "yes-a"}, {"base", "x"}}));
}

TEST(Applications, FinalizerAddedUnlessPreservedOrGiven) {
  const char* spec = R"(
spec:
  generators: [{list: {elements: [{c: a}]}}]
  %s
  template:
    metadata: {name: '{{c}}' %s}
    spec: {project: default}
)";
  auto render = [&](const char* policy, const char* meta) {
    char buf[512];
    std::snprintf(buf, sizeof buf, spec, policy, meta);
    auto apps = Gen(buf);
    EXPECT_TRUE(apps.has_value()) << (apps ? "" : apps.error().message());
    return apps ? (*apps)[0].body()["metadata"].value("finalizers", Json::array()) : Json();
  };
  EXPECT_EQ(render("", ""), Json({"resources-finalizer.argocd.argoproj.io"}));
  EXPECT_EQ(render("syncPolicy: {preserveResourcesOnDeletion: true}", ""), Json::array());
  EXPECT_EQ(render("", ", finalizers: [custom]"), Json({"custom"}));
}

TEST(Applications, OwnerReferenceAndNamespace) {
  auto apps = Gen(R"(
spec:
  generators: [{list: {elements: [{c: a}]}}]
  template: {metadata: {name: '{{c}}'}, spec: {project: default}}
)");
  ASSERT_TRUE(apps.has_value());
  const Json& meta = (*apps)[0].body()["metadata"];
  EXPECT_EQ(meta["namespace"], "argocd");
  EXPECT_EQ(Plain(meta["ownerReferences"]),
            Plain(Json::array({{{"apiVersion", "argoproj.io/v1alpha1"},
                                {"kind", "ApplicationSet"},
                                {"name", "apps"},
                                {"uid", "u-1"},
                                {"controller", true},
                                {"blockOwnerDeletion", true}}})));
}

TEST(Applications, EmptyParameterSetLeavesTemplateAsIs) {
  // Argo CD returns the template unrendered (and without the finalizer) for empty params.
  auto apps = Gen(R"(
spec:
  generators: [{list: {elements: [{}]}}]
  template: {metadata: {name: 'fixed-{{c}}'}, spec: {project: default}}
)");
  ASSERT_TRUE(apps.has_value()) << apps.error().message();
  EXPECT_EQ((*apps)[0].Name(), "fixed-{{c}}");
  EXPECT_FALSE((*apps)[0].body()["metadata"].contains("finalizers"));
}

TEST(Applications, TemplatePatchMergesAndKeepsProject) {
  auto apps = Gen(R"(
spec:
  goTemplate: true
  generators: [{list: {elements: [{c: a, auto: true}, {c: b, auto: false}]}}]
  template:
    metadata: {name: '{{.c}}'}
    spec:
      project: default
      source: {repoURL: r, path: p, helm: {valueFiles: [base.yaml]}}
      destination: {server: s, namespace: ns}
  templatePatch: |
    metadata:
      annotations:
        team: "{{ .c }}"
    spec:
      project: stolen
      source:
        helm:
          valueFiles: [values-{{ .c }}.yaml]
    {{- if .auto }}
      syncPolicy:
        automated: {prune: true}
    {{- end }}
      destination:
        namespace: null
)");
  ASSERT_TRUE(apps.has_value()) << apps.error().message();
  const Json& a = (*apps)[0].body();
  EXPECT_EQ(a["metadata"]["annotations"]["team"], "a");
  EXPECT_EQ(a["spec"]["project"], "default");
  EXPECT_EQ(a["spec"]["source"]["helm"]["valueFiles"], Json({"values-a.yaml"}));  // lists replaced
  EXPECT_EQ(a["spec"]["source"]["path"], "p");
  EXPECT_EQ(a["spec"]["syncPolicy"]["automated"]["prune"], true);
  EXPECT_FALSE(a["spec"]["destination"].contains("namespace"));  // null deletes
  EXPECT_FALSE((*apps)[1].body()["spec"].contains("syncPolicy"));
}

// Argo CD documents templatePatch for goTemplate only, but its controller
// (applicationset/controllers/template/template.go renderTemplatePatch) renders the patch
// with whichever engine the ApplicationSet uses, fasttemplate included, and applies it.
TEST(Applications, TemplatePatchWithoutGoTemplateRendersWithFasttemplate) {
  auto apps = Gen(R"(
spec:
  generators: [{list: {elements: [{c: a}]}}]
  template: {metadata: {name: 'app-{{c}}'}, spec: {project: default}}
  templatePatch: "metadata: {annotations: {team: '{{c}}'}}"
)");
  ASSERT_TRUE(apps.has_value()) << apps.error().message();
  ASSERT_EQ(apps->size(), 1u);
  EXPECT_EQ((*apps)[0].Name(), "app-a");
  EXPECT_EQ((*apps)[0].Annotation("team"), "a");
}

TEST(Applications, DuplicateNamesNameBothElements) {
  auto apps = Gen(R"(
spec:
  generators:
  - list: {elements: [{c: a}, {c: b}]}
  - list: {elements: [{c: a}]}
  template: {metadata: {name: '{{c}}'}, spec: {project: default}}
)");
  ASSERT_FALSE(apps.has_value());
  EXPECT_EQ(apps.error().message(),
            "ApplicationSet argocd/apps contains applications with duplicate name: a (generator 0 "
            "element 0 and "
            "generator 1 element 0)");
}

TEST(Applications, ErrorsNameAppSetGeneratorElementAndExpression) {
  auto apps = Gen(R"(
spec:
  goTemplate: true
  goTemplateOptions: ["missingkey=error"]
  generators:
  - list: {elements: [{cluster: ok}, {cluster: prod, url: 'https://p'}]}
  template:
    metadata: {name: '{{.cluster}}'}
    spec: {project: default, destination: {server: '{{ .server }}'}}
)");
  ASSERT_FALSE(apps.has_value());
  EXPECT_EQ(apps.error().message(),
            "ApplicationSet argocd/apps: generator 0 (list): element 0 {cluster: ok}: "
            "spec.destination.server: 1:4: at "
            "<.server>: map has no entry for key \"server\"");
}

TEST(Applications, MissingKeysPrintNoValueByDefault) {
  auto apps = Gen(R"(
spec:
  goTemplate: true
  generators: [{list: {elements: [{cluster: a}]}}]
  template: {metadata: {name: '{{.cluster}}'}, spec: {project: '{{.nope}}'}}
)");
  ASSERT_TRUE(apps.has_value());
  EXPECT_EQ((*apps)[0].body()["spec"]["project"], "<no value>");
}

TEST(Applications, RenderedNameMustNotBeEmpty) {
  auto apps = Gen(R"(
spec:
  goTemplate: true
  generators: [{list: {elements: [{cluster: ''}]}}]
  template: {metadata: {name: '{{.cluster}}'}, spec: {}}
)");
  ASSERT_FALSE(apps.has_value());
  EXPECT_NE(apps.error().message().find("no metadata.name"), std::string::npos);
}

TEST(Applications, KeysOfMapsAreRendered) {
  auto apps = Gen(R"(
spec:
  generators: [{list: {elements: [{team: web}]}}]
  template:
    metadata: {name: 'x-{{team}}', annotations: {'owner.io/{{team}}': 'true'}}
    spec: {project: default}
)");
  ASSERT_TRUE(apps.has_value());
  EXPECT_EQ((*apps)[0].Annotation("owner.io/web"), "true");
}

TEST(Applications, BadGoTemplateOptionIsAnError) {
  auto apps = Gen(R"(
spec:
  goTemplate: true
  goTemplateOptions: ["missingkey=sometimes"]
  generators: []
  template: {metadata: {name: x}, spec: {}}
)");
  ASSERT_FALSE(apps.has_value());
  EXPECT_NE(apps.error().message().find("missingkey=sometimes"), std::string::npos);
}

}  // namespace
}  // namespace cellgate::appset

#include "render/helm.h"

#include <gtest/gtest.h>

#include "render/testing/memory_snapshot.h"

namespace cellgate::render {
namespace {

using testing::MemorySnapshot;

MemorySnapshot Chart() {
  MemorySnapshot s;
  s.AddFile("charts/web/Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n");
  s.AddFile("charts/web/values.yaml", "replicas: 1\nimage: {tag: v1}\nport: 80\nmessage: hi\n");
  s.AddFile("charts/web/values-prod.yaml", "replicas: 3\n");
  s.AddFile("charts/web/crds/widget.yaml", R"(apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}]
)");
  s.AddFile("charts/web/templates/deployment.yaml", R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  namespace: {{ .Release.Namespace }}
spec:
  replicas: {{ .Values.replicas }}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: "nginx:{{ .Values.image.tag }}"
)");
  s.AddFile("charts/web/templates/configmap.yaml", R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-cfg
data:
  port: {{ .Values.port | quote }}
  portType: {{ kindOf .Values.port | quote }}
  message: {{ .Values.message | quote }}
  kube: {{ .Capabilities.KubeVersion.Version | quote }}
)");
  s.AddFile("envs/prod/common.yaml", "image: {tag: v9}\n");
  return s;
}

TEST(HelmArgs, MatchArgoCd) {
  HelmTemplate t{.release_name = "web",
                 .ns = "prod",
                 .kube_version = "1.32.0",
                 .api_versions = {"monitoring.coreos.com/v1"},
                 .value_files = {"/co/values-prod.yaml"},
                 .extra_values_file = "/tmp/x/values-inline.yaml",
                 .parameters = {{"b", "1,2", false}, {"a", "x", false}, {"s", "80", true}},
                 .file_params = {{"cfg", "/co/cfg.txt"}}};
  EXPECT_EQ(HelmTemplateArgs(t),
            (std::vector<std::string>{"template",        ".",
                                      "--name-template", "web",
                                      "--namespace",     "prod",
                                      "--kube-version",  "1.32.0",
                                      "--set",           "a=x",
                                      "--set",           "b=1\\,2",
                                      "--set-string",    "s=80",
                                      "--set-file",      "cfg=/co/cfg.txt",
                                      "--values",        "/co/values-prod.yaml",
                                      "--values",        "/tmp/x/values-inline.yaml",
                                      "--api-versions",  "monitoring.coreos.com/v1",
                                      "--include-crds"}));
  t.skip_crds = true;
  t.skip_tests = true;
  auto args = HelmTemplateArgs(t);
  EXPECT_EQ(std::find(args.begin(), args.end(), "--include-crds"), args.end());
  EXPECT_EQ(args.back(), "--skip-tests");
}

TEST(HelmArgs, SetValueEscaping) {
  EXPECT_EQ(EscapeHelmSetValue("a,b"), "a\\,b");
  EXPECT_EQ(EscapeHelmSetValue("a\\,b"), "a\\,b");
  EXPECT_EQ(EscapeHelmSetValue("{a,b}"), "{a,b}");
}

TEST(HelmInputs, ResolveRelativeAbsoluteMissingAndEscapes) {
  auto s = Chart();
  HelmOptions h;
  h.value_files = {"values-prod.yaml", "/envs/prod/common.yaml"};
  auto in = ResolveHelmInputs(s, "charts/web", h);
  ASSERT_TRUE(in) << in.error().message();
  EXPECT_EQ(in->value_files,
            (std::vector<std::string>{"charts/web/values-prod.yaml", "envs/prod/common.yaml"}));

  h.value_files = {"../../../etc/passwd"};
  auto escape = ResolveHelmInputs(s, "charts/web", h);
  ASSERT_FALSE(escape);
  EXPECT_EQ(escape.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(escape.error().message().find("../../../etc/passwd"), std::string::npos);

  h.value_files = {"values-missing.yaml"};
  auto missing = ResolveHelmInputs(s, "charts/web", h);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  h.ignore_missing_value_files = true;
  auto ignored = ResolveHelmInputs(s, "charts/web", h);
  ASSERT_TRUE(ignored);
  EXPECT_TRUE(ignored->value_files.empty());
  EXPECT_EQ(ignored->notes.size(), 1u);

  h.value_files = {"https://example.com/values.yaml"};
  EXPECT_FALSE(ResolveHelmInputs(s, "charts/web", h));
  h.value_files = {"file:///etc/passwd"};
  auto scheme = ResolveHelmInputs(s, "charts/web", h);
  ASSERT_FALSE(scheme);
  EXPECT_EQ(scheme.error().code(), ErrorCode::kPermissionDenied);

  HelmOptions fp;
  fp.file_parameters = {{"cfg", "../../../../etc/shadow"}};
  EXPECT_FALSE(ResolveHelmInputs(s, "charts/web", fp));
}

TEST(HelmValues, ValuesObjectTakesPrecedence) {
  HelmOptions h;
  EXPECT_EQ(HelmExtraValues(h), "");
  h.values = "a: 1\n";
  EXPECT_EQ(HelmExtraValues(h), "a: 1\n");
  h.values_object = Json{{"b", 2}};
  EXPECT_EQ(HelmExtraValues(h), "b: 2\n");
}

class HelmTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto bin = FindTool("helm");
    if (!bin) GTEST_SKIP() << bin.error().message();
    run_.binary = *bin;
  }
  Result<std::vector<Object>> Template(const MemorySnapshot& s, const HelmOptions& h,
                                       HelmTemplate t) {
    auto in = ResolveHelmInputs(s, "charts/web", h);
    CG_TRY(in);
    t.parameters = h.parameters;
    t.skip_crds = h.skip_crds;
    return RunHelmTemplate(runner_, s, "charts/web", h, *in, std::move(t), run_);
  }
  HelmRun run_;
  ToolRunner runner_;
};

const Object* Find(const std::vector<Object>& objs, std::string_view kind) {
  for (const auto& o : objs) {
    if (o.Kind() == kind) return &o;
  }
  return nullptr;
}

TEST_F(HelmTest, TemplatesWithValuesParametersAndCrds) {
  auto s = Chart();
  HelmOptions h;
  h.value_files = {"values-prod.yaml", "/envs/prod/common.yaml"};
  h.values = "message: from-values\n";
  h.parameters = {{"port", "8080", true}, {"image.tag", "v10", false}};
  auto objs = Template(s, h, {.release_name = "shop", .ns = "prod", .kube_version = "1.31.0"});
  ASSERT_TRUE(objs) << objs.error().message();
  ASSERT_EQ(objs->size(), 3u);
  const Object* crd = Find(*objs, "CustomResourceDefinition");
  const Object* deploy = Find(*objs, "Deployment");
  const Object* cm = Find(*objs, "ConfigMap");
  ASSERT_TRUE(crd && deploy && cm);
  EXPECT_EQ(deploy->Name(), "shop");
  EXPECT_EQ(deploy->Namespace(), "prod");
  EXPECT_EQ(deploy->body()["spec"]["replicas"], 3);
  EXPECT_EQ(deploy->body()["spec"]["template"]["spec"]["containers"][0]["image"], "nginx:v10");
  EXPECT_EQ(deploy->origin().file, "charts/web/templates/deployment.yaml");
  EXPECT_EQ(cm->body()["data"]["portType"], "string");  // --set-string
  EXPECT_EQ(cm->body()["data"]["message"], "from-values");
  EXPECT_EQ(cm->body()["data"]["kube"], "v1.31.0");
  EXPECT_EQ(crd->origin().file, "charts/web/crds/widget.yaml");
}

TEST_F(HelmTest, SkipCrdsAndValuesObject) {
  auto s = Chart();
  HelmOptions h;
  h.skip_crds = true;
  h.values = "message: ignored\n";
  h.values_object = Json{{"message", "object"}};
  auto objs = Template(s, h, {.release_name = "web", .ns = "default"});
  ASSERT_TRUE(objs) << objs.error().message();
  EXPECT_EQ(objs->size(), 2u);
  EXPECT_EQ(Find(*objs, "CustomResourceDefinition"), nullptr);
  EXPECT_EQ(Find(*objs, "ConfigMap")->body()["data"]["message"], "object");
}

TEST_F(HelmTest, TemplateErrorsNameTheChart) {
  auto s = Chart();
  s.AddFile("charts/web/templates/broken.yaml", "{{ .Values.nope.deeper }}\n");
  auto objs = Template(s, {}, {.release_name = "web"});
  ASSERT_FALSE(objs);
  EXPECT_EQ(objs.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(objs.error().message().find("broken.yaml"), std::string::npos)
      << objs.error().message();
  EXPECT_EQ(objs.error().message().find("cellgate-helm-"), std::string::npos)
      << objs.error().message();
}

}  // namespace
}  // namespace cellgate::render

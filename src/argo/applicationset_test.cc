// The ApplicationSet type, checked against Argo CD's
// pkg/apis/application/v1alpha1/applicationset_types.go (ApplicationsSyncPolicy and its
// AllowUpdate/AllowDelete), the CRD's schema (manifests/crds/applicationset-crd.yaml: the
// applicationsSync enum, strategy.type a free string), applicationset/progressivesync
// (IsRollingSyncStrategy) and applicationset/controllers/template/template.go (templatePatch).
#include "argo/applicationset.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/yaml.h"

namespace cellgate::argo {
namespace {

constexpr const char* kHeader = R"(
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: apps, namespace: argocd, uid: u-1}
)";

Json Yaml(const std::string& text) {
  auto docs = ParseYamlDocuments(text, "inline");
  EXPECT_TRUE(docs && !docs->empty()) << (docs ? "" : docs.error().message());
  return docs && !docs->empty() ? docs->front().value : Json();
}

Result<ApplicationSet> ParseSpec(const std::string& spec) {
  return ParseApplicationSet(Yaml(std::string(kHeader) + spec));
}

TEST(ApplicationSetParse, Fields) {
  auto a = ParseSpec(R"(
spec:
  goTemplate: true
  goTemplateOptions: [missingkey=error]
  generators: [{list: {elements: []}}]
  template: {metadata: {name: x}, spec: {}}
  templatePatch: "spec: {}"
  syncPolicy: {applicationsSync: create-update, preserveResourcesOnDeletion: true}
  preservedFields: {annotations: [a1], labels: [l1]}
  strategy:
    type: RollingSync
    rollingSync:
      steps:
      - matchExpressions: [{key: env, operator: In, values: [dev]}]
      - matchExpressions: [{key: env, operator: In, values: [prod]}]
        maxUpdate: 25%
      - maxUpdate: 2
)");
  ASSERT_TRUE(a) << a.error().message();
  EXPECT_EQ(a->name, "apps");
  EXPECT_EQ(a->ns, "argocd");
  EXPECT_EQ(a->uid, "u-1");
  EXPECT_EQ(a->QualifiedName(), "argocd/apps");
  EXPECT_EQ(a->generators.size(), 1u);
  EXPECT_TRUE(a->go_template);
  EXPECT_EQ(a->go_template_options, std::vector<std::string>{"missingkey=error"});
  EXPECT_EQ(a->template_patch, std::optional<std::string>("spec: {}"));
  EXPECT_EQ(a->applications_sync, ApplicationsSyncPolicy::kCreateUpdate);
  EXPECT_TRUE(a->preserve_resources_on_deletion);
  EXPECT_EQ(a->preserved_annotations, std::vector<std::string>{"a1"});
  EXPECT_EQ(a->preserved_labels, std::vector<std::string>{"l1"});
  ASSERT_TRUE(a->strategy.has_value());
  EXPECT_EQ(a->strategy->type, "RollingSync");
  ASSERT_EQ(a->strategy->steps.size(), 3u);
  EXPECT_EQ(a->strategy->steps[0].max_update, "");
  EXPECT_EQ(a->strategy->steps[1].max_update, "25%");
  EXPECT_EQ(a->strategy->steps[2].max_update, "2");  // int-or-string
}

// The four policies, and what each lets the controller do (AllowUpdate, AllowDelete).
TEST(ApplicationSetParse, ApplicationsSyncPolicies) {
  struct Case {
    std::string value;  // "" = field absent
    ApplicationsSyncPolicy want;
    bool update;
    bool remove;
  };
  for (const Case& c :
       std::vector<Case>{{"", ApplicationsSyncPolicy::kSync, true, true},
                         {"sync", ApplicationsSyncPolicy::kSync, true, true},
                         {"create-only", ApplicationsSyncPolicy::kCreateOnly, false, false},
                         {"create-update", ApplicationsSyncPolicy::kCreateUpdate, true, false},
                         {"create-delete", ApplicationsSyncPolicy::kCreateDelete, false, true}}) {
    std::string spec = "spec: {generators: [], template: {}, syncPolicy: {";
    if (!c.value.empty()) spec += "applicationsSync: " + c.value;
    spec += "}}";
    auto a = ParseSpec(spec);
    ASSERT_TRUE(a) << c.value << ": " << a.error().message();
    EXPECT_EQ(a->applications_sync, c.want) << c.value;
    EXPECT_EQ(PolicyAllowsUpdate(a->applications_sync), c.update) << c.value;
    EXPECT_EQ(PolicyAllowsDelete(a->applications_sync), c.remove) << c.value;
  }
}

// What is accepted and refused. Refusals follow the CRD schema the API server enforces
// (the applicationsSync enum, boolean and list types); Argo CD's controller itself refuses
// no strategy type and applies templatePatch with either template engine.
TEST(ApplicationSetParse, AcceptsAndRefusesAsArgoCd) {
  struct Case {
    std::string spec;
    std::string error;  // "" = accepted
  };
  for (const Case& c : std::vector<Case>{
           {"spec: {generators: [], template: {}}", ""},
           {"spec: {generators: [], template: {}, syncPolicy: {applicationsSync: never}}",
            "spec.syncPolicy.applicationsSync \"never\" is not one of"},
           {"spec: {generators: [], template: {}, syncPolicy: {applicationsSync: Sync}}",
            "\"Sync\" is not one of"},
           {"spec: {generators: [], template: {}, syncPolicy: []}",
            "spec.syncPolicy must be an object"},
           {"spec: {generators: [], template: {}, "
            "syncPolicy: {preserveResourcesOnDeletion: 'true'}}",
            "spec.syncPolicy.preserveResourcesOnDeletion must be a boolean"},
           {"spec: {template: {}}", "spec.generators must be a list"},
           {"spec: {generators: {}, template: {}}", "spec.generators must be a list"},
           {"spec: {generators: []}", "spec.template is required"},
           {"spec: {generators: [], template: {}, goTemplate: 'yes please'}",
            "spec.goTemplate must be a boolean"},
           {"spec: {generators: [], template: {}, goTemplateOptions: missingkey=error}",
            "spec.goTemplateOptions must be a list of strings"},
           {"spec: {generators: [], template: {}, goTemplateOptions: [1]}",
            "spec.goTemplateOptions must be a list of strings"},
           {"spec: {generators: [], template: {}, templatePatch: {spec: {}}}",
            "spec.templatePatch must be a string"},
           {"spec: {generators: [], template: {}, templatePatch: 'spec: {}'}", ""},
           {"spec: {generators: [], template: {}, preservedFields: {labels: l1}}",
            "spec.preservedFields.labels must be a list of strings"},
           {"spec: {generators: [], template: {}, strategy: {type: AllAtOnce}}", ""},
           {"spec: {generators: [], template: {}, strategy: {type: Canary}}", ""},
           {"spec: {generators: [], template: {}, strategy: {}}", ""},
           {"spec: {generators: [], template: {}, strategy: 3}", "spec.strategy must be an object"},
           {"spec: {generators: [], template: {}, "
            "strategy: {type: RollingSync, rollingSync: {steps: {}}}}",
            "spec.strategy.rollingSync.steps must be a list"},
       }) {
    auto a = ParseSpec(c.spec);
    if (c.error.empty()) {
      EXPECT_TRUE(a) << c.spec << ": " << a.error().message();
      continue;
    }
    ASSERT_FALSE(a) << c.spec;
    EXPECT_EQ(a.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(a.error().message().find(c.error), std::string::npos) << a.error().message();
    EXPECT_EQ(a.error().message().rfind("ApplicationSet argocd/apps: ", 0), 0u)
        << a.error().message();
  }
}

TEST(ApplicationSetParse, TypeAndNameAreRequired) {
  auto wrong = ParseApplicationSet(Yaml("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"));
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message().find("must be argoproj.io/v1alpha1 ApplicationSet"),
            std::string::npos);
  auto nameless = ParseApplicationSet(
      Yaml("apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nspec: {}\n"));
  ASSERT_FALSE(nameless);
  EXPECT_NE(nameless.error().message().find("metadata.name is required"), std::string::npos);
  EXPECT_FALSE(ParseApplicationSet(Json::array()));
}

// A strategy type other than RollingSync is not an error (Argo CD: all at once); neither is
// templatePatch without goTemplate.
TEST(ApplicationSetParse, UnknownStrategyTypeIsKeptNotRefused) {
  auto a = ParseSpec("spec: {generators: [], template: {}, strategy: {type: rollingsync}}");
  ASSERT_TRUE(a) << a.error().message();
  ASSERT_TRUE(a->strategy.has_value());
  EXPECT_EQ(a->strategy->type, "rollingsync");
  EXPECT_TRUE(a->strategy->steps.empty());
  auto p = ParseSpec("spec: {generators: [], template: {}, templatePatch: 'spec: {}'}");
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_FALSE(p->go_template);
  EXPECT_EQ(p->template_patch, std::optional<std::string>("spec: {}"));
}

}  // namespace
}  // namespace cellgate::argo

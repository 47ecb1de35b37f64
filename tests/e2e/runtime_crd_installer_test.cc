// The CRD installer against a real kube-apiserver (cell-1): a CRD of the test's own (the
// fleet fixture, renamed per run) is created, Established and usable; a second run writes
// nothing; a changed manifest is applied again; a foreign CRD of the same name is left
// alone. The embedded deploy/crds pass the API server's validation (server-side dry run).
#include <fstream>
#include <sstream>

#include "core/yaml.h"
#include "fleet_e2e_util.h"
#include "runtime/crd_installer.h"

namespace cellgate::runtime::e2e {
namespace {

using std::chrono::seconds;

const kube::GroupVersionKind kCrd{"apiextensions.k8s.io", "v1", "CustomResourceDefinition"};

class CrdInstallerE2E : public FleetE2ETest {
 protected:
  void SetUp() override {
    FleetE2ETest::SetUp();
    if (HasFatalFailure()) return;
    group_ = "e2e-" + UniqueSuffix() + ".fleet-test.cellgate.io";
  }
  void TearDown() override {
    for (const auto& name : created_) {
      (void)hub().applier().Delete(
          Yaml("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
               "metadata:\n  name: " +
               name),
          {});
    }
    FleetE2ETest::TearDown();
  }

  // The fixture with this run's group and `plural`/`kind`.
  std::string Manifest(const std::string& plural, const std::string& kind) {
    std::ifstream in(std::string(CELLGATE_SOURCE_DIR) + "/src/runtime/testdata/crds/widget.yaml");
    std::stringstream s;
    s << in.rdbuf();
    auto docs = ParseYamlDocuments(s.str(), "widget.yaml");
    EXPECT_TRUE(docs && !docs->empty());
    Json crd = docs ? docs->front().value : Json();
    crd["metadata"]["name"] = plural + "." + group_;
    crd["spec"]["group"] = group_;
    crd["spec"]["names"] = {{"kind", kind},
                            {"listKind", kind + "List"},
                            {"plural", plural},
                            {"singular", kind == "Widget" ? "widget" : "gadget"}};
    created_.push_back(plural + "." + group_);
    return ToYaml(crd);
  }

  Result<std::vector<CrdInstallResult>> Install(const std::string& content) {
    std::vector<EmbeddedFile> files{{"fixture.yaml", content}};
    return InstallCrds(hub().reader(), hub().applier(),
                       [&](std::string_view name, std::chrono::milliseconds timeout) {
                         return hub().WaitForCRDEstablished(name, timeout);
                       },
                       files, {.establish_timeout = seconds(60)});
  }

  std::string ResourceVersion(const std::string& name) {
    auto crd = hub().reader().Get(kCrd, "", name);
    EXPECT_TRUE(crd) << crd.error().message();
    return crd ? StringAt(crd->body(), {"metadata", "resourceVersion"}) : "";
  }

  std::string group_;
  std::vector<std::string> created_;
};

TEST_F(CrdInstallerE2E, CreatesOnceThenLeavesItAndReappliesAChangedManifest) {
  const std::string manifest = Manifest("widgets", "Widget");
  auto first = Install(manifest);
  ASSERT_TRUE(first) << first.error().message();
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].action, CrdAction::kCreated);
  // Established and served: an object of the new kind can be applied right away.
  auto widget = hub().applier().Apply(Yaml("apiVersion: " + group_ +
                                           "/v1alpha1\nkind: Widget\nmetadata:\n  name: w\n"
                                           "  namespace: " +
                                           ns() + "\nspec: {size: 3}"),
                                      {});
  ASSERT_TRUE(widget) << widget.error().message();

  const std::string name = "widgets." + group_;
  const std::string rv = ResourceVersion(name);
  auto second = Install(manifest);
  ASSERT_TRUE(second) << second.error().message();
  EXPECT_EQ((*second)[0].action, CrdAction::kUnchanged);
  EXPECT_EQ(ResourceVersion(name), rv) << "an unchanged manifest must not write";

  auto third = Install(manifest + "\n# a newer release\n");
  ASSERT_TRUE(third) << third.error().message();
  EXPECT_EQ((*third)[0].action, CrdAction::kUpdated);
  EXPECT_NE(ResourceVersion(name), rv);
}

TEST_F(CrdInstallerE2E, ForeignCrdIsLeftAlone) {
  const std::string manifest = Manifest("gadgets", "Gadget");
  auto docs = ParseYamlDocuments(manifest, "gadget.yaml");
  ASSERT_TRUE(docs);
  Object foreign(docs->front().value);
  foreign.SetLabel(kPartOfLabel, "argocd");
  ASSERT_TRUE(hub().applier().Create(foreign, {.field_manager = "argocd-install"}));
  ASSERT_TRUE(hub().WaitForCRDEstablished(foreign.Name(), std::chrono::seconds(60)));
  const std::string rv = ResourceVersion(foreign.Name());
  auto r = Install(manifest);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ((*r)[0].action, CrdAction::kForeign);
  EXPECT_EQ((*r)[0].owner, "argocd");
  auto live = hub().reader().Get(kCrd, "", foreign.Name());
  ASSERT_TRUE(live);
  EXPECT_EQ(StringAt(live->body(), {"metadata", "resourceVersion"}), rv);
  EXPECT_EQ(live->Label(kPartOfLabel), "argocd");
  EXPECT_EQ(live->Annotation(kCrdDigestAnnotation), "");
}

TEST_F(CrdInstallerE2E, EmbeddedDeployCrdsPassServerValidation) {
  ASSERT_EQ(EmbeddedCrds().size(), 3u);
  for (const auto& f : EmbeddedCrds()) {
    auto docs = ParseYamlDocuments(f.content, f.name);
    ASSERT_TRUE(docs) << f.name;
    for (const auto& d : *docs) {
      if (d.value.is_null()) continue;
      auto checked = hub().applier().Apply(Object(d.value),
                                           {.field_manager = "cellgate-e2e", .dry_run = true});
      EXPECT_TRUE(checked) << f.name << ": " << checked.error().message();
    }
  }
}

}  // namespace
}  // namespace cellgate::runtime::e2e

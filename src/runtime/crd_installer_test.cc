#include "runtime/crd_installer.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/digest.h"
#include "core/yaml.h"
#include "kube/testing/fake_cluster.h"

namespace cellgate::runtime {
namespace {

const kube::GroupVersionKind kCrd{"apiextensions.k8s.io", "v1", "CustomResourceDefinition"};

std::string ReadFixture(const std::string& rel) {
  std::ifstream in(std::string(CELLGATE_SOURCE_DIR) + "/src/runtime/testdata/" + rel);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class CrdInstallerTest : public ::testing::Test {
 protected:
  CrdInstallerTest() : widget_(ReadFixture("crds/widget.yaml")) {}

  Result<std::vector<CrdInstallResult>> Install(const std::string& content) {
    files_ = {EmbeddedFile{"widget.yaml", content}};
    return InstallCrds(
        hub_, hub_,
        [&](std::string_view name, std::chrono::milliseconds) -> Status {
          waited_.emplace_back(name);
          return Ok();
        },
        files_);
  }
  Object Live() {
    auto crd = hub_.Get(kCrd, "", "widgets.fleet-test.cellgate.io");
    EXPECT_TRUE(crd);
    return crd.value_or(Object());
  }

  std::string widget_;
  std::vector<EmbeddedFile> files_;
  std::vector<std::string> waited_;
  kube::testing::FakeCluster hub_;
};

TEST_F(CrdInstallerTest, MissingCrdIsAppliedWithItsDigestThenWaitedOn) {
  auto r = Install(widget_);
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].name, "widgets.fleet-test.cellgate.io");
  EXPECT_EQ((*r)[0].action, CrdAction::kCreated);
  EXPECT_EQ(hub_.Calls("apply"), 1);
  EXPECT_EQ(Live().Annotation(kCrdDigestAnnotation), Sha256Hex(widget_));
  EXPECT_EQ(Live().Label(kPartOfLabel), "cellgate");
  EXPECT_EQ(waited_, (std::vector<std::string>{"widgets.fleet-test.cellgate.io"}));
}

TEST_F(CrdInstallerTest, SecondRunWritesNothing) {
  ASSERT_TRUE(Install(widget_));
  const std::string rv = StringAt(Live().body(), {"metadata", "resourceVersion"});
  auto again = Install(widget_);
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_EQ((*again)[0].action, CrdAction::kUnchanged);
  EXPECT_EQ(hub_.Calls("apply"), 1);
  EXPECT_EQ(StringAt(Live().body(), {"metadata", "resourceVersion"}), rv);
  EXPECT_EQ(waited_.size(), 2u);  // still waits: it must be usable before the controller starts
}

TEST_F(CrdInstallerTest, OursWithAnotherDigestIsApplied) {
  ASSERT_TRUE(Install(widget_));
  std::string newer = widget_ + "\n# a newer cellgate\n";
  auto r = Install(newer);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ((*r)[0].action, CrdAction::kUpdated);
  EXPECT_EQ(Live().Annotation(kCrdDigestAnnotation), Sha256Hex(newer));
}

TEST_F(CrdInstallerTest, ForeignCrdIsNeverWritten) {
  auto docs = ParseYamlDocuments(widget_, "widget.yaml");
  ASSERT_TRUE(docs);
  Object argo(docs->front().value);
  argo.SetLabel(kPartOfLabel, "argocd");
  ASSERT_TRUE(hub_.Create(argo, {}));
  auto r = Install(widget_);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ((*r)[0].action, CrdAction::kForeign);
  EXPECT_EQ((*r)[0].owner, "argocd");
  EXPECT_EQ(hub_.Calls("apply"), 0);
  EXPECT_EQ(Live().Annotation(kCrdDigestAnnotation), "");
  EXPECT_EQ(Live().Label(kPartOfLabel), "argocd");
}

TEST_F(CrdInstallerTest, ForeignCrdWithoutOurVersionIsAnErrorNamingTheOwner) {
  auto docs = ParseYamlDocuments(widget_, "widget.yaml");
  Object other(docs->front().value);
  other.mutable_body()["metadata"]["labels"] = Json::object();
  other.mutable_body()["spec"]["versions"][0]["name"] = "v2";
  ASSERT_TRUE(hub_.Create(other, {}));
  auto r = Install(widget_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(r.error().message().find("widgets.fleet-test.cellgate.io: exists, owned by someone "
                                     "else (no app.kubernetes.io/part-of label), and does not "
                                     "serve v1alpha1"),
            std::string::npos)
      << r.error().message();
  EXPECT_EQ(hub_.Calls("apply"), 0);
}

TEST_F(CrdInstallerTest, BadManifestsAreRefusedBeforeAnyWrite) {
  auto not_crd = Install("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n");
  ASSERT_FALSE(not_crd);
  EXPECT_NE(not_crd.error().message().find("widget.yaml"), std::string::npos);
  EXPECT_NE(not_crd.error().message().find("is not an apiextensions.k8s.io/v1"), std::string::npos);
  auto unlabelled = Install(
      "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: "
      "a.b.c}\n");
  ASSERT_FALSE(unlabelled);
  EXPECT_NE(unlabelled.error().message().find("lacks the label app.kubernetes.io/part-of"),
            std::string::npos);
  EXPECT_FALSE(Install("a: [unclosed"));
  EXPECT_EQ(hub_.Calls("apply"), 0);
}

TEST_F(CrdInstallerTest, WaitAndWriteFailuresAreReportedPerCrd) {
  files_ = {EmbeddedFile{"widget.yaml", widget_}};
  auto r = InstallCrds(
      hub_, hub_,
      [](std::string_view, std::chrono::milliseconds) -> Status {
        return MakeError(ErrorCode::kDeadlineExceeded, "not ready after 60000 ms");
      },
      files_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kDeadlineExceeded);
  EXPECT_EQ(r.error().message(),
            "install CRDs: widgets.fleet-test.cellgate.io: not ready after 60000 ms");
}

TEST(EmbeddedCrds, CarryTheDeployCrdsAtBuildTime) {
  std::vector<std::string> names;
  for (const auto& f : EmbeddedCrds()) {
    names.emplace_back(f.name);
    auto docs = ParseYamlDocuments(f.content, f.name);
    ASSERT_TRUE(docs) << f.name;
    ASSERT_FALSE(docs->empty());
    EXPECT_EQ(StringAt(docs->front().value, {"kind"}), "CustomResourceDefinition") << f.name;
    EXPECT_EQ(StringAt(docs->front().value, {"metadata", "labels", "app.kubernetes.io/part-of"}),
              "cellgate")
        << f.name;
    // Byte for byte the file in the source tree.
    std::ifstream in(std::string(CELLGATE_SOURCE_DIR) + "/deploy/crds/" + std::string(f.name));
    std::stringstream s;
    s << in.rdbuf();
    EXPECT_EQ(s.str(), f.content) << f.name;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"application.yaml", "applicationset.yaml",
                                             "appproject.yaml"}));
}

}  // namespace
}  // namespace cellgate::runtime

// The seed articles' ApplicationSets must produce exactly the Applications Argo CD would;
// the expectations are golden files in testdata/ (*.expected.yaml), written by hand from
// Argo CD's documented behaviour.
#include <gtest/gtest.h>

#include <filesystem>

#include "appset/applications.h"
#include "appset/test_util.h"
#include "argo/applicationset.h"
#include "git/mirror_source.h"
#include "git/test_repos.h"

namespace cellgate::appset {
namespace {

using testing::Plain;
using testing::ReadCells;
using testing::ReadYamlDocs;

// As read back from the API server after `kubectl apply -n argocd`.
argo::ApplicationSet LoadSeed(const std::string& file) {
  auto parsed = argo::ParseApplicationSet(ReadYamlDocs(file).at(0));
  EXPECT_TRUE(parsed.has_value()) << (parsed ? "" : parsed.error().message());
  argo::ApplicationSet a = *parsed;
  if (a.ns.empty()) a.ns = "argocd";
  a.uid = "uid-" + a.name;
  return a;
}

void ExpectGolden(const std::vector<Object>& apps, const std::string& golden) {
  auto want = ReadYamlDocs(golden);
  ASSERT_EQ(apps.size(), want.size()) << golden;
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(Plain(apps[i].body()), Plain(want[i]))
        << golden << " document " << i << "\n got: " << apps[i].body().dump(2);
  }
}

TEST(Seeds, BackendServicesOnEveryCell) {
  argo::ApplicationSet a = LoadSeed("seed-001-backend-services.appset.yaml");
  GeneratorInputs in{.cells = ReadCells("cells.yaml")};
  auto apps = GenerateApplications(a, in);
  ASSERT_TRUE(apps.has_value()) << apps.error().message();
  ExpectGolden(*apps, "seed-001-backend-services.expected.yaml");
}

TEST(Seeds, GuestbookOverlayPerCell) {
  argo::ApplicationSet a = LoadSeed("seed-002-guestbook.appset.yaml");
  GeneratorInputs in{.cells = ReadCells("cells.yaml")};
  auto apps = GenerateApplications(a, in);
  ASSERT_TRUE(apps.has_value()) << apps.error().message();
  ExpectGolden(*apps, "seed-002-guestbook.expected.yaml");
}

TEST(Seeds, MicroservicesMatrixOfGitFilesAndProductionCells) {
  // A real repository with the registry layout, read through the git mirror.
  git::testing::TempDir tmp;
  git::testing::Origin origin(tmp.path() / "registry");
  for (const auto& e :
       std::filesystem::recursive_directory_iterator(testing::TestData("seed-003-repo"))) {
    if (!e.is_regular_file()) continue;
    auto rel = std::filesystem::relative(e.path(), testing::TestData("seed-003-repo")).string();
    origin.Write(rel, testing::ReadText(e.path()));
  }
  std::string sha = origin.CommitAndPublish("registry");
  auto source = git::MirrorSource::Create({.work_dir = tmp.path() / "cellgate"});
  ASSERT_TRUE(source.has_value()) << source.error().message();
  std::vector<std::pair<std::string, std::string>> asked;
  GeneratorInputs in{.cells = ReadCells("cells.yaml")};
  in.resolve_snapshot =
      [&](const std::string& url,
          const std::string& rev) -> Result<std::shared_ptr<const git::Snapshot>> {
    asked.emplace_back(url, rev);
    // The ApplicationSet names the production host; the test serves it from file://.
    auto commit = (*source)->Resolve(origin.url(), rev);
    CG_TRY(commit);
    return (*source)->Open(origin.url(), *commit);
  };
  argo::ApplicationSet a = LoadSeed("seed-003-microservices.appset.yaml");
  auto apps = GenerateApplications(a, in);
  ASSERT_TRUE(apps.has_value()) << apps.error().message();
  ExpectGolden(*apps, "seed-003-microservices.expected.yaml");
  ASSERT_FALSE(asked.empty());
  EXPECT_EQ(asked[0].first, "https://gitlab.internal/platform/app-registry");
  EXPECT_EQ(asked[0].second, "HEAD");
  (void)sha;
}

}  // namespace
}  // namespace cellgate::appset

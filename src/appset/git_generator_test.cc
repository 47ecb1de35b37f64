// The git generator over an in-memory snapshot (real repositories are used by
// seeds_test.cc): directories, files, parameters, prefixes, values and errors.
#include <gtest/gtest.h>

#include "appset/generators.h"
#include "appset/test_util.h"
#include "render/testing/memory_snapshot.h"

namespace cellgate::appset {
namespace {

using render::testing::MemorySnapshot;
using testing::Plain;
using testing::Yaml;

std::vector<std::string> Field(const std::vector<Json>& sets, const char* key) {
  std::vector<std::string> out;
  out.reserve(sets.size());
  for (const auto& e : sets) out.push_back(e[key]);
  return out;
}

class GitGenerator : public ::testing::Test {
 protected:
  void SetUp() override {
    snap_ = std::make_shared<MemorySnapshot>(std::string(40, 'c'));
    snap_->AddFile("apps/web/kustomization.yaml", "resources: []\n");
    snap_->AddFile(
        "apps/api/config.yaml",
        "service: {name: api, port: 8080}\nreplicas: 1000000\ntags: [a, b]\nnothing: null\n");
    snap_->AddFile("apps/web/config.yaml", "- service: {name: web-a}\n- service: {name: web-b}\n");
    snap_->AddFile("apps/web/charts/sub/config.yaml", "service: {name: sub}\n");
    snap_->AddFile("apps/empty/config.yaml", "");
    snap_->AddFile("apps/.hidden/x.yaml", "a: b\n");
    snap_->AddFile("apps/excluded/x.yaml", "a: b\n");
    snap_->AddFile("apps/My_App/x.yaml", "a: b\n");
    snap_->AddFile("top.json", "{\"k\": \"v\"}");
    in_.resolve_snapshot =
        [this](const std::string& url,
               const std::string& rev) -> Result<std::shared_ptr<const git::Snapshot>> {
      asked_ = url + "@" + rev;
      if (url == "https://git/missing")
        return MakeError(ErrorCode::kNotFound, "revision 'nope' not found");
      return std::shared_ptr<const git::Snapshot>(snap_);
    };
  }

  std::vector<Json> Gen(const std::string& yaml, bool go = false) {
    GeneratorEnv env{.go_template = go, .inputs = in_};
    auto r = GenerateParams(Yaml(yaml), env);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message());
    return r ? *r : std::vector<Json>{};
  }
  std::string GenError(const std::string& yaml, bool go = false) {
    GeneratorEnv env{.go_template = go, .inputs = in_};
    auto r = GenerateParams(Yaml(yaml), env);
    EXPECT_FALSE(r.has_value());
    return r ? "" : r.error().message();
  }

  std::shared_ptr<MemorySnapshot> snap_;
  GeneratorInputs in_;
  std::string asked_;
};

TEST_F(GitGenerator, DirectoriesWithExcludeAndHiddenSkipped) {
  auto p = Gen(R"(
git:
  repoURL: https://git/repo
  revision: main
  directories:
  - path: apps/*
  - path: apps/excluded
    exclude: true
)");
  std::vector<std::string> paths = Field(p, "path");
  EXPECT_EQ(paths, (std::vector<std::string>{"apps/My_App", "apps/api", "apps/empty", "apps/web"}));
  EXPECT_EQ(asked_, "https://git/repo@main");
  EXPECT_EQ(Plain(p[0]), Plain(Json{{"path", "apps/My_App"},
                                    {"path.basename", "My_App"},
                                    {"path.basenameNormalized", "my-app"},
                                    {"path[0]", "apps"},
                                    {"path[1]", "My_App"},
                                    {"commitSHA", std::string(40, 'c')}}));
}

TEST_F(GitGenerator, ExcludeWinsWhateverTheOrder) {
  auto p = Gen(
      "git: {repoURL: r, directories: [{path: 'apps/[ae]*', exclude: true}, {path: 'apps/*'}]}");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0]["path"], "apps/My_App");
  EXPECT_EQ(p[1]["path"], "apps/web");
}

TEST_F(GitGenerator, DirectoriesGoTemplateSegments) {
  auto p = Gen("git: {repoURL: r, directories: [{path: apps/web}]}", true);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(Plain(p[0]["path"]), Plain(Json{{"path", "apps/web"},
                                            {"basename", "web"},
                                            {"basenameNormalized", "web"},
                                            {"segments", {"apps", "web"}}}));
}

TEST_F(GitGenerator, FilesFlattenedLikeArgoCD) {
  auto p = Gen("git: {repoURL: r, files: [{path: apps/api/config.yaml}]}");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0]["service.name"], "api");
  EXPECT_EQ(p[0]["service.port"], "8080");
  EXPECT_EQ(p[0]["replicas"], "1e+06");  // Go prints the float64 JSON gave it
  EXPECT_EQ(p[0]["tags.1"], "b");
  EXPECT_EQ(p[0]["nothing"], "<nil>");
  EXPECT_EQ(p[0]["path"], "apps/api");
  EXPECT_EQ(p[0]["path.basename"], "api");
  EXPECT_EQ(p[0]["path.filename"], "config.yaml");
  EXPECT_EQ(p[0]["path.filenameNormalized"], "config.yaml");
  EXPECT_EQ(p[0]["path[1]"], "api");
}

TEST_F(GitGenerator, FilesDefaultGlobbingIsGreedy) {
  // git pathspec: "apps/*/config.yaml" also matches apps/web/charts/sub/config.yaml.
  auto p = Gen("git: {repoURL: r, files: [{path: 'apps/*/config.yaml'}]}");
  std::vector<std::string> names = Field(p, "service.name");
  // Sorted by path; the empty file gives nothing; a list gives one set per entry.
  EXPECT_EQ(names, (std::vector<std::string>{"api", "sub", "web-a", "web-b"}));
}

TEST_F(GitGenerator, FilesNewGlobbingStaysInSegment) {
  in_.new_git_file_globbing = true;
  auto p =
      Gen("git: {repoURL: r, files: [{path: 'apps/*/config.yaml'}, {path: 'apps/**/sub/*.yaml'}]}");
  std::vector<std::string> names = Field(p, "service.name");
  EXPECT_EQ(names, (std::vector<std::string>{"api", "sub", "web-a", "web-b"}));
  auto only = Gen("git: {repoURL: r, files: [{path: 'apps/*/config.yaml'}]}");
  EXPECT_EQ(only.size(), 3u);
}

TEST_F(GitGenerator, FilesGoTemplateKeepsStructureAndRootPath) {
  auto p = Gen("git: {repoURL: r, files: [{path: top.json}, {path: apps/api/config.yaml}]}", true);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0]["replicas"], 1000000);
  EXPECT_EQ(p[0]["path"]["segments"], Json({"apps", "api"}));
  EXPECT_EQ(p[1]["k"], "v");
  EXPECT_EQ(p[1]["path"]["path"], ".");  // Go's path.Dir of a top-level file
  EXPECT_EQ(p[1]["path"]["basename"], ".");
  EXPECT_EQ(p[1]["path"]["filename"], "top.json");
}

TEST_F(GitGenerator, PathParamPrefixAndValues) {
  auto flat =
      Gen("git: {repoURL: r, pathParamPrefix: app, files: [{path: top.json}], values: {where: "
          "'at-{{app.path.filename}}'}}");
  ASSERT_EQ(flat.size(), 1u);
  EXPECT_EQ(flat[0]["app.path"], ".");
  EXPECT_EQ(flat[0]["app.commitSHA"], std::string(40, 'c'));
  EXPECT_EQ(flat[0]["values.where"], "at-top.json");
  EXPECT_FALSE(flat[0].contains("path"));
  auto go =
      Gen("git: {repoURL: r, pathParamPrefix: app, directories: [{path: apps/web}], values: {b: "
          "'{{.app.path.basename}}'}}",
          true);
  ASSERT_EQ(go.size(), 1u);
  EXPECT_EQ(go[0]["app"]["path"]["basename"], "web");
  EXPECT_EQ(go[0]["values"]["b"], "web");
}

TEST_F(GitGenerator, Errors) {
  snap_->AddFile("bad/config.yaml", "a: [unclosed\n");
  snap_->AddFile("scalar/config.yaml", "just text\n");
  EXPECT_NE(GenError("git: {repoURL: r, files: [{path: bad/config.yaml}]}")
                .find("unable to process file 'bad/config.yaml'"),
            std::string::npos);
  EXPECT_NE(GenError("git: {repoURL: r, files: [{path: scalar/config.yaml}]}")
                .find("must be a map or a list of maps"),
            std::string::npos);
  EXPECT_NE(GenError("git: {repoURL: 'https://git/missing', revision: nope, files: [{path: x}]}")
                .find("git https://git/missing at nope"),
            std::string::npos);
  EXPECT_NE(GenError("git: {repoURL: r}").find("needs directories or files"), std::string::npos);
  EXPECT_NE(GenError("git: {repoURL: r, directories: [{path: 'apps/[x'}]}")
                .find("syntax error in pattern"),
            std::string::npos);
  in_.max_git_file_bytes = 10;
  EXPECT_NE(
      GenError("git: {repoURL: r, files: [{path: apps/api/config.yaml}]}").find("over the limit"),
      std::string::npos);
  GeneratorInputs none;
  GeneratorEnv env{.inputs = none};
  auto r = GenerateParams(Yaml("git: {repoURL: r, files: [{path: x}]}"), env);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), ErrorCode::kFailedPrecondition);
}

TEST_F(GitGenerator, MatrixSecondChildUsesFirstChildPath) {
  auto p = Gen(R"(
matrix:
  generators:
  - git: {repoURL: r, directories: [{path: apps/api}, {path: apps/web}]}
  - git: {repoURL: r, files: [{path: '{{path}}/config.yaml'}]}
)");
  std::vector<std::string> names = Field(p, "service.name");
  EXPECT_EQ(names, (std::vector<std::string>{"api", "web-a", "web-b"}));
}

}  // namespace
}  // namespace cellgate::appset

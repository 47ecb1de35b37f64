// `cellgate render` end to end, in-process: the cellular tutorial from a directory and from a
// real git repository, JSON output, app of apps, and failures.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/app.h"
#include "core/object.h"
#include "git/test_repos.h"

namespace cellgate::cli {
namespace {

namespace fs = std::filesystem;

const fs::path kTutorial = fs::path(CELLGATE_SOURCE_DIR) / "examples/cellular-tutorial";
const std::string kRootApp = (kTutorial / "clusters/cell-us-east-1a/root-app.yaml").string();

struct Captured {
  int code;
  std::string out;
  std::string err;
};

Captured RunCli(std::vector<std::string> args) {
  args.insert(args.begin(), "cellgate");
  std::ostringstream out, err;
  int code = Run(args, out, err);
  return {code, out.str(), err.str()};
}

std::vector<std::string> Kinds(const std::string& json) {
  std::vector<std::string> out;
  Json list = Json::parse(json);
  for (const auto& item : list["items"]) {
    out.push_back(item["kind"].get<std::string>() + "/" +
                  item["metadata"]["name"].get<std::string>());
  }
  return out;
}

TEST(RenderCli, TutorialRootAppRendersTheChildApplications) {
  auto r = RunCli({"render", "-f", kRootApp, "--repo", kTutorial.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("# Source: apps/core-backend.yaml:4 (Application cell-bootstrap)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("path: apps/ingress-controller"), std::string::npos);
  EXPECT_EQ(r.out.find("kind: Deployment"), std::string::npos);  // no recurse into subdirs
}

TEST(RenderCli, AppOfAppsRendersEveryServiceAsJson) {
  auto r = RunCli(
      {"render", "-f", kRootApp, "--repo", kTutorial.string(), "--app-of-apps", "-o", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Kinds(r.out), (std::vector<std::string>{
                              "Application/core-backend", "Application/identity-service",
                              "Application/ingress-controller", "Deployment/core-backend",
                              "Service/core-backend", "Deployment/identity-service",
                              "Service/identity-service", "ConfigMap/ingress-controller",
                              "Deployment/ingress-controller", "Service/ingress-controller"}));
  Json list = Json::parse(r.out);
  for (const auto& item : list["items"]) {
    if (item["kind"] != "Application") {
      EXPECT_FALSE(item["metadata"].contains("namespace"));
    }
  }
}

TEST(RenderCli, FromARealGitRepository) {
  git::testing::TempDir tmp;
  git::testing::Origin origin(tmp.path());
  fs::copy(kTutorial, origin.work(), fs::copy_options::recursive);
  origin.CommitAndPublish("tutorial");
  std::string work = (tmp.path() / "cellgate").string();
  auto r = RunCli({"render", "-f", kRootApp, "--repo", origin.url(), "--work-dir", work,
                   "--app-of-apps", "-o", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Kinds(r.out).size(), 10u);
  auto missing = RunCli({"render", "-f", kRootApp, "--repo", origin.url(), "--work-dir", work,
                         "--revision", "no-such-branch"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("no-such-branch"), std::string::npos) << missing.err;
}

// A CLI command logs warnings and errors only; --log-level info brings the info lines back
// (a fresh mirror's fetch logs "git: fetched" at info). Each invocation applies its own level.
TEST(RenderCli, LogsNoInfoLinesUnlessLogLevelAsks) {
  git::testing::TempDir tmp;
  git::testing::Origin origin(tmp.path());
  fs::copy(kTutorial, origin.work(), fs::copy_options::recursive);
  origin.CommitAndPublish("tutorial");
  auto render = [&](std::vector<std::string> level, const std::string& work_dir) {
    std::vector<std::string> args = std::move(level);
    for (const std::string& a :
         {std::string("render"), std::string("-f"), kRootApp, std::string("--repo"), origin.url(),
          std::string("--work-dir"), (tmp.path() / work_dir).string()}) {
      args.push_back(a);
    }
    ::testing::internal::CaptureStderr();
    auto r = RunCli(args);
    std::string log = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(r.code, 0) << r.err;
    return log + r.err;
  };
  std::string info = render({"--log-level", "info"}, "loud");
  EXPECT_NE(info.find(" info git: fetched "), std::string::npos) << info;
  std::string quiet = render({}, "quiet");
  EXPECT_EQ(quiet.find(" info "), std::string::npos) << quiet;
  std::string debug = render({"--log-level", "debug"}, "debug");
  EXPECT_NE(debug.find(" info git: fetched "), std::string::npos) << debug;
}

TEST(RenderCli, FailuresExitNonZeroAndOtherAppsStillRender) {
  git::testing::TempDir tmp;
  fs::create_directories(tmp.path() / "repo/good");
  fs::create_directories(tmp.path() / "repo/bad");
  std::ofstream(tmp.path() / "repo/good/cm.yaml")
      << "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: good}\n";
  std::ofstream(tmp.path() / "repo/bad/cm.yaml")
      << "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [\n";
  auto app = [](const std::string& name) {
    return "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: " + name +
           "}\nspec:\n  source: {repoURL: 'https://example.com/r.git', path: " + name +
           "}\n  destination: {namespace: default}\n";
  };
  fs::path file = tmp.path() / "apps.yaml";
  std::ofstream(file) << app("bad") << "---\n" << app("good");
  auto r = RunCli({"render", "-f", file.string(), "--repo", (tmp.path() / "repo").string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("render bad: bad/cm.yaml:"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("name: good"), std::string::npos) << r.out;

  auto nofile = RunCli({"render", "-f", (tmp.path() / "nope.yaml").string()});
  EXPECT_EQ(nofile.code, 1);
  std::ofstream(tmp.path() / "cm.yaml") << "apiVersion: v1\nkind: ConfigMap\n";
  auto notapp = RunCli({"render", "-f", (tmp.path() / "cm.yaml").string()});
  EXPECT_EQ(notapp.code, 1);
  EXPECT_NE(notapp.err.find("Application"), std::string::npos) << notapp.err;
  EXPECT_EQ(RunCli({"render", "-f", kRootApp, "-o", "xml"}).code, 2);
  EXPECT_EQ(RunCli({"render"}).code, 2);
}

}  // namespace
}  // namespace cellgate::cli

// Argument validation of the fleet commands, run in-process: every case is refused before
// any network I/O, with exit code 2 and a message naming the problem.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "cli/app.h"

namespace cellgate::cli {
namespace {

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

// A kubeconfig that would reach nothing: the commands must fail before using it.
constexpr const char* kNowhere = "/nonexistent/kubeconfig";

TEST(FleetCli, HelpListsCellAndAppCommands) {
  auto cell = RunCli({"cell", "--help"});
  EXPECT_EQ(cell.code, 0);
  EXPECT_NE(cell.out.find("add"), std::string::npos) << cell.out;
  EXPECT_NE(cell.out.find("list"), std::string::npos) << cell.out;
  auto app = RunCli({"app", "--help"});
  EXPECT_EQ(app.code, 0);
  for (const char* sub : {"list", "get", "diff", "sync"}) {
    EXPECT_NE(app.out.find(sub), std::string::npos) << sub << "\n" << app.out;
  }
}

TEST(FleetCli, GroupsNeedASubcommand) {
  EXPECT_EQ(RunCli({"cell"}).code, 2);
  EXPECT_EQ(RunCli({"app"}).code, 2);
}

TEST(FleetCli, CellAddNeedsAContext) {
  auto r = RunCli({"cell", "add", "--name", "x"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--context"), std::string::npos) << r.err;
}

TEST(FleetCli, CellAddRefusesABadLabelBeforeReadingTheKubeconfig) {
  auto r = RunCli({"cell", "add", "--context", "c", "--kubeconfig", kNowhere, "--label", "oops"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--label \"oops\" is not key=value"), std::string::npos) << r.err;
}

TEST(FleetCli, CellAddNamesTheContextItCannotLoad) {
  auto r = RunCli({"cell", "add", "--context", "cell-9", "--kubeconfig", kNowhere});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("cell-9"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST(FleetCli, UnknownOutputFormatsAreRefused) {
  auto cells = RunCli({"cell", "list", "--kubeconfig", kNowhere, "-o", "yaml"});
  EXPECT_EQ(cells.code, 2);
  EXPECT_NE(cells.err.find("-o yaml"), std::string::npos) << cells.err;
  auto apps = RunCli({"app", "list", "--kubeconfig", kNowhere, "-o", "yaml"});
  EXPECT_EQ(apps.code, 2);
  EXPECT_NE(apps.err.find("-o yaml"), std::string::npos) << apps.err;
  auto get = RunCli({"app", "get", "web", "--kubeconfig", kNowhere, "-o", "name"});
  EXPECT_EQ(get.code, 2);
}

TEST(FleetCli, CellListRefusesABadProbeTimeout) {
  auto r = RunCli({"cell", "list", "--kubeconfig", kNowhere, "--probe-timeout", "soon"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--probe-timeout"), std::string::npos) << r.err;
}

TEST(FleetCli, AppCommandsNeedAName) {
  for (const char* sub : {"get", "diff", "sync"}) {
    auto r = RunCli({"app", sub, "--kubeconfig", kNowhere});
    EXPECT_EQ(r.code, 2) << sub;
    EXPECT_NE(r.err.find("name"), std::string::npos) << sub << ": " << r.err;
  }
}

TEST(FleetCli, AppSyncRefusesBadTimeoutAndSyncOption) {
  auto timeout = RunCli({"app", "sync", "web", "--kubeconfig", kNowhere, "--timeout", "later"});
  EXPECT_EQ(timeout.code, 2);
  EXPECT_NE(timeout.err.find("--timeout"), std::string::npos) << timeout.err;
  auto option = RunCli({"app", "sync", "web", "--kubeconfig", kNowhere, "--sync-option", "Prune"});
  EXPECT_EQ(option.code, 2);
  EXPECT_NE(option.err.find("--sync-option"), std::string::npos) << option.err;
}

TEST(FleetCli, AppListReportsAnUnreadableKubeconfig) {
  auto r = RunCli({"app", "list", "--kubeconfig", kNowhere});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("hub"), std::string::npos) << r.err;
}

// -n means the controller namespace in every fleet command; -N the Application namespace of
// the app commands (as `argocd app -N/--app-namespace`); --controller-namespace is gone.
TEST(FleetCli, NamespaceFlagsAreTheSameInEveryCommand) {
  for (std::vector<std::string> cmd : {std::vector<std::string>{"cell", "add"},
                                       {"cell", "list"},
                                       {"app", "list"},
                                       {"app", "get"},
                                       {"app", "diff"},
                                       {"app", "sync"},
                                       {"controller"}}) {
    std::string what = cmd[0] + (cmd.size() > 1 ? " " + cmd[1] : "");
    cmd.push_back("--help");
    auto help = RunCli(cmd);
    ASSERT_EQ(help.code, 0) << what;
    EXPECT_NE(help.out.find("-n,--namespace"), std::string::npos) << what << "\n" << help.out;
    EXPECT_NE(help.out.find("Controller namespace"), std::string::npos) << what << "\n" << help.out;
    EXPECT_EQ(help.out.find("--controller-namespace"), std::string::npos) << what;
    bool app = cmd[0] == "app";
    EXPECT_EQ(help.out.find("-N,--app-namespace") != std::string::npos, app) << what;
  }
}

// The hub context names a namespace; the hub refuses connections, so the error of the first
// read shows which controller namespace the command used.
class ControllerNamespaceCli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* v = std::getenv("CELLGATE_NAMESPACE")) saved_ = v;
    unsetenv("CELLGATE_NAMESPACE");
    dir_ = std::filesystem::temp_directory_path() /
           ("cellgate-ns-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    kubeconfig_ = (dir_ / "config").string();
    std::ofstream(kubeconfig_) << R"(apiVersion: v1
kind: Config
current-context: argo
clusters:
- name: dead
  cluster: {server: "https://127.0.0.1:9"}
contexts:
- name: argo
  context: {cluster: dead, user: u, namespace: argocd}
- name: plain
  context: {cluster: dead, user: u}
users:
- name: u
  user: {token: t}
)";
  }
  void TearDown() override {
    if (saved_) {
      setenv("CELLGATE_NAMESPACE", saved_->c_str(), 1);
    } else {
      unsetenv("CELLGATE_NAMESPACE");
    }
    std::filesystem::remove_all(dir_);
  }

  Captured CellList(std::vector<std::string> extra) {
    std::vector<std::string> args = {"cell", "list", "--kubeconfig", kubeconfig_};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunCli(args);
  }

  std::optional<std::string> saved_;
  std::filesystem::path dir_;
  std::string kubeconfig_;
};

TEST_F(ControllerNamespaceCli, CellListReadsTheContextsNamespace) {
  auto r = CellList({});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("list cluster Secrets in namespace argocd (from context argo)"),
            std::string::npos)
      << r.err;
}

TEST_F(ControllerNamespaceCli, ThenCellgateWhenTheContextNamesNone) {
  auto r = CellList({"--context", "plain"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("list cluster Secrets in namespace cellgate (the default)"),
            std::string::npos)
      << r.err;
}

TEST_F(ControllerNamespaceCli, EnvironmentBeatsTheContextAndTheFlagBeatsBoth) {
  setenv("CELLGATE_NAMESPACE", "team-a", 1);
  auto env = CellList({});
  EXPECT_NE(env.err.find("in namespace team-a (from $CELLGATE_NAMESPACE)"), std::string::npos)
      << env.err;
  auto flag = CellList({"-n", "team-b"});
  EXPECT_NE(flag.err.find("in namespace team-b (from -n)"), std::string::npos) << flag.err;
  auto bad = CellList({"-n", "Team_B"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("-n \"Team_B\" is not a namespace name"), std::string::npos) << bad.err;
}

TEST_F(ControllerNamespaceCli, AppCommandsReadArgocdAndTheControllerNamespace) {
  auto get = RunCli({"app", "get", "web", "--kubeconfig", kubeconfig_, "--context", "plain"});
  EXPECT_EQ(get.code, 2);
  EXPECT_NE(get.err.find("get application argocd/web"), std::string::npos) << get.err;
  auto only = RunCli({"app", "get", "web", "--kubeconfig", kubeconfig_, "-N", "shop"});
  EXPECT_NE(only.err.find("get application shop/web"), std::string::npos) << only.err;
}

}  // namespace
}  // namespace cellgate::cli

// Argument validation of the fleet commands, run in-process: every case is refused before
// any network I/O, with exit code 2 and a message naming the problem.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace cellgate::cli

#include "cli/app.h"

#include <gtest/gtest.h>

#include <sstream>

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

TEST(Cli, VersionPrintsVersion) {
  auto r = RunCli({"version"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out.rfind("cellgate ", 0), 0u) << r.out;
}

TEST(Cli, HelpListsSubcommands) {
  auto r = RunCli({"--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("version"), std::string::npos) << r.out;
}

TEST(Cli, UnknownSubcommandFails) {
  auto r = RunCli({"frobnicate"});
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("frobnicate"), std::string::npos) << r.err;
}

TEST(Cli, CommandsLogWarningsOnlyButTheControllerLogsInfo) {
  EXPECT_EQ(CliLogLevel("", false), "warn");
  EXPECT_EQ(CliLogLevel("", true), "info");
  EXPECT_EQ(CliLogLevel("info", false), "info");
  EXPECT_EQ(CliLogLevel("error", true), "error");
  auto help = RunCli({"--help"});
  EXPECT_NE(help.out.find("default: warn; info for cellgate controller"), std::string::npos)
      << help.out;
}

TEST(Cli, NoSubcommandFails) {
  auto r = RunCli({});
  EXPECT_NE(r.code, 0);
}

}  // namespace
}  // namespace cellgate::cli

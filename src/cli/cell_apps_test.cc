// Flags and helpers shared by diff, sync and status (the commands themselves run against real
// cells in tests/e2e/sync_e2e_*).
#include "cli/cell_apps.h"

#include <gtest/gtest.h>

#include <sstream>

#include "cli/app.h"

namespace cellgate::cli {
namespace {

using std::chrono::milliseconds;

TEST(ParseDurationTest, AcceptsGoStyleDurations) {
  EXPECT_EQ(*ParseDuration("30s"), milliseconds(30'000));
  EXPECT_EQ(*ParseDuration("5m"), milliseconds(300'000));
  EXPECT_EQ(*ParseDuration("1h30m"), milliseconds(5'400'000));
  EXPECT_EQ(*ParseDuration("500ms"), milliseconds(500));
  EXPECT_EQ(*ParseDuration("90"), milliseconds(90'000));
  // Go's time.ParseDuration, as the controller's flags read it: fractions and every Go unit.
  EXPECT_EQ(*ParseDuration("1.5m"), milliseconds(90'000));
  EXPECT_EQ(*ParseDuration("2500us"), milliseconds(2));
  for (const char* bad : {"", "5x", "m", "-1s", "1s5"}) {
    auto d = ParseDuration(bad);
    ASSERT_FALSE(d) << bad;
    EXPECT_EQ(d.error().code(), ErrorCode::kInvalidArgument);
  }
}

int RunCli(std::vector<std::string> args, std::string* err) {
  args.insert(args.begin(), "cellgate");
  std::ostringstream out, e;
  int code = Run(args, out, e);
  *err = e.str();
  return code;
}

TEST(CellCommandsTest, NeedAFileAndAContext) {
  std::string err;
  for (const char* cmd : {"diff", "sync", "status"}) {
    EXPECT_EQ(RunCli({cmd, "-f", "app.yaml"}, &err), 2) << cmd;
    EXPECT_NE(err.find("--context is required"), std::string::npos) << err;
  }
}

TEST(CellCommandsTest, UnreadableFileIsAnError) {
  std::string err;
  EXPECT_EQ(RunCli({"diff", "-f", "/nonexistent/app.yaml", "--context", "x"}, &err), 2);
  EXPECT_NE(err.find("/nonexistent/app.yaml: cannot open"), std::string::npos) << err;
  EXPECT_EQ(
      RunCli({"sync", "-f", "/nonexistent/app.yaml", "--context", "x", "--timeout", "soon"}, &err),
      2);
  EXPECT_NE(err.find("invalid duration 'soon'"), std::string::npos) << err;
}

}  // namespace
}  // namespace cellgate::cli

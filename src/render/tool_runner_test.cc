#include "render/tool_runner.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

namespace cellgate::render {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

ToolInvocation Sh(std::string script) { return {.program = "/bin/sh", .args = {"-c", script}}; }

TEST(ToolRunner, CapturesStdoutAndCounts) {
  ToolRunner runner;
  auto out = runner.Run(Sh("printf 'a\\nb'; echo warn >&2"));
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_EQ(out->out, "a\nb");
  EXPECT_EQ(out->err, "warn\n");
  EXPECT_EQ(runner.invocations(), 1u);
}

TEST(ToolRunner, NonZeroExitCarriesTrimmedStderr) {
  ToolRunner runner({.error_stderr_chars = 40});
  auto out = runner.Run(Sh("yes noise | head -c 5000 >&2; echo; echo 'Error: boom' >&2; exit 3"));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code(), ErrorCode::kInvalidArgument);
  const auto& msg = out.error().message();
  EXPECT_NE(msg.find("exit status 3"), std::string::npos) << msg;
  EXPECT_NE(msg.find("Error: boom"), std::string::npos) << msg;
  EXPECT_LT(msg.size(), 200u) << msg;
}

TEST(ToolRunner, TimeoutKillsTheProcessGroup) {
  ToolRunner runner({.timeout = milliseconds(300)});
  auto start = Clock::now();
  // The grandchild would keep the pipes open for 30 s if only the shell were killed.
  auto out = runner.Run(Sh("sleep 30 & sleep 30"));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code(), ErrorCode::kDeadlineExceeded);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));
}

TEST(ToolRunner, StragglersAfterExitAreKilled) {
  ToolRunner runner({.timeout = milliseconds(20'000)});
  auto start = Clock::now();
  auto out = runner.Run(Sh("sleep 30 & echo done"));
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_EQ(out->out, "done\n");
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));
}

TEST(ToolRunner, StdoutLimit) {
  ToolRunner runner({.max_stdout_bytes = 1 << 20});
  auto out = runner.Run(Sh("head -c 3000000 /dev/zero"));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code(), ErrorCode::kResourceExhausted);
}

TEST(ToolRunner, CleanEnvironmentAndPrivateHome) {
  ::setenv("CELLGATE_TEST_SECRET", "hunter2", 1);
  ToolRunner runner;
  ToolInvocation inv = Sh("env; pwd");
  inv.env = {{"EXTRA", "1"}};
  auto out = runner.Run(inv);
  ::unsetenv("CELLGATE_TEST_SECRET");
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_EQ(out->out.find("hunter2"), std::string::npos) << out->out;
  EXPECT_NE(out->out.find("EXTRA=1"), std::string::npos);
  EXPECT_NE(out->out.find("HELM_CACHE_HOME="), std::string::npos);
  EXPECT_NE(out->out.find("HOME=" + std::filesystem::temp_directory_path().string()),
            std::string::npos)
      << out->out;
  // The scratch directory is removed afterwards.
  auto pos = out->out.find("\nHOME=");
  ASSERT_NE(pos, std::string::npos);
  std::string home = out->out.substr(pos + 6, out->out.find('\n', pos + 1) - pos - 6);
  EXPECT_FALSE(std::filesystem::exists(home)) << home;
}

TEST(ToolRunner, WorkingDirectory) {
  ToolRunner runner;
  ToolInvocation inv = Sh("pwd");
  inv.cwd = "/usr";
  auto out = runner.Run(inv);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->out, "/usr\n");
}

TEST(ToolRunner, ConcurrencyIsBounded) {
  auto dir = std::filesystem::temp_directory_path() / ("cg-conc-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto log = (dir / "log").string();
  ToolRunner runner({.max_concurrency = 2});
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&] {
      auto r = runner.Run(Sh("echo + >> " + log + "; sleep 0.15; echo - >> " + log));
      EXPECT_TRUE(r);
    });
  }
  for (auto& t : threads) t.join();
  std::ifstream in(log);
  int running = 0, max_running = 0;
  for (std::string line; std::getline(in, line);) {
    running += line == "+" ? 1 : -1;
    max_running = std::max(max_running, running);
  }
  std::filesystem::remove_all(dir);
  EXPECT_EQ(max_running, 2);
  EXPECT_EQ(runner.invocations(), 6u);
}

TEST(ToolRunner, MissingProgramAndRedaction) {
  ToolRunner runner;
  auto missing = runner.Run({.program = "/nonexistent/kustomize", .args = {"build"}});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(runner.invocations(), 0u);
  ToolInvocation inv = Sh("echo 'failed at /scratch/abc/apps/web' >&2; exit 1");
  inv.redactions = {{"/scratch/abc/", ""}};
  auto r = runner.Run(inv);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("failed at apps/web"), std::string::npos)
      << r.error().message();
}

TEST(ToolRunner, FindToolLooksInCacheThenPath) {
  auto found = FindTool("sh");
  ASSERT_TRUE(found) << found.error().message();
  EXPECT_TRUE(found->is_absolute());
  auto explicit_path = FindTool("kustomize", "/bin/sh");
  ASSERT_TRUE(explicit_path);
  EXPECT_EQ(*explicit_path, "/bin/sh");
  auto missing = FindTool("definitely-not-a-tool-xyz");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message().find("PATH"), std::string::npos);
}

}  // namespace
}  // namespace cellgate::render

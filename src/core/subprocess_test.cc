#include "core/subprocess.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <thread>

namespace cellgate {
namespace {

namespace fs = std::filesystem;

Command Shell(std::string script) {
  return Command{.program = "/bin/sh", .args = {"-c", std::move(script)}};
}

TEST(RunSubprocess, ReportsOutputAndExitStatus) {
  auto r = RunSubprocess(Shell("echo out; echo err >&2; exit 3"));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->end, SubprocessResult::End::kExited);
  EXPECT_EQ(r->exit_status, 3);
  EXPECT_EQ(r->out, "out\n");
  EXPECT_EQ(r->err, "err\n");
  EXPECT_FALSE(r->Succeeded());
}

TEST(RunSubprocess, TheEnvironmentIsOnlyWhatTheCallerGives) {
  ::setenv("CELLGATE_SUBPROCESS_SECRET", "s3cret", 1);
  auto r = RunSubprocess(Command{.program = "/usr/bin/env"});
  ::unsetenv("CELLGATE_SUBPROCESS_SECRET");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->out, "");
  auto given = RunSubprocess(Command{.program = "/usr/bin/env", .env = {"A=1"}});
  ASSERT_TRUE(given);
  EXPECT_EQ(given->out, "A=1\n");
}

TEST(RunSubprocess, ClosesInheritedDescriptorsAndReadsDevNull) {
  int fd = ::open("/dev/null", O_RDONLY);  // without O_CLOEXEC
  ASSERT_GE(fd, 3);
  auto r = RunSubprocess(
      Shell("[ -e /proc/self/fd/" + std::to_string(fd) + " ] && echo open || echo closed; cat"));
  ::close(fd);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->out, "closed\n");  // and `cat` read an empty stdin
}

TEST(RunSubprocess, TimeoutKillsTheWholeGroup) {
  auto r = RunSubprocess(Command{.program = "/bin/sh",
                                 .args = {"-c", "sleep 60 & echo $!; wait"},
                                 .timeout = std::chrono::milliseconds(300)});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->end, SubprocessResult::End::kTimedOut);
  const std::string pid = r->out.substr(0, r->out.find('\n'));
  ASSERT_FALSE(pid.empty());
  bool gone = false;
  for (int i = 0; i < 1000 && !gone; ++i) {
    std::ifstream stat("/proc/" + pid + "/stat");
    std::string line;
    gone = !std::getline(stat, line) || line.substr(line.rfind(')') + 2, 1) == "Z";
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(gone) << "sleep " << pid << " survived";
}

TEST(RunSubprocess, StdoutCapEndsTheRunAndStderrKeepsItsTail) {
  auto r = RunSubprocess(Command{
      .program = "/bin/sh", .args = {"-c", "head -c 100000 /dev/zero"}, .max_stdout_bytes = 1000});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->end, SubprocessResult::End::kOutputTooLarge);
  auto e = RunSubprocess(Command{
      .program = "/bin/sh", .args = {"-c", "printf 'aaaaaaaaaabbbbb' >&2"}, .max_stderr_bytes = 5});
  ASSERT_TRUE(e);
  EXPECT_EQ(e->err, "bbbbb");
}

TEST(RunSubprocess, WorkingDirectoryAndMissingProgram) {
  auto r = RunSubprocess(Command{.program = "/bin/pwd", .cwd = "/"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->out, "/\n");
  auto missing = RunSubprocess(Command{.program = "/nonexistent/tool"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
}

TEST(LookPath, SearchesPathForBareNames) {
  auto sh = LookPath("sh", "/nonexistent:/bin");
  ASSERT_TRUE(sh) << sh.error().message();
  EXPECT_EQ(*sh, fs::path("/bin/sh"));
  EXPECT_FALSE(LookPath("sh", "/nonexistent"));
  EXPECT_EQ(*LookPath("/bin/sh", ""), fs::path("/bin/sh"));
  EXPECT_EQ(LookPath("no-such-tool-here", "/bin").error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace cellgate

#include "render/tool_runner.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
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

// kustomize and helm quote what they could not parse, whole objects included: what looks like
// a credential is masked in the stderr an error carries, even where the cut falls inside it.
TEST(ToolRunner, CredentialsInStderrAreMasked) {
  ToolRunner runner({.error_stderr_chars = 120});
  auto r = runner.Run(
      Sh("echo 'Error: map[stringData:map[password:s3cr3t-hunter2]]' >&2;"
         "echo '-----BEGIN RSA PRIVATE KEY-----' >&2;"
         "yes MIIEowIBAAKCAQEAkeybody | head -n 40 >&2;"
         "echo '-----END RSA PRIVATE KEY-----' >&2;"
         "echo 'repo https://bob:pa55-w0rd@git.example/r.git token=tok-123456' >&2; exit 1"));
  ASSERT_FALSE(r);
  const std::string& msg = r.error().message();
  for (const char* secret : {"s3cr3t-hunter2", "keybody", "pa55-w0rd", "tok-123456"}) {
    EXPECT_EQ(msg.find(secret), std::string::npos) << secret << " in " << msg;
  }
  EXPECT_NE(msg.find("exit status 1"), std::string::npos) << msg;
  auto full = runner.Run(Sh("echo 'password=s3cr3t-hunter2' >&2; exit 1"));
  ASSERT_FALSE(full);
  EXPECT_NE(full.error().message().find("password=++++++++"), std::string::npos)
      << full.error().message();
}

// Sets an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

std::filesystem::path MakeTempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "cellgate-find-XXXXXX").string();
  EXPECT_NE(::mkdtemp(tmpl.data()), nullptr);
  return tmpl;
}

void PlantTool(const std::filesystem::path& dir, const std::string& name,
               const std::string& marker) {
  std::filesystem::create_directories(dir);
  std::ofstream(dir / name) << "#!/bin/sh\ntouch " << marker << "\n";
  std::filesystem::permissions(dir / name, std::filesystem::perms::owner_all);
}

TEST(ToolRunner, FindToolUsesExplicitPathsThenToolsDirThenPath) {
  auto found = FindTool("sh");
  ASSERT_TRUE(found) << found.error().message();
  EXPECT_TRUE(found->is_absolute());
  auto explicit_path = FindTool("kustomize", {.explicit_path = "/bin/sh"});
  ASSERT_TRUE(explicit_path);
  EXPECT_EQ(*explicit_path, "/bin/sh");
  auto from_dir = FindTool("sh", {.tools_dir = "/bin"});
  ASSERT_TRUE(from_dir) << from_dir.error().message();
  EXPECT_EQ(*from_dir, "/bin/sh");
  auto missing = FindTool("definitely-not-a-tool-xyz");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message().find("PATH"), std::string::npos);
}

// A repository that plants a file in the controller's cache must not get it executed.
TEST(ToolRunner, ToolsPlantedInTheCacheAreNeverRun) {
  const auto tmp = MakeTempDir();
  const auto cache = tmp / "cache", home = tmp / "home", marker = tmp / "ran";
  PlantTool(cache / "bin", "kustomize", marker.string());
  PlantTool(home / ".cache/cellgate/bin", "kustomize", marker.string());
  ScopedEnv cache_env("CELLGATE_CACHE", cache.string());
  ScopedEnv home_env("HOME", home.string());
  ScopedEnv path_env("PATH", "/usr/bin:/bin");
  auto found = FindTool("kustomize");
  if (found) {
    EXPECT_FALSE(found->string().starts_with(tmp.string())) << *found;
    ToolRunner runner;
    (void)runner.Run({.program = *found, .args = {"version"}});
  } else {
    EXPECT_EQ(found.error().code(), ErrorCode::kNotFound);
  }
  EXPECT_FALSE(std::filesystem::exists(marker));
  std::filesystem::remove_all(tmp);
}

TEST(ToolRunner, ToolsDirInsideAWritableDirIsRefused) {
  const auto tmp = MakeTempDir();
  PlantTool(tmp / "cache/bin", "kustomize", (tmp / "ran").string());
  auto refused = FindTool("kustomize", {.tools_dir = tmp / "cache/bin",
                                        .writable_dirs = {tmp / "cache/checkouts", tmp / "cache"}});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(refused.error().message().find("--tools-dir"), std::string::npos);
  auto explicit_path = FindTool("kustomize", {.explicit_path = tmp / "cache/bin/kustomize",
                                              .writable_dirs = {tmp / "cache"}});
  ASSERT_FALSE(explicit_path);
  EXPECT_EQ(explicit_path.error().code(), ErrorCode::kPermissionDenied);
  {  // PATH entries inside a writable directory are skipped
    ScopedEnv path_env("PATH", (tmp / "cache/bin").string());
    EXPECT_FALSE(FindTool("kustomize", {.writable_dirs = {tmp / "cache"}}));
    EXPECT_TRUE(FindTool("kustomize"));
  }
  std::filesystem::remove_all(tmp);
}

// awk doubling a string: ~400 MiB of heap at its peak, fine without a limit.
constexpr const char* kAllocate =
    "awk 'BEGIN { s = \"x\"; for (i = 0; i < 28; i++) s = s s; print length(s) }'";

TEST(ToolRunner, MemoryLimitStopsAToolThatAllocatesPastIt) {
  ToolRunner limited({.memory_limit_bytes = 128u << 20});
  auto out = limited.Run(Sh(kAllocate));
  ASSERT_FALSE(out) << out->out;
  EXPECT_EQ(out.error().code(), ErrorCode::kResourceExhausted) << out.error().message();
  EXPECT_NE(out.error().message().find("out of memory under the 128 MiB memory limit"),
            std::string::npos)
      << out.error().message();
  ToolRunner defaults;
  auto fine = defaults.Run(Sh(kAllocate));
  ASSERT_TRUE(fine) << fine.error().message();
  EXPECT_EQ(fine->out, "268435456\n");
}

}  // namespace
}  // namespace cellgate::render

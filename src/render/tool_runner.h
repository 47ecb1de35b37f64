// Runs the external renderers (kustomize, helm) the way Argo CD's repo-server does, but
// without a shell and with hard bounds, through core/subprocess.h:
//
//  - execve of an absolute path with an argv vector; nothing is interpreted by a shell;
//    inherited file descriptors are closed.
//  - The child gets a clean environment: PATH (the tool's own directory, then /usr/local/bin,
//    /usr/bin, /bin), HOME, TMPDIR, XDG_* and HELM_{CACHE,CONFIG,DATA}_HOME inside a fresh
//    temporary directory that is removed afterwards, plus the invocation's own variables.
//    Nothing is inherited from our environment, so credentials in it never reach a tool.
//  - Its memory is capped with RLIMIT_DATA (heap and private writable mappings; default
//    2 GiB, ToolRunnerOptions::memory_limit_bytes), set in the child before exec; a tool that
//    dies of it (stderr says "out of memory" / "cannot allocate memory") is
//    kResourceExhausted naming the limit.
//  - It runs in its own process group; on timeout (default 90 s) or when stdout exceeds its
//    limit the whole group is killed with SIGKILL. Stragglers left in the group after the
//    tool exits are killed too.
//  - A counting semaphore bounds how many tools run at once across every caller of this
//    runner (default 2 x hardware threads); share one runner per process.
//  - A non-zero exit is an error whose message carries the tail of stderr, trimmed.
//
// invocations() counts processes started, so tests can prove a cache hit ran no tool.
//
// Thread-safety: Run may be called from many threads at once.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <semaphore>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace cellgate::render {

struct ToolRunnerOptions {
  std::chrono::milliseconds timeout{90'000};
  int max_concurrency = 0;  // 0: 2 x std::thread::hardware_concurrency()
  std::size_t max_stdout_bytes = 64u << 20;
  std::size_t max_stderr_bytes = 1u << 20;  // beyond this only the tail is kept
  std::size_t error_stderr_chars = 2000;    // how much stderr an error message quotes
  std::filesystem::path temp_dir;           // "": std::filesystem::temp_directory_path()
  // RLIMIT_DATA of each tool process (0: unlimited). Not RLIMIT_AS: Go binaries reserve
  // address space far beyond what they use (kustomize needs ~768 MiB of it to print one
  // ConfigMap), while their data segment follows the heap (~128 MiB for that build).
  std::uint64_t memory_limit_bytes = 2ull << 30;
};

struct ToolInvocation {
  std::filesystem::path program;                         // absolute path
  std::vector<std::string> args;                         // argv[1..]
  std::filesystem::path cwd;                             // "": the invocation's temporary directory
  std::vector<std::pair<std::string, std::string>> env;  // added to the clean environment
  std::chrono::milliseconds timeout{0};                  // 0: the runner's default
  // Replacements applied to error messages (e.g. a checkout path -> "."), so errors name
  // repository paths rather than our scratch directories.
  std::vector<std::pair<std::string, std::string>> redactions;
  // The program applies the runner's memory limit to itself once it runs (jsonnet_eval.h), so
  // none is set before exec: a sanitizer runtime could not start under it.
  bool memory_limit_in_child = false;
};

struct ToolOutput {
  std::string out;  // stdout
  std::string err;  // stderr (tail when longer than max_stderr_bytes)
};

class ToolRunner {
 public:
  explicit ToolRunner(ToolRunnerOptions options = {});
  ToolRunner(const ToolRunner&) = delete;
  ToolRunner& operator=(const ToolRunner&) = delete;

  // Runs the program to completion. Errors: kNotFound (program missing), kInvalidArgument
  // (non-zero exit; the tool refused its input), kDeadlineExceeded (timeout),
  // kResourceExhausted (stdout or memory limit), kInternal (spawn or pipe failure).
  Result<ToolOutput> Run(const ToolInvocation& invocation);

  std::uint64_t invocations() const { return invocations_.load(); }
  const ToolRunnerOptions& options() const { return options_; }

 private:
  ToolRunnerOptions options_;
  std::counting_semaphore<> slots_;
  std::atomic<std::uint64_t> invocations_{0};
};

// Where external tools come from. Tools are never looked up in a directory the process
// writes to at run time (its git cache, checkouts, scratch space): a repository that
// managed to plant a file there must not get it executed.
struct ToolLookup {
  std::filesystem::path explicit_path;  // this file, if given (--kustomize, --helm)
  std::filesystem::path tools_dir;      // else <tools_dir>/<name>, if given (--tools-dir)
  // Directories written at run time. An explicit path or tools_dir inside one is refused
  // (kPermissionDenied); PATH entries inside one are skipped.
  std::vector<std::filesystem::path> writable_dirs;
};

// Locates an external tool: lookup.explicit_path, else <lookup.tools_dir>/<name>, else the
// first <name> on PATH. kNotFound names every place it looked.
Result<std::filesystem::path> FindTool(std::string_view name, const ToolLookup& lookup = {});

}  // namespace cellgate::render

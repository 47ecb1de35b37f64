// The one way the tree runs another program (kustomize, helm, jsonnet/jq children, exec
// credential plugins), with hard bounds:
//
//  - vfork + execve of an absolute path with an argv vector (what posix_spawn does, plus
//    setrlimit); nothing is interpreted by a shell.
//  - The child's environment is exactly Command::env: empty unless the caller fills it, so
//    nothing of ours (credentials included) leaks by default.
//  - stdin is /dev/null; stdout and stderr are pipes; every other file descriptor is closed
//    (close_range), whether or not it was opened with O_CLOEXEC.
//  - Signal dispositions and the signal mask go back to the defaults before exec.
//  - The child leads its own process group. On timeout, or when stdout passes its cap, the
//    whole group gets SIGKILL; when the child exits, whatever is left of its group (a
//    background grandchild holding the pipes) is killed too, so the call never waits on it.
//  - stdout beyond max_stdout_bytes ends the run (kOutputTooLarge); stderr keeps only its
//    last max_stderr_bytes.
//  - An optional RLIMIT_DATA cap (heap and private writable mappings) is set in the child.
//
// RunSubprocess returns how the program ended; only a failure to start it is an error
// (kNotFound when the program is missing, kInternal otherwise). Callers turn exits, signals
// and timeouts into their own errors.
//
// Thread-safety: RunSubprocess may be called from many threads at once; each call owns its
// child. It blocks the calling thread until the child and its group are gone.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace cellgate {

struct Command {
  std::filesystem::path program;  // absolute (LookPath finds a bare name)
  std::vector<std::string> args;  // argv[1..]; argv[0] is `program`
  std::vector<std::string> env;   // "NAME=value", the child's whole environment
  std::filesystem::path cwd;      // "": the caller's working directory
  std::chrono::milliseconds timeout{90'000};
  std::size_t max_stdout_bytes = 64u << 20;
  std::size_t max_stderr_bytes = 1u << 20;  // beyond this only the tail is kept
  std::uint64_t memory_limit_bytes = 0;     // RLIMIT_DATA of the child; 0: none
};

struct SubprocessResult {
  enum class End { kExited, kSignaled, kTimedOut, kOutputTooLarge };
  End end = End::kExited;
  int exit_status = 0;  // kExited
  int signal = 0;       // kSignaled
  std::string out;      // stdout (up to max_stdout_bytes, and a little beyond on kOutputTooLarge)
  std::string err;      // stderr (its tail when longer than max_stderr_bytes)

  bool Succeeded() const { return end == End::kExited && exit_status == 0; }
};

Result<SubprocessResult> RunSubprocess(const Command& command);

// Go's exec.LookPath on Unix: a name holding '/' is used as it is (made absolute against the
// working directory); otherwise the first executable regular file <dir>/<name> along
// `path_env` (':'-separated; an empty entry is the working directory). kNotFound otherwise.
Result<std::filesystem::path> LookPath(std::string_view name, std::string_view path_env);

}  // namespace cellgate

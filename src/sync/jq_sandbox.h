// JqSandbox: evaluates tenant-written jq programs (ignoreDifferences jqPathExpressions) in a
// worker process, so that a program that never ends (`def f: f; f`) or that allocates without
// bound costs a killed worker, never a controller thread.
//
// The worker is this same executable, started again (/proc/self/exe) with an empty
// environment (jq's `env` and `$ENV` see nothing), stdin and stdout on a socket pair, stderr on
// /dev/null, every other descriptor closed, and a data limit (RLIMIT_DATA) of what it uses at
// start plus memory_limit_bytes. A constructor in this file turns such a process into the
// worker before main runs, whichever binary it is. jq modules are off: the library path is
// empty, so `import` and `include` find nothing.
//
// Each request gets `timeout` (Argo CD's default jq timeout, 1 s): past it the worker is
// killed and the call fails with kDeadlineExceeded; the next call starts a new worker. A
// worker that dies (memory limit) fails the call with kResourceExhausted. Either way the
// program is remembered (up to 1,024 of them) and later calls with it fail at once with the
// same error, without running it: one runaway expression costs one timeout per process, not
// one per object per reconcile. Compiled programs are cached in the worker.
//
// Thread-safety: thread-safe; requests are served one at a time (libjq is not thread-safe).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/mutex.h"
#include "core/object.h"
#include "core/result.h"

namespace cellgate::sync {

struct JqSandboxOptions {
  std::chrono::milliseconds timeout{1000};
  std::uint64_t memory_limit_bytes = 512ull << 20;
  std::size_t max_outputs = 100'000;  // more outputs than this is an error
};

class JqSandbox {
 public:
  explicit JqSandbox(JqSandboxOptions options = {});
  ~JqSandbox();
  JqSandbox(const JqSandbox&) = delete;
  JqSandbox& operator=(const JqSandbox&) = delete;

  // Compiles `program`; with `input` (JSON text), runs it on that input and returns every
  // output, as a JSON array. Without input, only compiles (returns an empty array).
  // kInvalidArgument: jq's compile or runtime error; kDeadlineExceeded; kResourceExhausted.
  Result<Json> Run(std::string_view program, const std::string* input);

  // Worker processes started so far (tests).
  int workers_started() const;

 private:
  Status Start() REQUIRES(mu_);
  void Stop() REQUIRES(mu_);
  Result<Json> Exchange(const std::string& request) REQUIRES(mu_);

  const JqSandboxOptions options_;
  mutable core::Mutex mu_;
  pid_t pid_ GUARDED_BY(mu_) = -1;
  int fd_ GUARDED_BY(mu_) = -1;  // our end of the socket pair
  int started_ GUARDED_BY(mu_) = 0;
  std::map<std::string, Error, std::less<>> refused_ GUARDED_BY(mu_);
};

// The process-wide sandbox JqPathQuery uses.
JqSandbox& DefaultJqSandbox();

}  // namespace cellgate::sync

#include "sync/jq_sandbox.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <vector>

#include "core/mutex.h"

extern "C" {
#include <jq.h>
}

#include "core/memory_limit.h"

namespace cellgate::sync {
namespace {

constexpr char kWorkerEnv[] = "CELLGATE_JQ_WORKER";
constexpr std::uint32_t kMaxMessage = 64u << 20;
constexpr char kCompile = 'C';
constexpr char kRun = 'R';

bool ReadFull(int fd, void* buf, std::size_t n) {
  auto* p = static_cast<char*>(buf);
  while (n > 0) {
    ssize_t got = ::read(fd, p, n);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    p += got;
    n -= static_cast<std::size_t>(got);
  }
  return true;
}

bool SendFull(int fd, const void* buf, std::size_t n) {
  const auto* p = static_cast<const char*>(buf);
  while (n > 0) {
    ssize_t sent = ::send(fd, p, n, MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return false;
    p += sent;
    n -= static_cast<std::size_t>(sent);
  }
  return true;
}

void AppendU32(std::string& out, std::uint32_t v) { out.append(reinterpret_cast<char*>(&v), 4); }

// ---- The worker (runs in the re-executed process, before main) ----

void CollectError(void* data, jv msg) {
  auto* out = static_cast<std::string*>(data);
  if (jv_get_kind(msg) == JV_KIND_STRING) {
    if (!out->empty()) *out += "; ";
    *out += jv_string_value(msg);
  }
  jv_free(msg);
}

std::string TakeMessage(jv msg) {
  std::string text;
  if (jv_get_kind(msg) == JV_KIND_STRING) {
    text = jv_string_value(msg);
    jv_free(msg);
  } else {
    jv dumped = jv_dump_string(msg, 0);
    text = jv_string_value(dumped);
    jv_free(dumped);
  }
  return text;
}

void Respond(bool ok, const std::string& payload) {
  std::string out(1, ok ? '\0' : '\1');
  AppendU32(out, static_cast<std::uint32_t>(payload.size()));
  out += payload;
  if (!SendFull(1, out.data(), out.size())) ::_exit(0);
}

// Compiles `program` (cached); nullptr after responding with the compile error.
jq_state* Compiled(std::map<std::string, jq_state*>& cache, const std::string& program) {
  if (auto it = cache.find(program); it != cache.end()) return it->second;
  if (cache.size() >= 256) {
    for (auto& [text, jq] : cache) jq_teardown(&jq);
    cache.clear();
  }
  jq_state* jq = jq_init();
  if (jq == nullptr) ::_exit(3);
  jq_set_attr(jq, jv_string("JQ_LIBRARY_PATH"), jv_array());  // no modules
  std::string errors;
  jq_set_error_cb(jq, CollectError, &errors);
  const int ok = jq_compile(jq, program.c_str());
  jq_set_error_cb(jq, nullptr, nullptr);
  if (!ok) {
    jq_teardown(&jq);
    Respond(false, errors.empty() ? "compile error" : errors);
    return nullptr;
  }
  cache.emplace(program, jq);
  return jq;
}

void Serve(jq_state* jq, const std::string& input, std::size_t max_outputs) {
  jv in = jv_parse_sized(input.data(), static_cast<int>(input.size()));
  if (!jv_is_valid(in)) {
    Respond(false, "cannot read the document: " + TakeMessage(jv_invalid_get_msg(in)));
    return;
  }
  jq_start(jq, in, 0);
  jv outputs = jv_array();
  std::size_t count = 0;
  while (true) {
    jv result = jq_next(jq);
    if (!jv_is_valid(result)) {
      if (jv_invalid_has_msg(jv_copy(result))) {
        jv_free(outputs);
        Respond(false, TakeMessage(jv_invalid_get_msg(result)));
        return;
      }
      jv_free(result);
      break;
    }
    if (++count > max_outputs) {
      jv_free(result);
      jv_free(outputs);
      Respond(false, "more than " + std::to_string(max_outputs) + " outputs");
      return;
    }
    outputs = jv_array_append(outputs, result);
  }
  jv text = jv_dump_string(outputs, 0);
  Respond(true, jv_string_value(text));
  jv_free(text);
}

[[noreturn]] void WorkerMain(const char* config) {
  unsigned long long headroom = 0, max_outputs = 0;
  if (std::sscanf(config, "%llu:%llu", &headroom, &max_outputs) != 2) ::_exit(2);
  ::unsetenv(kWorkerEnv);
  if (headroom > 0 && !LimitDataGrowth(headroom)) ::_exit(2);
  std::map<std::string, jq_state*> cache;
  for (;;) {
    char kind = 0;
    std::uint32_t n = 0;
    if (!ReadFull(0, &kind, 1) || !ReadFull(0, &n, 4) || n > kMaxMessage) ::_exit(0);
    std::string program(n, '\0');
    if (!ReadFull(0, program.data(), n)) ::_exit(0);
    std::string input;
    if (kind == kRun) {
      if (!ReadFull(0, &n, 4) || n > kMaxMessage) ::_exit(0);
      input.resize(n);
      if (!ReadFull(0, input.data(), n)) ::_exit(0);
    }
    jq_state* jq = Compiled(cache, program);
    if (jq == nullptr) continue;
    if (kind == kRun) {
      Serve(jq, input, static_cast<std::size_t>(max_outputs));
    } else {
      Respond(true, "[]");
    }
  }
}

__attribute__((constructor)) void RunAsJqWorker() {
  if (const char* config = std::getenv(kWorkerEnv)) WorkerMain(config);
}

}  // namespace

// ---- The controller's side ----

JqSandbox::JqSandbox(JqSandboxOptions options) : options_(options) {}

JqSandbox::~JqSandbox() {
  core::MutexLock lock(mu_);
  Stop();
}

int JqSandbox::workers_started() const {
  core::MutexLock lock(mu_);
  return started_;
}

Status JqSandbox::Start() {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    return MakeError(ErrorCode::kInternal,
                     std::string("jq worker: socketpair: ") + std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, sv[1], 0);
  posix_spawn_file_actions_adddup2(&actions, sv[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::string config = std::string(kWorkerEnv) + "=" + std::to_string(options_.memory_limit_bytes) +
                       ":" + std::to_string(options_.max_outputs);
  char name[] = "cellgate-jq-worker";
  char* argv[] = {name, nullptr};
  char* envp[] = {config.data(), nullptr};
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, "/proc/self/exe", &actions, &attr, argv, envp);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(sv[1]);
  if (rc != 0) {
    ::close(sv[0]);
    return MakeError(ErrorCode::kInternal,
                     std::string("jq worker: cannot start: ") + std::strerror(rc));
  }
  pid_ = pid;
  fd_ = sv[0];
  ++started_;
  return Ok();
}

void JqSandbox::Stop() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  pid_ = -1;
}

Result<Json> JqSandbox::Run(std::string_view program, const std::string* input) {
  std::string request(1, input != nullptr ? kRun : kCompile);
  AppendU32(request, static_cast<std::uint32_t>(program.size()));
  request += program;
  if (input != nullptr) {
    if (input->size() > kMaxMessage) {
      return MakeError(ErrorCode::kResourceExhausted, "document too large for jq");
    }
    AppendU32(request, static_cast<std::uint32_t>(input->size()));
    request += *input;
  }
  core::MutexLock lock(mu_);
  if (auto it = refused_.find(program); it != refused_.end()) {
    return std::unexpected(it->second.Wrap("not run again"));
  }
  auto result = Exchange(request);
  if (!result && (result.error().code() == ErrorCode::kDeadlineExceeded ||
                  result.error().code() == ErrorCode::kResourceExhausted)) {
    if (refused_.size() >= 1024) refused_.clear();
    refused_.emplace(std::string(program), result.error());
  }
  return result;
}

Result<Json> JqSandbox::Exchange(const std::string& request) {
  // A worker killed earlier (or gone) is replaced; one retry covers a worker that died idle.
  bool sent = false;
  for (int attempt = 0; attempt < 2 && !sent; ++attempt) {
    if (pid_ < 0) {
      CG_TRY(Start());
    }
    sent = SendFull(fd_, request.data(), request.size());
    if (!sent) Stop();
  }
  if (!sent) return MakeError(ErrorCode::kInternal, "jq worker: cannot send a request");

  const auto deadline = std::chrono::steady_clock::now() + options_.timeout;
  std::string response;
  std::size_t want = 5;  // status byte + length, then the payload
  bool header = true;
  char buf[65536];
  while (response.size() < want) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      Stop();
      return MakeError(ErrorCode::kDeadlineExceeded,
                       "execution timed out (" + std::to_string(options_.timeout.count()) + "ms)");
    }
    pollfd p{.fd = fd_, .events = POLLIN, .revents = 0};
    const int n = ::poll(&p, 1, static_cast<int>(left.count()) + 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) continue;
    const ssize_t got = ::read(fd_, buf, std::min(sizeof buf, want - response.size()));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      Stop();
      return MakeError(ErrorCode::kResourceExhausted,
                       "the jq worker stopped (over its memory limit of " +
                           std::to_string(options_.memory_limit_bytes >> 20) +
                           " MiB, or it crashed)");
    }
    response.append(buf, static_cast<std::size_t>(got));
    if (header && response.size() == 5) {
      std::uint32_t length = 0;
      std::memcpy(&length, response.data() + 1, 4);
      if (length > kMaxMessage) {
        Stop();
        return MakeError(ErrorCode::kResourceExhausted, "jq output too large");
      }
      want = 5 + length;
      header = false;
    }
  }
  std::string payload = response.substr(5);
  if (response[0] != '\0') return MakeError(ErrorCode::kInvalidArgument, payload);
  Json out = Json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (out.is_discarded() || !out.is_array()) {
    return MakeError(ErrorCode::kInternal, "jq worker: unreadable answer");
  }
  return out;
}

JqSandbox& DefaultJqSandbox() {
  static JqSandbox sandbox;
  return sandbox;
}

}  // namespace cellgate::sync

#include "render/tool_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "core/redact.h"
#include "render/scratch_dir.h"

namespace cellgate::render {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    Reset();
    fd_ = std::exchange(o.fd_, -1);
    return *this;
  }
  ~Fd() { Reset(); }
  int get() const { return fd_; }
  void Reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

std::string Trimmed(std::string_view s, std::size_t max_chars) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  if (s.size() <= max_chars) return std::string(s);
  return "..." + std::string(s.substr(s.size() - max_chars));
}

std::string Redact(std::string s, const ToolInvocation& inv) {
  for (const auto& [from, to] : inv.redactions) {
    if (from.empty()) continue;
    for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) {
      s.replace(p, from.size(), to);
    }
  }
  return s;
}

std::string DurationText(std::chrono::milliseconds d) {
  if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + " s";
  return std::to_string(d.count()) + " ms";
}

std::string CommandLine(const ToolInvocation& inv) {
  std::string s = inv.program.filename().string();
  for (const auto& a : inv.args) {
    s += ' ';
    s += a;
  }
  return s;
}

std::vector<std::string> CleanEnvironment(const ToolInvocation& inv, const fs::path& scratch) {
  std::vector<std::pair<std::string, std::string>> env = {
      {"PATH", inv.program.parent_path().string() + ":/usr/local/bin:/usr/bin:/bin"},
      {"HOME", (scratch / "home").string()},
      {"TMPDIR", (scratch / "tmp").string()},
      {"XDG_CONFIG_HOME", (scratch / "home/.config").string()},
      {"XDG_CACHE_HOME", (scratch / "home/.cache").string()},
      {"XDG_DATA_HOME", (scratch / "home/.local/share").string()},
      {"HELM_CACHE_HOME", (scratch / "helm/cache").string()},
      {"HELM_CONFIG_HOME", (scratch / "helm/config").string()},
      {"HELM_DATA_HOME", (scratch / "helm/data").string()},
  };
  for (const auto& [k, v] : inv.env) {
    auto it = std::find_if(env.begin(), env.end(), [&](const auto& e) { return e.first == k; });
    if (it != env.end()) {
      it->second = v;
    } else {
      env.emplace_back(k, v);
    }
  }
  std::vector<std::string> out;
  out.reserve(env.size());
  for (const auto& [k, v] : env) {
    std::string entry = k;
    entry += '=';
    entry += v;
    out.push_back(std::move(entry));
  }
  return out;
}

// Reaps `pid` once it has exited, killing whatever is left of its process group first.
int KillGroupAndReap(pid_t pid, bool kill_leader) {
  if (kill_leader) ::kill(-pid, SIGKILL);
  siginfo_t info{};
  // WNOWAIT keeps the leader a zombie, so its pid (= the group id) cannot be reused before
  // we signal the group.
  while (::waitid(P_PID, pid, &info, WEXITED | WNOWAIT) != 0 && errno == EINTR) {
  }
  ::kill(-pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

bool HasExited(pid_t pid) {
  siginfo_t info{};
  info.si_pid = 0;
  if (::waitid(P_PID, pid, &info, WEXITED | WNOWAIT | WNOHANG) != 0) return false;
  return info.si_pid == pid;
}

struct SpawnSpec {
  const char* program;
  char* const* argv;
  char* const* envp;
  const char* cwd;
  int out_fd;
  int err_fd;
  std::uint64_t memory_limit;  // RLIMIT_DATA; 0: none
};

// The vfork child: only system calls, then exec or _exit. Reports a failure's errno through
// `child_errno`, which it shares with the parent until it execs or exits.
[[noreturn]] void ExecChild(const SpawnSpec& s, int devnull, volatile int* child_errno) {
  // Handlers would run on our shared stack once signals are unblocked, and the tool should
  // not inherit ignored signals: every disposition goes back to the default.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &dfl, nullptr);
  rlimit limit{.rlim_cur = s.memory_limit, .rlim_max = s.memory_limit};
  if (::setpgid(0, 0) != 0 || (s.memory_limit > 0 && ::setrlimit(RLIMIT_DATA, &limit) != 0) ||
      ::dup2(devnull, 0) < 0 || ::dup2(s.out_fd, 1) < 0 || ::dup2(s.err_fd, 2) < 0 ||
      ::close_range(3, ~0u, 0) != 0 || ::chdir(s.cwd) != 0) {
    *child_errno = errno;
    ::_exit(127);
  }
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::execve(s.program, s.argv, s.envp);
  *child_errno = errno;
  ::_exit(127);
}

// posix_spawn cannot set resource limits; this is what it does (vfork, file actions, own
// process group, default signals, exec) plus setrlimit. Returns 0 or an errno value.
int Spawn(const SpawnSpec& s, pid_t* pid_out) {
  Fd devnull(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (devnull.get() < 0) return errno;
  sigset_t all, old;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &old);  // no handler may run in the child
  volatile int child_errno = 0;
  pid_t pid = ::vfork();
  if (pid == 0) ExecChild(s, devnull.get(), &child_errno);
  int err = pid < 0 ? errno : child_errno;
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (pid > 0 && err != 0) {
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  if (err == 0) *pid_out = pid;
  return err;
}

bool LooksOutOfMemory(std::string_view err) {
  std::string lower(err);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (std::string_view sign :
       {"out of memory", "cannot allocate memory", "bad_alloc", "memory allocation error"}) {
    if (lower.find(sign) != std::string::npos) return true;
  }
  return false;
}

std::string MiB(std::uint64_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

}  // namespace

ToolRunner::ToolRunner(ToolRunnerOptions options)
    : options_(std::move(options)),
      slots_(options_.max_concurrency > 0
                 ? options_.max_concurrency
                 : 2 * std::max(1, static_cast<int>(std::thread::hardware_concurrency()))) {
  if (options_.temp_dir.empty()) options_.temp_dir = fs::temp_directory_path();
}

Result<ToolOutput> ToolRunner::Run(const ToolInvocation& inv) {
  const std::string cmdline = CommandLine(inv);
  if (!inv.program.is_absolute() || ::access(inv.program.c_str(), X_OK) != 0) {
    return MakeError(ErrorCode::kNotFound,
                     cmdline + ": " + inv.program.string() + " is not an executable file");
  }
  // Take a slot before any resource (directories, pipes): waiters hold nothing.
  slots_.acquire();
  struct Release {
    std::counting_semaphore<>& s;
    ~Release() { s.release(); }
  } release{slots_};

  auto scratch = ScratchDir::Create(options_.temp_dir, "tool");
  if (!scratch) return std::unexpected(scratch.error());
  std::error_code ec;
  for (const char* sub : {"home", "tmp", "helm"}) fs::create_directories(scratch->path() / sub, ec);

  std::vector<std::string> argv_s;
  argv_s.push_back(inv.program.string());
  argv_s.insert(argv_s.end(), inv.args.begin(), inv.args.end());
  std::vector<std::string> env_s = CleanEnvironment(inv, scratch->path());
  std::vector<char*> argv, envp;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);

  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
    return MakeError(ErrorCode::kInternal, cmdline + ": pipe: " + std::strerror(errno));
  }
  Fd out_r(out_pipe[0]), out_w(out_pipe[1]);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    return MakeError(ErrorCode::kInternal, cmdline + ": pipe: " + std::strerror(errno));
  }
  Fd err_r(err_pipe[0]), err_w(err_pipe[1]);

  fs::path cwd = inv.cwd.empty() ? scratch->path() : inv.cwd;
  pid_t pid = -1;
  int rc = Spawn({.program = inv.program.c_str(),
                  .argv = argv.data(),
                  .envp = envp.data(),
                  .cwd = cwd.c_str(),
                  .out_fd = out_w.get(),
                  .err_fd = err_w.get(),
                  .memory_limit = inv.memory_limit_in_child ? 0 : options_.memory_limit_bytes},
                 &pid);
  if (rc != 0) {
    return MakeError(rc == ENOENT ? ErrorCode::kNotFound : ErrorCode::kInternal,
                     cmdline + ": spawn: " + std::strerror(rc));
  }
  invocations_.fetch_add(1);
  out_w.Reset();
  err_w.Reset();

  const auto timeout = inv.timeout.count() > 0 ? inv.timeout : options_.timeout;
  const auto deadline = Clock::now() + timeout;
  ToolOutput output;
  bool timed_out = false, too_big = false, exited = false;
  char buf[65536];
  while (out_r.get() >= 0 || err_r.get() >= 0) {
    auto now = Clock::now();
    if (now >= deadline) {
      timed_out = true;
      break;
    }
    // Wake at least every 50 ms to notice a tool that exited while a grandchild still holds
    // its pipes open.
    auto wait = std::min<std::chrono::milliseconds>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now) +
            std::chrono::milliseconds(1),
        std::chrono::milliseconds(50));
    pollfd fds[2] = {{out_r.get(), POLLIN, 0}, {err_r.get(), POLLIN, 0}};
    int n = ::poll(fds, 2, static_cast<int>(wait.count()));
    if (n < 0 && errno != EINTR) break;
    if (n <= 0) {
      if (!exited && HasExited(pid)) {
        exited = true;
        ::kill(-pid, SIGKILL);  // stragglers holding the pipes
      }
      continue;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        (i == 0 ? out_r : err_r).Reset();
        continue;
      }
      if (i == 0) {
        output.out.append(buf, static_cast<std::size_t>(got));
        if (output.out.size() > options_.max_stdout_bytes) too_big = true;
      } else {
        output.err.append(buf, static_cast<std::size_t>(got));
        if (output.err.size() > 2 * options_.max_stderr_bytes) {
          output.err.erase(0, output.err.size() - options_.max_stderr_bytes);
        }
      }
    }
    if (too_big) break;
  }
  // Both pipes closed: the tool may still be running (it closed them itself).
  while (!timed_out && !too_big && !HasExited(pid)) {
    if (Clock::now() >= deadline) {
      timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  int status = KillGroupAndReap(pid, timed_out || too_big);
  // Credentials are masked in the whole of stderr before it is cut, so a cut cannot leave the
  // body of a private key without its BEGIN line.
  std::string stderr_tail =
      Redact(Trimmed(RedactCredentials(output.err), options_.error_stderr_chars), inv);
  std::string what = RedactCredentials(Redact(cmdline, inv));
  if (timed_out) {
    return MakeError(ErrorCode::kDeadlineExceeded,
                     what + ": killed after the " + DurationText(timeout) + " timeout" +
                         (stderr_tail.empty() ? "" : ": " + stderr_tail));
  }
  if (too_big) {
    return MakeError(
        ErrorCode::kResourceExhausted,
        what + ": output is larger than " + std::to_string(options_.max_stdout_bytes) + " bytes");
  }
  if (options_.memory_limit_bytes > 0 && (WIFSIGNALED(status) || WEXITSTATUS(status) != 0) &&
      LooksOutOfMemory(output.err)) {
    return MakeError(
        ErrorCode::kResourceExhausted,
        what + ": ran out of memory under the " + MiB(options_.memory_limit_bytes) +
            " memory limit (RLIMIT_DATA, ToolRunnerOptions::memory_limit_bytes): " + stderr_tail);
  }
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    const bool may_be_memory =
        options_.memory_limit_bytes > 0 && (sig == SIGSEGV || sig == SIGBUS || sig == SIGABRT);
    return MakeError(ErrorCode::kInternal,
                     what + ": killed by signal " + std::to_string(sig) +
                         (may_be_memory ? " (it may have hit the " +
                                              MiB(options_.memory_limit_bytes) + " memory limit)"
                                        : "") +
                         (stderr_tail.empty() ? "" : ": " + stderr_tail));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     what + ": exit status " + std::to_string(WEXITSTATUS(status)) +
                         (stderr_tail.empty() ? "" : ": " + stderr_tail));
  }
  return output;
}

namespace {

// True when `path` (resolved through symlinks as far as it exists) lies in or below `dir`.
bool PathWithin(const fs::path& path, const fs::path& dir) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
  fs::path d = fs::weakly_canonical(fs::absolute(dir, ec), ec);
  auto [dit, pit] = std::mismatch(d.begin(), d.end(), p.begin(), p.end());
  return dit == d.end() || (std::next(dit) == d.end() && dit->empty());
}

Status NotWritable(std::string_view name, const fs::path& where, const ToolLookup& lookup) {
  for (const auto& w : lookup.writable_dirs) {
    if (!w.empty() && PathWithin(where, w)) {
      return MakeError(ErrorCode::kPermissionDenied,
                       std::string(name) + ": " + where.string() + " is inside " + w.string() +
                           ", which cellgate writes to at run time; tools must come from a "
                           "read-only location");
    }
  }
  return Ok();
}

}  // namespace

Result<std::filesystem::path> FindTool(std::string_view name, const ToolLookup& lookup) {
  auto executable = [](const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
  };
  if (!lookup.explicit_path.empty()) {
    fs::path p = fs::absolute(lookup.explicit_path);
    if (auto st = NotWritable(name, p, lookup); !st) return std::unexpected(st.error());
    if (executable(p)) return p;
    return MakeError(ErrorCode::kNotFound,
                     std::string(name) + " not found at " + lookup.explicit_path.string());
  }
  std::vector<std::string> looked;
  if (!lookup.tools_dir.empty()) {
    fs::path dir = fs::absolute(lookup.tools_dir);
    if (auto st = NotWritable(name, dir, lookup); !st) {
      return std::unexpected(st.error().Wrap("--tools-dir"));
    }
    if (executable(dir / name)) return dir / name;
    looked.push_back(dir.string());
  }
  if (const char* path = std::getenv("PATH")) {
    std::string_view rest = path;
    while (!rest.empty()) {
      auto colon = rest.find(':');
      std::string_view dir = rest.substr(0, colon);
      if (!dir.empty()) {
        fs::path c = fs::absolute(fs::path(dir) / name);
        if (executable(c)) {
          if (NotWritable(name, c, lookup)) return c;
          looked.push_back(c.string() + " (skipped: inside a directory cellgate writes to)");
        }
      }
      if (colon == std::string_view::npos) break;
      rest.remove_prefix(colon + 1);
    }
    looked.emplace_back("PATH=" + std::string(path));
  }
  std::string where;
  for (const auto& l : looked) where += (where.empty() ? "" : ", ") + l;
  return MakeError(ErrorCode::kNotFound,
                   std::string(name) + " not found (looked in " + where +
                       "); put it on PATH, pass --tools-dir or its path (scripts/kube-tools "
                       "builds it)");
}

}  // namespace cellgate::render

#include "core/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>
#include <utility>

namespace cellgate {
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
  const char* cwd;  // nullptr: stay
  int out_fd;
  int err_fd;
  std::uint64_t memory_limit;  // RLIMIT_DATA; 0: none
};

// The vfork child: only system calls, then exec or _exit. Reports a failure's errno through
// `child_errno`, which it shares with the parent until it execs or exits.
[[noreturn]] void ExecChild(const SpawnSpec& s, int devnull, volatile int* child_errno) {
  // Handlers would run on our shared stack once signals are unblocked, and the program should
  // not inherit ignored signals: every disposition goes back to the default.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &dfl, nullptr);
  rlimit limit{.rlim_cur = s.memory_limit, .rlim_max = s.memory_limit};
  if (::setpgid(0, 0) != 0 || (s.memory_limit > 0 && ::setrlimit(RLIMIT_DATA, &limit) != 0) ||
      ::dup2(devnull, 0) < 0 || ::dup2(s.out_fd, 1) < 0 || ::dup2(s.err_fd, 2) < 0 ||
      ::close_range(3, ~0u, 0) != 0 || (s.cwd != nullptr && ::chdir(s.cwd) != 0)) {
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

std::unexpected<Error> PipeError() {
  return MakeError(ErrorCode::kInternal, std::string("pipe: ") + std::strerror(errno));
}

}  // namespace

Result<SubprocessResult> RunSubprocess(const Command& command) {
  std::vector<std::string> argv_s;
  argv_s.push_back(command.program.string());
  argv_s.insert(argv_s.end(), command.args.begin(), command.args.end());
  std::vector<std::string> env_s = command.env;
  std::vector<char*> argv, envp;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);

  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return PipeError();
  Fd out_r(out_pipe[0]), out_w(out_pipe[1]);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) return PipeError();
  Fd err_r(err_pipe[0]), err_w(err_pipe[1]);

  pid_t pid = -1;
  int rc = Spawn({.program = command.program.c_str(),
                  .argv = argv.data(),
                  .envp = envp.data(),
                  .cwd = command.cwd.empty() ? nullptr : command.cwd.c_str(),
                  .out_fd = out_w.get(),
                  .err_fd = err_w.get(),
                  .memory_limit = command.memory_limit_bytes},
                 &pid);
  if (rc != 0) {
    return MakeError(rc == ENOENT ? ErrorCode::kNotFound : ErrorCode::kInternal,
                     "spawn " + command.program.string() + ": " + std::strerror(rc));
  }
  out_w.Reset();
  err_w.Reset();

  const auto deadline = Clock::now() + command.timeout;
  SubprocessResult result;
  bool timed_out = false, too_big = false, exited = false;
  char buf[65536];
  while (out_r.get() >= 0 || err_r.get() >= 0) {
    auto now = Clock::now();
    if (now >= deadline) {
      timed_out = true;
      break;
    }
    // Wake at least every 50 ms to notice a child that exited while a grandchild still holds
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
        result.out.append(buf, static_cast<std::size_t>(got));
        if (result.out.size() > command.max_stdout_bytes) too_big = true;
      } else {
        result.err.append(buf, static_cast<std::size_t>(got));
        if (result.err.size() > 2 * command.max_stderr_bytes) {
          result.err.erase(0, result.err.size() - command.max_stderr_bytes);
        }
      }
    }
    if (too_big) break;
  }
  // Both pipes closed: the child may still be running (it closed them itself).
  while (!timed_out && !too_big && !HasExited(pid)) {
    if (Clock::now() >= deadline) {
      timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  int status = KillGroupAndReap(pid, timed_out || too_big);
  if (result.err.size() > command.max_stderr_bytes) {
    result.err.erase(0, result.err.size() - command.max_stderr_bytes);
  }
  if (timed_out) {
    result.end = SubprocessResult::End::kTimedOut;
  } else if (too_big) {
    result.end = SubprocessResult::End::kOutputTooLarge;
  } else if (WIFSIGNALED(status)) {
    result.end = SubprocessResult::End::kSignaled;
    result.signal = WTERMSIG(status);
  } else {
    result.end = SubprocessResult::End::kExited;
    result.exit_status = WEXITSTATUS(status);
  }
  return result;
}

Result<std::filesystem::path> LookPath(std::string_view name, std::string_view path_env) {
  auto executable = [](const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
  };
  if (name.find('/') != std::string_view::npos) {
    fs::path p = fs::absolute(fs::path(name));
    if (executable(p)) return p;
    return MakeError(ErrorCode::kNotFound, p.string() + " is not an executable file");
  }
  if (!name.empty()) {
    std::string_view rest = path_env;
    while (true) {
      auto colon = rest.find(':');
      std::string_view dir = rest.substr(0, colon);
      fs::path candidate = fs::absolute(fs::path(dir.empty() ? "." : dir) / name);
      if (executable(candidate)) return candidate;
      if (colon == std::string_view::npos) break;
      rest.remove_prefix(colon + 1);
    }
  }
  return MakeError(ErrorCode::kNotFound,
                   "executable file \"" + std::string(name) + "\" not found in $PATH");
}

}  // namespace cellgate

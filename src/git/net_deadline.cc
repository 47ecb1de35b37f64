#include "git/net_deadline.h"

#include <fcntl.h>
#include <git2.h>
#include <git2/sys/stream.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "core/mutex.h"

namespace cellgate::git {
namespace {

using Clock = std::chrono::steady_clock;

// The socket stream below mirrors libgit2 1.5's internal layout (SSH reads its fd directly).
// libgit2 >= 1.7 has GIT_OPT_SET_SERVER_CONNECT_TIMEOUT / _TIMEOUT instead: use those there.
static_assert(LIBGIT2_VER_MAJOR == 1 && LIBGIT2_VER_MINOR == 5,
              "net_deadline.cc mirrors libgit2 1.5's socket stream; check the layout first");

thread_local Clock::time_point t_deadline = Clock::time_point::max();

// Cuts registered sockets when their deadline passes. One thread for the process, started
// with the first registration and never stopped (streams may be opened until exit).
class Watchdog {
 public:
  static Watchdog& Get() {
    static Watchdog* w = new Watchdog();  // never destroyed: its thread outlives statics
    return *w;
  }

  void Add(int fd, Clock::time_point deadline) {
    if (deadline == Clock::time_point::max()) return;
    core::MutexLock lock(mu_);
    fds_[fd] = deadline;
    if (!started_) {
      started_ = true;
      std::thread([this] { Run(); }).detach();
    }
    cv_.notify_one();
  }

  // Forgets `fd`; the caller closes it afterwards, so a cut never reaches a reused number.
  void Remove(int fd) {
    core::MutexLock lock(mu_);
    fds_.erase(fd);
  }

 private:
  void Run() {
    core::MutexLock lock(mu_);
    for (;;) {
      Clock::time_point next = Clock::time_point::max();
      const Clock::time_point now = Clock::now();
      for (auto it = fds_.begin(); it != fds_.end();) {
        if (it->second <= now) {
          ::shutdown(it->first, SHUT_RDWR);  // blocked reads and writes return at once
          it = fds_.erase(it);
        } else {
          next = std::min(next, it->second);
          ++it;
        }
      }
      if (next == Clock::time_point::max()) {
        cv_.wait(lock);
      } else {
        cv_.wait_until(lock, next);
      }
    }
  }

  core::Mutex mu_;
  core::CondVar cv_;
  std::map<int, Clock::time_point> fds_ GUARDED_BY(mu_);
  bool started_ GUARDED_BY(mu_) = false;
};

// The first four members are laid out as libgit2's own socket stream (git_socket_stream in
// src/libgit2/streams/socket.h, unchanged through 1.x): its SSH transport takes the socket
// from `s` and hands it to libssh2.
struct DeadlineStream {
  git_stream parent;
  char* host;
  char* port;
  int s;
  Clock::time_point deadline;
};

DeadlineStream* Self(git_stream* stream) { return reinterpret_cast<DeadlineStream*>(stream); }

int Fail(const std::string& message) {
  git_error_set_str(GIT_ERROR_NET, message.c_str());
  return -1;
}

// Milliseconds left before `deadline` for poll(2): -1 for none, 0 when passed.
int Remaining(Clock::time_point deadline) {
  if (deadline == Clock::time_point::max()) return -1;
  auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
  if (left <= 0) return 0;
  return left > 1'000'000'000 ? 1'000'000'000 : static_cast<int>(left);
}

// Waits for `events` on the stream's socket; false (with a libgit2 error set) on timeout.
bool Wait(DeadlineStream* st, short events, const char* what) {
  for (;;) {
    pollfd p{.fd = st->s, .events = events, .revents = 0};
    int rc = ::poll(&p, 1, Remaining(st->deadline));
    if (rc > 0) return true;
    if (rc < 0 && errno == EINTR) continue;
    if (rc == 0) {
      Fail(std::string(what) + " " + st->host + ":" + st->port + ": timed out (deadline passed)");
    } else {
      Fail(std::string(what) + ": " + std::strerror(errno));
    }
    return false;
  }
}

int ConnectOne(DeadlineStream* st, const addrinfo* ai) {
  int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
  if (fd < 0) return -errno;
  st->s = fd;
  int err = 0;
  if (::connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
    err = errno;
    if (err == EINPROGRESS) {
      if (!Wait(st, POLLOUT, "connect to"))
        err = ETIMEDOUT;
      else {
        socklen_t len = sizeof(err);
        if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
      }
    }
  }
  if (err == 0) {
    // Blocking again: libssh2 expects it; reads and writes here still wait with poll first.
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return 0;
  }
  ::close(fd);
  st->s = -1;
  return -err;
}

int StreamConnect(git_stream* stream) {
  DeadlineStream* st = Self(stream);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  if (int rc = ::getaddrinfo(st->host, st->port, &hints, &list); rc != 0) {
    return Fail(std::string("failed to resolve address for ") + st->host + ": " +
                ::gai_strerror(rc));
  }
  int err = ECONNREFUSED;
  for (const addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
    err = -ConnectOne(st, ai);
    if (err == 0 || err == ETIMEDOUT) break;
  }
  ::freeaddrinfo(list);
  if (err == ETIMEDOUT && Remaining(st->deadline) == 0) return -1;  // Wait set the error
  if (err != 0) {
    return Fail(std::string("failed to connect to ") + st->host + ":" + st->port + ": " +
                std::strerror(err));
  }
  Watchdog::Get().Add(st->s, st->deadline);
  return 0;
}

ssize_t StreamRead(git_stream* stream, void* data, std::size_t len) {
  DeadlineStream* st = Self(stream);
  if (!Wait(st, POLLIN, "read from")) return -1;
  ssize_t n = ::recv(st->s, data, len, 0);
  if (n < 0) return Fail(std::string("read from ") + st->host + ": " + std::strerror(errno));
  return n;
}

ssize_t StreamWrite(git_stream* stream, const char* data, std::size_t len, int flags) {
  DeadlineStream* st = Self(stream);
  if (!Wait(st, POLLOUT, "write to")) return -1;
  ssize_t n = ::send(st->s, data, len, flags | MSG_NOSIGNAL);
  if (n < 0) return Fail(std::string("write to ") + st->host + ": " + std::strerror(errno));
  return n;
}

int StreamClose(git_stream* stream) {
  DeadlineStream* st = Self(stream);
  if (st->s >= 0) {
    Watchdog::Get().Remove(st->s);
    ::close(st->s);
    st->s = -1;
  }
  return 0;
}

void StreamFree(git_stream* stream) {
  DeadlineStream* st = Self(stream);
  StreamClose(stream);
  std::free(st->host);
  std::free(st->port);
  delete st;
}

int StreamNew(git_stream** out, const char* host, const char* port) {
  auto* st = new DeadlineStream{};
  st->parent.version = GIT_STREAM_VERSION;
  st->parent.connect = StreamConnect;
  st->parent.read = StreamRead;
  st->parent.write = StreamWrite;
  st->parent.close = StreamClose;
  st->parent.free = StreamFree;
  st->host = ::strdup(host);
  st->port = ::strdup(port);
  st->s = -1;
  st->deadline = t_deadline;
  *out = &st->parent;
  return 0;
}

}  // namespace

void InstallNetDeadlines() {
  static std::once_flag once;
  std::call_once(once, [] {
    static git_stream_registration registration{
        .version = GIT_STREAM_VERSION, .init = StreamNew, .wrap = nullptr};
    git_stream_register(GIT_STREAM_STANDARD, &registration);
  });
}

ScopedNetDeadline::ScopedNetDeadline(Clock::time_point deadline) : previous_(t_deadline) {
  t_deadline = std::min(deadline, previous_);
}

ScopedNetDeadline::~ScopedNetDeadline() { t_deadline = previous_; }

}  // namespace cellgate::git

// Time bounds on libgit2's network I/O.
//
// libgit2 1.5 has no connect or read timeout (GIT_OPT_SET_SERVER_CONNECT_TIMEOUT and
// GIT_OPT_SET_SERVER_TIMEOUT arrived in 1.7), and its progress callbacks run only when data
// arrives, so a server that accepts a connection and then says nothing would block the
// calling thread for as long as the kernel keeps the connection. InstallNetDeadlines replaces
// libgit2's plain socket stream (the one under HTTP, HTTPS and SSH, through
// git_stream_register) with one that:
//   - connects without blocking and gives up at the deadline of the calling thread;
//   - waits for each read and write at most until that deadline;
//   - is cut (shutdown(2)) by a watchdog thread at the deadline, which also unblocks libssh2,
//     which reads and writes the socket itself.
// The deadline is the one a ScopedNetDeadline set on the thread that opens the connection;
// connections opened outside one have none. Name resolution (getaddrinfo) is not bounded
// here; it is bounded by the resolver's own timeouts (resolv.conf).
//
// Thread-safety: InstallNetDeadlines is idempotent and thread-safe. A ScopedNetDeadline
// belongs to the thread that made it.
#pragma once

#include <chrono>

namespace cellgate::git {

// Registers the stream with libgit2 (once per process; EnsureLibgit2 calls it).
void InstallNetDeadlines();

class ScopedNetDeadline {
 public:
  explicit ScopedNetDeadline(std::chrono::steady_clock::time_point deadline);
  ~ScopedNetDeadline();
  ScopedNetDeadline(const ScopedNetDeadline&) = delete;
  ScopedNetDeadline& operator=(const ScopedNetDeadline&) = delete;

 private:
  std::chrono::steady_clock::time_point previous_;
};

}  // namespace cellgate::git

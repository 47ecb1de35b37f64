// Test helper: a TCP server on 127.0.0.1 that accepts connections and never answers, as a
// stalled Git server does. It holds every connection until destroyed, or until `give_up`
// passes (so code without a timeout of its own returns, and fails its test, rather than
// hanging the test binary).
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

namespace cellgate::git::testing {

class SilentServer {
 public:
  // With `accept_connections` false the server never accepts, and its backlog of one is
  // filled at once, so further connection attempts get no answer at all (SYNs are dropped).
  // `port` 0 picks a free one.
  explicit SilentServer(bool accept_connections = true, int port = 0,
                        std::chrono::seconds give_up = std::chrono::seconds(30)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    ::listen(listener_, accept_connections ? 16 : 0);
    socklen_t len = sizeof(addr);
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    if (!accept_connections) {
      for (int i = 0; i < 2; ++i) {  // fill the accept queue
        int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
        held_.push_back(fd);
      }
    }
    if (::pipe2(stop_, O_CLOEXEC) != 0) ADD_FAILURE() << "pipe";
    thread_ = std::thread([this, accept_connections, give_up] {
      auto end = std::chrono::steady_clock::now() + give_up;
      while (std::chrono::steady_clock::now() < end) {
        pollfd p[2] = {{.fd = stop_[0], .events = POLLIN, .revents = 0},
                       {.fd = listener_,
                        .events = static_cast<short>(accept_connections ? POLLIN : 0),
                        .revents = 0}};
        if (::poll(p, 2, 100) > 0 && p[0].revents != 0) break;
        if ((p[1].revents & POLLIN) != 0) {
          held_.push_back(::accept(listener_, nullptr, nullptr));
          ++accepted_;
        }
      }
      for (int fd : held_) ::close(fd);
      ::close(listener_);
    });
  }
  ~SilentServer() {
    if (::write(stop_[1], "x", 1) != 1) ADD_FAILURE() << "stop the silent server";
    thread_.join();
    ::close(stop_[0]);
    ::close(stop_[1]);
  }
  SilentServer(const SilentServer&) = delete;
  SilentServer& operator=(const SilentServer&) = delete;

  int port() const { return port_; }
  int accepted() const { return accepted_.load(); }

 private:
  int listener_ = -1;
  int port_ = 0;
  int stop_[2] = {-1, -1};
  std::vector<int> held_;  // owned by thread_ once it runs
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

}  // namespace cellgate::git::testing

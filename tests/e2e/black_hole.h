// BlackHole: a TCP listener on 127.0.0.1 that accepts connections and never answers, the way
// a black-holed API server behaves (connects, then every request times out). For e2e tests.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>
#include <vector>

namespace cellgate::e2e {

// Accepts TCP connections on 127.0.0.1 and holds them open without ever reading or writing.
class BlackHole {
 public:
  BlackHole() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 && listen(fd_, 64) == 0 &&
        getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port_ = ntohs(addr.sin_port);
    }
    thread_ = std::thread([this] {
      while (true) {
        int c = accept(fd_, nullptr, nullptr);
        if (c < 0) return;  // the listener was shut down
        held_.push_back(c);
      }
    });
  }
  ~BlackHole() {
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
    for (int c : held_) close(c);
  }
  int port() const { return port_; }  // 0 when the listener could not be set up

 private:
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::vector<int> held_;  // touched only by thread_, then by the destructor after join
};

}  // namespace cellgate::e2e

#include "kube/test_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "core/mutex.h"
#include "core/object.h"

namespace cellgate::kube::testing {
namespace {

bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::string Reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 401:
      return "Unauthorized";
    case 404:
      return "Not Found";
    case 410:
      return "Gone";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

}  // namespace

bool ChunkWriter::Write(std::string_view data) {
  if (broken_) return false;
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  broken_ = !SendAll(fd_, size) || !SendAll(fd_, data) || !SendAll(fd_, "\r\n");
  return !broken_;
}

bool ChunkWriter::Done() const {
  if (broken_ || stopping_.load()) return true;
  pollfd p{fd_, POLLIN, 0};
  if (poll(&p, 1, 0) > 0) {
    char c;
    return recv(fd_, &c, 1, MSG_PEEK | MSG_DONTWAIT) <= 0;
  }
  return false;
}

TestHttpServer::TestHttpServer(Handler handler) : handler_(std::move(handler)) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  listen(listen_fd_, 64);
  socklen_t len = sizeof addr;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

TestHttpServer::~TestHttpServer() {
  stopping_ = true;
  acceptor_.join();
  close(listen_fd_);
  std::vector<std::thread> workers;
  {
    core::MutexLock lock(mu_);
    for (int fd : fds_) shutdown(fd, SHUT_RDWR);
    workers = std::move(workers_);
  }
  for (auto& t : workers) t.join();
  for (int fd : fds_) close(fd);
}

std::vector<TestRequest> TestHttpServer::requests() const {
  core::MutexLock lock(mu_);
  return requests_;
}

void TestHttpServer::AcceptLoop() {
  while (!stopping_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 20) <= 0) continue;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    int id = ++connections_;
    core::MutexLock lock(mu_);
    fds_.push_back(fd);
    workers_.emplace_back([this, fd, id] { Serve(fd, id); });
  }
}

void TestHttpServer::Serve(int fd, int id) {
  std::string buffer;
  char chunk[16384];
  while (!stopping_) {
    std::size_t end;
    while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
      ssize_t n = recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) goto done;
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
    TestRequest req;
    req.connection = id;
    {
      std::string head = buffer.substr(0, end);
      buffer.erase(0, end + 4);
      std::size_t line_end = head.find("\r\n");
      std::string first = head.substr(0, line_end);
      auto sp1 = first.find(' ');
      auto sp2 = first.rfind(' ');
      req.method = first.substr(0, sp1);
      req.target = first.substr(sp1 + 1, sp2 - sp1 - 1);
      std::size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
      while (pos < head.size()) {
        auto next = head.find("\r\n", pos);
        if (next == std::string::npos) next = head.size();
        std::string line = head.substr(pos, next - pos);
        auto colon = line.find(':');
        if (colon != std::string::npos) {
          std::string name = line.substr(0, colon);
          std::transform(name.begin(), name.end(), name.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
          std::string value = line.substr(colon + 1);
          while (!value.empty() && value.front() == ' ') value.erase(0, 1);
          req.headers[name] = value;
        }
        pos = next + 2;
      }
    }
    std::size_t length = 0;
    if (auto it = req.headers.find("content-length"); it != req.headers.end()) {
      length = std::stoul(it->second);
    }
    while (buffer.size() < length) {
      ssize_t n = recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) goto done;
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
    req.body = buffer.substr(0, length);
    buffer.erase(0, length);
    {
      core::MutexLock lock(mu_);
      requests_.push_back(req);
    }
    TestResponse resp = handler_(req);
    if (resp.delay.count() > 0) std::this_thread::sleep_for(resp.delay);
    if (resp.drop) break;
    std::string head =
        "HTTP/1.1 " + std::to_string(resp.status) + " " + Reason(resp.status) + "\r\n";
    bool has_type = false;
    for (const auto& [k, v] : resp.headers) {
      head += k + ": " + v + "\r\n";
      has_type = has_type || k == "Content-Type";
    }
    if (!has_type) head += "Content-Type: application/json\r\n";
    if (resp.close) head += "Connection: close\r\n";
    if (resp.stream) {
      head += "Transfer-Encoding: chunked\r\n\r\n";
      if (!SendAll(fd, head)) break;
      ChunkWriter writer(fd, stopping_);
      resp.stream(writer);
      if (!SendAll(fd, "0\r\n\r\n")) break;
    } else {
      head += "Content-Length: " + std::to_string(resp.body.size()) + "\r\n\r\n";
      if (!SendAll(fd, head + resp.body)) break;
    }
    if (resp.close) break;
  }
done:
  // The fd stays open until the destructor so its shutdown() never hits a reused number.
  shutdown(fd, SHUT_RDWR);
}

std::string StatusBody(int code, std::string_view reason, std::string_view message) {
  Json status = {{"kind", "Status"},   {"apiVersion", "v1"}, {"status", "Failure"},
                 {"message", message}, {"reason", reason},   {"code", code}};
  return status.dump();
}

}  // namespace cellgate::kube::testing

// A small HTTP/1.1 server for the transport's unit tests: keep-alive, Content-Length bodies,
// chunked streaming responses, dropped connections. It stands in for a network peer, not for
// Kubernetes; Kubernetes behaviour is tested against a real API server (tests/e2e).
//
// Thread-safety: the handler runs on one thread per connection; accessors are thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "core/mutex.h"

namespace cellgate::kube::testing {

struct TestRequest {
  std::string method;
  std::string target;                          // path and query
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  int connection = 0;  // 1-based id of the TCP connection it came on
};

// Writes chunks of a streaming response. Write returns false once the client has gone.
class ChunkWriter {
 public:
  ChunkWriter(int fd, const std::atomic<bool>& stopping) : fd_(fd), stopping_(stopping) {}
  bool Write(std::string_view data);
  // True when the server is shutting down or the client went away.
  bool Done() const;

 private:
  int fd_;
  const std::atomic<bool>& stopping_;
  bool broken_ = false;
};

struct TestResponse {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::function<void(ChunkWriter&)> stream;  // set: a chunked response written by this
  bool drop = false;                         // close the connection without answering
  bool close = false;                        // answer, then close the connection
  std::chrono::milliseconds delay{0};        // before answering
};

class TestHttpServer {
 public:
  using Handler = std::function<TestResponse(const TestRequest&)>;
  explicit TestHttpServer(Handler handler);
  ~TestHttpServer();

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int connections() const { return connections_.load(); }
  std::vector<TestRequest> requests() const;

 private:
  void AcceptLoop();
  void Serve(int fd, int id);

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::thread acceptor_;
  mutable core::Mutex mu_;
  std::vector<std::thread> workers_ GUARDED_BY(mu_);
  std::vector<int> fds_ GUARDED_BY(mu_);
  std::vector<TestRequest> requests_ GUARDED_BY(mu_);
};

// The JSON of a metav1.Status.
std::string StatusBody(int code, std::string_view reason, std::string_view message);

}  // namespace cellgate::kube::testing

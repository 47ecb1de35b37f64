// A blocking HTTP/1.1 client over a raw socket for the server's tests: it sends exactly the
// bytes a test writes (malformed requests, partial headers, pipelining) and reads responses
// with a deadline, so a test can tell "answered", "closed" and "still open" apart.
//
// Thread-safety: one client per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace cellgate::http::testing {

struct ClientResponse {
  int status = 0;
  std::string status_line;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;

  // False when no response arrived (closed, or the deadline passed).
  bool ok() const { return status != 0; }
};

class TestClient {
 public:
  // Connects to 127.0.0.1:port, from `source_address` when given (any of 127.0.0.0/8 works
  // on Linux without configuration: a way to be several peers).
  explicit TestClient(std::uint16_t port, const char* source_address = nullptr);
  ~TestClient();
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  // Sends all of `bytes`; false when the peer has gone.
  bool Send(std::string_view bytes);
  // Reads one response. A HEAD response has no body whatever its Content-Length says, so
  // pass `head` for those. Not ok() when the connection closed or the deadline passed.
  ClientResponse Read(std::chrono::milliseconds deadline = std::chrono::seconds(10),
                      bool head = false);
  // True when the peer closes the connection (EOF or reset) within `deadline`; bytes that
  // arrive first are discarded.
  bool ClosedByPeerWithin(std::chrono::milliseconds deadline);

 private:
  // Reads more bytes into buffer_; false on EOF, error or deadline.
  bool Fill(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::string buffer_;
};

// "GET /path HTTP/1.1" with Host and, when given, a body with Content-Length.
std::string MakeRequest(std::string_view method, std::string_view target,
                        std::string_view body = "", std::string_view extra_headers = "");

}  // namespace cellgate::http::testing

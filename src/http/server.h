// Server: a small embedded HTTP/1.1 server (Boost.Beast over Asio) for cellgate's own
// endpoints: /metrics, /healthz, /readyz and POST /api/webhook. Plain HTTP, or HTTPS when
// a certificate and key are given.
//
//   auto server = Server::Start({.bind_address = "127.0.0.1", .port = 8080}, std::move(router));
//   if (!server) return server.error();
//   spdlog::info("listening on {}", (*server)->address());
//   ...
//   (*server)->Stop();
//
// Behaviour:
//   - Binds loopback unless told otherwise; port 0 binds an ephemeral port; port() reports
//     the one bound.
//   - TLS when tls_cert_file and tls_key_file are set (both or neither): TLS 1.2 and 1.3
//     only, the handshake within read_timeout; the files are read again when they change
//     on disk (server_tls.h). Start fails when they do not load or do not match.
//   - Keep-alive per HTTP/1.1 (HTTP/1.0 only with `Connection: keep-alive`); pipelined
//     requests are answered in order. `Expect: 100-continue` is answered before the body
//     is read.
//   - Limits, each answered and then the connection closed: header block over
//     max_header_bytes → 431; body over max_body_bytes → 413 (from Content-Length before
//     any of the body is read, or as a chunked body grows); malformed request → 400.
//   - Timeouts: a new connection must deliver a whole request within read_timeout (a client
//     that connects and sends nothing, or trickles bytes, is dropped); between keep-alive
//     requests a connection may idle for idle_timeout; a response must be written within
//     write_timeout.
//   - Connections: at most max_connections in all and max_connections_per_address from one
//     peer address. A connection over either limit takes one of reserved_probe_connections
//     slots if one is free, else it is closed at once. A reserved connection serves one
//     request, GET or HEAD of a path in probe_paths, within probe_timeout; any other
//     request on it gets 503 with `Retry-After`. So clients holding every ordinary slot
//     (idle keep-alive or not) cannot make the kubelet's probes fail.
//
// Threading: a fixed pool of `threads` threads runs all I/O and calls handlers; each
// connection's steps run one at a time on that connection's strand. A handler that blocks
// holds one pool thread, so handlers must be quick (the webhook handler only queues).
// Stop() may be called from any thread except a pool thread: it stops accepting, closes
// idle and half-read connections at once, lets handlers already running finish and write
// their response (with `Connection: close`), waits at most stop_timeout for them, then
// stops the pool and joins it. The destructor calls Stop().
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "http/router.h"

namespace cellgate::http {

struct ServerOptions {
  std::string bind_address = "127.0.0.1";  // IPv4 or IPv6 literal; "0.0.0.0" or "::" for all
  std::uint16_t port = 0;                  // 0: an ephemeral port
  int threads = 2;
  std::size_t max_header_bytes = std::size_t{16} * 1024;
  std::size_t max_body_bytes = std::size_t{1024} * 1024;
  std::chrono::milliseconds read_timeout{10'000};
  std::chrono::milliseconds idle_timeout{30'000};
  std::chrono::milliseconds write_timeout{10'000};
  std::size_t max_connections = 512;
  std::size_t max_connections_per_address = 64;
  std::size_t reserved_probe_connections = 8;  // beyond the two limits above; 0: none
  std::vector<std::string> probe_paths = {"/healthz", "/readyz"};
  std::chrono::milliseconds probe_timeout{2'000};  // whole request on a reserved connection
  // PEM files; both set: HTTPS. The certificate file may hold the chain after the leaf.
  std::string tls_cert_file;
  std::string tls_key_file;
  std::chrono::milliseconds stop_timeout{5'000};
};

class Server {
 public:
  // Binds, listens and starts the pool. kInvalidArgument for bad options or address, or TLS
  // files that do not load; kUnavailable when the address cannot be bound (port taken).
  static Result<std::unique_ptr<Server>> Start(ServerOptions options, Router router);

  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  std::uint16_t port() const;
  // "host:port" as bound, e.g. "127.0.0.1:38411" or "[::1]:8080".
  std::string address() const;
  bool tls() const;
  // Connections currently open.
  std::size_t connections() const;

  void Stop();

  class Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cellgate::http

// The Beast/Asio side of Server. Everything Boost stays in this file and server_tls.* so the
// rest of cellgate compiles without Beast's headers. Boost reports errors through error_code
// overloads here; no Boost exception escapes (pool threads catch anything a handler might still
// throw).
#include "http/server.h"

#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <exception>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/mutex.h"
#include "http/server_tls.h"

namespace cellgate::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

// After an error response the peer may still be sending a body we will not read. Closing at
// once can make the kernel answer with a reset that destroys our response in flight, so the
// connection is drained for a short while first.
constexpr std::chrono::milliseconds kLingerTime{1000};

std::string FormatEndpoint(const tcp::endpoint& ep) {
  std::string host = ep.address().to_string();
  if (ep.address().is_v6()) host = "[" + host + "]";
  return host + ":" + std::to_string(ep.port());
}

// The peer's address without the port; IPv4-mapped IPv6 addresses as IPv4, so one peer is
// one key whichever socket family accepted it.
std::string PeerKey(const tcp::socket& socket) {
  error_code ec;
  tcp::endpoint peer = socket.remote_endpoint(ec);
  if (ec) return "unknown";
  asio::ip::address a = peer.address();
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    a = asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
  }
  return a.to_string();
}

bool IsHopByHop(std::string_view name) {
  return EqualsIgnoreCase(name, "Content-Length") || EqualsIgnoreCase(name, "Connection") ||
         EqualsIgnoreCase(name, "Transfer-Encoding") || EqualsIgnoreCase(name, "Keep-Alive");
}

}  // namespace

// What Impl knows of a connection of either kind (plain or TLS).
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void Start() = 0;
  // Called (posted) when the server stops.
  virtual void Shutdown() = 0;
};

class Server::Impl {
 public:
  Impl(ServerOptions options, Router router)
      : options_(std::move(options)),
        router_(std::move(router)),
        ioc_(options_.threads),
        work_(asio::make_work_guard(ioc_)),
        acceptor_(asio::make_strand(ioc_)),
        accept_retry_(acceptor_.get_executor()) {}

  ~Impl() { Stop(); }

  Status LoadTls();
  Status Listen();
  void Run();
  void Stop();

  std::uint16_t port() const { return port_; }
  std::string address() const { return address_; }
  bool tls() const { return tls_ != nullptr; }
  std::size_t connections() const {
    core::MutexLock lock(mu_);
    return sessions_.size();
  }

  const ServerOptions& options() const { return options_; }
  const Router& router() const { return router_; }
  bool stopping() const { return stopping_.load(); }
  bool IsProbe(std::string_view method, std::string_view path) const;
  void Unregister(std::uint64_t id);

 private:
  struct Entry {
    std::weak_ptr<SessionBase> session;
    std::string peer;
    bool reserved = false;
  };

  void Accept();
  void OnAccept(error_code ec, tcp::socket socket);
  std::shared_ptr<SessionBase> MakeSession(tcp::socket socket, std::uint64_t id, bool reserved);

  const ServerOptions options_;
  const Router router_;
  std::atomic<bool> stopping_{false};
  std::once_flag stop_once_;
  std::uint16_t port_ = 0;
  std::string address_;

  // Declared before ioc_ so that they outlive it: destroying the io_context destroys
  // pending handlers, and with them Sessions that unregister here.
  mutable core::Mutex mu_;
  core::CondVar sessions_gone_;
  std::unordered_map<std::uint64_t, Entry> sessions_ GUARDED_BY(mu_);
  std::unordered_map<std::string, std::size_t> per_peer_ GUARDED_BY(mu_);  // ordinary ones
  std::size_t ordinary_ GUARDED_BY(mu_) = 0;
  std::size_t reserved_ GUARDED_BY(mu_) = 0;
  std::uint64_t next_id_ GUARDED_BY(mu_) = 1;
  std::unique_ptr<internal::TlsContextSource> tls_;  // null: plain HTTP

  asio::io_context ioc_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  tcp::acceptor acceptor_;
  asio::steady_timer accept_retry_;
  std::vector<std::thread> threads_;
};

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// One connection over a plain or a TLS stream. All its methods run on its strand (the
// socket's executor). A reserved connection (server.h, "Connections") serves one probe.
template <typename Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(tcp::socket socket, Server::Impl& server, std::uint64_t id, bool reserved,
          std::shared_ptr<asio::ssl::context> tls)
      : tls_(std::move(tls)),
        stream_(MakeStream(std::move(socket), tls_.get())),
        server_(server),
        id_(id),
        reserved_(reserved) {
    error_code ec;
    tcp::endpoint peer = socket_().remote_endpoint(ec);
    remote_ = ec ? "unknown" : FormatEndpoint(peer);
  }
  ~Session() override { server_.Unregister(id_); }

  void Start() override {
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      if constexpr (std::is_same_v<Stream, TlsStream>) {
        self->Handshake();
      } else {
        self->WaitForRequest();
      }
    });
  }

  void Shutdown() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      self->stopping_ = true;
      // Writing: OnWrite closes after the response. Everything else waits for the peer.
      if (self->phase_ != Phase::kWriting) self->Close();
    });
  }

 private:
  enum class Phase { kIdle, kReading, kWriting, kLingering, kClosed };

  static Stream MakeStream(tcp::socket socket, asio::ssl::context* tls) {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      return Stream(std::move(socket), *tls);
    } else {
      (void)tls;
      return Stream(std::move(socket));
    }
  }
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }
  tcp::socket& socket_() { return lowest().socket(); }

  // The first request's deadline: a reserved connection gets the short probe deadline.
  std::chrono::milliseconds FirstDeadline() const {
    const ServerOptions& o = server_.options();
    return reserved_ ? std::min(o.read_timeout, o.probe_timeout) : o.read_timeout;
  }

  void Handshake() {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      phase_ = Phase::kReading;
      lowest().expires_after(FirstDeadline());
      stream_.async_handshake(
          asio::ssl::stream_base::server, [self = this->shared_from_this()](error_code ec) {
            if (ec) {
              spdlog::debug("http {}: TLS handshake failed: {}", self->remote_, ec.message());
              return self->Close();
            }
            self->WaitForRequest();
          });
    }
  }

  void WaitForRequest() {
    if (stopping_ || server_.stopping()) return Close();
    if (buffer_.size() > 0) return ReadHeader();  // a pipelined request is already here
    phase_ = Phase::kIdle;
    const ServerOptions& o = server_.options();
    lowest().expires_after(served_ == 0 ? FirstDeadline() : o.idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = this->shared_from_this()](error_code ec, std::size_t n) {
                              if (ec) return self->Close();
                              self->buffer_.commit(n);
                              self->ReadHeader();
                            });
  }

  void ReadHeader() {
    phase_ = Phase::kReading;
    const ServerOptions& o = server_.options();
    parser_ = std::make_unique<bhttp::request_parser<bhttp::string_body>>();
    parser_->header_limit(static_cast<std::uint32_t>(o.max_header_bytes));
    parser_->body_limit(static_cast<std::uint64_t>(o.max_body_bytes));
    // One deadline for the whole request, header and body: a trickling client cannot hold
    // a connection open by sending a byte now and then.
    lowest().expires_after(FirstDeadline());
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](error_code ec, std::size_t) { self->OnHeader(ec); });
  }

  void OnHeader(error_code ec) {
    if (ec) return OnReadError(ec);
    const auto& req = parser_->get();
    if (beast::iequals(req[bhttp::field::expect], "100-continue")) {
      continue_ = std::make_unique<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_,
                                                                       req.version());
      bhttp::async_write(stream_, *continue_,
                         [self = this->shared_from_this()](error_code wec, std::size_t) {
                           if (wec) return self->Close();
                           self->ReadBody();
                         });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = this->shared_from_this()](error_code ec, std::size_t) {
                        if (ec) return self->OnReadError(ec);
                        self->Handle();
                      });
  }

  void OnReadError(error_code ec) {
    if (ec == bhttp::error::header_limit) {
      return Reject(431, "431 request header fields too large");
    }
    if (ec == bhttp::error::body_limit) {
      return Reject(413, "413 request body too large (limit " +
                             std::to_string(server_.options().max_body_bytes) + " bytes)");
    }
    // Timeouts, resets, a peer that closed mid-request, or Stop(): nobody to answer.
    if (ec == beast::error::timeout || ec == asio::error::operation_aborted ||
        ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
        ec == asio::error::connection_reset || stopping_) {
      return Close();
    }
    return Reject(400, "400 bad request: " + ec.message());
  }

  void Handle() {
    auto& msg = parser_->get();
    Request request;
    request.method = std::string(msg.method_string());
    request.target = std::string(msg.target());
    SplitTarget(request.target, request.path, request.query);
    for (const auto& field : msg) {
      request.headers.Add(std::string(field.name_string()), std::string(field.value()));
    }
    request.body = std::move(msg.body());
    request.remote_address = remote_;
    const bool head = msg.method() == bhttp::verb::head;
    const bool keep_alive = msg.keep_alive() && !reserved_;
    const unsigned version = msg.version();
    parser_.reset();

    if (reserved_ && !server_.IsProbe(request.method, request.path)) {
      Response busy = Response::Text(503, "503 too many connections; try again later");
      busy.headers.Set("Retry-After", "1");
      ++served_;
      // The whole request has been read, so there is nothing to drain: close at once and
      // free the slot for the next probe.
      return Write(std::move(busy), version, /*keep_alive=*/false, head, /*linger=*/false);
    }
    auto started = std::chrono::steady_clock::now();
    Response response = server_.router().Dispatch(request);
    auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started);
    spdlog::debug("http {} {} {} {} {}us", remote_, request.method, request.path, response.status,
                  elapsed.count());
    ++served_;
    Write(std::move(response), version, keep_alive, head, /*linger=*/false);
  }

  void Reject(int status, std::string message) {
    unsigned version = parser_ && parser_->is_header_done() ? parser_->get().version() : 11;
    parser_.reset();
    Write(Response::Text(status, std::move(message)), version, /*keep_alive=*/false,
          /*head=*/false, /*linger=*/true);
  }

  void Write(Response response, unsigned version, bool keep_alive, bool head, bool linger) {
    keep_alive = keep_alive && !stopping_ && !server_.stopping();
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
    res->version(version);
    res->result(static_cast<unsigned>(response.status));
    for (const auto& field : response.headers.fields()) {
      if (!IsHopByHop(field.name)) res->insert(field.name, field.value);
    }
    res->body() = std::move(response.body);
    res->prepare_payload();
    if (head) res->body().clear();  // keeps the Content-Length of the GET response
    res->keep_alive(keep_alive);
    response_ = res;
    phase_ = Phase::kWriting;
    lowest().expires_after(server_.options().write_timeout);
    bhttp::async_write(
        stream_, *res,
        [self = this->shared_from_this(), keep_alive, linger](error_code ec, std::size_t) {
          self->response_.reset();
          if (ec) return self->Close();
          if (linger) return self->Linger();
          if (!keep_alive || self->stopping_) return self->Close();
          self->WaitForRequest();
        });
  }

  void Linger() {
    phase_ = Phase::kLingering;
    error_code ec;
    socket_().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return Close();
    lowest().expires_after(kLingerTime);
    Drain();
  }

  void Drain() {
    stream_.async_read_some(asio::buffer(drain_),
                            [self = this->shared_from_this()](error_code ec, std::size_t) {
                              if (ec || self->stopping_) return self->Close();
                              self->Drain();
                            });
  }

  void Close() {
    if (phase_ == Phase::kClosed) return;
    phase_ = Phase::kClosed;
    error_code ec;
    // TLS: no close_notify. Every response is framed by Content-Length, so a client loses
    // nothing, and waiting for the peer's close_notify would hold the slot.
    socket_().shutdown(tcp::socket::shutdown_both, ec);
    lowest().close();
  }

  std::shared_ptr<asio::ssl::context> tls_;  // null for plain; outlives stream_
  Stream stream_;
  Server::Impl& server_;
  const std::uint64_t id_;
  const bool reserved_;
  std::string remote_;
  beast::flat_buffer buffer_;
  std::unique_ptr<bhttp::request_parser<bhttp::string_body>> parser_;  // one per request
  std::unique_ptr<bhttp::response<bhttp::empty_body>> continue_;
  std::shared_ptr<bhttp::response<bhttp::string_body>> response_;  // alive while written
  std::array<char, 4096> drain_{};
  Phase phase_ = Phase::kIdle;
  bool stopping_ = false;
  std::uint64_t served_ = 0;
};

Status Server::Impl::Listen() {
  error_code ec;
  asio::ip::address address = asio::ip::make_address(options_.bind_address, ec);
  if (ec) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "listen: bind address \"" + options_.bind_address + "\" is not an IP address");
  }
  tcp::endpoint endpoint(address, options_.port);
  std::string where = "listen on " + FormatEndpoint(endpoint);
  auto fail = [&](std::string_view step) {
    return MakeError(ErrorCode::kUnavailable,
                     where + ": " + std::string(step) + ": " + ec.message());
  };
  if (acceptor_.open(endpoint.protocol(), ec); ec) return fail("open");
  if (acceptor_.set_option(asio::socket_base::reuse_address(true), ec); ec) return fail("reuse");
  if (acceptor_.bind(endpoint, ec); ec) return fail("bind");
  if (acceptor_.listen(asio::socket_base::max_listen_connections, ec); ec) return fail("listen");
  tcp::endpoint bound = acceptor_.local_endpoint(ec);
  if (ec) return fail("local endpoint");
  port_ = bound.port();
  address_ = FormatEndpoint(bound);
  return Ok();
}

void Server::Impl::Run() {
  Accept();
  threads_.reserve(static_cast<std::size_t>(options_.threads));
  for (int i = 0; i < options_.threads; ++i) {
    threads_.emplace_back([this] {
      for (;;) {
        try {
          ioc_.run();
          return;
        } catch (const std::exception& e) {
          spdlog::error("http server: unexpected exception on a pool thread: {}", e.what());
        } catch (...) {
          spdlog::error("http server: unexpected exception on a pool thread");
        }
      }
    });
  }
}

void Server::Impl::Accept() {
  acceptor_.async_accept(asio::make_strand(ioc_), [this](error_code ec, tcp::socket socket) {
    OnAccept(ec, std::move(socket));
  });
}

void Server::Impl::OnAccept(error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor_.is_open() || stopping()) return;
  if (ec) {
    // Usually EMFILE/ENFILE: back off instead of spinning on a failing accept.
    spdlog::warn("http server {}: accept failed: {}", address_, ec.message());
    accept_retry_.expires_after(std::chrono::milliseconds(100));
    accept_retry_.async_wait([this](error_code wec) {
      if (!wec && !stopping()) Accept();
    });
    return;
  }
  std::string peer = PeerKey(socket);
  std::uint64_t id = 0;
  bool reserved = false;
  {
    core::MutexLock lock(mu_);
    // Registered under the lock that Stop() takes, so a connection accepted while Stop runs
    // is either shut down by it or refused here.
    if (!stopping()) {
      std::size_t& mine = per_peer_[peer];
      if (ordinary_ < options_.max_connections && mine < options_.max_connections_per_address) {
        ++ordinary_;
        ++mine;
        id = next_id_++;
      } else if (reserved_ < options_.reserved_probe_connections) {
        ++reserved_;
        reserved = true;
        id = next_id_++;
      }
      if (mine == 0) per_peer_.erase(peer);
      if (id != 0) sessions_.emplace(id, Entry{.peer = peer, .reserved = reserved});
    }
  }
  if (id == 0) {
    spdlog::debug("http server {}: connection from {} refused: connection limits reached", address_,
                  peer);
    error_code ignored;
    socket.close(ignored);
    return Accept();
  }
  std::shared_ptr<SessionBase> session = MakeSession(std::move(socket), id, reserved);
  {
    core::MutexLock lock(mu_);
    if (auto it = sessions_.find(id); it != sessions_.end()) it->second.session = session;
  }
  session->Start();
  Accept();
}

std::shared_ptr<SessionBase> Server::Impl::MakeSession(tcp::socket socket, std::uint64_t id,
                                                       bool reserved) {
  if (tls_) {
    return std::make_shared<Session<TlsStream>>(std::move(socket), *this, id, reserved,
                                                tls_->Current());
  }
  return std::make_shared<Session<PlainStream>>(std::move(socket), *this, id, reserved, nullptr);
}

bool Server::Impl::IsProbe(std::string_view method, std::string_view path) const {
  if (method != "GET" && method != "HEAD") return false;
  for (const std::string& p : options_.probe_paths) {
    if (p == path) return true;
  }
  return false;
}

void Server::Impl::Unregister(std::uint64_t id) {
  core::MutexLock lock(mu_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  if (it->second.reserved) {
    --reserved_;
  } else {
    --ordinary_;
    auto peer = per_peer_.find(it->second.peer);
    if (peer != per_peer_.end() && --peer->second == 0) per_peer_.erase(peer);
  }
  sessions_.erase(it);
  if (sessions_.empty()) sessions_gone_.notify_all();
}

Status Server::Impl::LoadTls() {
  if (options_.tls_cert_file.empty() && options_.tls_key_file.empty()) return Ok();
  auto tls = internal::TlsContextSource::Load(options_.tls_cert_file, options_.tls_key_file);
  CG_TRY_WRAP(tls, "http server");
  tls_ = std::move(*tls);
  return Ok();
}

void Server::Impl::Stop() {
  std::call_once(stop_once_, [this] {
    std::vector<std::shared_ptr<SessionBase>> live;
    {
      core::MutexLock lock(mu_);
      stopping_ = true;
      for (auto& [id, entry] : sessions_) {
        if (auto s = entry.session.lock()) live.push_back(std::move(s));
      }
    }
    asio::post(acceptor_.get_executor(), [this]() REQUIRES(mu_) {
      error_code ignored;
      acceptor_.close(ignored);
      accept_retry_.cancel();
    });
    for (auto& s : live) s->Shutdown();
    live.clear();  // the sessions' own handlers keep them alive; let them end
    {
      core::MutexLock lock(mu_);
      sessions_gone_.wait_for(lock, options_.stop_timeout,
                              [this]() REQUIRES(mu_) { return sessions_.empty(); });
      if (!sessions_.empty()) {
        spdlog::warn("http server {}: {} connections still busy after {} ms; stopping anyway",
                     address_, sessions_.size(), options_.stop_timeout.count());
      }
    }
    work_.reset();
    ioc_.stop();
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  });
}

Result<std::unique_ptr<Server>> Server::Start(ServerOptions options, Router router) {
  if (options.threads < 1 || options.max_header_bytes == 0 || options.max_connections == 0 ||
      options.max_connections_per_address == 0 || options.read_timeout.count() <= 0 ||
      options.idle_timeout.count() <= 0 || options.write_timeout.count() <= 0 ||
      options.probe_timeout.count() <= 0 ||
      options.max_header_bytes > std::numeric_limits<std::uint32_t>::max()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "http server: threads, header limit, connection limits and timeouts must be "
                     "positive");
  }
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "http server: a TLS certificate needs its key and a key its certificate");
  }
  auto impl = std::make_unique<Impl>(std::move(options), std::move(router));
  CG_TRY(impl->LoadTls());
  CG_TRY(impl->Listen());
  impl->Run();
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() { Stop(); }
std::uint16_t Server::port() const { return impl_->port(); }
std::string Server::address() const { return impl_->address(); }
bool Server::tls() const { return impl_->tls(); }
std::size_t Server::connections() const { return impl_->connections(); }
void Server::Stop() { impl_->Stop(); }

}  // namespace cellgate::http

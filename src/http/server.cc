// The Beast/Asio side of Server. Everything Boost stays in this file so the rest of cellgate
// compiles without Beast's headers. Boost reports errors through error_code overloads here;
// no Boost exception escapes (pool threads catch anything a handler might still throw).
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
#include <condition_variable>
#include <exception>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

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

bool IsHopByHop(std::string_view name) {
  return EqualsIgnoreCase(name, "Content-Length") || EqualsIgnoreCase(name, "Connection") ||
         EqualsIgnoreCase(name, "Transfer-Encoding") || EqualsIgnoreCase(name, "Keep-Alive");
}

}  // namespace

class Session;

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

  Status Listen();
  void Run();
  void Stop();

  std::uint16_t port() const { return port_; }
  std::string address() const { return address_; }
  std::size_t connections() const {
    std::lock_guard lock(mu_);
    return sessions_.size();
  }

  const ServerOptions& options() const { return options_; }
  const Router& router() const { return router_; }
  bool stopping() const { return stopping_.load(); }
  void Unregister(std::uint64_t id);

 private:
  void Accept();
  void OnAccept(error_code ec, tcp::socket socket);

  const ServerOptions options_;
  const Router router_;
  std::atomic<bool> stopping_{false};
  std::once_flag stop_once_;
  std::uint16_t port_ = 0;
  std::string address_;

  // Declared before ioc_ so that they outlive it: destroying the io_context destroys
  // pending handlers, and with them Sessions that unregister here.
  mutable std::mutex mu_;
  std::condition_variable sessions_gone_;
  std::unordered_map<std::uint64_t, std::weak_ptr<Session>> sessions_;  // guarded by mu_
  std::uint64_t next_id_ = 1;                                           // guarded by mu_

  asio::io_context ioc_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  tcp::acceptor acceptor_;
  asio::steady_timer accept_retry_;
  std::vector<std::thread> threads_;
};

// One connection. All its methods run on its strand (the socket's executor).
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Server::Impl& server, std::uint64_t id)
      : stream_(std::move(socket)), server_(server), id_(id) {
    error_code ec;
    tcp::endpoint peer = stream_.socket().remote_endpoint(ec);
    remote_ = ec ? "unknown" : FormatEndpoint(peer);
  }
  ~Session() { server_.Unregister(id_); }

  void Start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->WaitForRequest(); });
  }

  // Called (posted) when the server stops.
  void Shutdown() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      self->stopping_ = true;
      // Writing: OnWrite closes after the response. Everything else waits for the peer.
      if (self->phase_ != Phase::kWriting) self->Close();
    });
  }

 private:
  enum class Phase { kIdle, kReading, kWriting, kLingering, kClosed };

  void WaitForRequest() {
    if (stopping_ || server_.stopping()) return Close();
    if (buffer_.size() > 0) return ReadHeader();  // a pipelined request is already here
    phase_ = Phase::kIdle;
    const ServerOptions& o = server_.options();
    stream_.expires_after(served_ == 0 ? o.read_timeout : o.idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = shared_from_this()](error_code ec, std::size_t n) {
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
    stream_.expires_after(o.read_timeout);
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](error_code ec, std::size_t) { self->OnHeader(ec); });
  }

  void OnHeader(error_code ec) {
    if (ec) return OnReadError(ec);
    const auto& req = parser_->get();
    if (beast::iequals(req[bhttp::field::expect], "100-continue")) {
      continue_ = std::make_unique<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_,
                                                                       req.version());
      bhttp::async_write(stream_, *continue_,
                         [self = shared_from_this()](error_code wec, std::size_t) {
                           if (wec) return self->Close();
                           self->ReadBody();
                         });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](error_code ec, std::size_t) {
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
    const bool keep_alive = msg.keep_alive();
    const unsigned version = msg.version();
    parser_.reset();

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
    stream_.expires_after(server_.options().write_timeout);
    bhttp::async_write(stream_, *res,
                       [self = shared_from_this(), keep_alive, linger](error_code ec, std::size_t) {
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
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return Close();
    stream_.expires_after(kLingerTime);
    Drain();
  }

  void Drain() {
    stream_.async_read_some(asio::buffer(drain_),
                            [self = shared_from_this()](error_code ec, std::size_t) {
                              if (ec || self->stopping_) return self->Close();
                              self->Drain();
                            });
  }

  void Close() {
    if (phase_ == Phase::kClosed) return;
    phase_ = Phase::kClosed;
    error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  beast::tcp_stream stream_;
  Server::Impl& server_;
  const std::uint64_t id_;
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
  std::uint64_t id = 0;
  {
    std::lock_guard lock(mu_);
    // Registered under the lock that Stop() takes, so a connection accepted while Stop runs
    // is either shut down by it or refused here.
    if (!stopping() && sessions_.size() < options_.max_connections) id = next_id_++;
  }
  if (id == 0) {
    error_code ignored;
    socket.close(ignored);
    return Accept();
  }
  auto session = std::make_shared<Session>(std::move(socket), *this, id);
  {
    std::lock_guard lock(mu_);
    sessions_.emplace(id, session);
  }
  session->Start();
  Accept();
}

void Server::Impl::Unregister(std::uint64_t id) {
  std::lock_guard lock(mu_);
  sessions_.erase(id);
  if (sessions_.empty()) sessions_gone_.notify_all();
}

void Server::Impl::Stop() {
  std::call_once(stop_once_, [this] {
    std::vector<std::shared_ptr<Session>> live;
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
      for (auto& [id, weak] : sessions_) {
        if (auto s = weak.lock()) live.push_back(std::move(s));
      }
    }
    asio::post(acceptor_.get_executor(), [this] {
      error_code ignored;
      acceptor_.close(ignored);
      accept_retry_.cancel();
    });
    for (auto& s : live) s->Shutdown();
    live.clear();  // the sessions' own handlers keep them alive; let them end
    {
      std::unique_lock lock(mu_);
      sessions_gone_.wait_for(lock, options_.stop_timeout, [this] { return sessions_.empty(); });
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
      options.read_timeout.count() <= 0 || options.idle_timeout.count() <= 0 ||
      options.write_timeout.count() <= 0 ||
      options.max_header_bytes > std::numeric_limits<std::uint32_t>::max()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "http server: threads, header limit, connection limit and timeouts must be "
                     "positive");
  }
  auto impl = std::make_unique<Impl>(std::move(options), std::move(router));
  if (auto listening = impl->Listen(); !listening) return std::unexpected(listening.error());
  impl->Run();
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() { Stop(); }
std::uint16_t Server::port() const { return impl_->port(); }
std::string Server::address() const { return impl_->address(); }
std::size_t Server::connections() const { return impl_->connections(); }
void Server::Stop() { impl_->Stop(); }

}  // namespace cellgate::http

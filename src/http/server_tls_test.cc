// HTTPS (server.h, "TLS") over real sockets on 127.0.0.1. Certificates are made for each
// test by the openssl binary; the client is Asio's TLS stream with peer and host name
// verification on, as a Git server or Prometheus would connect.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "http/server.h"
#include "http/test_client.h"

namespace cellgate::http {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace bhttp = boost::beast::http;
namespace fs = std::filesystem;
using std::chrono::milliseconds;

class TlsDir {
 public:
  TlsDir() {
    std::string tmpl = (fs::temp_directory_path() / "cellgate-tls-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TlsDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  // A self-signed P-256 certificate for localhost and 127.0.0.1, as <name>.crt / <name>.key.
  void MakeCert(const std::string& name, const std::string& cn = "localhost") {
    std::string cmd =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
        " -days 2 -subj /CN=" +
        cn + " -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout " + Key(name) + " -out " +
        Cert(name) + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
  std::string Cert(const std::string& name) const { return (path_ / (name + ".crt")).string(); }
  std::string Key(const std::string& name) const { return (path_ / (name + ".key")).string(); }

 private:
  fs::path path_;
};

Router HealthRouter() {
  Router router;
  EXPECT_TRUE(
      router.Handle("GET", "/healthz", [](const Request&) { return Response::Text(200, "ok"); }));
  return router;
}

struct TlsResult {
  std::string error;  // empty: handshake and request succeeded
  int status = 0;
  std::string body;
  int requests = 0;
};

// Connects with verification against `ca_file` and `host`, then sends `requests` GETs of
// /healthz on the one connection.
TlsResult Get(std::uint16_t port, const std::string& ca_file, const std::string& host = "127.0.0.1",
              int requests = 1) {
  TlsResult out;
  asio::io_context ioc;
  ssl::context ctx(ssl::context::tls_client);
  boost::system::error_code ec;
  ctx.load_verify_file(ca_file, ec);
  if (ec) return {.error = "load CA: " + ec.message()};
  ctx.set_verify_mode(ssl::verify_peer);
  ssl::stream<asio::ip::tcp::socket> stream(ioc, ctx);
  stream.set_verify_callback(ssl::host_name_verification(host));
  stream.lowest_layer().connect({asio::ip::make_address("127.0.0.1"), port}, ec);
  if (ec) return {.error = "connect: " + ec.message()};
  stream.handshake(ssl::stream_base::client, ec);
  if (ec) return {.error = "handshake: " + ec.message()};
  boost::beast::flat_buffer buffer;
  for (int i = 0; i < requests; ++i) {
    bhttp::request<bhttp::empty_body> req(bhttp::verb::get, "/healthz", 11);
    req.set(bhttp::field::host, host);
    bhttp::write(stream, req, ec);
    if (ec) return {.error = "write: " + ec.message()};
    bhttp::response<bhttp::string_body> res;
    bhttp::read(stream, buffer, res, ec);
    if (ec) return {.error = "read: " + ec.message()};
    out.status = static_cast<int>(res.result_int());
    out.body = res.body();
    ++out.requests;
  }
  return out;
}

std::unique_ptr<Server> StartTls(const TlsDir& dir, const std::string& name,
                                 ServerOptions options = {}) {
  options.tls_cert_file = dir.Cert(name);
  options.tls_key_file = dir.Key(name);
  auto server = Server::Start(std::move(options), HealthRouter());
  EXPECT_TRUE(server.has_value()) << server.error().message();
  return server ? std::move(*server) : nullptr;
}

TEST(ServerTls, ServesHttpsThatAVerifyingClientAccepts) {
  TlsDir dir;
  dir.MakeCert("server");
  auto server = StartTls(dir, "server");
  ASSERT_TRUE(server);
  EXPECT_TRUE(server->tls());
  TlsResult r = Get(server->port(), dir.Cert("server"), "127.0.0.1", /*requests=*/2);
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok\n");
  EXPECT_EQ(r.requests, 2);  // keep-alive over TLS
  EXPECT_EQ(Get(server->port(), dir.Cert("server"), "localhost").error, "");
}

TEST(ServerTls, ClientTrustingAnotherCertificateOrNameFailsTheHandshake) {
  TlsDir dir;
  dir.MakeCert("server");
  dir.MakeCert("other");
  auto server = StartTls(dir, "server");
  ASSERT_TRUE(server);
  TlsResult stranger = Get(server->port(), dir.Cert("other"));
  EXPECT_NE(stranger.error.find("handshake"), std::string::npos) << stranger.error;
  TlsResult wrong_name = Get(server->port(), dir.Cert("server"), "cellgate.example");
  EXPECT_NE(wrong_name.error.find("handshake"), std::string::npos) << wrong_name.error;
}

TEST(ServerTls, PlainHttpOnTheTlsPortGetsNoHttpAnswer) {
  TlsDir dir;
  dir.MakeCert("server");
  auto server = StartTls(dir, "server");
  ASSERT_TRUE(server);
  testing::TestClient plain(server->port());
  ASSERT_TRUE(plain.Send(testing::MakeRequest("GET", "/healthz")));
  EXPECT_FALSE(plain.Read(milliseconds(5000)).ok());
}

TEST(ServerTls, SilentClientIsDroppedDuringTheHandshake) {
  TlsDir dir;
  dir.MakeCert("server");
  auto server = StartTls(dir, "server", {.read_timeout = milliseconds(200)});
  ASSERT_TRUE(server);
  testing::TestClient silent(server->port());
  EXPECT_TRUE(silent.ClosedByPeerWithin(milliseconds(5000)));
}

TEST(ServerTls, RotatedCertificateIsServedToNewConnections) {
  TlsDir dir;
  dir.MakeCert("server");
  dir.MakeCert("next");
  auto server = StartTls(dir, "server");
  ASSERT_TRUE(server);
  ASSERT_EQ(Get(server->port(), dir.Cert("server")).error, "");
  const std::string old_cert = dir.Cert("server") + ".old";
  fs::copy_file(dir.Cert("server"), old_cert);
  // Replace the files in place, as a Secret volume update does (by rename).
  fs::copy_file(dir.Cert("next"), dir.Cert("server") + ".new");
  fs::copy_file(dir.Key("next"), dir.Key("server") + ".new");
  fs::rename(dir.Key("server") + ".new", dir.Key("server"));
  fs::rename(dir.Cert("server") + ".new", dir.Cert("server"));
  EXPECT_EQ(Get(server->port(), dir.Cert("next")).error, "");
  TlsResult old = Get(server->port(), old_cert);
  EXPECT_NE(old.error.find("handshake"), std::string::npos) << old.error;
}

TEST(ServerTls, HalfWrittenRotationKeepsTheLoadedCertificate) {
  TlsDir dir;
  dir.MakeCert("server");
  const std::string loaded = dir.Cert("server") + ".loaded";
  fs::copy_file(dir.Cert("server"), loaded);
  auto server = StartTls(dir, "server");
  ASSERT_TRUE(server);
  { std::ofstream(dir.Cert("server"), std::ios::trunc) << "-----BEGIN CERTIFICATE-----\n"; }
  EXPECT_EQ(Get(server->port(), loaded).error, "");
}

TEST(ServerTls, BadFilesFailStartNamingThem) {
  TlsDir dir;
  dir.MakeCert("a");
  dir.MakeCert("b");
  auto only_cert = Server::Start({.tls_cert_file = dir.Cert("a")}, HealthRouter());
  ASSERT_FALSE(only_cert.has_value());
  EXPECT_EQ(only_cert.error().code(), ErrorCode::kInvalidArgument);
  auto mismatched =
      Server::Start({.tls_cert_file = dir.Cert("a"), .tls_key_file = dir.Key("b")}, HealthRouter());
  ASSERT_FALSE(mismatched.has_value());
  EXPECT_NE(mismatched.error().message().find(dir.Key("b")), std::string::npos)
      << mismatched.error().message();
  auto missing = Server::Start(
      {.tls_cert_file = dir.Cert("a") + ".nope", .tls_key_file = dir.Key("a")}, HealthRouter());
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message().find(dir.Cert("a") + ".nope"), std::string::npos)
      << missing.error().message();
  auto not_pem =
      Server::Start({.tls_cert_file = dir.Key("a"), .tls_key_file = dir.Key("a")}, HealthRouter());
  EXPECT_FALSE(not_pem.has_value());
}

}  // namespace
}  // namespace cellgate::http

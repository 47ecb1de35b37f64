#include "http/server_tls.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include "core/mutex.h"

namespace cellgate::http::internal {
namespace {

namespace ssl = boost::asio::ssl;

// The reason of the newest OpenSSL error, or the error code's message.
std::string Reason(const boost::system::error_code& ec) {
  const char* reason = ERR_reason_error_string(ERR_peek_last_error());
  std::string text = reason != nullptr ? reason : ec.message();
  ERR_clear_error();
  return text;
}

}  // namespace

Result<std::unique_ptr<TlsContextSource>> TlsContextSource::Load(std::filesystem::path cert_file,
                                                                 std::filesystem::path key_file) {
  std::unique_ptr<TlsContextSource> source(
      new TlsContextSource(std::move(cert_file), std::move(key_file)));
  auto stamp = source->StampNow();
  CG_TRY(stamp);
  auto ctx = source->Build();
  CG_TRY(ctx);
  {
    core::MutexLock lock(source->mu_);
    source->current_ = std::move(*ctx);
    source->loaded_ = *stamp;
  }
  return source;
}

Result<TlsContextSource::Stamp> TlsContextSource::StampNow() const {
  Stamp s;
  std::error_code ec;
  for (const auto& [path, time, size] : {std::tuple{&cert_file_, &s.cert_time, &s.cert_size},
                                         std::tuple{&key_file_, &s.key_time, &s.key_size}}) {
    *time = std::filesystem::last_write_time(*path, ec);
    if (!ec) *size = std::filesystem::file_size(*path, ec);
    if (ec) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "TLS file " + path->string() + ": " + ec.message());
    }
  }
  return s;
}

Result<std::shared_ptr<ssl::context>> TlsContextSource::Build() const {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  boost::system::error_code ec;
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                       ssl::context::single_dh_use,
                   ec);
  if (!ec) ctx->set_verify_mode(ssl::verify_none, ec);
  if (ec) return MakeError(ErrorCode::kInternal, "TLS context: " + Reason(ec));
  SSL_CTX* native = ctx->native_handle();
  if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1) {
    ERR_clear_error();
    return MakeError(ErrorCode::kInternal, "TLS context: cannot require TLS 1.2");
  }
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION);
  if (ctx->use_certificate_chain_file(cert_file_.string(), ec); ec) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "TLS certificate " + cert_file_.string() + ": " + Reason(ec));
  }
  if (ctx->use_private_key_file(key_file_.string(), ssl::context::pem, ec); ec) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "TLS key " + key_file_.string() + ": " + Reason(ec));
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    ERR_clear_error();
    return MakeError(
        ErrorCode::kInvalidArgument,
        "TLS key " + key_file_.string() + " does not match the certificate " + cert_file_.string());
  }
  return ctx;
}

std::shared_ptr<ssl::context> TlsContextSource::Current() {
  core::MutexLock lock(mu_);
  auto stamp = StampNow();
  if (!stamp || *stamp == loaded_ || *stamp == refused_) return current_;
  auto ctx = Build();
  if (!ctx) {
    spdlog::warn("http server: {}; keeping the certificate loaded before", ctx.error().message());
    refused_ = *stamp;
    return current_;
  }
  spdlog::info("http server: reloaded TLS certificate {}", cert_file_.string());
  current_ = std::move(*ctx);
  loaded_ = *stamp;
  return current_;
}

}  // namespace cellgate::http::internal

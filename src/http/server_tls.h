// Internal to server.cc: the server's TLS context, loaded from PEM files and reloaded when
// they change on disk (cert-manager and kubelet rotate mounted Secrets in place).
//
//   auto tls = TlsContextSource::Load("/tls/tls.crt", "/tls/tls.key");
//   if (!tls) return tls.error();
//   std::shared_ptr<boost::asio::ssl::context> ctx = (*tls)->Current();  // per connection
//
// Current() compares the files' modification times and sizes with those last loaded (two
// stat calls) and, when either changed, loads them again; if the new pair does not load
// (half-written, key not matching), the previous context stays in use and a warning is
// logged once per change. A connection keeps the context it started with.
//
// The context allows TLS 1.2 and 1.3 only, OpenSSL's default cipher lists, no
// renegotiation, and asks for no client certificate.
//
// Thread-safety: Current() may be called from any thread.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <filesystem>
#include <memory>
#include <string>

#include "core/mutex.h"
#include "core/result.h"

namespace cellgate::http::internal {

class TlsContextSource {
 public:
  static Result<std::unique_ptr<TlsContextSource>> Load(std::filesystem::path cert_file,
                                                        std::filesystem::path key_file);

  std::shared_ptr<boost::asio::ssl::context> Current();

 private:
  struct Stamp {
    std::filesystem::file_time_type cert_time, key_time;
    std::uintmax_t cert_size = 0, key_size = 0;
    bool operator==(const Stamp&) const = default;
  };

  TlsContextSource(std::filesystem::path cert_file, std::filesystem::path key_file)
      : cert_file_(std::move(cert_file)), key_file_(std::move(key_file)) {}
  Result<Stamp> StampNow() const;
  Result<std::shared_ptr<boost::asio::ssl::context>> Build() const;

  const std::filesystem::path cert_file_;
  const std::filesystem::path key_file_;
  core::Mutex mu_;
  std::shared_ptr<boost::asio::ssl::context> current_ GUARDED_BY(mu_);
  Stamp loaded_ GUARDED_BY(mu_);
  Stamp refused_ GUARDED_BY(mu_);  // last failed stamp
};

}  // namespace cellgate::http::internal

#include "git/server_identity.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <memory>
#include <optional>
#include <sstream>
#include <vector>

#include "core/base64.h"

namespace cellgate::git {
namespace {

// `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`, as written by `ssh-keygen -H`.
bool HashedPatternMatches(std::string_view pattern, const std::string& name) {
  pattern.remove_prefix(3);
  std::size_t bar = pattern.find('|');
  if (bar == std::string_view::npos) return false;
  auto salt = Base64Decode(pattern.substr(0, bar));
  auto want = Base64Decode(pattern.substr(bar + 1));
  if (!salt || !want) return false;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha1(), salt->data(), static_cast<int>(salt->size()),
       reinterpret_cast<const unsigned char*>(name.data()), name.size(), mac, &len);
  return want->size() == len && CRYPTO_memcmp(want->data(), mac, len) == 0;
}

bool HostFieldMatches(std::string_view field, const std::string& name) {
  std::size_t start = 0;
  while (start <= field.size()) {
    std::size_t comma = field.find(',', start);
    std::string_view pattern = field.substr(start, comma - start);
    if (pattern.starts_with("|1|") ? HashedPatternMatches(pattern, name) : pattern == name) {
      return true;
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return false;
}

template <typename T, void (*Free)(T*)>
struct SslFree {
  void operator()(T* p) const { Free(p); }
};

}  // namespace

bool KnownHostsAccepts(std::string_view known_hosts, std::string_view host, int port,
                       std::string_view key_blob) {
  const std::string name =
      port == 22 ? std::string(host) : "[" + std::string(host) + "]:" + std::to_string(port);
  std::istringstream lines{std::string(known_hosts)};
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string hosts, type, key;
    if (!(fields >> hosts >> type >> key)) continue;
    if (hosts.starts_with('#') || hosts.starts_with('@')) continue;
    if (!HostFieldMatches(hosts, name)) continue;
    auto blob = Base64Decode(key);
    if (blob && *blob == key_blob) return true;
  }
  return false;
}

Status VerifyLeafCertificate(const unsigned char* der, std::size_t len, const std::string& ca_file,
                             const std::string& host) {
  const unsigned char* p = der;
  std::unique_ptr<X509, SslFree<X509, X509_free>> cert(
      d2i_X509(nullptr, &p, static_cast<long>(len)));
  if (!cert) return MakeError(ErrorCode::kPermissionDenied, "unreadable server certificate");
  std::unique_ptr<X509_STORE, SslFree<X509_STORE, X509_STORE_free>> store(X509_STORE_new());
  if (!store || X509_STORE_load_file(store.get(), ca_file.c_str()) != 1) {
    return MakeError(ErrorCode::kInvalidArgument, "cannot load CA file " + ca_file);
  }
  std::unique_ptr<X509_STORE_CTX, SslFree<X509_STORE_CTX, X509_STORE_CTX_free>> ctx(
      X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), store.get(), cert.get(), nullptr) != 1) {
    return MakeError(ErrorCode::kInternal, "cannot set up certificate verification");
  }
  if (X509_verify_cert(ctx.get()) != 1) {
    int err = X509_STORE_CTX_get_error(ctx.get());
    return MakeError(ErrorCode::kPermissionDenied,
                     std::string("server certificate not trusted by ") + ca_file + ": " +
                         X509_verify_cert_error_string(err));
  }
  bool named = X509_check_ip_asc(cert.get(), host.c_str(), 0) == 1 ||
               X509_check_host(cert.get(), host.data(), host.size(), 0, nullptr) == 1;
  if (!named) {
    return MakeError(ErrorCode::kPermissionDenied, "server certificate does not name " + host);
  }
  return Ok();
}

}  // namespace cellgate::git

#include "kube/cluster_config.h"

#include <array>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace cellgate::kube {
namespace {

Result<std::string> ReadSmallFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kNotFound, "cannot read " + path.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

std::string ClusterConfig::Describe() const {
  if (name.empty()) return server;
  return name + " (" + server + ")";
}

Status ClusterConfig::Validate() const {
  auto fail = [&](std::string what) {
    return MakeError(ErrorCode::kInvalidArgument, "cluster " + Describe() + ": " + what);
  };
  if (server.empty()) return fail("no server URL");
  if (!server.starts_with("https://") && !server.starts_with("http://")) {
    return fail("server URL must start with https:// or http://");
  }
  if (server.back() == '/') return fail("server URL has a trailing '/'");
  if (client_cert_pem.empty() != client_key_pem.empty()) {
    return fail("client certificate and key must be given together");
  }
  int methods = (!token.empty() || !token_file.empty()) + (!username.empty()) + exec.has_value();
  if (methods > 1) return fail("more than one of token, username/password and exec is set");
  if (exec && exec->command.empty()) return fail("exec plugin has no command");
  return Ok();
}

Result<ClusterConfig> InClusterConfig(const InClusterOptions& options) {
  std::string host = options.host;
  std::string port = options.port;
  if (host.empty()) {
    if (const char* h = std::getenv("KUBERNETES_SERVICE_HOST")) host = h;
  }
  if (port.empty()) {
    if (const char* p = std::getenv("KUBERNETES_SERVICE_PORT")) port = p;
  }
  if (host.empty() || port.empty()) {
    return MakeError(ErrorCode::kNotFound,
                     "in-cluster config: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT "
                     "are not set (not running in a pod)");
  }
  ClusterConfig config;
  config.name = "in-cluster";
  bool ipv6 = host.find(':') != std::string::npos;
  config.server = "https://" + (ipv6 ? "[" + host + "]" : host) + ":" + port;
  const auto& dir = options.service_account_dir;
  config.token_file = dir / "token";
  if (!std::filesystem::exists(config.token_file)) {
    return MakeError(ErrorCode::kNotFound, "in-cluster config: no service account token at " +
                                               config.token_file.string());
  }
  auto ca = ReadSmallFile(dir / "ca.crt");
  if (!ca) return std::unexpected(ca.error().Wrap("in-cluster config"));
  config.ca_pem = std::move(*ca);
  if (auto ns = ReadSmallFile(dir / "namespace"); ns && !Trim(*ns).empty()) {
    config.default_namespace = Trim(*ns);
  }
  return config;
}

Result<std::string> Base64Decode(std::string_view text) {
  static constexpr auto kTable = [] {
    std::array<signed char, 256> t{};
    t.fill(-1);
    constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < 64; ++i)
      t[static_cast<unsigned char>(kAlphabet[i])] = static_cast<signed char>(i);
    return t;
  }();
  std::string out;
  out.reserve(text.size() * 3 / 4);
  unsigned buffer = 0;
  int bits = 0;
  int padding = 0;
  for (unsigned char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    if (padding > 0 || kTable[c] < 0) {
      return MakeError(ErrorCode::kInvalidArgument, "invalid base64 data");
    }
    buffer = (buffer << 6) | static_cast<unsigned>(kTable[c]);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  if (bits >= 6 || padding > 2) {
    return MakeError(ErrorCode::kInvalidArgument, "invalid base64 data (truncated)");
  }
  return out;
}

std::string Base64Encode(std::string_view data) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    unsigned n = (static_cast<unsigned char>(data[i]) << 16) |
                 (static_cast<unsigned char>(data[i + 1]) << 8) |
                 static_cast<unsigned char>(data[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i < data.size()) {
    unsigned n = static_cast<unsigned char>(data[i]) << 16;
    if (i + 1 < data.size()) n |= static_cast<unsigned char>(data[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < data.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

}  // namespace cellgate::kube

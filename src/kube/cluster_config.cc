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
  CG_TRY_WRAP(ca, "in-cluster config");
  config.ca_pem = std::move(*ca);
  if (auto ns = ReadSmallFile(dir / "namespace"); ns && !Trim(*ns).empty()) {
    config.default_namespace = Trim(*ns);
    config.namespace_given = true;
  }
  return config;
}

}  // namespace cellgate::kube

#include "argo/cluster_config.h"

#include <string>

#include "core/base64.h"
#include "core/object.h"

namespace cellgate::argo {

using kube::ClusterConfig;
using kube::ExecConfig;
namespace {

class FieldReader {
 public:
  explicit FieldReader(std::string where) : where_(std::move(where)) {}

  std::unexpected<Error> Fail(const std::string& what) const {
    return MakeError(ErrorCode::kInvalidArgument, where_ + ": " + what);
  }

  Result<std::string> Str(const Json& obj, const char* key) const {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return std::string();
    if (!it->is_string()) return Fail(std::string(key) + " must be a string");
    return it->get<std::string>();
  }

  Result<bool> Bool(const Json& obj, const char* key) const {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return false;
    if (!it->is_boolean()) return Fail(std::string(key) + " must be a boolean");
    return it->get<bool>();
  }

  // Go's []byte fields marshal as base64 strings.
  Result<std::string> Bytes(const Json& obj, const char* key) const {
    auto s = Str(obj, key);
    if (!s || s->empty()) return s;
    auto decoded = Base64Decode(*s);
    if (!decoded) return Fail(std::string(key) + ": " + decoded.error().message());
    return decoded;
  }

 private:
  std::string where_;
};

Status ParseTls(const FieldReader& r, const Json& tls, ClusterConfig& c) {
  if (!tls.is_object()) return r.Fail("tlsClientConfig must be an object");
  auto insecure = r.Bool(tls, "insecure");
  CG_TRY(insecure);
  auto sni = r.Str(tls, "serverName");
  CG_TRY(sni);
  auto ca = r.Bytes(tls, "caData");
  CG_TRY(ca);
  auto cert = r.Bytes(tls, "certData");
  CG_TRY(cert);
  auto key = r.Bytes(tls, "keyData");
  CG_TRY(key);
  c.insecure_skip_tls_verify = *insecure;
  c.tls_server_name = std::move(*sni);
  c.ca_pem = std::move(*ca);
  c.client_cert_pem = std::move(*cert);
  c.client_key_pem = std::move(*key);
  return Ok();
}

Result<ExecConfig> ParseExec(const FieldReader& r, const Json& e) {
  if (!e.is_object()) return r.Fail("execProviderConfig must be an object");
  ExecConfig x;
  auto command = r.Str(e, "command");
  CG_TRY(command);
  if (command->empty()) return r.Fail("execProviderConfig has no command");
  x.command = std::move(*command);
  auto api = r.Str(e, "apiVersion");
  CG_TRY(api);
  if (!api->empty()) x.api_version = std::move(*api);
  auto hint = r.Str(e, "installHint");
  CG_TRY(hint);
  x.install_hint = std::move(*hint);
  if (auto args = e.find("args"); args != e.end() && !args->is_null()) {
    if (!args->is_array()) return r.Fail("execProviderConfig.args must be a list");
    for (const auto& a : *args) {
      if (!a.is_string()) return r.Fail("execProviderConfig.args must be strings");
      x.args.push_back(a.get<std::string>());
    }
  }
  if (auto env = e.find("env"); env != e.end() && !env->is_null()) {
    if (!env->is_object()) return r.Fail("execProviderConfig.env must be a string map");
    for (const auto& [k, v] : env->items()) {
      if (!v.is_string()) return r.Fail("execProviderConfig.env values must be strings");
      x.env.emplace_back(k, v.get<std::string>());
    }
  }
  return x;
}

}  // namespace

Result<ClusterConfig> ParseClusterConfig(std::string_view name, std::string_view server,
                                         std::string_view config_json) {
  ClusterConfig c;
  c.name = std::string(name.empty() ? server : name);
  c.server = std::string(server);
  while (c.server.size() > 1 && c.server.back() == '/') c.server.pop_back();
  FieldReader r("argocd cluster " + c.Describe() + ": config");
  if (server.empty()) return r.Fail("secret has no server");

  Json config = Json::object();
  if (!config_json.empty()) {
    // Never echo a parse error: it quotes the input, and the input holds credentials.
    config = Json::parse(config_json.begin(), config_json.end(), nullptr, false);
    if (config.is_discarded()) return r.Fail("not valid JSON");
    if (!config.is_object()) return r.Fail("not a JSON object");
  }
  if (config.contains("awsAuthConfig") && !config["awsAuthConfig"].is_null()) {
    return r.Fail(
        "awsAuthConfig is not supported; use execProviderConfig with `aws eks get-token`");
  }
  auto token = r.Str(config, "bearerToken");
  CG_TRY(token);
  auto user = r.Str(config, "username");
  CG_TRY(user);
  auto password = r.Str(config, "password");
  CG_TRY(password);
  auto proxy = r.Str(config, "proxyUrl");
  CG_TRY(proxy);
  auto no_gzip = r.Bool(config, "disableCompression");
  CG_TRY(no_gzip);
  c.token = std::move(*token);
  c.username = std::move(*user);
  c.password = std::move(*password);
  c.proxy_url = std::move(*proxy);
  c.disable_compression = *no_gzip;
  if (auto tls = config.find("tlsClientConfig"); tls != config.end() && !tls->is_null()) {
    CG_TRY(ParseTls(r, *tls, c));
  }
  if (auto exec = config.find("execProviderConfig"); exec != config.end() && !exec->is_null()) {
    auto x = ParseExec(r, *exec);
    CG_TRY(x);
    c.exec = std::move(*x);
  }
  CG_TRY_WRAP(c.Validate(), "argocd");
  return c;
}

}  // namespace cellgate::argo

#include "argo/cluster_secret.h"

#include <cctype>
#include <cstdint>
#include <utility>

#include "core/base64.h"

namespace cellgate::argo {
namespace {

constexpr std::string_view kLastApplied = "kubectl.kubernetes.io/last-applied-configuration";
constexpr std::string_view kManagedBy = "managed-by";

std::string TrimSlash(std::string s) {
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

std::uint32_t Fnv32a(std::string_view s) {
  std::uint32_t h = 2166136261u;
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

bool LabelNameOk(std::string_view s, bool allow_empty) {
  if (s.empty()) return allow_empty;
  if (s.size() > 63) return false;
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  if (!alnum(s.front()) || !alnum(s.back())) return false;
  for (char c : s) {
    if (!alnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

bool DnsSubdomainOk(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (!ok) return false;
  }
  return s.front() != '-' && s.front() != '.' && s.back() != '-' && s.back() != '.';
}

bool LabelKeyOk(std::string_view key) {
  auto slash = key.find('/');
  if (slash == std::string_view::npos) return LabelNameOk(key, false);
  return DnsSubdomainOk(key.substr(0, slash)) && LabelNameOk(key.substr(slash + 1), false);
}

Json ExecJson(const kube::ExecConfig& exec) {
  Json j = Json::object();
  j["command"] = exec.command;
  Json args = Json::array();
  for (const auto& a : exec.args) args.push_back(a);
  if (!args.empty()) j["args"] = std::move(args);
  if (!exec.env.empty()) {
    Json env = Json::object();
    for (const auto& [k, v] : exec.env) env[k] = v;
    j["env"] = std::move(env);
  }
  j["apiVersion"] = exec.api_version;
  if (!exec.install_hint.empty()) j["installHint"] = exec.install_hint;
  return j;
}

// Argo CD's ClusterConfig JSON for a kube::ClusterConfig.
Json ArgoConfigJson(const kube::ClusterConfig& c) {
  Json config = Json::object();
  if (!c.username.empty()) config["username"] = c.username;
  if (!c.password.empty()) config["password"] = c.password;
  if (!c.token.empty()) config["bearerToken"] = c.token;
  Json tls = Json::object();
  tls["insecure"] = c.insecure_skip_tls_verify;
  if (!c.tls_server_name.empty()) tls["serverName"] = c.tls_server_name;
  if (!c.ca_pem.empty()) tls["caData"] = Base64Encode(c.ca_pem);
  if (!c.client_cert_pem.empty()) tls["certData"] = Base64Encode(c.client_cert_pem);
  if (!c.client_key_pem.empty()) tls["keyData"] = Base64Encode(c.client_key_pem);
  config["tlsClientConfig"] = std::move(tls);
  if (c.exec) config["execProviderConfig"] = ExecJson(*c.exec);
  if (!c.proxy_url.empty()) config["proxyUrl"] = c.proxy_url;
  if (c.disable_compression) config["disableCompression"] = true;
  return config;
}

}  // namespace

ClusterSecret ParseClusterSecret(const Object& secret) {
  ClusterSecret out;
  Cluster& cluster = out.cluster;
  cluster.secret = secret.Name();
  cluster.labels = MetadataStrings(secret, "labels");
  cluster.labels.erase(std::string(kSecretTypeLabel));
  cluster.annotations = MetadataStrings(secret, "annotations");
  cluster.annotations.erase(std::string(kLastApplied));
  cluster.annotations.erase(std::string(kManagedBy));
  const std::string where = "cluster secret " + secret.Namespace() + "/" + secret.Name();
  auto fail = [&](const Error& e) {
    out.error = e.Wrap(where);
    return out;
  };
  // Absent and empty read the same, as Go's string(s.Data[key]) does.
  auto field = [&](std::string_view key) -> Result<std::string> {
    CG_ASSIGN_OR_RETURN(auto value, SecretValue(secret, key));
    return value.value_or("");
  };

  auto name = field("name");
  cluster.name = name && !name->empty() ? *name : secret.Name();
  auto server = field("server");
  if (server) cluster.server = TrimSlash(*server);
  if (auto namespaces = field("namespaces"); namespaces) {
    std::string_view rest = *namespaces;
    while (!rest.empty()) {
      auto comma = rest.find(',');
      std::string_view item = rest.substr(0, comma);
      while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front()))) {
        item.remove_prefix(1);
      }
      while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back()))) {
        item.remove_suffix(1);
      }
      if (!item.empty()) cluster.namespaces.emplace_back(item);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  if (auto cr = field("clusterResources"); cr) cluster.cluster_resources = *cr == "true";
  if (auto project = field("project"); project) cluster.project = *project;

  if (!name) return fail(name.error());
  if (!server) return fail(server.error());
  if (cluster.server.empty()) {
    return fail(Error(ErrorCode::kInvalidArgument, "data.server is missing"));
  }
  auto raw_config = field("config");
  if (!raw_config) return fail(raw_config.error());
  auto config = ParseClusterConfig(cluster.name, cluster.server, *raw_config);
  if (!config) return fail(config.error());
  out.config = std::move(*config);
  out.raw_config = std::move(*raw_config);
  return out;
}

std::string ClusterSecretName(std::string_view server) {
  std::string_view host = server;
  if (auto scheme = host.find("://"); scheme != std::string_view::npos) {
    host.remove_prefix(scheme + 3);
  }
  host = host.substr(0, host.find('/'));
  if (!host.empty() && host.front() == '[') {
    host = host.substr(
        1, host.find(']') == std::string_view::npos ? host.size() - 1 : host.find(']') - 1);
  } else {
    host = host.substr(0, host.find(':'));
  }
  std::string name = "cluster-";
  for (char c : host) {
    char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    bool ok = (l >= 'a' && l <= 'z') || (l >= '0' && l <= '9') || l == '-' || l == '.';
    name += ok ? l : '-';
  }
  std::string suffix = "-" + std::to_string(Fnv32a(server));
  if (name.size() + suffix.size() > 253) name.resize(253 - suffix.size());
  return name + suffix;
}

Result<Object> MakeClusterSecret(const kube::ClusterConfig& context, std::string_view name,
                                 const std::map<std::string, std::string>& labels,
                                 std::string_view ns) {
  kube::ClusterConfig config = context;
  config.server = TrimSlash(config.server);
  const std::string where = "cluster secret for " + config.Describe();
  auto invalid = [&](const std::string& what) {
    return MakeError(ErrorCode::kInvalidArgument, where + ": " + what);
  };
  if (name.empty()) return invalid("the cell needs a name");
  for (char c : name) {
    if (std::isspace(static_cast<unsigned char>(c)) ||
        std::iscntrl(static_cast<unsigned char>(c))) {
      return invalid("cell name \"" + std::string(name) + "\" contains whitespace");
    }
  }
  if (!DnsSubdomainOk(ns)) return invalid("namespace \"" + std::string(ns) + "\" is not valid");
  for (const auto& [k, v] : labels) {
    if (!LabelKeyOk(k)) return invalid("label key \"" + k + "\" is not a valid label key");
    if (!LabelNameOk(v, true)) {
      std::string what = "label " + k;
      what += ": value \"" + v + "\" is not a valid label value";
      return invalid(what);
    }
    if (k == kSecretTypeLabel) return invalid("label " + k + " is set by cellgate");
  }
  CG_TRY_WRAP(config.Validate(), where);
  if (!config.token_file.empty()) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     where +
                         ": the context reads its token from a file (tokenFile), which the "
                         "controller cannot read; use a context with a token, client "
                         "certificate or exec plugin");
  }
  if (config.exec && config.exec->provide_cluster_info) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     where +
                         ": the exec plugin needs provideClusterInfo, which an Argo CD "
                         "cluster Secret (execProviderConfig) cannot express");
  }
  const std::string& server = config.server;
  Json secret = {
      {"apiVersion", "v1"},
      {"kind", "Secret"},
      {"metadata",
       {{"name", ClusterSecretName(server)},
        {"namespace", std::string(ns)},
        {"labels", Json::object()},
        {"annotations", {{std::string(kManagedBy), "cellgate"}}}}},
      {"type", "Opaque"},
      {"data",
       {{"name", Base64Encode(name)},
        {"server", Base64Encode(server)},
        {"config", Base64Encode(ArgoConfigJson(config).dump())}}},
  };
  for (const auto& [k, v] : labels) secret["metadata"]["labels"][k] = v;
  secret["metadata"]["labels"][std::string(kSecretTypeLabel)] = kSecretTypeCluster;
  return Object(std::move(secret));
}

}  // namespace cellgate::argo

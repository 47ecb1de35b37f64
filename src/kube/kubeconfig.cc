#include "kube/kubeconfig.h"

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "core/yaml.h"

namespace cellgate::kube {
namespace {

// One named entry (cluster, user or context) and the directory its relative paths use.
struct Entry {
  Json body;
  std::filesystem::path dir;
  std::string file;
};

struct Merged {
  std::map<std::string, Entry> clusters, users, contexts;
  std::vector<std::string> context_order;
  std::string current_context;
  std::string files;  // "a, b" for messages
};

Status Fail(const std::string& where, const std::string& what) {
  return MakeError(ErrorCode::kInvalidArgument, "kubeconfig " + where + ": " + what);
}

// A string field: "" when absent, an error when present with another type.
Result<std::string> Str(const Json& obj, const char* key, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::string();
  if (!it->is_string()) {
    return std::unexpected(Fail(where, std::string(key) + " must be a string").error());
  }
  return it->get<std::string>();
}

Result<bool> Bool(const Json& obj, const char* key, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return false;
  if (!it->is_boolean()) {
    return std::unexpected(Fail(where, std::string(key) + " must be a boolean").error());
  }
  return it->get<bool>();
}

std::filesystem::path Resolve(const std::filesystem::path& dir, const std::string& path) {
  std::filesystem::path p(path);
  return p.is_absolute() ? p : dir / p;
}

Result<std::string> ReadFile(const std::filesystem::path& path, const std::string& where,
                             const char* field) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::unexpected(
        Fail(where, std::string("cannot read ") + field + " " + path.string()).error());
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Reads `<field>-data` (base64) or else `<field>` (a file); "" when neither is set.
Result<std::string> DataOrFile(const Entry& e, const Json& obj, const std::string& field,
                               const std::string& where) {
  auto data = Str(obj, (field + "-data").c_str(), where);
  CG_TRY(data);
  if (!data->empty()) {
    auto decoded = Base64Decode(*data);
    if (!decoded)
      return std::unexpected(Fail(where, field + "-data: " + decoded.error().message()).error());
    return decoded;
  }
  auto file = Str(obj, field.c_str(), where);
  CG_TRY(file);
  if (file->empty()) return std::string();
  return ReadFile(Resolve(e.dir, *file), where, field.c_str());
}

Status AddEntries(const Json& doc, const char* list, const char* inner, const KubeconfigFile& f,
                  std::map<std::string, Entry>& into, std::vector<std::string>* order) {
  auto it = doc.find(list);
  if (it == doc.end() || it->is_null()) return Ok();
  std::string where = f.path.string();
  if (!it->is_array()) return Fail(where, std::string(list) + " must be a list");
  auto dir = std::filesystem::absolute(f.path).parent_path();
  for (std::size_t i = 0; i < it->size(); ++i) {
    const Json& item = (*it)[i];
    std::string at = std::string(list) + "[" + std::to_string(i) + "]";
    if (!item.is_object()) return Fail(where, at + " must be a mapping");
    auto name = Str(item, "name", where);
    CG_TRY(name);
    if (name->empty()) return Fail(where, at + " has no name");
    Json body = item.contains(inner) && item[inner].is_object() ? item[inner] : Json::object();
    if (into.emplace(*name, Entry{std::move(body), dir, where}).second && order) {
      order->push_back(*name);
    }
  }
  return Ok();
}

Result<Merged> Merge(const std::vector<KubeconfigFile>& files) {
  Merged m;
  for (const auto& f : files) {
    if (!m.files.empty()) m.files += ", ";
    m.files += f.path.string();
    auto docs = ParseYamlDocuments(f.text, f.path.string());
    CG_TRY_WRAP(docs, "kubeconfig");
    if (docs->empty() || docs->front().value.is_null()) continue;  // empty files are allowed
    const Json& doc = docs->front().value;
    if (!doc.is_object()) return std::unexpected(Fail(f.path.string(), "not a mapping").error());
    CG_TRY(AddEntries(doc, "clusters", "cluster", f, m.clusters, nullptr));
    CG_TRY(AddEntries(doc, "users", "user", f, m.users, nullptr));
    CG_TRY(AddEntries(doc, "contexts", "context", f, m.contexts, &m.context_order));
    auto current = Str(doc, "current-context", f.path.string());
    CG_TRY(current);
    if (m.current_context.empty()) m.current_context = *current;
  }
  return m;
}

Status FillCluster(const Entry& e, const std::string& name, ClusterConfig& c) {
  std::string where = e.file + ": cluster " + name;
  const Json& j = e.body;
  auto server = Str(j, "server", where);
  CG_TRY(server);
  if (server->empty()) return Fail(where, "no server");
  while (server->size() > 1 && server->back() == '/') server->pop_back();
  c.server = *server;
  auto ca = DataOrFile(e, j, "certificate-authority", where);
  CG_TRY(ca);
  c.ca_pem = std::move(*ca);
  auto insecure = Bool(j, "insecure-skip-tls-verify", where);
  auto no_gzip = Bool(j, "disable-compression", where);
  auto sni = Str(j, "tls-server-name", where);
  auto proxy = Str(j, "proxy-url", where);
  for (const Error* err :
       {insecure ? nullptr : &insecure.error(), no_gzip ? nullptr : &no_gzip.error(),
        sni ? nullptr : &sni.error(), proxy ? nullptr : &proxy.error()}) {
    if (err) return std::unexpected(*err);
  }
  c.insecure_skip_tls_verify = *insecure;
  c.disable_compression = *no_gzip;
  c.tls_server_name = *sni;
  c.proxy_url = *proxy;
  return Ok();
}

Result<ExecConfig> ParseExec(const Entry& e, const Json& j, const std::string& where) {
  if (!j.is_object()) return std::unexpected(Fail(where, "exec must be a mapping").error());
  ExecConfig x;
  auto api = Str(j, "apiVersion", where);
  auto cmd = Str(j, "command", where);
  auto hint = Str(j, "installHint", where);
  auto info = Bool(j, "provideClusterInfo", where);
  for (const Error* err : {api ? nullptr : &api.error(), cmd ? nullptr : &cmd.error(),
                           hint ? nullptr : &hint.error(), info ? nullptr : &info.error()}) {
    if (err) return std::unexpected(*err);
  }
  if (*api != "client.authentication.k8s.io/v1" && *api != "client.authentication.k8s.io/v1beta1") {
    return std::unexpected(Fail(where, "exec apiVersion \"" + *api +
                                           "\" is not client.authentication.k8s.io/v1 or v1beta1")
                               .error());
  }
  if (cmd->empty()) return std::unexpected(Fail(where, "exec has no command").error());
  x.api_version = *api;
  x.command = cmd->find('/') != std::string::npos ? Resolve(e.dir, *cmd).string() : *cmd;
  x.install_hint = *hint;
  x.provide_cluster_info = *info;
  if (auto args = j.find("args"); args != j.end() && !args->is_null()) {
    if (!args->is_array()) return std::unexpected(Fail(where, "exec args must be a list").error());
    for (const auto& a : *args) {
      if (!a.is_string()) return std::unexpected(Fail(where, "exec args must be strings").error());
      x.args.push_back(a.get<std::string>());
    }
  }
  if (auto env = j.find("env"); env != j.end() && !env->is_null()) {
    if (!env->is_array()) return std::unexpected(Fail(where, "exec env must be a list").error());
    for (const auto& kv : *env) {
      if (!kv.is_object() || !kv.contains("name") || !kv["name"].is_string()) {
        return std::unexpected(Fail(where, "exec env entries need a name").error());
      }
      auto value = Str(kv, "value", where);
      CG_TRY(value);
      x.env.emplace_back(kv["name"].get<std::string>(), *value);
    }
  }
  return x;
}

Status FillUser(const Entry& e, const std::string& name, ClusterConfig& c) {
  std::string where = e.file + ": user " + name;
  const Json& j = e.body;
  if (j.contains("auth-provider")) {
    return Fail(where, "auth-provider is not supported (it was removed from kubectl); use exec");
  }
  auto cert = DataOrFile(e, j, "client-certificate", where);
  CG_TRY(cert);
  auto key = DataOrFile(e, j, "client-key", where);
  CG_TRY(key);
  auto token = Str(j, "token", where);
  auto token_file = Str(j, "tokenFile", where);
  auto user = Str(j, "username", where);
  auto password = Str(j, "password", where);
  for (const Error* err :
       {token ? nullptr : &token.error(), token_file ? nullptr : &token_file.error(),
        user ? nullptr : &user.error(), password ? nullptr : &password.error()}) {
    if (err) return std::unexpected(*err);
  }
  c.client_cert_pem = std::move(*cert);
  c.client_key_pem = std::move(*key);
  c.token = std::move(*token);
  if (!token_file->empty()) c.token_file = Resolve(e.dir, *token_file);
  c.username = std::move(*user);
  c.password = std::move(*password);
  if (auto exec = j.find("exec"); exec != j.end() && !exec->is_null()) {
    auto x = ParseExec(e, *exec, where);
    CG_TRY(x);
    c.exec = std::move(*x);
  }
  return Ok();
}

}  // namespace

std::vector<std::filesystem::path> SplitKubeconfigList(std::string_view list) {
  std::vector<std::filesystem::path> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    auto end = list.find(':', start);
    if (end == std::string_view::npos) end = list.size();
    if (end > start) out.emplace_back(std::string(list.substr(start, end - start)));
    start = end + 1;
  }
  return out;
}

Result<ClusterConfig> ParseKubeconfig(const std::vector<KubeconfigFile>& files,
                                      std::string_view context) {
  auto merged = Merge(files);
  CG_TRY(merged);
  std::string name(context.empty() ? merged->current_context : context);
  if (name.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "kubeconfig " + merged->files + ": no context given and no current-context");
  }
  auto ctx = merged->contexts.find(name);
  if (ctx == merged->contexts.end()) {
    return MakeError(ErrorCode::kNotFound,
                     "kubeconfig " + merged->files + ": context \"" + name + "\" not found");
  }
  std::string where = ctx->second.file + ": context " + name;
  auto cluster_name = Str(ctx->second.body, "cluster", where);
  auto user_name = Str(ctx->second.body, "user", where);
  auto ns = Str(ctx->second.body, "namespace", where);
  CG_TRY(cluster_name);
  CG_TRY(user_name);
  CG_TRY(ns);

  ClusterConfig config;
  config.name = name;
  if (!ns->empty()) {
    config.default_namespace = *ns;
    config.namespace_given = true;
  }
  auto cluster = merged->clusters.find(*cluster_name);
  if (cluster == merged->clusters.end()) {
    return MakeError(ErrorCode::kNotFound,
                     "kubeconfig " + where + ": cluster \"" + *cluster_name + "\" not found");
  }
  CG_TRY(FillCluster(cluster->second, *cluster_name, config));
  if (!user_name->empty()) {
    auto user = merged->users.find(*user_name);
    if (user == merged->users.end()) {
      return MakeError(ErrorCode::kNotFound,
                       "kubeconfig " + where + ": user \"" + *user_name + "\" not found");
    }
    CG_TRY(FillUser(user->second, *user_name, config));
  }
  CG_TRY_WRAP(config.Validate(), "kubeconfig " + where);
  return config;
}

Result<std::vector<std::string>> KubeconfigContexts(const std::vector<KubeconfigFile>& files) {
  auto merged = Merge(files);
  CG_TRY(merged);
  return merged->context_order;
}

Result<ClusterConfig> LoadKubeconfig(const KubeconfigOptions& options) {
  std::vector<std::filesystem::path> paths = options.paths;
  bool must_exist = !paths.empty();
  if (paths.empty()) {
    if (const char* env = std::getenv("KUBECONFIG"); env && *env) {
      paths = SplitKubeconfigList(env);
    } else if (const char* home = std::getenv("HOME")) {
      paths.push_back(std::filesystem::path(home) / ".kube" / "config");
    }
  }
  std::vector<KubeconfigFile> files;
  std::string tried;
  for (const auto& p : paths) {
    tried += (tried.empty() ? "" : ", ") + p.string();
    std::ifstream in(p, std::ios::binary);
    if (!in) {
      if (must_exist)
        return MakeError(ErrorCode::kNotFound, "kubeconfig: cannot read " + p.string());
      continue;
    }
    std::ostringstream s;
    s << in.rdbuf();
    files.push_back({s.str(), p});
  }
  if (files.empty()) {
    return MakeError(ErrorCode::kNotFound, "kubeconfig: no file found (tried " +
                                               (tried.empty() ? "nothing" : tried) + ")");
  }
  return ParseKubeconfig(files, options.context);
}

}  // namespace cellgate::kube

#include "argo/repository_secret.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <utility>

#include "argo/secret_data.h"

namespace cellgate::argo {
namespace {

// Reads the fields of one Secret, naming it in errors.
class SecretReader {
 public:
  SecretReader(const Object& secret, std::string kind)
      : secret_(secret),
        where_(std::move(kind) + " secret " + secret.Namespace() + "/" + secret.Name()) {}

  // Absent and empty read the same, as Go's string(secret.Data[key]) does.
  Result<std::string> Str(std::string_view key) const {
    CG_ASSIGN_OR_RETURN(auto value, WithContext(SecretValue(secret_, key), where_));
    return value.value_or("");
  }

  // Argo CD's boolOrFalse: absent is false, anything else must parse.
  Result<bool> Bool(std::string_view key) const {
    CG_ASSIGN_OR_RETURN(auto value, WithContext(SecretValue(secret_, key), where_));
    if (!value) return false;
    if (auto b = ParseGoBool(*value)) return *b;
    return Fail(key, "must be a boolean (true, false, 1, 0, t, f)");
  }

  // Argo CD's intOrZero: absent is 0, anything else must parse as a decimal int64.
  Result<std::int64_t> Int(std::string_view key) const {
    CG_ASSIGN_OR_RETURN(auto value, WithContext(SecretValue(secret_, key), where_));
    if (!value) return std::int64_t{0};
    if (auto i = ParseGoInt64(*value)) return *i;
    return Fail(key, "must be a decimal integer");
  }

 private:
  std::unexpected<Error> Fail(std::string_view key, std::string_view what) const {
    return MakeError(ErrorCode::kInvalidArgument,
                     where_ + ": data." + std::string(key) + " " + std::string(what));
  }

  const Object& secret_;
  std::string where_;
};

// The fields both Secret types read under the same keys.
Status ReadCommon(const SecretReader& r, RepoCredentials& c) {
  CG_ASSIGN(c.username, r.Str("username"));
  CG_ASSIGN(c.password, r.Str("password"));
  CG_ASSIGN(c.bearer_token, r.Str("bearerToken"));
  CG_ASSIGN(c.ssh_private_key, r.Str("sshPrivateKey"));
  CG_ASSIGN(c.tls_client_cert_data, r.Str("tlsClientCertData"));
  CG_ASSIGN(c.tls_client_cert_key, r.Str("tlsClientCertKey"));
  CG_ASSIGN(c.type, r.Str("type"));
  CG_ASSIGN(c.github_app_private_key, r.Str("githubAppPrivateKey"));
  CG_ASSIGN(c.github_app_enterprise_base_url, r.Str("githubAppEnterpriseBaseUrl"));
  CG_ASSIGN(c.gcp_service_account_key, r.Str("gcpServiceAccountKey"));
  CG_ASSIGN(c.proxy, r.Str("proxy"));
  CG_ASSIGN(c.no_proxy, r.Str("noProxy"));
  CG_ASSIGN(c.azure_service_principal_client_secret, r.Str("azureServicePrincipalClientSecret"));
  CG_ASSIGN(c.azure_active_directory_endpoint, r.Str("azureActiveDirectoryEndpoint"));
  CG_ASSIGN(c.enable_oci, r.Bool("enableOCI"));
  CG_ASSIGN(c.insecure_oci_force_http, r.Bool("insecureOCIForceHttp"));
  CG_ASSIGN(c.github_app_id, r.Int("githubAppID"));
  CG_ASSIGN(c.github_app_installation_id, r.Int("githubAppInstallationID"));
  CG_ASSIGN(c.force_http_basic_auth, r.Bool("forceHttpBasicAuth"));
  CG_ASSIGN(c.use_azure_workload_identity, r.Bool("useAzureWorkloadIdentity"));
  return Ok();
}

// Argo CD's Repository.CopyCredentialsFrom: empty fields take the template's; the four
// switches are taken from the template whatever they were.
void CopyCredentialsFrom(RepoCredentials& to, const RepoCredentials& from) {
  auto fill = [](std::string& field, const std::string& value) {
    if (field.empty()) field = value;
  };
  fill(to.username, from.username);
  fill(to.password, from.password);
  fill(to.bearer_token, from.bearer_token);
  fill(to.ssh_private_key, from.ssh_private_key);
  fill(to.tls_client_cert_data, from.tls_client_cert_data);
  fill(to.tls_client_cert_key, from.tls_client_cert_key);
  fill(to.github_app_private_key, from.github_app_private_key);
  if (to.github_app_id == 0) to.github_app_id = from.github_app_id;
  if (to.github_app_installation_id == 0) {
    to.github_app_installation_id = from.github_app_installation_id;
  }
  fill(to.github_app_enterprise_base_url, from.github_app_enterprise_base_url);
  fill(to.gcp_service_account_key, from.gcp_service_account_key);
  fill(to.azure_service_principal_client_id, from.azure_service_principal_client_id);
  fill(to.azure_service_principal_client_secret, from.azure_service_principal_client_secret);
  fill(to.azure_service_principal_tenant_id, from.azure_service_principal_tenant_id);
  fill(to.azure_active_directory_endpoint, from.azure_active_directory_endpoint);
  fill(to.proxy, from.proxy);
  fill(to.no_proxy, from.no_proxy);
  fill(to.type, from.type);
  to.enable_oci = from.enable_oci;
  to.insecure_oci_force_http = from.insecure_oci_force_http;
  to.force_http_basic_auth = from.force_http_basic_auth;
  to.use_azure_workload_identity = from.use_azure_workload_identity;
}

}  // namespace

bool Repository::HasCredentials() const {
  return !creds.username.empty() || !creds.password.empty() || !creds.bearer_token.empty() ||
         !creds.ssh_private_key.empty() || !creds.tls_client_cert_data.empty() ||
         !creds.github_app_private_key.empty() || creds.use_azure_workload_identity ||
         !creds.azure_service_principal_client_secret.empty();
}

Result<Repository> ParseRepositorySecret(const Object& secret) {
  SecretReader r(secret, "repository");
  Repository repo;
  repo.secret = secret.Name();
  CG_ASSIGN(repo.name, r.Str("name"));
  CG_ASSIGN(repo.repo, r.Str("url"));
  CG_ASSIGN(repo.project, r.Str("project"));
  CG_TRY(ReadCommon(r, repo.creds));
  CG_ASSIGN(repo.creds.azure_service_principal_client_id, r.Str("azureServicePrincipalClientId"));
  CG_ASSIGN(repo.creds.azure_service_principal_tenant_id, r.Str("azureServicePrincipalTenantId"));
  CG_ASSIGN(repo.insecure_ignore_host_key, r.Bool("insecureIgnoreHostKey"));
  CG_ASSIGN(repo.insecure, r.Bool("insecure"));
  CG_ASSIGN(repo.enable_lfs, r.Bool("enableLfs"));
  CG_ASSIGN(repo.depth, r.Int("depth"));
  CG_ASSIGN(repo.webhook_manifest_cache_warm_disabled, r.Bool("webhookManifestCacheWarmDisabled"));
  return repo;
}

Result<RepoCreds> ParseRepoCredsSecret(const Object& secret) {
  SecretReader r(secret, "repo-creds");
  RepoCreds creds;
  creds.secret = secret.Name();
  CG_ASSIGN(creds.url, r.Str("url"));
  CG_TRY(ReadCommon(r, creds.creds));
  CG_ASSIGN(creds.creds.azure_service_principal_client_id, r.Str("azureServicePrincipalClientID"));
  CG_ASSIGN(creds.creds.azure_service_principal_tenant_id, r.Str("azureServicePrincipalTenantID"));
  return creds;
}

std::string NormalizeGitUrl(std::string_view url) {
  std::string s(url);
  auto not_space = [](unsigned char c) { return std::isspace(c) == 0; };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  // Argo CD's IsSSHURL: ^(ssh://)?([^/:]*?)@[^@]+$
  std::string_view rest = s;
  const bool has_scheme = rest.starts_with("ssh://");
  if (has_scheme) rest.remove_prefix(6);
  auto at = rest.find('@');
  bool ssh = at != std::string_view::npos &&
             rest.substr(0, at).find_first_of("/:") == std::string_view::npos &&
             at + 1 < rest.size() && rest.find('@', at + 1) == std::string_view::npos;
  if (ssh && !has_scheme) {
    if (auto colon = s.find(':'); colon != std::string::npos) s[colon] = '/';
    s = "ssh://" + s;
  }
  if (s.ends_with(".git")) s.resize(s.size() - 4);
  // Go's url.Parse fails on a non-numeric port, and Argo CD then normalises to "".
  if (auto scheme = s.find("://"); scheme != std::string::npos) {
    std::string_view authority = std::string_view(s).substr(scheme + 3);
    authority = authority.substr(0, authority.find('/'));
    if (auto at = authority.rfind('@'); at != std::string_view::npos) {
      authority.remove_prefix(at + 1);
    }
    if (!authority.starts_with('[')) {
      if (auto colon = authority.find(':'); colon != std::string_view::npos) {
        std::string_view port = authority.substr(colon + 1);
        if (!std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
          return "";
        }
      }
    }
  }
  if (s.starts_with("ssh://")) s.erase(0, 6);
  return s;
}

bool SameGitUrl(std::string_view left, std::string_view right) {
  auto allow_invalid = [](std::string_view url) {
    std::string normal = NormalizeGitUrl(url);
    return normal.empty() ? std::string(url) : normal;
  };
  const std::string l = allow_invalid(left);
  const std::string r = allow_invalid(right);
  return !l.empty() && !r.empty() && l == r;
}

Repository ResolveRepository(std::span<const Repository> repositories,
                             std::span<const RepoCreds> credentials, std::string_view repo_url,
                             std::string_view project) {
  const Repository* found = nullptr;
  for (const auto& candidate : repositories) {
    if (!SameGitUrl(candidate.repo, repo_url)) continue;
    if (candidate.project == project) {
      found = &candidate;
      break;
    }
    if (candidate.project.empty()) found = &candidate;  // the last one, as upstream
  }
  Repository out;
  if (found != nullptr) {
    out = *found;
  } else {
    out.repo = std::string(repo_url);
  }
  if (out.HasCredentials()) return out;
  // getRepositoryCredentialIndex: the longest normalised prefix, the first on a tie; a
  // prefix that normalises to "" never counts (its length must beat 0).
  const std::string url = NormalizeGitUrl(out.repo);
  const RepoCreds* best = nullptr;
  std::size_t best_length = 0;
  for (const auto& template_creds : credentials) {
    const std::string prefix = NormalizeGitUrl(template_creds.url);
    if (url.starts_with(prefix) && prefix.size() > best_length) {
      best = &template_creds;
      best_length = prefix.size();
    }
  }
  if (best != nullptr) {
    CopyCredentialsFrom(out.creds, best->creds);
    out.inherited_creds = true;
  }
  return out;
}

}  // namespace cellgate::argo

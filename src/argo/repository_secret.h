// Argo CD repository Secrets: `argocd.argoproj.io/secret-type: repository` (one repository,
// by URL, optionally scoped to a project) and `repo-creds` (a credential template for every
// repository whose URL starts with its `url`), read as Argo CD's util/db reads them
// (repository_secrets.go secretToRepository and secretToRepoCred), and the choice of which
// applies to a repository URL (util/db repository.go GetRepository).
//
// Reading: every field is a `data` value (base64; `stringData` overrides, secret_data.h);
// absent and empty strings read the same. Boolean fields follow Go's strconv.ParseBool and
// integer fields strconv.ParseInt: a present value that does not parse (including "") makes
// the whole Secret an error, as in Argo CD. Upstream quirk kept: a repository Secret spells
// azureServicePrincipalClientId/TenantId, a repo-creds Secret ...ClientID/TenantID.
//
// Choosing (ResolveRepository): the first repository Secret whose url is the same
// repository (NormalizeGitUrl, compared whole) and whose project equals the asked project
// wins; otherwise the last same-URL Secret without a project. When the chosen repository
// (or the bare URL when none matched) has no credentials, it inherits those of the
// repo-creds Secret with the longest URL prefix (NormalizeGitUrl of both, plain string
// prefix, first one on a tie, an empty prefix never) and is marked inherited.
//
// Secrets: errors name the Secret and key, never a value.
//
// Thread-safety: values and pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/object.h"
#include "core/result.h"

namespace cellgate::argo {

// The credential fields a repository and a credential template share (Argo CD's
// RepoCreds). Secret: never log.
struct RepoCredentials {
  std::string username;
  std::string password;
  std::string bearer_token;
  std::string ssh_private_key;
  std::string tls_client_cert_data;
  std::string tls_client_cert_key;
  std::string github_app_private_key;
  std::int64_t github_app_id = 0;
  std::int64_t github_app_installation_id = 0;
  std::string github_app_enterprise_base_url;
  std::string gcp_service_account_key;
  std::string azure_service_principal_client_id;
  std::string azure_service_principal_client_secret;
  std::string azure_service_principal_tenant_id;
  std::string azure_active_directory_endpoint;
  std::string proxy;
  std::string no_proxy;
  std::string type;  // "git" when empty, "helm", "oci"
  bool enable_oci = false;
  bool insecure_oci_force_http = false;
  bool force_http_basic_auth = false;
  bool use_azure_workload_identity = false;
};

// A `repository` Secret (Argo CD's Repository).
struct Repository {
  std::string secret;   // metadata.name; "" for a URL no Secret describes
  std::string repo;     // data.url
  std::string name;     // data.name
  std::string project;  // data.project; "" for every project
  RepoCredentials creds;
  bool insecure_ignore_host_key = false;
  bool insecure = false;
  bool enable_lfs = false;
  std::int64_t depth = 0;
  bool webhook_manifest_cache_warm_disabled = false;
  bool inherited_creds = false;  // creds came from a repo-creds Secret

  // Argo CD's HasCredentials: any of username, password, bearer token, SSH key, TLS client
  // certificate, GitHub App key, Azure service principal secret, or Azure workload identity.
  bool HasCredentials() const;
};

// A `repo-creds` Secret (Argo CD's RepoCreds).
struct RepoCreds {
  std::string secret;  // metadata.name
  std::string url;     // data.url: a URL prefix
  RepoCredentials creds;
};

// kInvalidArgument naming the Secret and key for a broken value.
Result<Repository> ParseRepositorySecret(const Object& secret);
Result<RepoCreds> ParseRepoCredsSecret(const Object& secret);

// Argo CD's git.NormalizeGitURL: trimmed, lowercased, scp-like SSH in ssh form, ".git"
// dropped, "ssh://" dropped; "" for a URL Go's url.Parse refuses.
std::string NormalizeGitUrl(std::string_view url);

// Argo CD's git.SameURL: equal after NormalizeGitUrl (a URL that does not normalise is
// compared as written); never true for "".
bool SameGitUrl(std::string_view left, std::string_view right);

// What Argo CD's GetRepository gives for `repo_url` in `project` (see above). With no
// matching Secret the result is Repository{repo = repo_url}, possibly with inherited creds.
Repository ResolveRepository(std::span<const Repository> repositories,
                             std::span<const RepoCreds> credentials, std::string_view repo_url,
                             std::string_view project);

}  // namespace cellgate::argo

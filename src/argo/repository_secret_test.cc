// Repository and repo-creds Secrets, checked against Argo CD's util/db/repository_secrets.go
// (secretToRepository, secretToRepoCred, getRepositorySecret, getRepositoryCredentialIndex),
// util/db/repository.go (GetRepository, enrichCredsToRepo), util/db/secrets.go (boolOrFalse,
// intOrZero), pkg/apis/application/v1alpha1/repository_types.go (HasCredentials,
// CopyCredentialsFrom) and util/git/git.go (NormalizeGitURL, SameURL).
#include "argo/repository_secret.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "argo/secret_data.h"
#include "core/base64.h"

namespace cellgate::argo {
namespace {

Object Secret(std::string_view type, const std::map<std::string, std::string>& data,
              std::string name = "repo-1") {
  Json encoded = Json::object();
  for (const auto& [k, v] : data) encoded[k] = Base64Encode(v);
  return Object(Json{{"apiVersion", "v1"},
                     {"kind", "Secret"},
                     {"metadata",
                      {{"name", std::move(name)},
                       {"namespace", "argocd"},
                       {"labels", {{"argocd.argoproj.io/secret-type", std::string(type)}}}}},
                     {"data", std::move(encoded)}});
}

Repository Repo(const std::map<std::string, std::string>& data, std::string name = "repo-1") {
  auto r = ParseRepositorySecret(Secret(kSecretTypeRepository, data, std::move(name)));
  EXPECT_TRUE(r) << r.error().message();
  return r.value_or(Repository{});
}

RepoCreds Creds(const std::map<std::string, std::string>& data, std::string name = "creds-1") {
  auto r = ParseRepoCredsSecret(Secret(kSecretTypeRepoCreds, data, std::move(name)));
  EXPECT_TRUE(r) << r.error().message();
  return r.value_or(RepoCreds{});
}

TEST(ParseRepositorySecret, ReadsEveryFieldUnderArgoCdsKeys) {
  Repository r = Repo({{"url", "https://github.com/acme/app.git"},
                       {"name", "app"},
                       {"project", "team-a"},
                       {"type", "git"},
                       {"username", "bot"},
                       {"password", "pw"},
                       {"bearerToken", "tok"},
                       {"sshPrivateKey", "KEY"},
                       {"tlsClientCertData", "CERT"},
                       {"tlsClientCertKey", "CKEY"},
                       {"githubAppPrivateKey", "GHKEY"},
                       {"githubAppID", "123"},
                       {"githubAppInstallationID", "456"},
                       {"githubAppEnterpriseBaseUrl", "https://ghe/api/v3"},
                       {"gcpServiceAccountKey", "{}"},
                       {"azureServicePrincipalClientId", "cid"},
                       {"azureServicePrincipalClientSecret", "csecret"},
                       {"azureServicePrincipalTenantId", "tid"},
                       {"azureActiveDirectoryEndpoint", "https://login"},
                       {"proxy", "http://proxy:3128"},
                       {"noProxy", "internal"},
                       {"insecureIgnoreHostKey", "true"},
                       {"insecure", "1"},
                       {"enableLfs", "T"},
                       {"enableOCI", "True"},
                       {"insecureOCIForceHttp", "t"},
                       {"forceHttpBasicAuth", "TRUE"},
                       {"useAzureWorkloadIdentity", "false"},
                       {"depth", "5"},
                       {"webhookManifestCacheWarmDisabled", "true"}});
  EXPECT_EQ(r.secret, "repo-1");
  EXPECT_EQ(r.repo, "https://github.com/acme/app.git");
  EXPECT_EQ(r.name, "app");
  EXPECT_EQ(r.project, "team-a");
  EXPECT_EQ(r.creds.type, "git");
  EXPECT_EQ(r.creds.username, "bot");
  EXPECT_EQ(r.creds.password, "pw");
  EXPECT_EQ(r.creds.bearer_token, "tok");
  EXPECT_EQ(r.creds.ssh_private_key, "KEY");
  EXPECT_EQ(r.creds.tls_client_cert_data, "CERT");
  EXPECT_EQ(r.creds.tls_client_cert_key, "CKEY");
  EXPECT_EQ(r.creds.github_app_private_key, "GHKEY");
  EXPECT_EQ(r.creds.github_app_id, 123);
  EXPECT_EQ(r.creds.github_app_installation_id, 456);
  EXPECT_EQ(r.creds.github_app_enterprise_base_url, "https://ghe/api/v3");
  EXPECT_EQ(r.creds.gcp_service_account_key, "{}");
  EXPECT_EQ(r.creds.azure_service_principal_client_id, "cid");
  EXPECT_EQ(r.creds.azure_service_principal_client_secret, "csecret");
  EXPECT_EQ(r.creds.azure_service_principal_tenant_id, "tid");
  EXPECT_EQ(r.creds.azure_active_directory_endpoint, "https://login");
  EXPECT_EQ(r.creds.proxy, "http://proxy:3128");
  EXPECT_EQ(r.creds.no_proxy, "internal");
  EXPECT_TRUE(r.insecure_ignore_host_key);
  EXPECT_TRUE(r.insecure);
  EXPECT_TRUE(r.enable_lfs);
  EXPECT_TRUE(r.creds.enable_oci);
  EXPECT_TRUE(r.creds.insecure_oci_force_http);
  EXPECT_TRUE(r.creds.force_http_basic_auth);
  EXPECT_FALSE(r.creds.use_azure_workload_identity);
  EXPECT_EQ(r.depth, 5);
  EXPECT_TRUE(r.webhook_manifest_cache_warm_disabled);
  EXPECT_FALSE(r.inherited_creds);
}

TEST(ParseRepositorySecret, AbsentFieldsAreEmptyFalseAndZero) {
  Repository r = Repo({{"url", "https://a/r"}});
  EXPECT_EQ(r.repo, "https://a/r");
  EXPECT_EQ(r.project, "");
  EXPECT_FALSE(r.insecure);
  EXPECT_EQ(r.depth, 0);
  EXPECT_EQ(r.creds.github_app_id, 0);
  EXPECT_FALSE(r.HasCredentials());
}

// boolOrFalse and intOrZero: a key that is present must parse, "" included; a failure fails
// the whole Secret.
TEST(ParseRepositorySecret, BooleanAndIntegerFieldsFollowStrconv) {
  struct Case {
    std::string key;
    std::string value;
    bool ok;
  };
  for (const Case& c : std::vector<Case>{{"insecure", "yes", false},
                                         {"insecure", "", false},
                                         {"insecure", "False", true},
                                         {"enableLfs", "on", false},
                                         {"insecureIgnoreHostKey", "2", false},
                                         {"enableOCI", "f", true},
                                         {"forceHttpBasicAuth", "TRUE ", false},
                                         {"webhookManifestCacheWarmDisabled", "0", true},
                                         {"depth", "", false},
                                         {"depth", "1.5", false},
                                         {"depth", "-1", true},
                                         {"githubAppID", "0x1", false},
                                         {"githubAppInstallationID", "+9", true}}) {
    auto r = ParseRepositorySecret(Secret(kSecretTypeRepository, {{"url", "u"}, {c.key, c.value}}));
    EXPECT_EQ(r.has_value(), c.ok) << c.key << "=\"" << c.value << '"';
    if (!r) {
      EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
      EXPECT_NE(r.error().message().find("repository secret argocd/repo-1: data." + c.key),
                std::string::npos)
          << r.error().message();
    }
  }
}

// The two Secret types spell the Azure client and tenant keys differently.
TEST(ParseRepoCredsSecret, ReadsItsOwnAzureKeySpelling) {
  RepoCreds c = Creds({{"url", "https://github.com/acme"},
                       {"username", "bot"},
                       {"azureServicePrincipalClientID", "cid"},
                       {"azureServicePrincipalTenantID", "tid"},
                       {"azureServicePrincipalClientId", "wrong-spelling"},
                       {"githubAppID", "7"},
                       {"enableOCI", "true"}});
  EXPECT_EQ(c.secret, "creds-1");
  EXPECT_EQ(c.url, "https://github.com/acme");
  EXPECT_EQ(c.creds.username, "bot");
  EXPECT_EQ(c.creds.azure_service_principal_client_id, "cid");
  EXPECT_EQ(c.creds.azure_service_principal_tenant_id, "tid");
  EXPECT_EQ(c.creds.github_app_id, 7);
  EXPECT_TRUE(c.creds.enable_oci);

  Repository r = Repo({{"url", "u"},
                       {"azureServicePrincipalClientID", "wrong-spelling"},
                       {"azureServicePrincipalTenantID", "wrong-spelling"}});
  EXPECT_EQ(r.creds.azure_service_principal_client_id, "");
  EXPECT_EQ(r.creds.azure_service_principal_tenant_id, "");

  // secretToRepoCred reads no repository-only switch.
  auto bad = ParseRepoCredsSecret(Secret(kSecretTypeRepoCreds, {{"url", "u"}, {"insecure", "x"}}));
  EXPECT_TRUE(bad);
  auto broken =
      ParseRepoCredsSecret(Secret(kSecretTypeRepoCreds, {{"url", "u"}, {"enableOCI", "x"}}));
  ASSERT_FALSE(broken);
  EXPECT_NE(broken.error().message().find("repo-creds secret argocd/repo-1: data.enableOCI"),
            std::string::npos)
      << broken.error().message();
}

TEST(Repository, HasCredentialsAsArgoCd) {
  struct Case {
    std::string key;
    std::string value;
    bool want;
  };
  for (const Case& c : std::vector<Case>{{"username", "u", true},
                                         {"password", "p", true},
                                         {"bearerToken", "t", true},
                                         {"sshPrivateKey", "k", true},
                                         {"tlsClientCertData", "c", true},
                                         {"githubAppPrivateKey", "g", true},
                                         {"azureServicePrincipalClientSecret", "s", true},
                                         {"useAzureWorkloadIdentity", "true", true},
                                         {"tlsClientCertKey", "k", false},
                                         {"gcpServiceAccountKey", "{}", false},
                                         {"githubAppID", "1", false},
                                         {"proxy", "http://p", false},
                                         {"insecure", "true", false}}) {
    EXPECT_EQ(Repo({{"url", "u"}, {c.key, c.value}}).HasCredentials(), c.want) << c.key;
  }
}

TEST(NormalizeGitUrl, AsArgoCdsGitPackage) {
  struct Case {
    std::string in;
    std::string want;
  };
  for (const Case& c : std::vector<Case>{
           {" https://GitHub.com/Acme/Repo.git ", "https://github.com/acme/repo"},
           {"git@github.com:acme/repo.git", "git@github.com/acme/repo"},
           {"ssh://git@github.com/acme/repo", "git@github.com/acme/repo"},
           {"https://github.com/acme", "https://github.com/acme"},
           {"https://host:notaport/x", ""},  // url.Parse refuses it
       }) {
    EXPECT_EQ(NormalizeGitUrl(c.in), c.want) << c.in;
  }
}

TEST(SameGitUrl, ComparesNormalisedUrlsAndNeverEmpty) {
  EXPECT_TRUE(SameGitUrl("https://github.com/acme/repo.git", "https://GITHUB.com/acme/repo"));
  EXPECT_TRUE(SameGitUrl("git@github.com:acme/repo", "ssh://git@github.com/acme/repo.git"));
  EXPECT_FALSE(SameGitUrl("https://github.com/acme/repo", "https://github.com/acme/repo2"));
  EXPECT_FALSE(SameGitUrl("", ""));
  // A URL that does not normalise is compared as written.
  EXPECT_TRUE(SameGitUrl("https://host:bad/x", "https://host:bad/x"));
}

// getRepositorySecret: the project's own Secret wins wherever it is in the list; otherwise
// the last project-less one; other projects' Secrets never. Asked for no project, the first
// project-less Secret is that project's own.
TEST(ResolveRepository, PicksTheProjectsSecretElseTheLastProjectlessOne) {
  std::vector<Repository> repos = {
      Repo({{"url", "https://github.com/acme/app"}, {"username", "shared-1"}}, "s1"),
      Repo({{"url", "https://github.com/acme/app.git"}, {"username", "shared-2"}}, "s2"),
      Repo({{"url", "https://github.com/acme/app"}, {"project", "team-a"}, {"username", "a"}},
           "s3"),
      Repo({{"url", "https://github.com/acme/other"}, {"username", "other"}}, "s4"),
  };
  struct Case {
    std::string project;
    std::string want_secret;
  };
  for (const Case& c : std::vector<Case>{{"team-a", "s3"}, {"team-b", "s2"}, {"", "s1"}}) {
    Repository r = ResolveRepository(repos, {}, "https://GitHub.com/acme/app", c.project);
    EXPECT_EQ(r.secret, c.want_secret) << c.project;
    EXPECT_FALSE(r.inherited_creds);
  }
  std::vector<Repository> only_other_project = {repos[2]};
  Repository none = ResolveRepository(only_other_project, {}, "https://github.com/acme/app", "b");
  EXPECT_EQ(none.secret, "");
  EXPECT_EQ(none.repo, "https://github.com/acme/app");
  EXPECT_FALSE(none.HasCredentials());
}

// enrichCredsToRepo + getRepositoryCredentialIndex + CopyCredentialsFrom.
TEST(ResolveRepository, InheritsTheLongestPrefixTemplateWhenItHasNoCredentials) {
  std::vector<RepoCreds> creds = {
      Creds({{"url", "https://github.com"}, {"username", "org-wide"}, {"password", "p1"}}, "c1"),
      Creds({{"url", "https://github.com/acme"},
             {"username", "acme"},
             {"password", "p2"},
             {"proxy", "http://proxy"},
             {"type", "helm"},
             {"enableOCI", "true"},
             {"forceHttpBasicAuth", "true"}},
            "c2"),
      Creds({{"url", "https://github.com/ACME.git"}, {"username", "acme-tie"}}, "c3"),
      Creds({{"url", ""}, {"username", "empty-prefix"}}, "c4"),
  };
  // No Secret for the repository: the bare URL inherits.
  Repository bare = ResolveRepository({}, creds, "https://github.com/acme/app", "p");
  EXPECT_TRUE(bare.inherited_creds);
  EXPECT_EQ(bare.creds.username, "acme");  // longest prefix; the first of equal length
  EXPECT_EQ(bare.creds.proxy, "http://proxy");
  EXPECT_EQ(bare.creds.type, "helm");
  EXPECT_TRUE(bare.creds.enable_oci);

  // A repository Secret without credentials keeps what it set and takes the rest; the four
  // switches come from the template whatever the repository said.
  std::vector<Repository> repos = {Repo({{"url", "https://github.com/acme/app"},
                                         {"proxy", "http://own-proxy"},
                                         {"type", "git"},
                                         {"enableOCI", "false"},
                                         {"insecure", "true"},
                                         {"forceHttpBasicAuth", "false"}})};
  Repository r = ResolveRepository(repos, creds, "https://github.com/acme/app", "p");
  EXPECT_TRUE(r.inherited_creds);
  EXPECT_EQ(r.creds.username, "acme");
  EXPECT_EQ(r.creds.password, "p2");
  EXPECT_EQ(r.creds.proxy, "http://own-proxy");
  EXPECT_EQ(r.creds.type, "git");
  EXPECT_TRUE(r.creds.enable_oci);
  EXPECT_TRUE(r.creds.force_http_basic_auth);
  EXPECT_TRUE(r.insecure);

  // A repository with credentials of its own inherits nothing.
  std::vector<Repository> own = {Repo({{"url", "https://github.com/acme/app"}, {"password", "x"}})};
  Repository o = ResolveRepository(own, creds, "https://github.com/acme/app", "p");
  EXPECT_FALSE(o.inherited_creds);
  EXPECT_EQ(o.creds.username, "");
  EXPECT_EQ(o.creds.password, "x");

  // Prefixes are plain string prefixes of the normalised URL; "" never matches.
  Repository elsewhere = ResolveRepository({}, creds, "https://gitlab.com/acme/app", "p");
  EXPECT_FALSE(elsewhere.inherited_creds);
  EXPECT_EQ(elsewhere.creds.username, "");
  Repository sibling = ResolveRepository({}, creds, "https://github.com/acme-other/app", "p");
  EXPECT_EQ(sibling.creds.username, "acme");  // "https://github.com/acme" is its prefix too
}

TEST(RepositorySecrets, ErrorsNameTheSecretNeverAValue) {
  Object s = Secret(kSecretTypeRepository, {{"url", "u"}});
  s.mutable_body()["data"]["password"] = "c2VjcmV0!!";
  auto r = ParseRepositorySecret(s);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("repository secret argocd/repo-1"), std::string::npos)
      << r.error().message();
  EXPECT_NE(r.error().message().find("data.password"), std::string::npos);
  EXPECT_EQ(r.error().message().find("c2VjcmV0"), std::string::npos);
}

}  // namespace
}  // namespace cellgate::argo

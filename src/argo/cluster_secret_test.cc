#include "argo/cluster_secret.h"

#include <gtest/gtest.h>

#include "core/base64.h"

namespace cellgate::argo {
namespace {

std::string ErrorOf(const ClusterSecret& spec) { return spec.error ? spec.error->message() : ""; }

Object Secret(Json data, Json labels = Json::object(), Json annotations = Json::object()) {
  labels["argocd.argoproj.io/secret-type"] = "cluster";
  Json encoded = Json::object();
  for (const auto& [k, v] : data.items()) encoded[k] = Base64Encode(v.get<std::string>());
  return Object(Json{{"apiVersion", "v1"},
                     {"kind", "Secret"},
                     {"metadata",
                      {{"name", "cell-a-secret"},
                       {"namespace", "argocd"},
                       {"labels", labels},
                       {"annotations", annotations}}},
                     {"data", encoded}});
}

TEST(ParseClusterSecret, ReadsFieldsAsArgoCdDoes) {
  auto spec = ParseClusterSecret(
      Secret({{"name", "cell-a"},
              {"server", "https://10.0.0.1:6443/"},
              {"config", R"({"bearerToken":"tok","tlsClientConfig":{"insecure":true}})"},
              {"namespaces", " shop, ,web ,"},
              {"clusterResources", "true"},
              {"project", "team-a"}},
             {{"environment", "prod"}, {"wave", "1"}},
             {{"managed-by", "argocd.argoproj.io"},
              {"kubectl.kubernetes.io/last-applied-configuration", "{}"},
              {"owner", "sre"}}));
  ASSERT_FALSE(spec.error) << ErrorOf(spec);
  EXPECT_EQ(spec.cluster.name, "cell-a");
  EXPECT_EQ(spec.cluster.server, "https://10.0.0.1:6443");
  EXPECT_EQ(spec.cluster.secret, "cell-a-secret");
  EXPECT_EQ(spec.cluster.labels,
            (std::map<std::string, std::string>{{"environment", "prod"}, {"wave", "1"}}));
  EXPECT_EQ(spec.cluster.annotations, (std::map<std::string, std::string>{{"owner", "sre"}}));
  EXPECT_EQ(spec.cluster.namespaces, (std::vector<std::string>{"shop", "web"}));
  EXPECT_TRUE(spec.cluster.cluster_resources);
  EXPECT_EQ(spec.cluster.project, "team-a");
  EXPECT_EQ(spec.config.token, "tok");
  EXPECT_TRUE(spec.config.insecure_skip_tls_verify);
  EXPECT_EQ(spec.raw_config, R"({"bearerToken":"tok","tlsClientConfig":{"insecure":true}})");
}

TEST(ParseClusterSecret, ClusterResourcesOnlyForTheStringTrue) {
  auto spec = ParseClusterSecret(
      Secret({{"name", "a"}, {"server", "https://a"}, {"clusterResources", "yes"}}));
  EXPECT_FALSE(spec.cluster.cluster_resources);
}

TEST(ParseClusterSecret, NameFallsBackToTheSecretAndStringDataOverridesData) {
  Object s = Secret({{"server", "https://old"}});
  s.mutable_body()["stringData"] = {{"server", "https://new"}};
  auto spec = ParseClusterSecret(s);
  ASSERT_FALSE(spec.error) << ErrorOf(spec);
  EXPECT_EQ(spec.cluster.name, "cell-a-secret");
  EXPECT_EQ(spec.cluster.server, "https://new");
}

TEST(ParseClusterSecret, BadConfigIsAnErrorThatQuotesNoSecret) {
  auto spec = ParseClusterSecret(Secret({{"name", "cell-a"},
                                         {"server", "https://a"},
                                         {"config", R"({"bearerToken": "s3cr3t-token", )"}}));
  ASSERT_TRUE(spec.error);
  EXPECT_NE(ErrorOf(spec).find("argocd/cell-a-secret"), std::string::npos) << ErrorOf(spec);
  EXPECT_NE(ErrorOf(spec).find("not valid JSON"), std::string::npos);
  EXPECT_EQ(ErrorOf(spec).find("s3cr3t"), std::string::npos);
  EXPECT_EQ(spec.cluster.name, "cell-a");  // still listed under its name
}

TEST(ParseClusterSecret, MissingServerIsAnError) {
  auto spec = ParseClusterSecret(Secret({{"name", "cell-a"}}));
  ASSERT_TRUE(spec.error);
  EXPECT_NE(ErrorOf(spec).find("data.server is missing"), std::string::npos);
}

TEST(ClusterSecretName, FollowsArgoCdsScheme) {
  // fnv32a("https://10.0.0.1:6443") is what Argo CD hashes too.
  std::string name = ClusterSecretName("https://10.0.0.1:6443");
  EXPECT_TRUE(name.starts_with("cluster-10.0.0.1-")) << name;
  EXPECT_EQ(ClusterSecretName("https://10.0.0.1:6443"), name);
  EXPECT_NE(ClusterSecretName("https://10.0.0.1:6444"), name);
  EXPECT_TRUE(
      ClusterSecretName("https://API.Example.com/prefix").starts_with("cluster-api.example.com-"));
  EXPECT_TRUE(ClusterSecretName("https://[::1]:6443").starts_with("cluster---1-"))
      << ClusterSecretName("https://[::1]:6443");
}

kube::ClusterConfig CertConfig() {
  kube::ClusterConfig c;
  c.name = "ctx";
  c.server = "https://127.0.0.1:6443/";
  c.ca_pem = "CA PEM";
  c.client_cert_pem = "CERT PEM";
  c.client_key_pem = "KEY PEM";
  c.tls_server_name = "kubernetes";
  return c;
}

TEST(MakeClusterSecret, RoundTripsThroughParse) {
  auto secret =
      MakeClusterSecret(CertConfig(), "cell-1", {{"region", "eu"}, {"wave", "2"}}, "argocd");
  ASSERT_TRUE(secret) << secret.error().message();
  EXPECT_EQ(secret->Namespace(), "argocd");
  EXPECT_EQ(secret->Name(), ClusterSecretName("https://127.0.0.1:6443"));
  EXPECT_EQ(secret->Label("argocd.argoproj.io/secret-type"), "cluster");
  EXPECT_EQ(secret->Annotation("managed-by"), "cellgate");
  auto spec = ParseClusterSecret(*secret);
  ASSERT_FALSE(spec.error) << ErrorOf(spec);
  EXPECT_EQ(spec.cluster.name, "cell-1");
  EXPECT_EQ(spec.cluster.server, "https://127.0.0.1:6443");
  EXPECT_EQ(spec.cluster.labels,
            (std::map<std::string, std::string>{{"region", "eu"}, {"wave", "2"}}));
  EXPECT_TRUE(spec.cluster.annotations.empty());
  EXPECT_EQ(spec.config.ca_pem, "CA PEM");
  EXPECT_EQ(spec.config.client_cert_pem, "CERT PEM");
  EXPECT_EQ(spec.config.client_key_pem, "KEY PEM");
  EXPECT_EQ(spec.config.tls_server_name, "kubernetes");
  EXPECT_FALSE(spec.config.insecure_skip_tls_verify);
}

TEST(MakeClusterSecret, EmbedsTokenBasicAuthProxyAndExec) {
  kube::ClusterConfig c;
  c.server = "https://eks.example.com";
  c.token = "tok";
  c.proxy_url = "socks5://proxy:1080";
  c.insecure_skip_tls_verify = true;
  auto token = MakeClusterSecret(c, "eks", {}, "argocd");
  ASSERT_TRUE(token) << token.error().message();
  auto spec = ParseClusterSecret(*token);
  ASSERT_FALSE(spec.error) << ErrorOf(spec);
  EXPECT_EQ(spec.config.token, "tok");
  EXPECT_EQ(spec.config.proxy_url, "socks5://proxy:1080");
  EXPECT_TRUE(spec.config.insecure_skip_tls_verify);

  kube::ClusterConfig e;
  e.server = "https://eks.example.com";
  e.exec = kube::ExecConfig{.api_version = "client.authentication.k8s.io/v1beta1",
                            .command = "aws",
                            .args = {"eks", "get-token", "--cluster-name", "prod"},
                            .env = {{"AWS_PROFILE", "prod"}}};
  auto exec = MakeClusterSecret(e, "eks", {}, "argocd");
  ASSERT_TRUE(exec) << exec.error().message();
  spec = ParseClusterSecret(*exec);
  ASSERT_FALSE(spec.error) << ErrorOf(spec);
  const kube::ExecConfig x = spec.config.exec.value_or(kube::ExecConfig{});
  EXPECT_EQ(x.command, "aws");
  EXPECT_EQ(x.args.size(), 4u);
  EXPECT_EQ(x.api_version, "client.authentication.k8s.io/v1beta1");
  ASSERT_EQ(x.env.size(), 1u);
  EXPECT_EQ(x.env.front().second, "prod");

  kube::ClusterConfig b;
  b.server = "https://b";
  b.username = "admin";
  b.password = "pw";
  spec = ParseClusterSecret(*MakeClusterSecret(b, "b", {}, "argocd"));
  EXPECT_EQ(spec.config.username, "admin");
  EXPECT_EQ(spec.config.password, "pw");
}

TEST(MakeClusterSecret, RefusesWhatCannotBeEmbedded) {
  kube::ClusterConfig f;
  f.name = "ctx";
  f.server = "https://a";
  f.token_file = "/var/run/token";
  auto file = MakeClusterSecret(f, "a", {}, "argocd");
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(file.error().message().find("tokenFile"), std::string::npos);

  kube::ClusterConfig x;
  x.server = "https://a";
  x.exec = kube::ExecConfig{.command = "plugin", .provide_cluster_info = true};
  auto exec = MakeClusterSecret(x, "a", {}, "argocd");
  ASSERT_FALSE(exec);
  EXPECT_NE(exec.error().message().find("provideClusterInfo"), std::string::npos);
}

TEST(MakeClusterSecret, RefusesBadNamesAndLabelsWithoutQuotingCredentials) {
  kube::ClusterConfig c = CertConfig();
  c.client_cert_pem.clear();
  c.client_key_pem.clear();
  c.token = "very-secret-token";
  for (const auto& [labels, want] :
       std::vector<std::pair<std::map<std::string, std::string>, std::string>>{
           {{{"bad key", "v"}}, "label key"},
           {{{"env", "has space"}}, "label value"},
           {{{"argocd.argoproj.io/secret-type", "x"}}, "set by cellgate"},
           {{{"-x", "v"}}, "label key"}}) {
    auto s = MakeClusterSecret(c, "a", labels, "argocd");
    ASSERT_FALSE(s) << want;
    EXPECT_EQ(s.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(s.error().message().find(want), std::string::npos) << s.error().message();
    EXPECT_EQ(s.error().message().find("very-secret"), std::string::npos);
  }
  EXPECT_FALSE(MakeClusterSecret(c, "", {}, "argocd"));
  EXPECT_FALSE(MakeClusterSecret(c, "two words", {}, "argocd"));
  EXPECT_FALSE(MakeClusterSecret(c, "a", {}, "Bad_NS"));
  EXPECT_TRUE(MakeClusterSecret(c, "a", {{"example.com/tier", ""}}, "argocd"));
}

}  // namespace
}  // namespace cellgate::argo

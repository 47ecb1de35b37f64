#include "kube/argocd_cluster.h"

#include <gtest/gtest.h>

namespace cellgate::kube {
namespace {

TEST(ArgoClusterConfig, BearerTokenAndTlsClientConfig) {
  Json config = {{"bearerToken", "eyJhbGciOi"},
                 {"tlsClientConfig",
                  {{"insecure", false},
                   {"serverName", "api.prod"},
                   {"caData", Base64Encode("CA PEM")},
                   {"certData", Base64Encode("CERT PEM")},
                   {"keyData", Base64Encode("KEY PEM")}}}};
  auto c = ParseArgoClusterConfig("prod-eu", "https://10.0.0.1:6443/", config.dump());
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->name, "prod-eu");
  EXPECT_EQ(c->server, "https://10.0.0.1:6443");
  EXPECT_EQ(c->token, "eyJhbGciOi");
  EXPECT_EQ(c->tls_server_name, "api.prod");
  EXPECT_EQ(c->ca_pem, "CA PEM");
  EXPECT_EQ(c->client_cert_pem, "CERT PEM");
  EXPECT_EQ(c->client_key_pem, "KEY PEM");
  EXPECT_FALSE(c->insecure_skip_tls_verify);
}

TEST(ArgoClusterConfig, BasicAuthInsecureAndProxy) {
  auto c = ParseArgoClusterConfig(
      "", "https://h:1",
      R"({"username":"admin","password":"pw","tlsClientConfig":{"insecure":true},"proxyUrl":"http://p:3128"})");
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->name, "https://h:1");
  EXPECT_EQ(c->username, "admin");
  EXPECT_EQ(c->password, "pw");
  EXPECT_TRUE(c->insecure_skip_tls_verify);
  EXPECT_EQ(c->proxy_url, "http://p:3128");
}

TEST(ArgoClusterConfig, ExecProvider) {
  auto c = ParseArgoClusterConfig("eks", "https://eks:443", R"({
    "execProviderConfig": {
      "command": "aws",
      "args": ["eks", "get-token", "--cluster-name", "prod"],
      "env": {"AWS_REGION": "eu-west-1"},
      "apiVersion": "client.authentication.k8s.io/v1beta1",
      "installHint": "install the aws cli"},
    "tlsClientConfig": {"caData": "Q0E="}})");
  ASSERT_TRUE(c) << c.error().message();
  ASSERT_TRUE(c->exec);
  EXPECT_EQ(c->exec->command, "aws");
  EXPECT_EQ(c->exec->args.size(), 4u);
  ASSERT_EQ(c->exec->env.size(), 1u);
  EXPECT_EQ(c->exec->env[0].first, "AWS_REGION");
  EXPECT_EQ(c->exec->api_version, "client.authentication.k8s.io/v1beta1");
  EXPECT_EQ(c->exec->install_hint, "install the aws cli");
  EXPECT_EQ(c->ca_pem, "CA");
}

TEST(ArgoClusterConfig, EmptyConfigMeansNoCredentials) {
  auto c = ParseArgoClusterConfig("in-cluster", kArgoInClusterServer, "");
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_TRUE(c->token.empty());
  EXPECT_FALSE(c->exec);
}

TEST(ArgoClusterConfig, RefusesWhatItCannotHonour) {
  auto aws = ParseArgoClusterConfig("x", "https://h:1", R"({"awsAuthConfig":{"clusterName":"p"}})");
  ASSERT_FALSE(aws);
  EXPECT_NE(aws.error().message().find("awsAuthConfig"), std::string::npos);
  EXPECT_FALSE(ParseArgoClusterConfig("x", "", "{}"));
  EXPECT_FALSE(ParseArgoClusterConfig("x", "ftp://h", "{}"));
  EXPECT_FALSE(ParseArgoClusterConfig("x", "https://h:1", R"({"bearerToken": 5})"));
  EXPECT_FALSE(
      ParseArgoClusterConfig("x", "https://h:1", R"({"tlsClientConfig":{"keyData":"%%"}})"));
}

TEST(ArgoClusterConfig, BrokenJsonIsNotQuoted) {
  auto c = ParseArgoClusterConfig("x", "https://h:1", R"({"bearerToken": "TOPSECRET)");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(c.error().message().find("TOPSECRET"), std::string::npos) << c.error().message();
}

TEST(ArgoClusterConfig, FromSecretDataAndStringData) {
  Json secret = {{"apiVersion", "v1"},
                 {"kind", "Secret"},
                 {"metadata",
                  {{"name", "cluster-prod"},
                   {"namespace", "argocd"},
                   {"labels", {{"argocd.argoproj.io/secret-type", "cluster"}}}}},
                 {"data",
                  {{"name", Base64Encode("prod")},
                   {"server", Base64Encode("https://prod:6443")},
                   {"config", Base64Encode(R"({"bearerToken":"from-data"})")}}},
                 {"stringData", {{"config", R"({"bearerToken":"from-string-data"})"}}}};
  auto c = ArgoClusterConfigFromSecret(Object(secret));
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->name, "prod");
  EXPECT_EQ(c->server, "https://prod:6443");
  EXPECT_EQ(c->token, "from-string-data");

  secret["data"]["server"] = "***";
  secret["stringData"] = Json::object();
  auto bad = ArgoClusterConfigFromSecret(Object(secret));
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("data.server"), std::string::npos);
}

}  // namespace
}  // namespace cellgate::kube

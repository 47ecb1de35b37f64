#include "argo/cluster_config.h"

#include <gtest/gtest.h>

#include "core/base64.h"
#include "core/object.h"

namespace cellgate::argo {
namespace {

TEST(ClusterConfig, BearerTokenAndTlsClientConfig) {
  Json config = {{"bearerToken", "eyJhbGciOi"},
                 {"tlsClientConfig",
                  {{"insecure", false},
                   {"serverName", "api.prod"},
                   {"caData", Base64Encode("CA PEM")},
                   {"certData", Base64Encode("CERT PEM")},
                   {"keyData", Base64Encode("KEY PEM")}}}};
  auto c = ParseClusterConfig("prod-eu", "https://10.0.0.1:6443/", config.dump());
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

TEST(ClusterConfig, BasicAuthInsecureAndProxy) {
  auto c = ParseClusterConfig(
      "", "https://h:1",
      R"({"username":"admin","password":"pw","tlsClientConfig":{"insecure":true},"proxyUrl":"http://p:3128"})");
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->name, "https://h:1");
  EXPECT_EQ(c->username, "admin");
  EXPECT_EQ(c->password, "pw");
  EXPECT_TRUE(c->insecure_skip_tls_verify);
  EXPECT_EQ(c->proxy_url, "http://p:3128");
}

TEST(ClusterConfig, ExecProvider) {
  auto c = ParseClusterConfig("eks", "https://eks:443", R"({
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

TEST(ClusterConfig, EmptyConfigMeansNoCredentials) {
  auto c = ParseClusterConfig("in-cluster", kInClusterServer, "");
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_TRUE(c->token.empty());
  EXPECT_FALSE(c->exec);
}

TEST(ClusterConfig, RefusesWhatItCannotHonour) {
  auto aws = ParseClusterConfig("x", "https://h:1", R"({"awsAuthConfig":{"clusterName":"p"}})");
  ASSERT_FALSE(aws);
  EXPECT_NE(aws.error().message().find("awsAuthConfig"), std::string::npos);
  EXPECT_FALSE(ParseClusterConfig("x", "", "{}"));
  EXPECT_FALSE(ParseClusterConfig("x", "ftp://h", "{}"));
  EXPECT_FALSE(ParseClusterConfig("x", "https://h:1", R"({"bearerToken": 5})"));
  EXPECT_FALSE(ParseClusterConfig("x", "https://h:1", R"({"tlsClientConfig":{"keyData":"%%"}})"));
}

TEST(ClusterConfig, BrokenJsonIsNotQuoted) {
  auto c = ParseClusterConfig("x", "https://h:1", R"({"bearerToken": "TOPSECRET)");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(c.error().message().find("TOPSECRET"), std::string::npos) << c.error().message();
}

}  // namespace
}  // namespace cellgate::argo

#include "kube/kubeconfig.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

namespace cellgate::kube {
namespace {

namespace fs = std::filesystem;

class KubeconfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("kubeconfig-test-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path Write(const std::string& rel, const std::string& text) {
    fs::path p = dir_ / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p;
  }

  fs::path dir_;
};

constexpr const char* kCertPem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
constexpr const char* kKeyPem =
    "-----BEGIN PRIVATE KEY-----\nSECRETKEY\n-----END PRIVATE KEY-----\n";

TEST_F(KubeconfigTest, ClientCertificateDataAndCa) {
  std::string text = R"(apiVersion: v1
kind: Config
current-context: cell-1
clusters:
- name: cell-1
  cluster:
    server: https://127.0.0.1:6443/
    certificate-authority-data: )" +
                     Base64Encode("CA PEM") + R"(
    tls-server-name: kubernetes
contexts:
- name: cell-1
  context: {cluster: cell-1, user: admin, namespace: shop}
users:
- name: admin
  user:
    client-certificate-data: )" +
                     Base64Encode(kCertPem) + R"(
    client-key-data: )" +
                     Base64Encode(kKeyPem) + "\n";
  auto c = ParseKubeconfig({{text, Write("config", text)}});
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->name, "cell-1");
  EXPECT_EQ(c->server, "https://127.0.0.1:6443");
  EXPECT_EQ(c->ca_pem, "CA PEM");
  EXPECT_EQ(c->tls_server_name, "kubernetes");
  EXPECT_FALSE(c->insecure_skip_tls_verify);
  EXPECT_EQ(c->client_cert_pem, kCertPem);
  EXPECT_EQ(c->client_key_pem, kKeyPem);
  EXPECT_EQ(c->default_namespace, "shop");
  EXPECT_TRUE(c->namespace_given);
  EXPECT_TRUE(c->token.empty());
  EXPECT_FALSE(c->exec);
}

TEST_F(KubeconfigTest, RelativeFilesResolveAgainstTheKubeconfigDirectory) {
  Write("pki/ca.pem", "CA FROM FILE");
  Write("pki/client.pem", kCertPem);
  Write("pki/client.key", kKeyPem);
  std::string text = R"(
clusters:
- name: c
  cluster: {server: "https://h:1", certificate-authority: pki/ca.pem, insecure-skip-tls-verify: false}
contexts:
- name: x
  context: {cluster: c, user: u}
users:
- name: u
  user: {client-certificate: pki/client.pem, client-key: pki/client.key, tokenFile: pki/token}
)";
  auto c = ParseKubeconfig({{text, Write("sub/../config", text)}}, "x");
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->ca_pem, "CA FROM FILE");
  EXPECT_EQ(c->client_cert_pem, kCertPem);
  EXPECT_EQ(c->client_key_pem, kKeyPem);
  EXPECT_TRUE(c->token_file.is_absolute());
  EXPECT_EQ(fs::weakly_canonical(c->token_file), fs::weakly_canonical(dir_ / "pki/token"));
  EXPECT_EQ(c->default_namespace, "default");
  EXPECT_FALSE(c->namespace_given);  // the fallback, not the context's
}

TEST_F(KubeconfigTest, DataWinsOverFile) {
  std::string text = R"(
clusters:
- name: c
  cluster: {server: "https://h:1", certificate-authority: missing.pem, certificate-authority-data: )" +
                     Base64Encode("DATA") + R"(}
contexts: [{name: x, context: {cluster: c}}]
)";
  auto c = ParseKubeconfig({{text, Write("config", text)}}, "x");
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->ca_pem, "DATA");
}

TEST_F(KubeconfigTest, TokenBasicInsecureAndProxy) {
  std::string text = R"(
current-context: t
clusters:
- name: c
  cluster: {server: "https://h:1", insecure-skip-tls-verify: true, proxy-url: "http://proxy:3128"}
contexts:
- {name: t, context: {cluster: c, user: token}}
- {name: b, context: {cluster: c, user: basic}}
users:
- {name: token, user: {token: abc.def}}
- {name: basic, user: {username: admin, password: hunter2}}
)";
  fs::path p = Write("config", text);
  auto t = ParseKubeconfig({{text, p}});
  ASSERT_TRUE(t) << t.error().message();
  EXPECT_EQ(t->token, "abc.def");
  EXPECT_TRUE(t->insecure_skip_tls_verify);
  EXPECT_EQ(t->proxy_url, "http://proxy:3128");
  auto b = ParseKubeconfig({{text, p}}, "b");
  ASSERT_TRUE(b) << b.error().message();
  EXPECT_EQ(b->username, "admin");
  EXPECT_EQ(b->password, "hunter2");
  EXPECT_TRUE(b->token.empty());
}

TEST_F(KubeconfigTest, ExecPlugin) {
  std::string text = R"(
current-context: e
clusters: [{name: c, cluster: {server: "https://h:1"}}]
contexts: [{name: e, context: {cluster: c, user: e}}, {name: p, context: {cluster: c, user: p}}]
users:
- name: e
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: ./bin/get-token
      args: [--cluster, prod]
      env: [{name: REGION, value: eu-west-1}]
      installHint: install get-token
      provideClusterInfo: true
- name: p
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1, command: aws}
)";
  fs::path p = Write("config", text);
  auto c = ParseKubeconfig({{text, p}});
  ASSERT_TRUE(c) << c.error().message();
  ASSERT_TRUE(c->exec);
  EXPECT_EQ(c->exec->api_version, "client.authentication.k8s.io/v1beta1");
  EXPECT_EQ(fs::path(c->exec->command), fs::absolute(dir_) / "./bin/get-token");
  EXPECT_EQ(c->exec->args, (std::vector<std::string>{"--cluster", "prod"}));
  ASSERT_EQ(c->exec->env.size(), 1u);
  EXPECT_EQ(c->exec->env[0], (std::pair<std::string, std::string>{"REGION", "eu-west-1"}));
  EXPECT_EQ(c->exec->install_hint, "install get-token");
  EXPECT_TRUE(c->exec->provide_cluster_info);
  auto path_lookup = ParseKubeconfig({{text, p}}, "p");
  ASSERT_TRUE(path_lookup);
  EXPECT_EQ(path_lookup->exec->command, "aws");  // bare names are looked up in PATH
}

TEST_F(KubeconfigTest, ExecNeedsAKnownApiVersion) {
  std::string text = R"(
clusters: [{name: c, cluster: {server: "https://h:1"}}]
contexts: [{name: e, context: {cluster: c, user: e}}]
users: [{name: e, user: {exec: {apiVersion: client.authentication.k8s.io/v1alpha1, command: x}}}]
)";
  auto c = ParseKubeconfig({{text, Write("config", text)}}, "e");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message().find("v1alpha1"), std::string::npos);
}

TEST_F(KubeconfigTest, MergedFilesFirstWins) {
  std::string first = R"(
current-context: a
clusters: [{name: shared, cluster: {server: "https://first:1"}}]
contexts: [{name: a, context: {cluster: shared}}]
)";
  std::string second = R"(
current-context: b
clusters: [{name: shared, cluster: {server: "https://second:1"}}]
contexts:
- {name: a, context: {cluster: shared, user: ignored}}
- {name: b, context: {cluster: shared, user: u}}
users: [{name: u, user: {tokenFile: token}}]
)";
  std::vector<KubeconfigFile> files = {{first, Write("one/config", first)},
                                       {second, Write("two/config", second)}};
  auto current = ParseKubeconfig(files);
  ASSERT_TRUE(current) << current.error().message();
  EXPECT_EQ(current->name, "a");  // the first file's current-context
  EXPECT_EQ(current->server, "https://first:1");
  EXPECT_TRUE(current->token_file.empty());  // context "a" of the first file has no user
  auto b = ParseKubeconfig(files, "b");
  ASSERT_TRUE(b) << b.error().message();
  EXPECT_EQ(b->server, "https://first:1");  // cluster "shared" from the first file
  EXPECT_EQ(fs::weakly_canonical(b->token_file), fs::weakly_canonical(dir_ / "two/token"));
  EXPECT_EQ(*KubeconfigContexts(files), (std::vector<std::string>{"a", "b"}));
}

TEST_F(KubeconfigTest, MissingPiecesAreClearErrors) {
  std::string text = R"(
clusters: [{name: c, cluster: {server: "https://h:1"}}]
contexts: [{name: x, context: {cluster: nope}}, {name: z, context: {cluster: c, user: nobody}}]
)";
  fs::path p = Write("config", text);
  auto no_current = ParseKubeconfig({{text, p}});
  ASSERT_FALSE(no_current);
  EXPECT_NE(no_current.error().message().find("no current-context"), std::string::npos);
  auto missing = ParseKubeconfig({{text, p}}, "cell-9");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message().find("\"cell-9\""), std::string::npos);
  EXPECT_EQ(ParseKubeconfig({{text, p}}, "x").error().code(), ErrorCode::kNotFound);
  EXPECT_NE(ParseKubeconfig({{text, p}}, "z").error().message().find("user \"nobody\""),
            std::string::npos);
}

TEST_F(KubeconfigTest, AuthProviderIsRefused) {
  std::string text = R"(
clusters: [{name: c, cluster: {server: "https://h:1"}}]
contexts: [{name: x, context: {cluster: c, user: g}}]
users: [{name: g, user: {auth-provider: {name: gcp}}}]
)";
  auto c = ParseKubeconfig({{text, Write("config", text)}}, "x");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message().find("auth-provider"), std::string::npos);
}

TEST_F(KubeconfigTest, SecretsNeverAppearInErrors) {
  std::string text = R"(
clusters: [{name: c, cluster: {server: "https://h:1"}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
users: [{name: u, user: {client-certificate-data: "!!TOPSECRET!!", client-key-data: "!!TOPSECRET!!"}}]
)";
  auto c = ParseKubeconfig({{text, Write("config", text)}}, "x");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().message().find("TOPSECRET"), std::string::npos) << c.error().message();
  std::string both = R"(
clusters: [{name: c, cluster: {server: "https://h:1"}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
users: [{name: u, user: {token: sekrit-token, username: a, password: sekrit-pass}}]
)";
  auto two = ParseKubeconfig({{both, Write("config2", both)}}, "x");
  ASSERT_FALSE(two);
  EXPECT_EQ(two.error().message().find("sekrit"), std::string::npos) << two.error().message();
}

TEST_F(KubeconfigTest, LoadFromPathsAndEnvironment) {
  std::string text = R"(
current-context: x
clusters: [{name: c, cluster: {server: "https://h:1"}}]
contexts: [{name: x, context: {cluster: c}}]
)";
  fs::path p = Write("config", text);
  auto explicit_missing = LoadKubeconfig({.paths = {dir_ / "absent", p}});
  ASSERT_FALSE(explicit_missing);
  EXPECT_EQ(explicit_missing.error().code(), ErrorCode::kNotFound);
  auto explicit_ok = LoadKubeconfig({.paths = {p}});
  ASSERT_TRUE(explicit_ok) << explicit_ok.error().message();

  std::string env = (dir_ / "absent").string() + "::" + p.string();
  setenv("KUBECONFIG", env.c_str(), 1);
  auto from_env = LoadKubeconfig();
  unsetenv("KUBECONFIG");
  ASSERT_TRUE(from_env) << from_env.error().message();
  EXPECT_EQ(from_env->server, "https://h:1");
}

TEST(SplitKubeconfigList, DropsEmptyEntries) {
  EXPECT_EQ(SplitKubeconfigList("a::b:"), (std::vector<fs::path>{"a", "b"}));
  EXPECT_TRUE(SplitKubeconfigList("").empty());
}

TEST(Base64, RoundTripAndErrors) {
  for (const std::string& s :
       std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)}) {
    auto d = Base64Decode(Base64Encode(s));
    ASSERT_TRUE(d);
    EXPECT_EQ(*d, s);
  }
  EXPECT_EQ(*Base64Decode("aGVs\nbG8="), "hello");
  EXPECT_EQ(*Base64Decode("aGVsbG8"), "hello");  // unpadded
  EXPECT_FALSE(Base64Decode("a"));
  EXPECT_FALSE(Base64Decode("ab$d"));
}

TEST_F(KubeconfigTest, InClusterConfig) {
  Write("sa/token", "tok\n");
  Write("sa/ca.crt", "CA");
  Write("sa/namespace", "cellgate-system\n");
  auto c =
      InClusterConfig({.service_account_dir = dir_ / "sa", .host = "10.96.0.1", .port = "443"});
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->server, "https://10.96.0.1:443");
  EXPECT_EQ(c->token_file, dir_ / "sa/token");
  EXPECT_EQ(c->ca_pem, "CA");
  EXPECT_EQ(c->default_namespace, "cellgate-system");
  EXPECT_TRUE(c->namespace_given);
  auto v6 = InClusterConfig({.service_account_dir = dir_ / "sa", .host = "fd00::1", .port = "443"});
  EXPECT_EQ(v6->server, "https://[fd00::1]:443");
  unsetenv("KUBERNETES_SERVICE_HOST");
  auto outside = InClusterConfig({.service_account_dir = dir_ / "sa"});
  ASSERT_FALSE(outside);
  EXPECT_EQ(outside.error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace cellgate::kube

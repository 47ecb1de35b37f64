#include "cells/cell_secret.h"

#include <gtest/gtest.h>

#include "core/base64.h"
#include "kube/testing/fake_cluster.h"

namespace cellgate::cells {
namespace {

kube::ClusterConfig CertConfig() {
  kube::ClusterConfig c;
  c.name = "ctx";
  c.server = "https://127.0.0.1:6443/";
  c.ca_pem = "CA PEM";
  c.client_cert_pem = "CERT PEM";
  c.client_key_pem = "KEY PEM";
  return c;
}

TEST(ParseCellSecret, CarriesTheClusterAndFingerprintsTheConnection) {
  auto secret = argo::MakeClusterSecret(CertConfig(), "cell-1", {{"wave", "1"}}, "argocd");
  ASSERT_TRUE(secret) << secret.error().message();
  CellSpec spec = ParseCellSecret(*secret);
  ASSERT_FALSE(spec.error) << spec.error->message();
  EXPECT_EQ(spec.info.name, "cell-1");
  EXPECT_EQ(spec.info.server, "https://127.0.0.1:6443");
  EXPECT_EQ(spec.info.secret, secret->Name());
  EXPECT_EQ(spec.info.labels, (std::map<std::string, std::string>{{"wave", "1"}}));
  EXPECT_EQ(spec.info.connection.state, CellState::kUnknown);
  EXPECT_EQ(spec.config.client_cert_pem, "CERT PEM");

  // Labels alone do not change the connection; the config does.
  auto relabelled = argo::MakeClusterSecret(CertConfig(), "cell-1", {{"wave", "2"}}, "argocd");
  EXPECT_EQ(ParseCellSecret(*relabelled).connection_fingerprint, spec.connection_fingerprint);
  kube::ClusterConfig other = CertConfig();
  other.client_key_pem = "OTHER KEY";
  auto rekeyed = argo::MakeClusterSecret(other, "cell-1", {}, "argocd");
  EXPECT_NE(ParseCellSecret(*rekeyed).connection_fingerprint, spec.connection_fingerprint);
}

TEST(ParseCellSecret, AnUnusableSecretIsAnInvalidCellStillListedByName) {
  Json secret = {{"apiVersion", "v1"},
                 {"kind", "Secret"},
                 {"metadata",
                  {{"name", "cell-a-secret"},
                   {"namespace", "argocd"},
                   {"labels", {{"argocd.argoproj.io/secret-type", "cluster"}}}}},
                 {"data",
                  {{"name", Base64Encode("cell-a")},
                   {"server", Base64Encode("https://a")},
                   {"config", Base64Encode("{not json")}}}};
  CellSpec spec = ParseCellSecret(Object(secret));
  ASSERT_TRUE(spec.error);
  EXPECT_EQ(spec.info.name, "cell-a");
  EXPECT_EQ(spec.info.connection.state, CellState::kInvalid);
  EXPECT_EQ(spec.info.connection.last_error, spec.error->message());
  EXPECT_FALSE(spec.info.usable());
  EXPECT_TRUE(spec.connection_fingerprint.empty());
}

TEST(WriteClusterSecret, CreatesThenReplaces) {
  kube::testing::FakeCluster hub;
  auto first = argo::MakeClusterSecret(CertConfig(), "cell-1", {{"wave", "1"}}, "argocd");
  ASSERT_TRUE(first) << first.error().message();
  ASSERT_TRUE(WriteClusterSecret(hub, *first));
  auto second = argo::MakeClusterSecret(CertConfig(), "cell-1", {{"wave", "2"}}, "argocd");
  auto written = WriteClusterSecret(hub, *second);
  ASSERT_TRUE(written) << written.error().message();
  auto stored = hub.Objects("Secret");
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored.front().Label("wave"), "2");
  EXPECT_EQ(hub.Calls("create"), 2);
  EXPECT_EQ(hub.Calls("update"), 1);
}

TEST(WriteClusterSecret, OtherFailuresAreReportedWithContext) {
  kube::testing::FakeCluster hub;
  hub.SetFailHook([](std::string_view verb, const Object&) -> std::optional<Error> {
    if (verb == "create") return Error(ErrorCode::kPermissionDenied, "403 Forbidden: no");
    return std::nullopt;
  });
  auto s = argo::MakeClusterSecret(CertConfig(), "cell-1", {}, "argocd");
  ASSERT_TRUE(s) << s.error().message();
  auto written = WriteClusterSecret(hub, *s);
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(written.error().message().find("write cluster secret argocd/cluster-127.0.0.1-"),
            std::string::npos)
      << written.error().message();
}

}  // namespace
}  // namespace cellgate::cells

#include "core/redact.h"

#include <gtest/gtest.h>

#include <string>

namespace cellgate {
namespace {

constexpr const char* kValue = "s3cr3t-hunter2";

TEST(RedactorTest, KnownValueIsMaskedInPlainAndBase64Forms) {
  Redactor r;
  r.AddValue(kValue);
  std::string encoded = "czNjcjN0LWh1bnRlcjI=";  // base64 of kValue
  EXPECT_EQ(r.Redact(std::string("Invalid value: \"") + kValue + "\""),
            "Invalid value: \"++++++++\"");
  EXPECT_EQ(r.Redact("data: {pw: " + encoded + "}"), "data: {pw: ++++++++}");
}

TEST(RedactorTest, SecretDataAndStringDataAndLastAppliedAreKnown) {
  Json secret = Json::parse(R"({"apiVersion":"v1","kind":"Secret",
    "metadata":{"name":"db","annotations":{"kubectl.kubernetes.io/last-applied-configuration":
      "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"stringData\":{\"old\":\"previous-value\"}}"}},
    "data":{"password":"czNjcjN0LWh1bnRlcjI="},"stringData":{"user":"admin-user"}})");
  Redactor r;
  r.AddSecret(secret);
  std::string out = r.Redact(std::string(kValue) + " admin-user previous-value YWRtaW4tdXNlcg==");
  EXPECT_EQ(out, "++++++++ ++++++++ ++++++++ ++++++++");
}

TEST(RedactorTest, ValueContainingAnotherIsMaskedWhole) {
  Redactor r;
  r.AddValue("abcd");
  r.AddValue("abcd-efgh");
  EXPECT_EQ(r.Redact("x abcd-efgh y abcd"), "x ++++++++ y ++++++++");
}

TEST(RedactorTest, OtherObjectsAndShortValuesAreNotMasked) {
  Redactor r;
  r.AddSecret(Json::parse(R"({"apiVersion":"v1","kind":"ConfigMap","data":{"k":"visible"}})"));
  r.AddValue("1");
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(r.Redact("visible 1"), "visible 1");
}

TEST(RedactCredentialsTest, PrivateKeyBodyIsMasked) {
  std::string pem =
      "key: -----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nabc\n-----END RSA PRIVATE KEY-----\n"
      "cert: -----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----";
  EXPECT_EQ(RedactCredentials(pem),
            "key: -----BEGIN RSA PRIVATE KEY-----++++++++-----END RSA PRIVATE KEY-----\n"
            "cert: -----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----");
  EXPECT_EQ(RedactCredentials("-----BEGIN PRIVATE KEY-----\nMIIE cut"),
            "-----BEGIN PRIVATE KEY-----++++++++");
}

TEST(RedactCredentialsTest, AuthorizationSchemes) {
  EXPECT_EQ(RedactCredentials("Authorization: Bearer abc.DEF-123_x"),
            "Authorization: Bearer ++++++++");
  EXPECT_EQ(RedactCredentials("authorization: basic dXNlcjpwYXNz"),
            "authorization: basic ++++++++");
  EXPECT_EQ(RedactCredentials("Basic auth failed"), "Basic auth failed");
}

TEST(RedactCredentialsTest, KeyValuePairs) {
  EXPECT_EQ(RedactCredentials("--password=hunter22 --user=bob"), "--password=++++++++ --user=bob");
  EXPECT_EQ(RedactCredentials(R"({"clientSecret": "x y", "name": "n"})"),
            R"({"clientSecret": "++++++++", "name": "n"})");
  EXPECT_EQ(RedactCredentials("stringData:\n  db_password: hunter22\n  host: db\n"),
            "stringData:\n  db_password: ++++++++\n  host: db\n");
  EXPECT_EQ(RedactCredentials("map[token:abcdef]"), "map[token:++++++++]");
  EXPECT_EQ(RedactCredentials("aws_secret_access_key = wJalrXUtnFEMI"),
            "aws_secret_access_key = ++++++++");
  // Error chains and the kind are not fields.
  EXPECT_EQ(RedactCredentials("get token: not found"), "get token: not found");
  EXPECT_EQ(RedactCredentials("kind: Secret"), "kind: Secret");
}

TEST(RedactCredentialsTest, UrlUserinfo) {
  EXPECT_EQ(RedactCredentials("fetch https://bob:pa55word@git.example/r.git failed"),
            "fetch https://bob:++++++++@git.example/r.git failed");
  EXPECT_EQ(RedactCredentials("https://ghp_abcdef@github.com/o/r"),
            "https://++++++++@github.com/o/r");
  EXPECT_EQ(RedactCredentials("ssh://git@github.com/o/r"), "ssh://git@github.com/o/r");
  EXPECT_EQ(RedactCredentials("https://github.com/o/r"), "https://github.com/o/r");
}

TEST(RedactCredentialsTest, AwsKeysAndJwts) {
  EXPECT_EQ(RedactCredentials("id AKIAIOSFODNN7EXAMPLE here"), "id ++++++++ here");
  EXPECT_EQ(RedactCredentials("AKIAshort"), "AKIAshort");
  std::string jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl";
  EXPECT_EQ(RedactCredentials("token " + jwt + "."), "token ++++++++.");
  EXPECT_EQ(RedactCredentials("eyJnotajwt"), "eyJnotajwt");
}

TEST(RedactCredentialsTest, PlainTextIsUnchanged) {
  std::string text =
      "apply apps/Deployment default/api: 422 Unprocessable Entity: spec.replicas: Invalid "
      "value: -1";
  EXPECT_EQ(RedactCredentials(text), text);
}

TEST(RedactMessagesTest, OnlyMessagesAreRedacted) {
  Redactor r;
  r.AddValue(kValue);
  Json status = Json::parse(R"({"conditions":[{"type":"SyncError","message":"x s3cr3t-hunter2"}],
    "operationState":{"message":"s3cr3t-hunter2","syncResult":{"resources":[{"message":
    "s3cr3t-hunter2","name":"s3cr3t-hunter2"}]}}})");
  RedactMessages(status, r);
  EXPECT_EQ(status["conditions"][0]["message"], "x ++++++++");
  EXPECT_EQ(status["operationState"]["message"], "++++++++");
  EXPECT_EQ(status["operationState"]["syncResult"]["resources"][0]["message"], "++++++++");
  EXPECT_EQ(status["operationState"]["syncResult"]["resources"][0]["name"], kValue);
}

}  // namespace
}  // namespace cellgate

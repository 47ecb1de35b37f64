// What RestClient makes of an API server's refusals, against a scripted peer; the real API
// server's side is covered in tests/e2e.
#include "kube/rest_client.h"

#include <gtest/gtest.h>

#include "kube/api_error.h"
#include "kube/rest_mapper.h"
#include "kube/test_http_server.h"

namespace cellgate::kube {
namespace {

using testing::TestHttpServer;
using testing::TestRequest;
using testing::TestResponse;

// Discovery for core/v1 Secrets; every write is refused with a 422 whose message quotes the
// body it was sent, as the API server quotes invalid values.
TestResponse EchoingApi(const TestRequest& r) {
  if (r.target == "/api") return {.body = R"({"versions":["v1"]})"};
  if (r.target == "/apis") return {.body = R"({"groups":[]})"};
  if (r.target == "/api/v1") {
    return {.body = R"({"resources":[{"name":"secrets","namespaced":true,"kind":"Secret",
                        "verbs":["create","get","list","patch","update"]}]})"};
  }
  Json status = {{"kind", "Status"},
                 {"apiVersion", "v1"},
                 {"code", 422},
                 {"reason", "Invalid"},
                 {"message", "Secret \"db\" is invalid: data: Invalid value: " + r.body}};
  return {.status = 422, .body = status.dump()};
}

TEST(RestClient, SecretValuesEchoedInARefusalAreMasked) {
  TestHttpServer server(EchoingApi);
  auto transport = std::move(*Transport::Create({.name = "fake", .server = server.url()}));
  RestMapper mapper(*transport);
  RestClient client(*transport, mapper);
  Object secret(Json::parse(R"({"apiVersion":"v1","kind":"Secret",
      "metadata":{"name":"db","namespace":"shop"},
      "data":{"token":"dG9rLXZhbHVlLTk5"},"stringData":{"dsn":"s3cr3t-hunter2"}})"));
  for (int verb = 0; verb < 3; ++verb) {
    Result<Object> r = verb == 0   ? client.Apply(secret, {.field_manager = "t"})
                       : verb == 1 ? client.Create(secret, {})
                                   : client.Update(secret, {});
    ASSERT_FALSE(r);
    const std::string& msg = r.error().message();
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(msg.find("422 Unprocessable Entity: Secret \"db\" is invalid"), std::string::npos)
        << msg;
    for (const char* secret_text : {"s3cr3t-hunter2", "dG9rLXZhbHVlLTk5", "tok-value-99"}) {
      EXPECT_EQ(msg.find(secret_text), std::string::npos) << secret_text << " in " << msg;
    }
  }
}

// The message is cut at kMaxErrorMessage bytes; a cut inside the value leaves no prefix of it.
TEST(RestClient, SecretValueCutByTheLengthLimitIsMasked) {
  TestHttpServer server([](const TestRequest& r) -> TestResponse {
    if (r.method != "PATCH") return EchoingApi(r);
    std::string pad(kMaxErrorMessage - std::string("422 Unprocessable Entity: ").size() - 5, 'x');
    Json status = {{"kind", "Status"}, {"code", 422}, {"message", pad + "s3cr3t-hunter2 tail"}};
    return {.status = 422, .body = status.dump()};
  });
  auto transport = std::move(*Transport::Create({.name = "fake", .server = server.url()}));
  RestMapper mapper(*transport);
  RestClient client(*transport, mapper);
  Object secret(Json::parse(R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"db",
      "namespace":"shop"},"stringData":{"dsn":"s3cr3t-hunter2"}})"));
  auto r = client.Apply(secret, {.field_manager = "t"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message().find("s3cr3"), std::string::npos) << r.error().message();
}

TEST(RestClient, CredentialsInAnyRefusalAreMasked) {
  TestHttpServer server([](const TestRequest& r) -> TestResponse {
    if (r.method != "PATCH") return EchoingApi(r);
    return {
        .status = 403,
        .body = R"({"kind":"Status","code":403,"message":"webhook denied: password=hunter22"})"};
  });
  auto transport = std::move(*Transport::Create({.name = "fake", .server = server.url()}));
  RestMapper mapper(*transport);
  RestClient client(*transport, mapper);
  Object cm(Json::parse(R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"}})"));
  auto r = client.Apply(cm, {.field_manager = "t"});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("webhook denied: password=++++++++"), std::string::npos)
      << r.error().message();
}

}  // namespace
}  // namespace cellgate::kube

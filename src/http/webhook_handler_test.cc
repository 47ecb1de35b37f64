#include "http/webhook_handler.h"

#include <gtest/gtest.h>

#include <vector>

#include "core/mutex.h"
#include "http/server.h"
#include "http/signature.h"
#include "http/standard_handlers.h"
#include "http/test_client.h"
#include "http/webhook_test_util.h"

namespace cellgate::http {
namespace {

using testing::Delivery;
using testing::LoadPayload;

class Recorder {
 public:
  PushCallback Callback(Status answer = Ok()) {
    return [this, answer](const PushEvent& push) {
      core::MutexLock lock(mu_);
      pushes_.push_back(push);
      return answer;
    };
  }
  std::vector<PushEvent> pushes() const {
    core::MutexLock lock(mu_);
    return pushes_;
  }

 private:
  mutable core::Mutex mu_;
  std::vector<PushEvent> pushes_;
};

const WebhookConfig kUnsigned{.allow_unsigned = true};

WebhookConfig Secret() {
  WebhookConfig c;
  c.secrets.github = "hook-secret";
  return c;
}

Request SignedPush(const std::string& secret) {
  std::string body = LoadPayload("github-push.json");
  return Delivery({{"X-GitHub-Event", "push"},
                   {"X-Hub-Signature-256", "sha256=" + HmacSha256Hex(secret, body)}},
                  body);
}

TEST(WebhookHandler, PushIsHandedOnAndAnswered200) {
  Recorder recorder;
  Handler handler = MakeWebhookHandler(Secret(), recorder.Callback());
  Response r = handler(SignedPush("hook-secret"));
  EXPECT_EQ(r.status, 200);
  ASSERT_EQ(recorder.pushes().size(), 1u);
  EXPECT_EQ(recorder.pushes()[0].ref, "refs/heads/main");
}

TEST(WebhookHandler, BadSignatureIs401AndChangesNothing) {
  Recorder recorder;
  Handler handler = MakeWebhookHandler(Secret(), recorder.Callback());
  Response r = handler(SignedPush("guessed"));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body.find("hook-secret"), std::string::npos);
  EXPECT_TRUE(recorder.pushes().empty());
}

TEST(WebhookHandler, StatusPerOutcome) {
  Recorder recorder;
  WebhookConfig config{.allow_unsigned = true};
  config.max_payload_bytes = std::size_t{64} * 1024;
  Handler handler = MakeWebhookHandler(config, recorder.Callback());
  EXPECT_EQ(handler(Delivery({{"X-GitHub-Event", "ping"}}, LoadPayload("github-ping.json"))).status,
            200);
  Response ignored = handler(Delivery({{"X-GitHub-Event", "issues"}}, "{}"));
  EXPECT_EQ(ignored.status, 400);
  EXPECT_NE(ignored.body.find("ignored"), std::string::npos);
  EXPECT_EQ(handler(Delivery({}, "{}")).status, 400);
  Response malformed = handler(Delivery({{"X-GitHub-Event", "push"}}, "{not json"));
  EXPECT_EQ(malformed.status, 400);
  EXPECT_NE(malformed.body.find("not valid JSON"), std::string::npos);
  EXPECT_EQ(
      handler(Delivery({{"X-GitHub-Event", "push"}}, std::string(std::size_t{64} * 1024 + 1, ' ')))
          .status,
      413);
  EXPECT_TRUE(recorder.pushes().empty());
}

TEST(WebhookHandler, RefusedPushIs503WhenRetryableElse500) {
  Recorder full;
  Handler busy = MakeWebhookHandler(
      kUnsigned, full.Callback(MakeError(ErrorCode::kUnavailable, "queue is full")));
  Response r = busy(Delivery({{"X-GitHub-Event", "push"}}, LoadPayload("github-push.json")));
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(r.body.find("queue is full"), std::string::npos);

  Recorder broken;
  Handler failing =
      MakeWebhookHandler(kUnsigned, broken.Callback(MakeError(ErrorCode::kInternal, "bug")));
  EXPECT_EQ(failing(Delivery({{"X-GitHub-Event", "push"}}, LoadPayload("github-push.json"))).status,
            500);
}

TEST(WebhookHandler, EveryRefOfABitbucketDeliveryIsHandedOn) {
  Recorder recorder;
  Handler handler = MakeWebhookHandler(kUnsigned, recorder.Callback());
  Response r = handler(Delivery({{"X-Event-Key", "repo:refs_changed"}},
                                LoadPayload("bitbucket-server-refs-changed.json")));
  EXPECT_EQ(r.status, 200);
  auto pushes = recorder.pushes();
  ASSERT_EQ(pushes.size(), 2u);
  EXPECT_EQ(pushes[0].ref, "refs/heads/main");
  EXPECT_EQ(pushes[1].ref, "refs/tags/cells-2026.11.25");
}

TEST(WebhookHandler, CountsDeliveriesByProviderAndOutcome) {
  metrics::Registry registry;
  auto requests = RegisterWebhookMetrics(registry);
  ASSERT_TRUE(requests.has_value()) << requests.error().message();
  Recorder recorder;
  WebhookConfig config = Secret();
  config.secrets.gitlab = "gl-token";  // every provider that delivers needs its own secret
  Handler handler = MakeWebhookHandler(config, recorder.Callback(), {.requests = *requests});
  handler(SignedPush("hook-secret"));
  handler(SignedPush("hook-secret"));
  handler(SignedPush("wrong"));
  handler(Delivery({{"X-Gitlab-Event", "Issue Hook"}, {"X-Gitlab-Token", "gl-token"}}, "{}"));
  std::string page = registry.Expose();
  EXPECT_NE(page.find("cellgate_webhook_requests_total{provider=\"GitHub\",outcome=\"push\"} 2\n"),
            std::string::npos)
      << page;
  EXPECT_NE(
      page.find(
          "cellgate_webhook_requests_total{provider=\"unknown\",outcome=\"unauthorized\"} 1\n"),
      std::string::npos)
      << page;
  EXPECT_NE(
      page.find("cellgate_webhook_requests_total{provider=\"GitLab\",outcome=\"ignored\"} 1\n"),
      std::string::npos)
      << page;
}

TEST(StandardHandlers, MetricsAndProbes) {
  metrics::Registry registry;
  ASSERT_TRUE(registry.AddGauge({.name = "cellgate_up", .help = "Up."}));
  Response metrics_page = MetricsHandler(registry)(Request{});
  EXPECT_EQ(metrics_page.status, 200);
  EXPECT_EQ(metrics_page.headers.Get("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(metrics_page.body.find("cellgate_up 0\n"), std::string::npos);

  EXPECT_EQ(ProbeHandler([] { return Ok(); })(Request{}).status, 200);
  Response not_ready = ProbeHandler([]() -> Status {
    return MakeError(ErrorCode::kUnavailable, "cell caches not synced (2 of 5)");
  })(Request{});
  EXPECT_EQ(not_ready.status, 503);
  EXPECT_EQ(not_ready.body, "cell caches not synced (2 of 5)\n");
}

// The whole path over a real socket: route, server body limit, signature, callback.
TEST(WebhookHandler, ServedOverHttp) {
  Recorder recorder;
  Router router;
  ASSERT_TRUE(
      router.Handle("POST", "/api/webhook", MakeWebhookHandler(Secret(), recorder.Callback())));
  auto server = Server::Start({.max_body_bytes = std::size_t{256} * 1024}, std::move(router));
  ASSERT_TRUE(server.has_value()) << server.error().message();
  std::uint16_t port = (*server)->port();

  Request push = SignedPush("hook-secret");
  std::string headers;
  for (const auto& f : push.headers.fields()) headers += f.name + ": " + f.value + "\r\n";
  testing::TestClient client(port);
  ASSERT_TRUE(client.Send(testing::MakeRequest("POST", "/api/webhook", push.body, headers)));
  testing::ClientResponse ok = client.Read();
  EXPECT_EQ(ok.status, 200) << ok.body;
  ASSERT_EQ(recorder.pushes().size(), 1u);
  EXPECT_EQ(recorder.pushes()[0].after, "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c");

  ASSERT_TRUE(client.Send(testing::MakeRequest("GET", "/api/webhook")));
  EXPECT_EQ(client.Read().status, 405);

  testing::TestClient big(port);
  ASSERT_TRUE(
      big.Send("POST /api/webhook HTTP/1.1\r\nHost: x\r\nX-GitHub-Event: push\r\n"
               "Content-Length: 300000\r\n\r\n"));
  EXPECT_EQ(big.Read().status, 413);
  EXPECT_EQ(recorder.pushes().size(), 1u);
}

}  // namespace
}  // namespace cellgate::http

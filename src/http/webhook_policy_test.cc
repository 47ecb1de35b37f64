// Which unsigned deliveries are accepted (webhook.h, "Authenticity policy").
//
// Argo CD (util/webhook/webhook.go, NewHandler) builds each provider's parser with that
// provider's secret only (github.Options.Secret(GetWebhookGitHubSecret()),
// gitlab.Options.Secret(GetWebhookGitLabSecret()), bitbucket.Options.UUID(...), ...), and the
// go-playground parsers skip verification when their secret is empty; its test
// TestGitLabPushEvent (util/webhook/webhook_test.go) answers an unsigned GitLab push with 200
// under empty settings. So in Argo CD a GitHub secret does not protect the GitLab or
// Bitbucket endpoints, and no secret at all accepts everything. cellgate is stricter: with no
// secret at all unsigned deliveries are refused unless explicitly allowed, and once any
// secret is configured a provider without its own secret is refused.
#include <gtest/gtest.h>

#include <string>

#include "http/signature.h"
#include "http/webhook.h"
#include "http/webhook_handler.h"
#include "http/webhook_test_util.h"

namespace cellgate::http {
namespace {

using testing::Delivery;
using testing::LoadPayload;

Request UnsignedGitHub() {
  return Delivery({{"X-GitHub-Event", "push"}}, LoadPayload("github-push.json"));
}
Request UnsignedGitLab() {
  return Delivery({{"X-Gitlab-Event", "Push Hook"}}, LoadPayload("gitlab-push.json"));
}
Request UnsignedBitbucketCloud() {
  return Delivery({{"X-Event-Key", "repo:push"}}, LoadPayload("bitbucket-cloud-push.json"));
}
Request UnsignedBitbucketServer() {
  return Delivery({{"X-Event-Key", "repo:refs_changed"}},
                  LoadPayload("bitbucket-server-refs-changed.json"));
}
Request UnsignedGogs() {
  return Delivery({{"X-Gogs-Event", "push"}}, LoadPayload("gogs-push.json"));
}
Request UnsignedGitea() {
  return Delivery({{"X-Gitea-Event", "push"}}, LoadPayload("gitea-push.json"));
}

std::vector<Request> UnsignedOfEveryProvider() {
  return {UnsignedGitHub(),          UnsignedGitLab(), UnsignedBitbucketCloud(),
          UnsignedBitbucketServer(), UnsignedGogs(),   UnsignedGitea()};
}

TEST(WebhookPolicy, WithoutAnySecretUnsignedDeliveriesAreRefusedByDefault) {
  for (const Request& r : UnsignedOfEveryProvider()) {
    Result<WebhookEvent> e = ParseWebhook({}, r);
    ASSERT_FALSE(e.has_value()) << r.headers.fields().front().name;
    EXPECT_EQ(e.error().code(), ErrorCode::kPermissionDenied);
    EXPECT_NE(e.error().message().find("no webhook secret is configured"), std::string::npos)
        << e.error().message();
  }
  // Pings too: an unauthenticated caller learns nothing, not even that the endpoint is live.
  Result<WebhookEvent> ping =
      ParseWebhook({}, Delivery({{"X-GitHub-Event", "ping"}}, LoadPayload("github-ping.json")));
  ASSERT_FALSE(ping.has_value());
  EXPECT_EQ(ping.error().code(), ErrorCode::kPermissionDenied);
}

TEST(WebhookPolicy, AllowUnsignedAcceptsThemWhenNoSecretIsConfigured) {
  const WebhookConfig config{.allow_unsigned = true};
  for (const Request& r : UnsignedOfEveryProvider()) {
    Result<WebhookEvent> e = ParseWebhook(config, r);
    ASSERT_TRUE(e.has_value()) << e.error().message();
    EXPECT_EQ(e->kind, WebhookKind::kPush);
  }
}

// Argo CD accepts these (see the top of this file); cellgate refuses them.
TEST(WebhookPolicy, AnyConfiguredSecretGatesEveryProvider) {
  WebhookConfig config{.allow_unsigned = true};  // does not reopen what a secret closed
  config.secrets.github = "gh-only";
  const std::pair<Request, std::string> others[] = {{UnsignedGitLab(), "GitLab"},
                                                    {UnsignedBitbucketCloud(), "Bitbucket Cloud"},
                                                    {UnsignedBitbucketServer(), "Bitbucket Server"},
                                                    {UnsignedGogs(), "Gogs"},
                                                    {UnsignedGitea(), "Gitea"}};
  for (const auto& [request, provider] : others) {
    Result<WebhookEvent> e = ParseWebhook(config, request);
    ASSERT_FALSE(e.has_value()) << provider << " delivery accepted";
    EXPECT_EQ(e.error().code(), ErrorCode::kPermissionDenied);
    EXPECT_NE(e.error().message().find(provider + " webhook: no secret is configured for"),
              std::string::npos)
        << e.error().message();
    EXPECT_EQ(e.error().message().find("gh-only"), std::string::npos);
  }
  // A GitLab token instead of the GitHub secret: now GitHub is the one refused.
  WebhookConfig gitlab_only;
  gitlab_only.secrets.gitlab = "gl";
  EXPECT_FALSE(ParseWebhook(gitlab_only, UnsignedGitHub()).has_value());
  // A Bitbucket Cloud UUID alone gates GitHub too.
  WebhookConfig uuid_only;
  uuid_only.secrets.bitbucket_uuid = "{6f3c1a2b-0d4e-4f5a-9b8c-7d6e5f4a3b2c}";
  EXPECT_FALSE(ParseWebhook(uuid_only, UnsignedGitHub()).has_value());
  // The provider with the secret still works when signed.
  Request signed_push = UnsignedGitHub();
  signed_push.headers.Add("X-Hub-Signature-256",
                          "sha256=" + HmacSha256Hex("gh-only", signed_push.body));
  EXPECT_TRUE(ParseWebhook(config, signed_push).has_value());
}

TEST(WebhookPolicy, HandlerAnswers401ToAnUnsignedPushByDefault) {
  int handed = 0;
  Handler handler = MakeWebhookHandler({}, [&](const PushEvent&) {
    ++handed;
    return Ok();
  });
  EXPECT_EQ(handler(UnsignedGitHub()).status, 401);
  WebhookConfig github_only;
  github_only.secrets.github = "gh-only";
  EXPECT_EQ(MakeWebhookHandler(github_only,
                               [&](const PushEvent&) {
                                 ++handed;
                                 return Ok();
                               })(UnsignedGitLab())
                .status,
            401);
  EXPECT_EQ(handed, 0);
}

}  // namespace
}  // namespace cellgate::http

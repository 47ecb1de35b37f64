#include "http/webhook.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "http/signature.h"
#include "http/webhook_test_util.h"

namespace cellgate::http {
namespace {

using nlohmann::json;
using testing::Delivery;
using testing::LoadPayload;
using Files = std::vector<std::string>;

WebhookEvent ParseOk(const WebhookConfig& config, const Request& request) {
  Result<WebhookEvent> r = ParseWebhook(config, request);
  EXPECT_TRUE(r.has_value()) << r.error().message();
  return r.has_value() ? *r : WebhookEvent{};
}

Error ParseFails(const WebhookConfig& config, const Request& request) {
  Result<WebhookEvent> r = ParseWebhook(config, request);
  EXPECT_FALSE(r.has_value());
  return r.has_value() ? Error(ErrorCode::kUnknown, "parsed") : r.error();
}

Request GitHub(const std::string& event, const std::string& body, const std::string& secret = "") {
  if (secret.empty()) return Delivery({{"X-GitHub-Event", event}}, body);
  return Delivery(
      {{"X-GitHub-Event", event}, {"X-Hub-Signature-256", "sha256=" + HmacSha256Hex(secret, body)}},
      body);
}

// Parsing tests use unsigned deliveries, allowed explicitly (webhook_policy_test.cc has the
// default policy).
const WebhookConfig kUnsigned{.allow_unsigned = true};

WebhookConfig WithGitHubSecret(std::string secret) {
  WebhookConfig config;
  config.secrets.github = std::move(secret);
  return config;
}

// ---- GitHub ----

TEST(GitHubWebhook, PushCarriesUrlsRefShasAndChangedFiles) {
  WebhookEvent e = ParseOk(kUnsigned, GitHub("push", LoadPayload("github-push.json")));
  ASSERT_EQ(e.kind, WebhookKind::kPush);
  EXPECT_EQ(e.provider, GitProvider::kGitHub);
  ASSERT_EQ(e.pushes.size(), 1u);
  const PushEvent& p = e.pushes[0];
  EXPECT_EQ(p.provider, GitProvider::kGitHub);
  EXPECT_EQ(p.event, "push");
  EXPECT_EQ(p.repo_urls, (Files{"https://github.com/acme-platform/fleet-config",
                                "https://github.com/acme-platform/fleet-config.git",
                                "git@github.com:acme-platform/fleet-config.git",
                                "git://github.com/acme-platform/fleet-config.git"}));
  EXPECT_EQ(p.ref, "refs/heads/main");
  EXPECT_EQ(p.revision, "main");
  EXPECT_FALSE(p.is_tag);
  EXPECT_EQ(p.before, "6113728f27ae82c7b1a177c8d03f9e96e0adf246");
  EXPECT_EQ(p.after, "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c");
  EXPECT_FALSE(p.created);
  EXPECT_FALSE(p.deleted);
  EXPECT_EQ(p.default_branch, "main");
  EXPECT_TRUE(p.changed_files_complete);
  EXPECT_EQ(p.changed_files,
            (Files{"apps/payments/base/kustomization.yaml", "apps/payments/base/legacy-config.yaml",
                   "apps/payments/base/pdb.yaml", "apps/web/overlays/eu-west/replicas.yaml"}));
}

TEST(GitHubWebhook, UnsignedDeliveryIsAcceptedWhenAllowedAndNoSecretIsConfigured) {
  EXPECT_EQ(ParseOk(kUnsigned, GitHub("push", LoadPayload("github-push.json"))).kind,
            WebhookKind::kPush);
}

TEST(GitHubWebhook, ValidSignatureIsAccepted) {
  std::string body = LoadPayload("github-push.json");
  WebhookEvent e =
      ParseOk(WithGitHubSecret("gh-hook-secret"), GitHub("push", body, "gh-hook-secret"));
  EXPECT_EQ(e.kind, WebhookKind::kPush);
}

TEST(GitHubWebhook, MissingWrongOrMalformedSignatureIsDenied) {
  const std::string secret = "gh-hook-secret";
  const WebhookConfig config = WithGitHubSecret(secret);
  std::string body = LoadPayload("github-push.json");
  std::string expected = HmacSha256Hex(secret, body);

  Error missing = ParseFails(config, GitHub("push", body));
  EXPECT_EQ(missing.code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(missing.message().find("X-Hub-Signature-256 header missing"), std::string::npos);

  Error wrong = ParseFails(config, GitHub("push", body, "another-secret"));
  EXPECT_EQ(wrong.code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(wrong.message().find("does not match"), std::string::npos);

  Request tampered = GitHub("push", body, secret);
  tampered.body.replace(tampered.body.find("refs/heads/main"), 15, "refs/heads/prod");
  EXPECT_EQ(ParseFails(config, tampered).code(), ErrorCode::kPermissionDenied);

  Request sha1 =
      Delivery({{"X-GitHub-Event", "push"}, {"X-Hub-Signature-256", "sha1=" + expected}}, body);
  Error malformed = ParseFails(config, sha1);
  EXPECT_EQ(malformed.code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(malformed.message().find("malformed"), std::string::npos);

  for (const Error& e : {missing, wrong, malformed}) {
    EXPECT_EQ(e.message().find(secret), std::string::npos) << e.message();
    EXPECT_EQ(e.message().find(expected), std::string::npos) << e.message();
  }
}

TEST(GitHubWebhook, PingIsAPingAndIsVerifiedToo) {
  std::string body = LoadPayload("github-ping.json");
  WebhookEvent e = ParseOk(kUnsigned, GitHub("ping", body));
  EXPECT_EQ(e.kind, WebhookKind::kPing);
  EXPECT_TRUE(e.pushes.empty());
  EXPECT_EQ(ParseOk(WithGitHubSecret("s"), GitHub("ping", body, "s")).kind, WebhookKind::kPing);
  EXPECT_EQ(ParseFails(WithGitHubSecret("s"), GitHub("ping", body)).code(),
            ErrorCode::kPermissionDenied);
}

TEST(GitHubWebhook, TagPushIsATagWithUnknownFiles) {
  WebhookEvent e = ParseOk(kUnsigned, GitHub("push", LoadPayload("github-tag-push.json")));
  ASSERT_EQ(e.pushes.size(), 1u);
  const PushEvent& p = e.pushes[0];
  EXPECT_TRUE(p.is_tag);
  EXPECT_EQ(p.revision, "v2.4.0");
  EXPECT_TRUE(p.created);
  EXPECT_FALSE(p.changed_files_complete);
}

TEST(GitHubWebhook, ForcedDeletedOrCreatedPushesHaveIncompleteFileLists) {
  json base = json::parse(LoadPayload("github-push.json"));
  json forced = base;
  forced["forced"] = true;
  EXPECT_FALSE(
      ParseOk(kUnsigned, GitHub("push", forced.dump())).pushes.at(0).changed_files_complete);

  json deleted = base;
  deleted["deleted"] = true;
  deleted["after"] = std::string(40, '0');
  deleted["commits"] = json::array();
  PushEvent d = ParseOk(kUnsigned, GitHub("push", deleted.dump())).pushes.at(0);
  EXPECT_TRUE(d.deleted);
  EXPECT_FALSE(d.changed_files_complete);

  json created = base;
  created["before"] = std::string(40, '0');
  PushEvent c = ParseOk(kUnsigned, GitHub("push", created.dump())).pushes.at(0);
  EXPECT_TRUE(c.created);
  EXPECT_FALSE(c.changed_files_complete);
}

TEST(GitHubWebhook, CappedCommitListIsIncomplete) {
  json payload = json::parse(LoadPayload("github-push.json"));
  json commit = payload["commits"][0];
  payload["commits"] = json::array();
  for (int i = 0; i < 2048; ++i) payload["commits"].push_back(commit);
  EXPECT_FALSE(
      ParseOk(kUnsigned, GitHub("push", payload.dump())).pushes.at(0).changed_files_complete);
  payload["commits"].erase(payload["commits"].begin());  // 2047: under the cap
  EXPECT_TRUE(
      ParseOk(kUnsigned, GitHub("push", payload.dump())).pushes.at(0).changed_files_complete);
}

TEST(GitHubWebhook, CommitWithoutFileListsMakesTheListIncomplete) {
  json payload = json::parse(LoadPayload("github-push.json"));
  payload["commits"][1].erase("modified");
  EXPECT_FALSE(
      ParseOk(kUnsigned, GitHub("push", payload.dump())).pushes.at(0).changed_files_complete);
}

TEST(GitHubWebhook, FormEncodedDeliveryIsParsed) {
  std::string json_body =
      R"({"ref":"refs/heads/main","repository":{"html_url":"https://github.com/o/r","default_branch":"main"},"commits":[{"added":["a b.yaml"],"modified":[],"removed":[]}]})";
  std::string form = "payload=";
  for (char c : json_body) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_') {
      form += c;
    } else if (c == ' ') {
      form += '+';
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      form += '%';
      form += kHex[static_cast<unsigned char>(c) >> 4];
      form += kHex[static_cast<unsigned char>(c) & 0xF];
    }
  }
  Request r = GitHub("push", form, "s");
  r.headers.Set("Content-Type", "application/x-www-form-urlencoded");
  WebhookEvent e = ParseOk(WithGitHubSecret("s"), r);
  ASSERT_EQ(e.pushes.size(), 1u);
  EXPECT_EQ(e.pushes[0].changed_files, (Files{"a b.yaml"}));
  EXPECT_EQ(e.pushes[0].repo_urls, (Files{"https://github.com/o/r"}));
}

TEST(GitHubWebhook, OtherEventsAreIgnored) {
  WebhookEvent e = ParseOk(kUnsigned, GitHub("issues", "{}"));
  EXPECT_EQ(e.kind, WebhookKind::kIgnored);
  EXPECT_EQ(e.provider, GitProvider::kGitHub);
  EXPECT_NE(e.reason.find("\"issues\" is not handled"), std::string::npos);
}

TEST(GitHubWebhook, MalformedPayloadsAreInvalidArguments) {
  Error not_json = ParseFails(kUnsigned, GitHub("push", "{\"ref\": refs/heads/main}"));
  EXPECT_EQ(not_json.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(not_json.message().find("GitHub webhook: payload is not valid JSON (at byte"),
            std::string::npos)
      << not_json.message();

  Error array = ParseFails(kUnsigned, GitHub("push", "[1,2]"));
  EXPECT_NE(array.message().find("not a JSON object"), std::string::npos);

  Error deep =
      ParseFails(kUnsigned, GitHub("push", std::string(100000, '[') + std::string(100000, ']')));
  EXPECT_EQ(deep.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(deep.message().find("nests deeper"), std::string::npos);

  Error no_ref =
      ParseFails(kUnsigned, GitHub("push", R"({"repository":{"html_url":"https://x/y"}})"));
  EXPECT_NE(no_ref.message().find("has no ref"), std::string::npos);
  Error no_repo = ParseFails(kUnsigned, GitHub("push", R"({"ref":"refs/heads/main"})"));
  EXPECT_NE(no_repo.message().find("names no repository URL"), std::string::npos);
  // Wrong types are errors too, not crashes.
  Error wrong_types =
      ParseFails(kUnsigned, GitHub("push", R"({"ref":7,"repository":[],"commits":{"a":1}})"));
  EXPECT_EQ(wrong_types.code(), ErrorCode::kInvalidArgument);
}

TEST(GitHubWebhook, BodyOverTheLimitIsRefusedBeforeVerification) {
  WebhookConfig config = WithGitHubSecret("s");
  config.max_payload_bytes = 1024;
  Request big = GitHub("push", std::string(1025, ' '));  // unsigned, and too large
  Error e = ParseFails(config, big);
  EXPECT_EQ(e.code(), ErrorCode::kResourceExhausted);
  EXPECT_NE(e.message().find("limit of 1024 bytes"), std::string::npos);
  EXPECT_EQ(kDefaultMaxWebhookPayloadBytes, 25u * 1024 * 1024);
}

// ---- GitLab ----

Request GitLab(const std::string& event, const std::string& body, const std::string& token = "") {
  if (token.empty()) return Delivery({{"X-Gitlab-Event", event}}, body);
  return Delivery({{"X-Gitlab-Event", event}, {"X-Gitlab-Token", token}}, body);
}

TEST(GitLabWebhook, PushHookCarriesProjectUrlsAndFiles) {
  WebhookEvent e = ParseOk(kUnsigned, GitLab("Push Hook", LoadPayload("gitlab-push.json")));
  ASSERT_EQ(e.kind, WebhookKind::kPush);
  ASSERT_EQ(e.pushes.size(), 1u);
  const PushEvent& p = e.pushes[0];
  EXPECT_EQ(p.provider, GitProvider::kGitLab);
  EXPECT_EQ(p.event, "Push Hook");
  EXPECT_EQ(p.repo_urls, (Files{"https://gitlab.internal/platform/cells",
                                "https://gitlab.internal/platform/cells.git",
                                "git@gitlab.internal:platform/cells.git"}));
  EXPECT_EQ(p.revision, "release/2026.12");
  EXPECT_EQ(p.default_branch, "main");
  EXPECT_EQ(p.after, "da1560886d4f094c3e6c9ef40349f7d38b5d27d7");
  EXPECT_TRUE(p.changed_files_complete);
  EXPECT_EQ(p.changed_files,
            (Files{"cells/eu-central-3/cell.yaml", "cells/eu-central-3/values.yaml",
                   "cells/kustomization.yaml", "platform/ingress/config.yaml",
                   "platform/ingress/old-annotations.yaml"}));
}

TEST(GitLabWebhook, TruncatedCommitListIsIncomplete) {
  json payload = json::parse(LoadPayload("gitlab-push.json"));
  payload["total_commits_count"] = 25;  // GitLab lists only 20 of them
  EXPECT_FALSE(
      ParseOk(kUnsigned, GitLab("Push Hook", payload.dump())).pushes.at(0).changed_files_complete);
}

TEST(GitLabWebhook, TagPushHook) {
  WebhookEvent e = ParseOk(kUnsigned, GitLab("Tag Push Hook", LoadPayload("gitlab-tag-push.json")));
  ASSERT_EQ(e.pushes.size(), 1u);
  EXPECT_TRUE(e.pushes[0].is_tag);
  EXPECT_EQ(e.pushes[0].revision, "v1.7.0");
  EXPECT_FALSE(e.pushes[0].changed_files_complete);
}

TEST(GitLabWebhook, TokenIsCheckedWhenConfigured) {
  WebhookConfig config;
  config.secrets.gitlab = "gl-token";
  std::string body = LoadPayload("gitlab-push.json");
  EXPECT_EQ(ParseOk(config, GitLab("Push Hook", body, "gl-token")).kind, WebhookKind::kPush);
  Error missing = ParseFails(config, GitLab("Push Hook", body));
  EXPECT_EQ(missing.code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(missing.message().find("X-Gitlab-Token header missing"), std::string::npos);
  Error wrong = ParseFails(config, GitLab("Push Hook", body, "gl-token-2"));
  EXPECT_EQ(wrong.code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(wrong.message().find("gl-token"), std::string::npos) << wrong.message();
}

TEST(GitLabWebhook, SystemHookPushesAreHandledAndOthersIgnored) {
  WebhookEvent push = ParseOk(kUnsigned, GitLab("System Hook", LoadPayload("gitlab-push.json")));
  EXPECT_EQ(push.kind, WebhookKind::kPush);
  WebhookEvent tag = ParseOk(kUnsigned, GitLab("System Hook", LoadPayload("gitlab-tag-push.json")));
  ASSERT_EQ(tag.kind, WebhookKind::kPush);
  EXPECT_FALSE(tag.pushes.at(0).changed_files_complete);
  WebhookEvent other = ParseOk(
      kUnsigned, GitLab("System Hook", R"({"object_kind":"merge_request","event_type":"mr"})"));
  EXPECT_EQ(other.kind, WebhookKind::kIgnored);
  EXPECT_EQ(ParseOk(kUnsigned, GitLab("Merge Request Hook", "{}")).kind, WebhookKind::kIgnored);
}

// ---- Gitea and Gogs ----

TEST(GiteaWebhook, GiteaWinsOverItsGogsAndGitHubCompatibilityHeaders) {
  std::string body = LoadPayload("gitea-push.json");
  std::string mac = HmacSha256Hex("gitea-secret", body);
  Request r = Delivery({{"X-GitHub-Event", "push"},
                        {"X-Gogs-Event", "push"},
                        {"X-Gitea-Event", "push"},
                        {"X-Gitea-Signature", mac},
                        {"X-Gogs-Signature", mac},
                        {"X-Hub-Signature-256", "sha256=" + mac}},
                       body);
  WebhookConfig config;
  config.secrets.gitea = "gitea-secret";
  config.secrets.github = "a-different-github-secret";  // not consulted for Gitea
  WebhookEvent e = ParseOk(config, r);
  ASSERT_EQ(e.kind, WebhookKind::kPush);
  EXPECT_EQ(e.provider, GitProvider::kGitea);
  const PushEvent& p = e.pushes.at(0);
  EXPECT_EQ(p.repo_urls, (Files{"https://git.acme.example/ops/edge-cells",
                                "https://git.acme.example/ops/edge-cells.git",
                                "ssh://git@git.acme.example:2222/ops/edge-cells.git"}));
  EXPECT_EQ(p.changed_files, (Files{"addons/cert-manager/Chart.yaml"}));
  EXPECT_TRUE(p.changed_files_complete);
  EXPECT_EQ(p.default_branch, "main");
}

TEST(GiteaWebhook, FallsBackToTheGogsSecretAndRejectsBadSignatures) {
  std::string body = LoadPayload("gitea-push.json");
  WebhookConfig config;
  config.secrets.gogs = "shared";
  Request good = Delivery(
      {{"X-Gitea-Event", "push"}, {"X-Gitea-Signature", HmacSha256Hex("shared", body)}}, body);
  EXPECT_EQ(ParseOk(config, good).kind, WebhookKind::kPush);
  Request bad = Delivery(
      {{"X-Gitea-Event", "push"}, {"X-Gitea-Signature", HmacSha256Hex("nope", body)}}, body);
  EXPECT_EQ(ParseFails(config, bad).code(), ErrorCode::kPermissionDenied);
  Request unsigned_delivery = Delivery({{"X-Gitea-Event", "push"}}, body);
  Error missing = ParseFails(config, unsigned_delivery);
  EXPECT_NE(missing.message().find("Gitea webhook: X-Gitea-Signature header missing"),
            std::string::npos)
      << missing.message();
  Request gogs_header_only = Delivery(
      {{"X-Gitea-Event", "push"}, {"X-Gogs-Signature", HmacSha256Hex("shared", body)}}, body);
  EXPECT_EQ(ParseOk(config, gogs_header_only).kind, WebhookKind::kPush);
  json truncated = json::parse(body);
  truncated["total_commits"] = 40;
  EXPECT_FALSE(ParseOk(kUnsigned, Delivery({{"X-Gitea-Event", "push"}}, truncated.dump()))
                   .pushes.at(0)
                   .changed_files_complete);
}

TEST(GogsWebhook, PushWithSignature) {
  std::string body = LoadPayload("gogs-push.json");
  WebhookConfig config;
  config.secrets.gogs = "gogs-secret";
  Request r = Delivery({{"X-GitHub-Event", "push"},
                        {"X-Gogs-Event", "push"},
                        {"X-Gogs-Signature", HmacSha256Hex("gogs-secret", body)}},
                       body);
  WebhookEvent e = ParseOk(config, r);
  ASSERT_EQ(e.kind, WebhookKind::kPush);
  EXPECT_EQ(e.provider, GitProvider::kGogs);
  EXPECT_EQ(e.pushes.at(0).revision, "master");
  EXPECT_EQ(e.pushes.at(0).changed_files, (Files{"sandbox/logging.yaml"}));
  Request bad =
      Delivery({{"X-Gogs-Event", "push"}, {"X-Gogs-Signature", std::string(64, 'a')}}, body);
  EXPECT_EQ(ParseFails(config, bad).code(), ErrorCode::kPermissionDenied);
}

// ---- Bitbucket Cloud ----

Request BitbucketCloud(const std::string& event, const std::string& body,
                       const std::string& uuid = "{6f3c1a2b-0d4e-4f5a-9b8c-7d6e5f4a3b2c}") {
  if (uuid.empty()) return Delivery({{"X-Event-Key", event}}, body);
  return Delivery({{"X-Event-Key", event}, {"X-Hook-UUID", uuid}}, body);
}

TEST(BitbucketCloudWebhook, EveryChangeIsAPushWithDerivedCloneUrls) {
  WebhookEvent e =
      ParseOk(kUnsigned, BitbucketCloud("repo:push", LoadPayload("bitbucket-cloud-push.json")));
  ASSERT_EQ(e.kind, WebhookKind::kPush);
  EXPECT_EQ(e.provider, GitProvider::kBitbucketCloud);
  ASSERT_EQ(e.pushes.size(), 2u);
  const PushEvent& main = e.pushes[0];
  EXPECT_EQ(main.repo_urls, (Files{"https://bitbucket.org/acme/cell-manifests",
                                   "https://bitbucket.org/acme/cell-manifests.git",
                                   "git@bitbucket.org:acme/cell-manifests.git"}));
  EXPECT_EQ(main.ref, "refs/heads/main");
  EXPECT_EQ(main.before, "3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d");
  EXPECT_EQ(main.after, "c1d2e3f405162738495a6b7c8d9e0f1a2b3c4d5e");
  EXPECT_FALSE(main.changed_files_complete);  // Bitbucket sends no file lists
  EXPECT_TRUE(main.default_branch.empty());
  const PushEvent& closed = e.pushes[1];
  EXPECT_EQ(closed.revision, "experiment/old");
  EXPECT_TRUE(closed.deleted);
  EXPECT_TRUE(closed.after.empty());
}

TEST(BitbucketCloudWebhook, UuidIsCheckedWhenConfigured) {
  WebhookConfig config;
  config.secrets.bitbucket_uuid = "6F3C1A2B-0D4E-4F5A-9B8C-7D6E5F4A3B2C";  // pasted without braces
  std::string body = LoadPayload("bitbucket-cloud-push.json");
  EXPECT_EQ(ParseOk(config, BitbucketCloud("repo:push", body)).kind, WebhookKind::kPush);
  Error wrong = ParseFails(
      config, BitbucketCloud("repo:push", body, "{00000000-0d4e-4f5a-9b8c-7d6e5f4a3b2c}"));
  EXPECT_EQ(wrong.code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(wrong.message().find("X-Hook-UUID does not match"), std::string::npos);
  Error missing = ParseFails(config, BitbucketCloud("repo:push", body, ""));
  EXPECT_EQ(missing.code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(missing.message().find("X-Hook-UUID header missing"), std::string::npos);
}

TEST(BitbucketCloudWebhook, PullRequestEventsAreIgnored) {
  WebhookEvent e = ParseOk(kUnsigned, BitbucketCloud("pullrequest:created", "{}"));
  EXPECT_EQ(e.kind, WebhookKind::kIgnored);
  EXPECT_EQ(e.provider, GitProvider::kBitbucketCloud);
}

// ---- Bitbucket Server ----

Request BitbucketServer(const std::string& event, const std::string& body,
                        const std::string& secret = "") {
  if (secret.empty()) return Delivery({{"X-Event-Key", event}, {"X-Request-Id", "r-1"}}, body);
  return Delivery({{"X-Event-Key", event},
                   {"X-Request-Id", "r-1"},
                   {"X-Hub-Signature", "sha256=" + HmacSha256Hex(secret, body)}},
                  body);
}

TEST(BitbucketServerWebhook, RefsChangedGivesOnePushPerRef) {
  WebhookEvent e = ParseOk(
      kUnsigned,
      BitbucketServer("repo:refs_changed", LoadPayload("bitbucket-server-refs-changed.json")));
  ASSERT_EQ(e.kind, WebhookKind::kPush);
  EXPECT_EQ(e.provider, GitProvider::kBitbucketServer);
  ASSERT_EQ(e.pushes.size(), 2u);
  const PushEvent& branch = e.pushes[0];
  EXPECT_EQ(branch.repo_urls,
            (Files{"ssh://git@bitbucket.acme.example:7999/plat/cell-fleet.git",
                   "https://bitbucket.acme.example/scm/plat/cell-fleet.git",
                   "https://bitbucket.acme.example/projects/PLAT/repos/cell-fleet/browse"}));
  EXPECT_EQ(branch.revision, "main");
  EXPECT_EQ(branch.before, "ecddabb624f6f5ba43816f5926e580a5f680a932");
  EXPECT_EQ(branch.after, "178864a7d521b6f5e720b386b2c2b0ef8563e0dc");
  EXPECT_FALSE(branch.created);
  EXPECT_FALSE(branch.changed_files_complete);
  const PushEvent& tag = e.pushes[1];
  EXPECT_TRUE(tag.is_tag);
  EXPECT_TRUE(tag.created);
  EXPECT_EQ(tag.revision, "cells-2026.11.25");
}

TEST(BitbucketServerWebhook, SignatureAndPing) {
  WebhookConfig config;
  config.secrets.bitbucket_server = "bbs-secret";
  std::string body = LoadPayload("bitbucket-server-refs-changed.json");
  EXPECT_EQ(ParseOk(config, BitbucketServer("repo:refs_changed", body, "bbs-secret")).kind,
            WebhookKind::kPush);
  EXPECT_EQ(ParseFails(config, BitbucketServer("repo:refs_changed", body, "other")).code(),
            ErrorCode::kPermissionDenied);
  Error missing = ParseFails(config, BitbucketServer("repo:refs_changed", body));
  EXPECT_NE(missing.message().find("Bitbucket Server webhook: X-Hub-Signature header missing"),
            std::string::npos);
  EXPECT_EQ(ParseOk(config, BitbucketServer("diagnostics:ping", "{}", "bbs-secret")).kind,
            WebhookKind::kPing);
  EXPECT_EQ(ParseOk(kUnsigned, BitbucketServer("pr:opened", "{}")).kind, WebhookKind::kIgnored);
}

TEST(BitbucketServerWebhook, PayloadWithoutLinksIsInvalid) {
  json payload = json::parse(LoadPayload("bitbucket-server-refs-changed.json"));
  payload["repository"].erase("links");
  Error e = ParseFails(kUnsigned, BitbucketServer("repo:refs_changed", payload.dump()));
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(e.message().find("names no repository URL"), std::string::npos);
}

// ---- Unknown ----

TEST(Webhook, NoProviderHeaderIsIgnored) {
  WebhookEvent e = ParseOk(kUnsigned, Delivery({{"User-Agent", "curl/8"}}, "{}"));
  EXPECT_EQ(e.kind, WebhookKind::kIgnored);
  EXPECT_FALSE(e.provider.has_value());
  EXPECT_NE(e.reason.find("unknown webhook event"), std::string::npos);
  EXPECT_EQ(ParseOk(kUnsigned, Delivery({{"X-GitHub-Event", ""}}, "{}")).kind,
            WebhookKind::kIgnored);
}

TEST(Webhook, ShortRefNames) {
  EXPECT_EQ(ShortRefName("refs/heads/main"), "main");
  EXPECT_EQ(ShortRefName("refs/heads/feature/x"), "feature/x");
  EXPECT_EQ(ShortRefName("refs/tags/v1.0.0"), "v1.0.0");
  EXPECT_EQ(ShortRefName("main"), "main");
}

}  // namespace
}  // namespace cellgate::http

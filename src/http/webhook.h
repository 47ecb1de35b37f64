// Git webhooks: parsing and verifying the push notifications Git servers send to
// POST /api/webhook, as Argo CD's /api/webhook accepts them, so a push refreshes the apps
// it affects at once instead of at the next poll.
//
// ParseWebhook is a pure function of the configuration and the request (headers and raw
// body). The provider is recognised by its event header, in this order (Gitea also sends
// Gogs' and GitHub's headers, Gogs also GitHub's, Bitbucket Cloud also X-Event-Key):
//
//   provider          event header: accepted values              authenticity
//   Gitea             X-Gitea-Event: push                        X-Gitea-Signature: <hex
//   HMAC-SHA256> Gogs              X-Gogs-Event: push                         X-Gogs-Signature:
//   <hex HMAC-SHA256> GitHub            X-GitHub-Event: push, ping X-Hub-Signature-256:
//   sha256=<hex> GitLab            X-Gitlab-Event: Push Hook, Tag Push Hook,  X-Gitlab-Token:
//   <secret>
//                     System Hook (push / tag_push kinds)
//   Bitbucket Cloud   X-Hook-UUID present, or a Cloud event key;  X-Hook-UUID: <configured UUID>
//                     X-Event-Key: repo:push
//   Bitbucket Server  X-Event-Key: repo:refs_changed,            X-Hub-Signature: sha256=<hex>
//                     diagnostics:ping
//
// Authenticity policy (stricter than Argo CD, whose unset secret accepts unsigned
// deliveries of that provider whatever the others have; webhook_policy_test.cc cites it):
//   - a provider whose secret is configured: a missing, malformed or wrong signature / token
//     / UUID is refused and nothing is parsed;
//   - a provider without a secret while any other secret is configured: refused;
//   - no secret configured at all: refused unless config.allow_unsigned.
// Pings are verified like pushes.
//
// Outcomes:
//   kPush     one PushEvent per ref the delivery updates (Bitbucket can send several)
//   kPing     GitHub ping / Bitbucket Server diagnostics: answer 200, refresh nothing
//   kIgnored  no known provider header, or an event we do not act on (issues, merge
//             requests, ...); `reason` says which
// Errors (the handler's status in brackets):
//   kResourceExhausted  body over max_payload_bytes [413], checked before anything else
//   kPermissionDenied   verification failed [401]
//   kInvalidArgument    body is not JSON, is nested too deeply, or lacks the fields a push
//                       needs (ref, a repository URL) [400]
// Error messages name the provider, the header and what was wrong, never a header's value,
// a secret or an expected signature.
//
// Thread-safety: pure functions over values.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "http/message.h"

namespace cellgate::http {

enum class GitProvider { kGitHub, kGitLab, kGitea, kGogs, kBitbucketCloud, kBitbucketServer };

// "GitHub", "GitLab", "Gitea", "Gogs", "Bitbucket Cloud", "Bitbucket Server".
std::string_view GitProviderName(GitProvider provider);

// One ref updated by a push.
struct PushEvent {
  GitProvider provider = GitProvider::kGitHub;
  std::string event;  // the event header's value: "push", "Push Hook", "repo:refs_changed", ...

  // Every URL of the repository the payload gives (web page, HTTP clone, SSH clone; for
  // Bitbucket Cloud, which only sends its web URL, the clone URLs derived from it), in
  // payload order without duplicates, so callers can match however an app spells it.
  std::vector<std::string> repo_urls;

  std::string ref;       // "refs/heads/main", "refs/tags/v1.2.0"
  std::string revision;  // the ref's short name: "main", "feature/x", "v1.2.0"
  bool is_tag = false;
  std::string before;  // commit before the push; empty or all zeros when the ref was created
  std::string after;   // commit after the push; empty or all zeros when it was deleted
  bool created = false;
  bool deleted = false;
  std::string default_branch;  // when the payload names it (GitHub, GitLab, Gitea, Gogs)

  // Union of the files added, modified and removed by the pushed commits, sorted, relative
  // to the repository root. Only meaningful when changed_files_complete: providers that
  // send no file lists (Bitbucket), truncated commit lists (GitLab sends 20 commits, GitHub
  // at most 2048), force pushes, created or deleted refs and tag pushes leave it false, and
  // then the caller must refresh every app of the repository and revision.
  std::vector<std::string> changed_files;
  bool changed_files_complete = false;
};

enum class WebhookKind { kPush, kPing, kIgnored };

struct WebhookEvent {
  WebhookKind kind = WebhookKind::kIgnored;
  std::optional<GitProvider> provider;  // unset when no provider was recognised
  std::string event;                    // the event header's value
  std::vector<PushEvent> pushes;        // kPush only
  std::string reason;                   // kIgnored only
};

// The shared secrets, named after the argocd-secret keys they come from.
struct WebhookSecrets {
  std::string github;            // webhook.github.secret
  std::string gitlab;            // webhook.gitlab.secret
  std::string gogs;              // webhook.gogs.secret
  std::string gitea;             // Gitea's own secret; when empty Gitea uses gogs (as Argo CD)
  std::string bitbucket_uuid;    // webhook.bitbucket.uuid
  std::string bitbucket_server;  // webhook.bitbucketserver.secret
};

// GitHub caps deliveries at 25 MB and drops larger ones, so a larger body is not a real
// delivery. (Argo CD's own default, webhook.maxPayloadSizeMB, is 1 GB; we buffer bodies in
// memory, so the default here is the largest payload any supported provider sends.)
inline constexpr std::size_t kDefaultMaxWebhookPayloadBytes = std::size_t{25} * 1024 * 1024;

struct WebhookConfig {
  WebhookSecrets secrets;
  // With no secret configured at all, accept unsigned deliveries of every provider. Off by
  // default; has no effect once any secret is set (see "Authenticity policy" above).
  bool allow_unsigned = false;
  std::size_t max_payload_bytes = kDefaultMaxWebhookPayloadBytes;
};

Result<WebhookEvent> ParseWebhook(const WebhookConfig& config, const Request& request);

// True when any provider's secret is set.
bool AnyWebhookSecret(const WebhookSecrets& secrets);

// "refs/heads/feature/x" → "feature/x", "refs/tags/v1" → "v1"; anything else unchanged.
std::string ShortRefName(std::string_view ref);

}  // namespace cellgate::http

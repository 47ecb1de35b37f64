#include "http/webhook.h"

#include <cstddef>
#include <exception>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "core/object.h"
#include "http/signature.h"
#include "http/webhook_payloads.h"

namespace cellgate::http {
namespace {

using nlohmann::json;

// Real payloads nest fewer than 10 levels; the limit keeps hostile input from costing stack
// or memory out of proportion to its size.
constexpr int kMaxJsonDepth = 64;

struct Detected {
  GitProvider provider;
  std::string event;
};

// The first provider whose event header is present, in the order of the table in webhook.h.
std::optional<Detected> Detect(const Headers& headers) {
  struct Rule {
    std::string_view header;
    GitProvider provider;
  };
  static constexpr Rule kRules[] = {
      {"X-Gitea-Event", GitProvider::kGitea},
      {"X-Gogs-Event", GitProvider::kGogs},
      {"X-GitHub-Event", GitProvider::kGitHub},
      {"X-Gitlab-Event", GitProvider::kGitLab},
  };
  for (const Rule& rule : kRules) {
    if (auto v = headers.Get(rule.header); v && !v->empty()) {
      return Detected{rule.provider, std::string(*v)};
    }
  }
  // Both Bitbuckets send X-Event-Key; only Cloud sends X-Hook-UUID, and Cloud's event keys
  // (repo:push, pullrequest:*, issue:*) are not Server's (repo:refs_changed, pr:*), so a
  // Cloud delivery stripped of its UUID header is still judged by Cloud's rule.
  std::string key(headers.Get("X-Event-Key").value_or(""));
  if (headers.Has("X-Hook-UUID") || key == "repo:push" || key.starts_with("pullrequest:") ||
      key.starts_with("issue:")) {
    return Detected{GitProvider::kBitbucketCloud, key};
  }
  if (!key.empty()) return Detected{GitProvider::kBitbucketServer, key};
  return std::nullopt;
}

Status Denied(GitProvider provider, std::string what) {
  return MakeError(ErrorCode::kPermissionDenied,
                   std::string(GitProviderName(provider)) + " webhook: " + std::move(what));
}

// `prefix` is "sha256=" for headers that carry one, "" for bare hex.
Status VerifyHmacHeader(GitProvider provider, const Request& request, std::string_view secret,
                        std::string_view header, std::string_view prefix) {
  auto value = request.headers.Get(header);
  if (!value || value->empty()) {
    return Denied(provider, std::string(header) + " header missing (a secret is configured)");
  }
  std::string_view signature = *value;
  if (!prefix.empty()) {
    if (!signature.starts_with(prefix)) {
      return Denied(provider, "malformed " + std::string(header) + " header (want " +
                                  std::string(prefix) + "<hex HMAC-SHA256>)");
    }
    signature.remove_prefix(prefix.size());
  }
  if (!VerifyHmacSha256Hex(secret, request.body, signature)) {
    return Denied(provider, std::string(header) + " does not match the payload");
  }
  return Ok();
}

// Bitbucket shows the UUID with braces; people paste it with or without them.
std::string CanonicalUuid(std::string_view uuid) {
  while (!uuid.empty() && (uuid.front() == '{' || uuid.front() == ' ')) uuid.remove_prefix(1);
  while (!uuid.empty() && (uuid.back() == '}' || uuid.back() == ' ')) uuid.remove_suffix(1);
  std::string out(uuid);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The secret that authenticates `provider`'s deliveries; empty when none is configured.
const std::string& SecretFor(GitProvider provider, const WebhookSecrets& secrets) {
  switch (provider) {
    case GitProvider::kGitHub:
      return secrets.github;
    case GitProvider::kGitea:
      return secrets.gitea.empty() ? secrets.gogs : secrets.gitea;
    case GitProvider::kGogs:
      return secrets.gogs;
    case GitProvider::kBitbucketServer:
      return secrets.bitbucket_server;
    case GitProvider::kGitLab:
      return secrets.gitlab;
    case GitProvider::kBitbucketCloud:
      return secrets.bitbucket_uuid;
  }
  return secrets.github;
}

// The argocd-secret key a provider's secret comes from, for error messages.
std::string_view SecretKeyFor(GitProvider provider) {
  switch (provider) {
    case GitProvider::kGitHub:
      return "webhook.github.secret";
    case GitProvider::kGitea:
      return "webhook.gitea.secret or webhook.gogs.secret";
    case GitProvider::kGogs:
      return "webhook.gogs.secret";
    case GitProvider::kBitbucketServer:
      return "webhook.bitbucketserver.secret";
    case GitProvider::kGitLab:
      return "webhook.gitlab.secret";
    case GitProvider::kBitbucketCloud:
      return "webhook.bitbucket.uuid";
  }
  return "";
}

Status Verify(GitProvider provider, const WebhookConfig& config, const Request& request) {
  const WebhookSecrets& secrets = config.secrets;
  if (SecretFor(provider, secrets).empty()) {
    if (AnyWebhookSecret(secrets)) {
      return Denied(provider, "no secret is configured for this provider (" +
                                  std::string(SecretKeyFor(provider)) +
                                  ") while other providers have one; its deliveries are refused");
    }
    if (!config.allow_unsigned) {
      return Denied(
          provider,
          "no webhook secret is configured and unsigned deliveries are not allowed (set " +
              std::string(SecretKeyFor(provider)) + ")");
    }
    return Ok();
  }
  switch (provider) {
    case GitProvider::kGitHub:
      return VerifyHmacHeader(provider, request, secrets.github, "X-Hub-Signature-256", "sha256=");
    case GitProvider::kGitea: {
      const std::string& secret = SecretFor(provider, secrets);
      // Gitea signs with both headers; older Gitea versions only send Gogs' one.
      std::string_view header =
          !request.headers.Has("X-Gitea-Signature") && request.headers.Has("X-Gogs-Signature")
              ? "X-Gogs-Signature"
              : "X-Gitea-Signature";
      return VerifyHmacHeader(provider, request, secret, header, "");
    }
    case GitProvider::kGogs:
      return VerifyHmacHeader(provider, request, secrets.gogs, "X-Gogs-Signature", "");
    case GitProvider::kBitbucketServer:
      return VerifyHmacHeader(provider, request, secrets.bitbucket_server, "X-Hub-Signature",
                              "sha256=");
    case GitProvider::kGitLab: {
      auto token = request.headers.Get("X-Gitlab-Token");
      if (!token || token->empty()) {
        return Denied(provider, "X-Gitlab-Token header missing (a secret is configured)");
      }
      if (!ConstantTimeEquals(*token, secrets.gitlab)) {
        return Denied(provider, "X-Gitlab-Token does not match the configured secret");
      }
      return Ok();
    }
    case GitProvider::kBitbucketCloud: {
      std::string given = CanonicalUuid(request.headers.Get("X-Hook-UUID").value_or(""));
      if (given.empty()) {
        return Denied(provider, "X-Hook-UUID header missing (a UUID is configured)");
      }
      if (!ConstantTimeEquals(given, CanonicalUuid(secrets.bitbucket_uuid))) {
        return Denied(provider, "X-Hook-UUID does not match the configured UUID");
      }
      return Ok();
    }
  }
  return Denied(provider, "unknown provider");
}

enum class Action { kPush, kTagPush, kSystemHook, kPing, kIgnore };

Action Classify(GitProvider provider, std::string_view event) {
  switch (provider) {
    case GitProvider::kGitHub:
      if (event == "push") return Action::kPush;
      if (event == "ping") return Action::kPing;
      return Action::kIgnore;
    case GitProvider::kGitea:
    case GitProvider::kGogs:
      return event == "push" ? Action::kPush : Action::kIgnore;
    case GitProvider::kGitLab:
      if (event == "Push Hook") return Action::kPush;
      if (event == "Tag Push Hook") return Action::kTagPush;
      if (event == "System Hook") return Action::kSystemHook;
      return Action::kIgnore;
    case GitProvider::kBitbucketCloud:
      return event == "repo:push" ? Action::kPush : Action::kIgnore;
    case GitProvider::kBitbucketServer:
      if (event == "repo:refs_changed") return Action::kPush;
      if (event == "diagnostics:ping") return Action::kPing;
      return Action::kIgnore;
  }
  return Action::kIgnore;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string FormDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && HexDigit(s[i + 1]) >= 0 &&
               HexDigit(s[i + 2]) >= 0) {
      out += static_cast<char>(HexDigit(s[i + 1]) * 16 + HexDigit(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// GitHub can deliver `payload=<urlencoded JSON>` as a form instead of a JSON body.
Result<std::string> FormPayload(std::string_view body) {
  while (!body.empty()) {
    std::size_t amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    if (pair.starts_with("payload=")) return FormDecode(pair.substr(8));
    if (amp == std::string_view::npos) break;
    body.remove_prefix(amp + 1);
  }
  return MakeError(ErrorCode::kInvalidArgument, "form-encoded delivery has no payload field");
}

bool TooDeep(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxJsonDepth) return true;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return false;
}

Result<json> ParsePayload(GitProvider provider, const Request& request) {
  std::string context = std::string(GitProviderName(provider)) + " webhook";
  std::string form;
  std::string_view text = request.body;
  std::string_view type = request.headers.Get("Content-Type").value_or("");
  if (type.starts_with("application/x-www-form-urlencoded")) {
    auto decoded = FormPayload(request.body);
    CG_TRY_WRAP(decoded, context);
    form = std::move(*decoded);
    text = form;
  }
  if (TooDeep(text)) {
    return MakeError(ErrorCode::kInvalidArgument, context + ": payload nests deeper than " +
                                                      std::to_string(kMaxJsonDepth) + " levels");
  }
  json payload;
  try {
    payload = json::parse(text);
  } catch (const json::parse_error& e) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        context + ": payload is not valid JSON (at byte " + std::to_string(e.byte) + ")");
  } catch (const std::exception&) {
    return MakeError(ErrorCode::kInvalidArgument, context + ": payload is not valid JSON");
  }
  if (!payload.is_object()) {
    return MakeError(ErrorCode::kInvalidArgument, context + ": payload is not a JSON object");
  }
  return payload;
}

WebhookEvent Ignored(std::optional<GitProvider> provider, std::string event, std::string reason) {
  WebhookEvent e;
  e.kind = WebhookKind::kIgnored;
  e.provider = provider;
  e.event = std::move(event);
  e.reason = std::move(reason);
  return e;
}

}  // namespace

std::string_view GitProviderName(GitProvider provider) {
  switch (provider) {
    case GitProvider::kGitHub:
      return "GitHub";
    case GitProvider::kGitLab:
      return "GitLab";
    case GitProvider::kGitea:
      return "Gitea";
    case GitProvider::kGogs:
      return "Gogs";
    case GitProvider::kBitbucketCloud:
      return "Bitbucket Cloud";
    case GitProvider::kBitbucketServer:
      return "Bitbucket Server";
  }
  return "unknown";
}

bool AnyWebhookSecret(const WebhookSecrets& s) {
  return !s.github.empty() || !s.gitlab.empty() || !s.gogs.empty() || !s.gitea.empty() ||
         !s.bitbucket_uuid.empty() || !s.bitbucket_server.empty();
}

std::string ShortRefName(std::string_view ref) {
  for (std::string_view prefix : {"refs/heads/", "refs/tags/"}) {
    if (ref.starts_with(prefix)) return std::string(ref.substr(prefix.size()));
  }
  return std::string(ref);
}

Result<WebhookEvent> ParseWebhook(const WebhookConfig& config, const Request& request) {
  if (request.body.size() > config.max_payload_bytes) {
    return MakeError(ErrorCode::kResourceExhausted,
                     "webhook payload of " + std::to_string(request.body.size()) +
                         " bytes exceeds the limit of " + std::to_string(config.max_payload_bytes) +
                         " bytes");
  }
  std::optional<Detected> detected = Detect(request.headers);
  if (!detected) {
    return Ignored(std::nullopt, "", "unknown webhook event (no Git provider event header)");
  }
  const GitProvider provider = detected->provider;
  CG_TRY(Verify(provider, config, request));
  Action action = Classify(provider, detected->event);
  if (action == Action::kIgnore) {
    return Ignored(provider, detected->event,
                   std::string(GitProviderName(provider)) + " event \"" + detected->event +
                       "\" is not handled (only pushes refresh apps)");
  }
  WebhookEvent out;
  out.provider = provider;
  out.event = detected->event;
  if (action == Action::kPing) {
    out.kind = WebhookKind::kPing;
    return out;
  }
  auto payload = ParsePayload(provider, request);
  CG_TRY(payload);
  if (action == Action::kSystemHook) {
    // GitLab system hooks carry every kind of event; only pushes interest us.
    // Fields of the wrong type read as absent: a payload never throws.
    std::string kind = StringAt(*payload, {"event_name"});
    if (kind.empty()) kind = StringAt(*payload, {"object_kind"});
    if (kind != "push" && kind != "tag_push") {
      return Ignored(
          provider, detected->event,
          "GitLab system hook \"" + kind + "\" is not handled (only pushes refresh apps)");
    }
    action = kind == "tag_push" ? Action::kTagPush : Action::kPush;
  }
  Result<std::vector<PushEvent>> pushes = [&]() -> Result<std::vector<PushEvent>> {
    switch (provider) {
      case GitProvider::kGitHub:
        return internal::GitHubPushes(*payload);
      case GitProvider::kGitLab:
        return internal::GitLabPushes(*payload, action == Action::kTagPush);
      case GitProvider::kGitea:
      case GitProvider::kGogs:
        return internal::GiteaPushes(*payload, GitProviderName(provider));
      case GitProvider::kBitbucketCloud:
        return internal::BitbucketCloudPushes(*payload);
      case GitProvider::kBitbucketServer:
        return internal::BitbucketServerPushes(*payload);
    }
    return MakeError(ErrorCode::kInternal, "unknown provider");
  }();
  CG_TRY(pushes);
  for (PushEvent& push : *pushes) {
    push.provider = provider;
    push.event = detected->event;
  }
  out.kind = WebhookKind::kPush;
  out.pushes = std::move(*pushes);
  return out;
}

}  // namespace cellgate::http

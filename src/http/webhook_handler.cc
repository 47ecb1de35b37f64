#include "http/webhook_handler.h"

#include <spdlog/spdlog.h>

#include <string>
#include <utility>

#include "git/url.h"

namespace cellgate::http {
namespace {

int StatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kResourceExhausted:
      return 413;
    case ErrorCode::kPermissionDenied:
      return 401;
    case ErrorCode::kInvalidArgument:
      return 400;
    default:
      return 500;
  }
}

std::string_view OutcomeFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kResourceExhausted:
      return "too_large";
    case ErrorCode::kPermissionDenied:
      return "unauthorized";
    default:
      return "invalid";
  }
}

std::string DescribePush(const PushEvent& push) {
  std::string repo = push.repo_urls.empty() ? "?" : git::RedactUrl(push.repo_urls.front());
  std::string files = push.changed_files_complete
                          ? std::to_string(push.changed_files.size()) + " changed files"
                          : "changed files unknown";
  return std::string(GitProviderName(push.provider)) + " push " + push.ref + " of " + repo + " (" +
         files + ")";
}

}  // namespace

Result<std::shared_ptr<metrics::CounterFamily>> RegisterWebhookMetrics(
    metrics::Registry& registry) {
  return registry.AddCounter({.name = "cellgate_webhook_requests_total",
                              .help = "Git webhook deliveries received, by provider and outcome.",
                              .labels = {"provider", "outcome"}});
}

Handler MakeWebhookHandler(WebhookConfig config, PushCallback on_push,
                           WebhookHandlerOptions options) {
  return [config = std::move(config), on_push = std::move(on_push),
          requests = std::move(options.requests)](const Request& request) -> Response {
    auto count = [&](std::optional<GitProvider> provider, std::string_view outcome) {
      if (!requests) return;
      std::string_view name = provider ? GitProviderName(*provider) : "unknown";
      requests->WithLabels({name, outcome})->Inc();
    };
    Result<WebhookEvent> parsed = ParseWebhook(config, request);
    if (!parsed) {
      const Error& error = parsed.error();
      if (error.code() == ErrorCode::kPermissionDenied) {
        spdlog::warn("webhook from {} rejected: {}", request.remote_address, error.message());
      } else {
        spdlog::info("webhook from {} rejected: {}", request.remote_address, error.message());
      }
      count(std::nullopt, OutcomeFor(error.code()));
      return Response::Text(StatusFor(error.code()), "webhook rejected: " + error.message());
    }
    WebhookEvent& event = *parsed;
    switch (event.kind) {
      case WebhookKind::kIgnored:
        spdlog::debug("webhook from {} ignored: {}", request.remote_address, event.reason);
        count(event.provider, "ignored");
        return Response::Text(400, "webhook ignored: " + event.reason);
      case WebhookKind::kPing:
        count(event.provider, "ping");
        return Response::Text(200, "pong");
      case WebhookKind::kPush:
        break;
    }
    for (const PushEvent& push : event.pushes) {
      spdlog::info("webhook: {}", DescribePush(push));
      Status handed = on_push ? on_push(push) : Ok();
      if (!handed) {
        const Error& error = handed.error();
        bool retry_later = error.code() == ErrorCode::kUnavailable ||
                           error.code() == ErrorCode::kResourceExhausted;
        spdlog::warn("webhook: {} not queued: {}", DescribePush(push), error.message());
        count(event.provider, "refused");
        return Response::Text(retry_later ? 503 : 500, "webhook not processed: " + error.message());
      }
    }
    count(event.provider, "push");
    return Response::Text(200, "ok: " + std::to_string(event.pushes.size()) + " ref updates");
  };
}

}  // namespace cellgate::http

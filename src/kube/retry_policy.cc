#include "kube/retry_policy.h"

#include <algorithm>

namespace cellgate::kube {

std::optional<std::chrono::milliseconds> RetryDelay(const RetryOptions& options,
                                                    const AttemptOutcome& outcome, int attempt,
                                                    double random01) {
  if (attempt >= options.max_retries) return std::nullopt;
  bool retry = false;
  switch (outcome.failure) {
    case FailureKind::kConnectFailed:
      retry = true;
      break;
    case FailureKind::kConnectionLost:
      retry = outcome.idempotent;
      break;
    case FailureKind::kTimeout:
    case FailureKind::kPermanent:
      retry = false;
      break;
    case FailureKind::kNone:
      retry = outcome.http_status == 429 ||
              (outcome.http_status >= 500 && outcome.http_status <= 599 && outcome.idempotent);
      break;
  }
  if (!retry) return std::nullopt;
  if (outcome.retry_after && outcome.failure == FailureKind::kNone) {
    return std::min<std::chrono::milliseconds>(*outcome.retry_after, options.max_retry_after);
  }
  auto backoff = options.initial_backoff;
  for (int i = 0; i < attempt && backoff < options.max_backoff; ++i) backoff *= 2;
  backoff = std::min(backoff, options.max_backoff);
  double r = std::clamp(random01, 0.0, 1.0);
  return std::chrono::milliseconds(
      static_cast<long long>(backoff.count() / 2.0 + r * backoff.count() / 2.0));
}

std::optional<std::chrono::seconds> ParseRetryAfter(std::string_view value) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\r')) value.remove_suffix(1);
  if (value.empty() || value.size() > 9) return std::nullopt;
  long long n = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return std::chrono::seconds(n);
}

}  // namespace cellgate::kube

// When and how long to wait before retrying a failed API request. Pure, so the rules are
// tested without a server.
//
// Retried:
//  - 429 Too Many Requests, any verb (the server did not act on the request);
//  - connection failures before the request was sent (refused, DNS, connect timeout), any
//    verb;
//  - 5xx, and connection failures after sending (reset, broken stream), only for idempotent
//    requests: GET/LIST, dry-run writes, and server-side apply (re-applying the same
//    configuration converges to the same object). Create, Update and Delete are not
//    retried then: the first attempt may have taken effect.
// A request timeout is not retried (the caller's deadline has passed), nor is a TLS or
// configuration failure.
//
// Delay: Retry-After when the server sent one (capped at max_retry_after), else exponential
// backoff initial * 2^attempt capped at max_backoff, with "equal jitter": a uniformly random
// value in [d/2, d], so a fleet of clients spreads out after a shared outage.
//
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace cellgate::kube {

struct RetryOptions {
  int max_retries = 5;  // attempts after the first
  std::chrono::milliseconds initial_backoff{250};
  std::chrono::milliseconds max_backoff{8000};
  std::chrono::milliseconds max_retry_after{30000};
};

enum class FailureKind {
  kNone,            // an HTTP response arrived (see http_status)
  kConnectFailed,   // nothing was sent
  kConnectionLost,  // sent, then the connection broke
  kTimeout,
  kPermanent,  // local or TLS configuration problem (bad CA, failed verification)
};

struct AttemptOutcome {
  FailureKind failure = FailureKind::kNone;
  long http_status = 0;
  bool idempotent = false;
  std::optional<std::chrono::seconds> retry_after;
};

// The delay before retry number `attempt` (0 = the first retry), or nullopt when the
// outcome must not be retried or retries are exhausted. `random01` is uniform in [0, 1).
std::optional<std::chrono::milliseconds> RetryDelay(const RetryOptions& options,
                                                    const AttemptOutcome& outcome, int attempt,
                                                    double random01);

// Parses a Retry-After header value in seconds; HTTP dates and junk give nullopt.
std::optional<std::chrono::seconds> ParseRetryAfter(std::string_view value);

}  // namespace cellgate::kube

// Argo CD's sync retry strategy (spec.syncPolicy.retry and operation.retry) and its
// duration strings, with Argo CD's defaults and formula (types.go RetryStrategy.NextRetryAt,
// parseStringToDuration):
//
//  - limit 0 means no retries; a negative limit retries forever;
//  - backoff.duration defaults to 5s, backoff.factor to 2, backoff.maxDuration to 3m;
//  - the wait before retry n (0-based) is duration * factor^n, capped at maxDuration when it
//    is positive;
//  - a duration string that is a bare integer is seconds; otherwise it is a Go duration
//    ("1m30s", "250ms", "1.5h"; units ns, us, µs, ms, s, m, h).
//
// Thread-safety: values and pure functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace cellgate::argo {

struct RetryBackoff {
  std::string duration;                // "" = 5s
  std::optional<std::int64_t> factor;  // nullopt = 2
  std::string max_duration;            // "" = 3m
};

struct RetryStrategy {
  std::int64_t limit = 0;  // 0 none, < 0 unlimited
  std::optional<RetryBackoff> backoff;
  bool refresh = false;  // retry with the latest revision instead of the original one
};

// Argo CD's parseStringToDuration (core/duration.h ParseDurationOrSeconds). kInvalidArgument:
// "unable to parse 5x as a duration".
Result<std::chrono::nanoseconds> ParseArgoDuration(std::string_view text);

// The wait before retry number `retry_count` (0 = the first retry): duration *
// factor^retry_count, capped at maxDuration (when > 0). Errors for unparsable durations.
Result<std::chrono::nanoseconds> RetryDelay(const RetryStrategy& retry, std::int64_t retry_count);

// Whether another retry may follow `retry_count` failed retries.
bool RetryAllowed(const RetryStrategy& retry, std::int64_t retry_count);

}  // namespace cellgate::argo

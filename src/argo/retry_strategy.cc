#include "argo/retry_strategy.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <utility>

#include "core/duration.h"

namespace cellgate::argo {
namespace {

constexpr auto kDefaultRetryDuration = std::chrono::seconds(5);
constexpr auto kDefaultRetryMaxDuration = std::chrono::minutes(3);
constexpr std::int64_t kDefaultRetryFactor = 2;

}  // namespace

Result<std::chrono::nanoseconds> ParseArgoDuration(std::string_view text) {
  return ParseDurationOrSeconds(text);
}

Result<std::chrono::nanoseconds> RetryDelay(const RetryStrategy& retry, std::int64_t retry_count) {
  std::chrono::nanoseconds duration = kDefaultRetryDuration;
  std::chrono::nanoseconds max_duration = kDefaultRetryMaxDuration;
  std::int64_t factor = kDefaultRetryFactor;
  if (retry.backoff) {
    if (!retry.backoff->duration.empty()) {
      auto d = ParseArgoDuration(retry.backoff->duration);
      CG_TRY(d);
      duration = *d;
    }
    if (!retry.backoff->max_duration.empty()) {
      auto d = ParseArgoDuration(retry.backoff->max_duration);
      CG_TRY(d);
      max_duration = *d;
    }
    if (retry.backoff->factor) factor = *retry.backoff->factor;
  }
  long double wait = static_cast<long double>(duration.count()) *
                     std::pow(static_cast<long double>(factor),
                              static_cast<long double>(std::max<std::int64_t>(retry_count, 0)));
  if (max_duration.count() > 0)
    wait = std::min(wait, static_cast<long double>(max_duration.count()));
  wait = std::clamp(wait, 0.0L, 9.2e18L);
  return std::chrono::nanoseconds(static_cast<std::int64_t>(wait));
}

bool RetryAllowed(const RetryStrategy& retry, std::int64_t retry_count) {
  return retry.limit < 0 || retry_count < retry.limit;
}

}  // namespace cellgate::argo

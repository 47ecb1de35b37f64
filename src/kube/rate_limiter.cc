#include "kube/rate_limiter.h"

#include <algorithm>

#include "core/mutex.h"

namespace cellgate::kube {

TokenBucket::TokenBucket(RateLimitOptions options, const Clock& clock)
    : options_{options.qps, std::max(1, options.burst)},
      clock_(clock),
      tokens_(options_.burst),
      last_(clock.Now()) {}

std::chrono::nanoseconds TokenBucket::Reserve() {
  if (options_.qps <= 0) return std::chrono::nanoseconds(0);
  core::MutexLock lock(mu_);
  auto now = clock_.Now();
  if (now > last_) {
    double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min<double>(options_.burst, tokens_ + elapsed * options_.qps);
    last_ = now;
  }
  tokens_ -= 1;
  if (tokens_ >= 0) return std::chrono::nanoseconds(0);
  return std::chrono::nanoseconds(static_cast<long long>(-tokens_ / options_.qps * 1e9));
}

}  // namespace cellgate::kube

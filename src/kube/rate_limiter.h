// A token bucket that paces the requests one cell's client sends (client-go's
// flowcontrol.NewTokenBucketRateLimiter, with the same defaults: QPS 50, burst 100 in
// cellgate; client-go defaults to 5/10, which is too slow for syncing whole applications).
//
// The bucket holds up to `burst` tokens and refills at `qps` per second. Reserve() takes one
// token and says how long the caller must wait before using it; the debt is recorded at
// once, so concurrent callers queue fairly in arrival order. It is driven by a Clock, so
// tests use FakeClock and never sleep.
//
// Thread-safety: thread-safe.
#pragma once

#include <chrono>

#include "core/clock.h"
#include "core/mutex.h"

namespace cellgate::kube {

struct RateLimitOptions {
  double qps = 50;  // <= 0 disables limiting
  int burst = 100;  // bucket size; at least 1
};

class TokenBucket {
 public:
  // `clock` must outlive the bucket. The bucket starts full.
  TokenBucket(RateLimitOptions options, const Clock& clock);

  // Takes a token; returns how long to wait before the request may go (zero if now).
  std::chrono::nanoseconds Reserve();

 private:
  const RateLimitOptions options_;
  const Clock& clock_;
  core::Mutex mu_;
  double tokens_ GUARDED_BY(mu_);  // negative = queued debt
  Clock::TimePoint last_ GUARDED_BY(mu_);
};

}  // namespace cellgate::kube

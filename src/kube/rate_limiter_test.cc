#include "kube/rate_limiter.h"

#include <gtest/gtest.h>

namespace cellgate::kube {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;

TEST(TokenBucket, BurstThenPacedAtQps) {
  FakeClock clock;
  TokenBucket bucket({.qps = 10, .burst = 3}, clock);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(bucket.Reserve(), nanoseconds(0)) << i;
  EXPECT_EQ(bucket.Reserve(), milliseconds(100));  // the 4th waits one token time
  EXPECT_EQ(bucket.Reserve(), milliseconds(200));  // queued behind it
}

TEST(TokenBucket, RefillsWithTimeUpToBurst) {
  FakeClock clock;
  TokenBucket bucket({.qps = 10, .burst = 2}, clock);
  bucket.Reserve();
  bucket.Reserve();
  clock.Advance(milliseconds(100));
  EXPECT_EQ(bucket.Reserve(), nanoseconds(0));
  EXPECT_EQ(bucket.Reserve(), milliseconds(100));
  clock.Advance(std::chrono::seconds(60));  // long idle: only `burst` tokens accumulate
  EXPECT_EQ(bucket.Reserve(), nanoseconds(0));
  EXPECT_EQ(bucket.Reserve(), nanoseconds(0));
  EXPECT_GT(bucket.Reserve(), nanoseconds(0));
}

TEST(TokenBucket, DebtIsPaidBackByTime) {
  FakeClock clock;
  TokenBucket bucket({.qps = 50, .burst = 1}, clock);
  EXPECT_EQ(bucket.Reserve(), nanoseconds(0));
  EXPECT_EQ(bucket.Reserve(), milliseconds(20));
  clock.Advance(milliseconds(20));  // the waiter went
  EXPECT_EQ(bucket.Reserve(), milliseconds(20));
}

TEST(TokenBucket, DisabledWhenQpsIsZero) {
  FakeClock clock;
  TokenBucket bucket({.qps = 0, .burst = 1}, clock);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(bucket.Reserve(), nanoseconds(0));
}

TEST(TokenBucket, DefaultsAreFiftyAndHundred) {
  RateLimitOptions o;
  EXPECT_EQ(o.qps, 50);
  EXPECT_EQ(o.burst, 100);
}

}  // namespace
}  // namespace cellgate::kube

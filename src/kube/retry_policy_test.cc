#include "kube/retry_policy.h"

#include <gtest/gtest.h>

namespace cellgate::kube {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

AttemptOutcome Http(long status, bool idempotent) {
  return {.http_status = status, .idempotent = idempotent};
}

TEST(RetryPolicy, SuccessAndClientErrorsAreFinal) {
  RetryOptions o;
  for (long s : {200L, 201L, 400L, 401L, 403L, 404L, 409L, 410L, 422L}) {
    EXPECT_FALSE(RetryDelay(o, Http(s, true), 0, 0.5)) << s;
  }
}

TEST(RetryPolicy, ServerErrorsOnlyForIdempotentRequests) {
  RetryOptions o;
  EXPECT_TRUE(RetryDelay(o, Http(500, true), 0, 0.5));
  EXPECT_TRUE(RetryDelay(o, Http(503, true), 0, 0.5));
  EXPECT_FALSE(RetryDelay(o, Http(503, false), 0, 0.5));
}

TEST(RetryPolicy, TooManyRequestsAlwaysAndHonoursRetryAfter) {
  RetryOptions o;
  AttemptOutcome busy = Http(429, false);
  EXPECT_TRUE(RetryDelay(o, busy, 0, 0.5));
  busy.retry_after = seconds(3);
  EXPECT_EQ(RetryDelay(o, busy, 0, 0.9), milliseconds(3000));
  busy.retry_after = seconds(3600);
  EXPECT_EQ(RetryDelay(o, busy, 0, 0.9), o.max_retry_after);
}

TEST(RetryPolicy, ConnectionFailures) {
  RetryOptions o;
  EXPECT_TRUE(RetryDelay(o, {.failure = FailureKind::kConnectFailed}, 0, 0.5));
  EXPECT_TRUE(RetryDelay(o, {.failure = FailureKind::kConnectionLost, .idempotent = true}, 0, 0.5));
  EXPECT_FALSE(RetryDelay(o, {.failure = FailureKind::kConnectionLost}, 0, 0.5));
  EXPECT_FALSE(RetryDelay(o, {.failure = FailureKind::kTimeout, .idempotent = true}, 0, 0.5));
  EXPECT_FALSE(RetryDelay(o, {.failure = FailureKind::kPermanent, .idempotent = true}, 0, 0.5));
}

TEST(RetryPolicy, ExponentialWithEqualJitterAndCap) {
  RetryOptions o{
      .max_retries = 10, .initial_backoff = milliseconds(100), .max_backoff = milliseconds(1000)};
  AttemptOutcome busy = Http(503, true);
  EXPECT_EQ(RetryDelay(o, busy, 0, 0.0), milliseconds(50));
  EXPECT_EQ(RetryDelay(o, busy, 0, 1.0), milliseconds(100));
  EXPECT_EQ(RetryDelay(o, busy, 1, 1.0), milliseconds(200));
  EXPECT_EQ(RetryDelay(o, busy, 2, 0.5), milliseconds(300));  // 400 * (0.5 + 0.25)
  EXPECT_EQ(RetryDelay(o, busy, 9, 1.0), milliseconds(1000));
  EXPECT_EQ(RetryDelay(o, busy, 9, 0.0), milliseconds(500));
}

TEST(RetryPolicy, StopsAfterMaxRetries) {
  RetryOptions o{.max_retries = 2};
  EXPECT_TRUE(RetryDelay(o, Http(503, true), 1, 0.5));
  EXPECT_FALSE(RetryDelay(o, Http(503, true), 2, 0.5));
  EXPECT_FALSE(RetryDelay(RetryOptions{.max_retries = 0}, Http(429, true), 0, 0.5));
}

TEST(RetryPolicy, ParseRetryAfter) {
  EXPECT_EQ(ParseRetryAfter("5"), seconds(5));
  EXPECT_EQ(ParseRetryAfter(" 12 "), seconds(12));
  EXPECT_FALSE(ParseRetryAfter(""));
  EXPECT_FALSE(ParseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT"));
  EXPECT_FALSE(ParseRetryAfter("-1"));
}

}  // namespace
}  // namespace cellgate::kube

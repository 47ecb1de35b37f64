// The retry bookkeeping of Argo CD's controller (controller/appcontroller.go,
// processRequestedAppOperation; RetryStrategy.NextRetryAt in pkg/apis/application/v1alpha1).
#include "controller/operation_retry.h"

#include <gtest/gtest.h>

namespace cellgate::controller {
namespace {

using namespace std::chrono_literals;

runtime::WallTime At(const char* rfc3339) { return *runtime::ParseRfc3339(rfc3339); }

fleet::OperationStateInput FailedAttempt(std::int64_t retry_count, std::string phase = "Failed") {
  return fleet::OperationStateInput{.phase = std::move(phase),
                                    .message = "one or more objects failed to apply",
                                    .started_at = At("2024-05-01T14:59:00Z"),
                                    .finished_at = At("2024-05-01T15:00:00Z"),
                                    .retry_count = retry_count,
                                    .has_sync_result = true};
}

TEST(KitchenTimeTest, FormatsLikeGoTimeKitchen) {
  EXPECT_EQ(KitchenTime(At("2024-05-01T15:04:05Z")), "3:04PM");
  EXPECT_EQ(KitchenTime(At("2024-05-01T00:07:00Z")), "12:07AM");
  EXPECT_EQ(KitchenTime(At("2024-05-01T12:00:59Z")), "12:00PM");
  EXPECT_EQ(KitchenTime(At("2024-05-01T09:30:00Z")), "9:30AM");
  EXPECT_EQ(KitchenTime(At("2024-05-01T23:59:00Z")), "11:59PM");
}

TEST(ScheduleRetryTest, FailedAttemptWithRetriesLeftStaysRunning) {
  const runtime::WallTime now = At("2024-05-01T15:04:00Z");
  fleet::OperationStateInput state = FailedAttempt(0);
  auto wait = ScheduleRetry(state, fleet::RetryStrategy{.limit = 5}, now);
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, std::chrono::nanoseconds(5s));  // Argo CD's default: 5 s, factor 2
  EXPECT_EQ(state.phase, "Running");
  EXPECT_EQ(state.retry_count, 1);
  ASSERT_TRUE(state.finished_at);
  EXPECT_EQ(*state.finished_at, now);
  EXPECT_EQ(state.message, "one or more objects failed to apply. Retrying attempt #1 at 3:04PM.");
  EXPECT_TRUE(state.has_sync_result);

  // The third attempt failed (retryCount 2): the next waits 5 s * 2^2, past the minute.
  fleet::OperationStateInput third = FailedAttempt(2, "Error");
  wait = ScheduleRetry(third, fleet::RetryStrategy{.limit = -1}, At("2024-05-01T15:04:45Z"));
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, std::chrono::nanoseconds(20s));
  EXPECT_EQ(third.retry_count, 3);
  EXPECT_EQ(third.message, "one or more objects failed to apply. Retrying attempt #3 at 3:05PM.");
}

TEST(ScheduleRetryTest, LastFailureCountsTheRetries) {
  fleet::OperationStateInput state = FailedAttempt(2);
  EXPECT_FALSE(ScheduleRetry(state, fleet::RetryStrategy{.limit = 2}, At("2024-05-01T15:04:00Z")));
  EXPECT_EQ(state.phase, "Failed");
  EXPECT_EQ(state.retry_count, 2);
  EXPECT_EQ(state.message, "one or more objects failed to apply (retried 2 times).");
  // Without a retry strategy the message is left as it is.
  fleet::OperationStateInput once = FailedAttempt(0);
  EXPECT_FALSE(ScheduleRetry(once, fleet::RetryStrategy{}, At("2024-05-01T15:04:00Z")));
  EXPECT_EQ(once.message, "one or more objects failed to apply");
}

TEST(ScheduleRetryTest, UnparsableBackoffEndsTheOperation) {
  fleet::OperationStateInput state = FailedAttempt(0);
  fleet::RetryStrategy retry{.limit = 3, .backoff = fleet::RetryBackoff{.duration = "5x"}};
  EXPECT_FALSE(ScheduleRetry(state, retry, At("2024-05-01T15:04:00Z")));
  EXPECT_EQ(state.phase, "Error");
  EXPECT_EQ(state.message,
            "one or more objects failed to apply (failed to retry: unable to parse 5x as a "
            "duration)");
}

TEST(ScheduleRetryTest, SucceededAndRunningAttemptsAreLeftAlone) {
  for (const char* phase : {"Succeeded", "Running"}) {
    fleet::OperationStateInput state = FailedAttempt(0, phase);
    EXPECT_FALSE(
        ScheduleRetry(state, fleet::RetryStrategy{.limit = 5}, At("2024-05-01T15:04:00Z")));
    EXPECT_EQ(state.phase, phase);
    EXPECT_EQ(state.message, "one or more objects failed to apply");
  }
}

TEST(RetryDueAtTest, PendingRetryIsDueWhenItsMessageSays) {
  const runtime::WallTime finished = At("2024-05-01T15:00:00Z");
  fleet::RetryStrategy retry{.limit = 5,
                             .backoff = fleet::RetryBackoff{.duration = "10s", .factor = 3}};
  EXPECT_EQ(RetryDueAt(retry, finished, 1), finished + 10s);
  EXPECT_EQ(RetryDueAt(retry, finished, 2), finished + 30s);
  EXPECT_TRUE(RetryPending("Running", true, 1));
  EXPECT_FALSE(RetryPending("Running", false, 1)) << "a sync in progress";
  EXPECT_FALSE(RetryPending("Running", true, 0));
  EXPECT_FALSE(RetryPending("Failed", true, 2));
}

}  // namespace
}  // namespace cellgate::controller

// What a sync attempt leaves in status.operationState under the operation's retry strategy,
// as Argo CD's controller writes it (controller/appcontroller.go,
// processRequestedAppOperation), for manual operations and automated syncs alike:
//
//  - A Failed or Error attempt with retries left (retryCount < limit, or limit < 0) stays
//    phase Running with finishedAt = now, retryCount + 1, and the message
//    "<message>. Retrying attempt #<retryCount> at <time>." where <time> is when the retry is
//    due (now + RetryDelay of the attempt's retryCount) in Go's time.Kitchen layout ("3:04PM",
//    UTC). The retry runs at that time.
//  - A backoff that cannot be parsed ends the operation: phase Error,
//    "<message> (failed to retry: <error>)".
//  - A failed attempt with no retry left keeps its phase; after at least one retry the message
//    gains " (retried <retryCount> times).".
//  - A retry attempt, while it runs, says "Retrying operation. Attempt #<retryCount>".
//
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "fleet/app_status.h"
#include "fleet/retry_strategy.h"
#include "runtime/time_format.h"

namespace cellgate::controller {

// Go's time.Kitchen layout ("3:04PM") of `t` in UTC.
std::string KitchenTime(runtime::WallTime t);

// Applies the retry strategy to the state a finished attempt wrote (its retry_count is the
// attempt's: 0 for the first). Returns the wait before the retry when one is scheduled.
// States whose phase is not Failed or Error are left alone.
std::optional<std::chrono::nanoseconds> ScheduleRetry(fleet::OperationStateInput& state,
                                                      const fleet::RetryStrategy& retry,
                                                      runtime::WallTime now);

// True for the state ScheduleRetry leaves when a retry is pending: phase Running with
// finishedAt set and retryCount > 0.
bool RetryPending(std::string_view phase, bool finished, std::int64_t retry_count);

// When the pending retry number `retry_count` (>= 1) of an attempt that finished at
// `finished` is due: finished + RetryDelay(retry_count - 1), or 5 s after `finished` if the
// backoff cannot be parsed.
runtime::WallTime RetryDueAt(const fleet::RetryStrategy& retry, runtime::WallTime finished,
                             std::int64_t retry_count);

// The message of a running retry attempt.
std::string RetryingMessage(std::int64_t retry_count);

}  // namespace cellgate::controller

#include "controller/operation_retry.h"

#include <cstdio>
#include <ctime>

namespace cellgate::controller {
namespace {

bool FailedPhase(std::string_view phase) { return phase == "Failed" || phase == "Error"; }

}  // namespace

std::string KitchenTime(runtime::WallTime t) {
  std::time_t tt = static_cast<std::time_t>(
      std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count());
  std::tm tm{};
  gmtime_r(&tt, &tm);
  int hour = tm.tm_hour % 12;
  if (hour == 0) hour = 12;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%d:%02d%s", hour, tm.tm_min, tm.tm_hour < 12 ? "AM" : "PM");
  return buf;
}

std::optional<std::chrono::nanoseconds> ScheduleRetry(fleet::OperationStateInput& state,
                                                      const fleet::RetryStrategy& retry,
                                                      runtime::WallTime now) {
  if (!FailedPhase(state.phase)) return std::nullopt;
  if (!fleet::RetryAllowed(retry, state.retry_count)) {
    if (state.retry_count > 0) {
      state.message += " (retried " + std::to_string(state.retry_count) + " times).";
    }
    return std::nullopt;
  }
  auto delay = fleet::RetryDelay(retry, state.retry_count);
  if (!delay) {
    state.phase = "Error";
    state.message += " (failed to retry: " + delay.error().message() + ")";
    return std::nullopt;
  }
  state.phase = "Running";
  state.finished_at = now;
  state.retry_count += 1;
  state.message +=
      ". Retrying attempt #" + std::to_string(state.retry_count) + " at " +
      KitchenTime(now + std::chrono::duration_cast<runtime::WallTime::duration>(*delay)) + ".";
  return *delay;
}

bool RetryPending(std::string_view phase, bool finished, std::int64_t retry_count) {
  return phase == "Running" && finished && retry_count > 0;
}

runtime::WallTime RetryDueAt(const fleet::RetryStrategy& retry, runtime::WallTime finished,
                             std::int64_t retry_count) {
  auto delay = fleet::RetryDelay(retry, retry_count > 0 ? retry_count - 1 : 0);
  std::chrono::nanoseconds wait = delay ? *delay : std::chrono::seconds(5);
  return finished + std::chrono::duration_cast<runtime::WallTime::duration>(wait);
}

std::string RetryingMessage(std::int64_t retry_count) {
  return "Retrying operation. Attempt #" + std::to_string(retry_count);
}

}  // namespace cellgate::controller

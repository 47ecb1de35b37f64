// HealRunner: clients run when due, one run at a time per client, backoffs wait for the
// clock, Cancel waits for a run in progress. The scheduling rules are checked on a manual
// runner driven from the test thread; the workers are checked with latches and condition
// variables, never by sleeping to see that nothing happens.
#include "engine/heal_runner.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <latch>
#include <thread>

#include "core/mutex.h"

namespace cellgate::engine {
namespace {

using namespace std::chrono_literals;

// Calls `body` for each run; records how many runs happened and whether two overlapped.
class CountingClient final : public HealRunner::Client {
 public:
  explicit CountingClient(std::function<std::optional<Clock::TimePoint>(int)> body = {})
      : body_(std::move(body)) {}
  std::optional<Clock::TimePoint> RunDue() override {
    if (inside_.exchange(true)) overlapped_ = true;
    int n = 0;
    {
      core::MutexLock lock(mu_);
      n = ++runs_;
    }
    cv_.notify_all();
    std::optional<Clock::TimePoint> next = body_ ? body_(n) : std::nullopt;
    inside_ = false;
    cv_.notify_all();
    return next;
  }
  int runs() const {
    core::MutexLock lock(mu_);
    return runs_;
  }
  // Waits (at most 10 s, a bound for a broken runner, not a timing) until `n` runs started.
  bool WaitForRuns(int n) {
    core::MutexLock lock(mu_);
    return cv_.wait_for(lock, 10s, [&] { return runs_ >= n; });
  }
  bool overlapped() const { return overlapped_; }

 private:
  std::function<std::optional<Clock::TimePoint>(int)> body_;
  mutable core::Mutex mu_;
  core::CondVar cv_;
  int runs_ = 0;
  std::atomic<bool> inside_{false};
  std::atomic<bool> overlapped_{false};
};

// A clock a test may advance while workers read it.
class SharedClock final : public Clock {
 public:
  TimePoint Now() const override { return now_.load(); }
  std::chrono::system_clock::time_point WallNow() const override { return {}; }
  void Advance(std::chrono::nanoseconds d) { now_.store(now_.load() + d); }

 private:
  std::atomic<TimePoint> now_{TimePoint{}};
};

TEST(HealRunnerTest, RunsAClientWhenScheduledAndForgetsItWhenNothingIsPending) {
  FakeClock clock;
  auto runner = HealRunner::Manual(clock);
  CountingClient client;
  EXPECT_EQ(runner->RunReady(), 0u);
  runner->Schedule(&client, clock.Now());
  EXPECT_EQ(runner->Active(), 1u);
  EXPECT_EQ(runner->NextDue(), clock.Now());
  EXPECT_EQ(runner->RunReady(), 1u);
  EXPECT_EQ(client.runs(), 1);
  EXPECT_EQ(runner->Active(), 0u);
  EXPECT_FALSE(runner->NextDue());
  EXPECT_EQ(runner->RunReady(), 0u) << "not run again without a Schedule";
  runner->Cancel(&client);
}

TEST(HealRunnerTest, ABackoffWaitsForTheClock) {
  FakeClock clock;
  auto runner = HealRunner::Manual(clock);
  const Clock::TimePoint later = clock.Now() + 10s;
  CountingClient client([&](int n) -> std::optional<Clock::TimePoint> {
    if (n == 1) return later;  // something pending, due in 10 s
    return std::nullopt;
  });
  runner->Schedule(&client, clock.Now());
  EXPECT_EQ(runner->RunReady(), 1u);
  EXPECT_EQ(runner->Active(), 1u);
  EXPECT_EQ(runner->NextDue(), later);
  clock.Advance(10s - 1ms);
  EXPECT_EQ(runner->RunReady(), 0u);
  clock.Advance(1ms);
  EXPECT_EQ(runner->RunReady(), 1u);
  EXPECT_EQ(client.runs(), 2);
  EXPECT_EQ(runner->Active(), 0u);
  runner->Cancel(&client);
}

TEST(HealRunnerTest, EarlierScheduleWinsAndClientsRunInDueOrder) {
  FakeClock clock;
  auto runner = HealRunner::Manual(clock);
  std::vector<std::string> order;
  CountingClient a([&](int) -> std::optional<Clock::TimePoint> {
    order.push_back("a");
    return std::nullopt;
  });
  CountingClient b([&](int) -> std::optional<Clock::TimePoint> {
    order.push_back("b");
    return std::nullopt;
  });
  runner->Schedule(&a, clock.Now() + 5s);
  runner->Schedule(&a, clock.Now() + 2s);  // earlier wins
  runner->Schedule(&a, clock.Now() + 9s);  // later loses
  runner->Schedule(&b, clock.Now() + 1s);
  EXPECT_EQ(runner->NextDue(), clock.Now() + 1s);
  clock.Advance(2s);
  EXPECT_EQ(runner->RunReady(), 2u);
  EXPECT_EQ(order, (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(runner->Active(), 0u);
}

TEST(HealRunnerTest, AScheduleDuringARunRunsTheClientAgainAfterIt) {
  FakeClock clock;
  auto runner = HealRunner::Manual(clock);
  CountingClient* self = nullptr;
  CountingClient client([&](int n) -> std::optional<Clock::TimePoint> {
    if (n == 1) runner->Schedule(self, clock.Now());
    return std::nullopt;
  });
  self = &client;
  runner->Schedule(&client, clock.Now());
  EXPECT_EQ(runner->RunReady(), 2u);
  EXPECT_EQ(runner->Active(), 0u);
}

TEST(HealRunnerTest, WorkersRunADueClientOnceAndNeverTwoRunsAtATime) {
  FakeClock clock;
  HealRunner runner(clock, 3);
  std::latch entered(1);
  std::latch release(1);
  CountingClient client([&](int n) -> std::optional<Clock::TimePoint> {
    if (n == 1) {
      entered.count_down();
      release.wait();
    }
    return std::nullopt;
  });
  runner.Schedule(&client, clock.Now());
  entered.wait();
  runner.Schedule(&client, clock.Now());  // while running: no second worker may take it
  runner.Schedule(&client, clock.Now());
  release.count_down();
  ASSERT_TRUE(client.WaitForRuns(2));
  runner.Cancel(&client);
  EXPECT_EQ(client.runs(), 2) << "two Schedules during one run ask for one more run";
  EXPECT_FALSE(client.overlapped());
  EXPECT_EQ(runner.Active(), 0u);
}

TEST(HealRunnerTest, WorkersNoticeAnAdvancedClockWithoutANotification) {
  SharedClock clock;
  HealRunner runner(clock, 2);
  const Clock::TimePoint later = clock.Now() + 10s;
  std::latch first(1);
  CountingClient client([&](int n) -> std::optional<Clock::TimePoint> {
    if (n == 1) {
      first.count_down();
      return later;
    }
    return std::nullopt;
  });
  runner.Schedule(&client, clock.Now());
  first.wait();
  clock.Advance(10s);  // no Schedule: the workers re-read the clock on their own
  ASSERT_TRUE(client.WaitForRuns(2));
  runner.Cancel(&client);
  EXPECT_EQ(client.runs(), 2);
}

TEST(HealRunnerTest, CancelWaitsForARunInProgressAndDropsWhatWasScheduled) {
  FakeClock clock;
  HealRunner runner(clock, 1);
  std::latch entered(1);
  std::latch release(1);
  std::atomic<bool> finished{false};
  CountingClient* self = nullptr;
  CountingClient slow([&](int) -> std::optional<Clock::TimePoint> {
    runner.Schedule(self, clock.Now() + 1h);  // visible in NextDue until Cancel marks it
    entered.count_down();
    release.wait();
    finished = true;
    return clock.Now();  // would run again at once
  });
  self = &slow;
  runner.Schedule(&slow, clock.Now());
  entered.wait();
  ASSERT_TRUE(runner.NextDue().has_value());
  std::atomic<bool> finished_before_cancel_returned{false};
  std::thread canceller([&] {
    runner.Cancel(&slow);
    finished_before_cancel_returned = finished.load();
  });
  // A cancelled client is no longer due: once NextDue says so, Cancel is waiting for the run.
  while (runner.NextDue().has_value()) std::this_thread::yield();
  release.count_down();
  canceller.join();
  EXPECT_TRUE(finished_before_cancel_returned) << "Cancel returned only after the run";
  EXPECT_EQ(runner.Active(), 0u);
  EXPECT_FALSE(runner.NextDue()) << "what the run asked for was dropped";
  EXPECT_EQ(slow.runs(), 1);
}

TEST(HealRunnerTest, OneBusyClientDoesNotHoldUpAnotherWhenThereAreWorkers) {
  FakeClock clock;
  HealRunner runner(clock, 2);
  std::latch release(1);
  CountingClient busy([&](int) -> std::optional<Clock::TimePoint> {
    release.wait();
    return std::nullopt;
  });
  CountingClient quick;
  runner.Schedule(&busy, clock.Now());
  ASSERT_TRUE(busy.WaitForRuns(1));
  runner.Schedule(&quick, clock.Now());
  EXPECT_TRUE(quick.WaitForRuns(1));
  release.count_down();
  runner.Cancel(&busy);
  runner.Cancel(&quick);
}

}  // namespace
}  // namespace cellgate::engine

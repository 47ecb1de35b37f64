// HealRunner: clients run when due, one run at a time per client, backoffs wait for the
// clock, Cancel waits for a run in progress.
#include "engine/heal_runner.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <latch>
#include <thread>

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
    int n = ++runs_;
    std::optional<Clock::TimePoint> next = body_ ? body_(n) : std::nullopt;
    inside_ = false;
    return next;
  }
  int runs() const { return runs_; }
  bool overlapped() const { return overlapped_; }

 private:
  std::function<std::optional<Clock::TimePoint>(int)> body_;
  std::atomic<int> runs_{0};
  std::atomic<bool> inside_{false};
  std::atomic<bool> overlapped_{false};
};

bool WaitFor(const std::function<bool()>& done) {
  for (int i = 0; i < 500 && !done(); ++i) std::this_thread::sleep_for(10ms);
  return done();
}

TEST(HealRunnerTest, RunsAClientWhenScheduledAndForgetsItWhenNothingIsPending) {
  FakeClock clock;
  HealRunner runner(clock, 2);
  CountingClient client;
  runner.Schedule(&client, clock.Now());
  ASSERT_TRUE(WaitFor([&] { return client.runs() == 1 && runner.Active() == 0; }));
  std::this_thread::sleep_for(150ms);
  EXPECT_EQ(client.runs(), 1);  // not run again without a Schedule
  runner.Cancel(&client);
}

TEST(HealRunnerTest, ABackoffWaitsForTheClock) {
  FakeClock clock;
  HealRunner runner(clock, 2);
  const Clock::TimePoint later = clock.Now() + 10s;
  CountingClient client([&](int n) -> std::optional<Clock::TimePoint> {
    if (n == 1) return later;  // something pending, due in 10 s
    return std::nullopt;
  });
  runner.Schedule(&client, clock.Now());
  ASSERT_TRUE(WaitFor([&] { return client.runs() == 1; }));
  std::this_thread::sleep_for(250ms);
  EXPECT_EQ(client.runs(), 1);
  EXPECT_EQ(runner.Active(), 1u);
  clock.Advance(10s);
  ASSERT_TRUE(WaitFor([&] { return client.runs() == 2 && runner.Active() == 0; }));
  runner.Cancel(&client);
}

TEST(HealRunnerTest, AScheduleDuringARunRunsTheClientAgainAfterIt) {
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
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(client.runs(), 1);
  release.count_down();
  ASSERT_TRUE(WaitFor([&] { return client.runs() == 2 && runner.Active() == 0; }));
  EXPECT_FALSE(client.overlapped());
  runner.Cancel(&client);
}

TEST(HealRunnerTest, CancelWaitsForARunInProgressAndDropsWhatWasScheduled) {
  FakeClock clock;
  HealRunner runner(clock, 1);
  std::latch entered(1);
  std::atomic<bool> finished{false};
  CountingClient slow([&](int) -> std::optional<Clock::TimePoint> {
    entered.count_down();
    std::this_thread::sleep_for(200ms);
    finished = true;
    return clock.Now();  // would run again at once
  });
  runner.Schedule(&slow, clock.Now());
  entered.wait();
  runner.Cancel(&slow);
  EXPECT_TRUE(finished);  // Cancel returned only after the run
  EXPECT_EQ(runner.Active(), 0u);
  std::this_thread::sleep_for(150ms);
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
  ASSERT_TRUE(WaitFor([&] { return busy.runs() == 1; }));
  runner.Schedule(&quick, clock.Now());
  EXPECT_TRUE(WaitFor([&] { return quick.runs() == 1; }));
  release.count_down();
  runner.Cancel(&busy);
  runner.Cancel(&quick);
}

}  // namespace
}  // namespace cellgate::engine

#include "runtime/work_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace cellgate::runtime {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

TEST(WorkQueue, DeduplicatesQueuedKeysAndKeepsFifoOrder) {
  FakeClock clock;
  WorkQueue q(clock);
  q.Add("a");
  q.Add("b");
  q.Add("a");
  q.Add("c");
  EXPECT_EQ(q.Len(), 3u);
  EXPECT_EQ(q.TryGet(), "a");
  EXPECT_EQ(q.TryGet(), "b");
  EXPECT_EQ(q.TryGet(), "c");
  EXPECT_EQ(q.TryGet(), std::nullopt);
}

TEST(WorkQueue, KeyBeingProcessedIsNotHandedOutAgainUntilDone) {
  FakeClock clock;
  WorkQueue q(clock);
  q.Add("a");
  ASSERT_EQ(q.TryGet(), "a");
  q.Add("a");  // changed while a worker has it
  q.Add("a");
  EXPECT_EQ(q.Len(), 0u);
  EXPECT_EQ(q.TryGet(), std::nullopt);
  q.Done("a");
  EXPECT_EQ(q.Len(), 1u);
  EXPECT_EQ(q.TryGet(), "a");  // processed again, once
  q.Done("a");
  EXPECT_EQ(q.TryGet(), std::nullopt);
}

TEST(WorkQueue, DoneWithoutReAddDoesNotRequeue) {
  FakeClock clock;
  WorkQueue q(clock);
  q.Add("a");
  ASSERT_EQ(q.TryGet(), "a");
  q.Done("a");
  q.Done("a");  // a second Done is ignored
  EXPECT_EQ(q.Len(), 0u);
}

TEST(WorkQueue, AddAfterWaitsForTheClockAndEarlierDeadlineWins) {
  FakeClock clock;
  WorkQueue q(clock);
  q.AddAfter("a", seconds(10));
  q.AddAfter("a", seconds(30));  // later: ignored
  q.AddAfter("b", seconds(5));
  EXPECT_EQ(q.DelayedLen(), 2u);
  EXPECT_EQ(q.TryGet(), std::nullopt);
  clock.Advance(seconds(5));
  EXPECT_EQ(q.TryGet(), "b");
  q.AddAfter("a", seconds(1));  // earlier than the 10 s deadline: moves it forward
  clock.Advance(seconds(1));
  EXPECT_EQ(q.TryGet(), "a");
  q.Done("a");
  clock.Advance(seconds(60));
  EXPECT_EQ(q.TryGet(), std::nullopt);  // the replaced deadlines do not fire again
  EXPECT_EQ(q.DelayedLen(), 0u);
}

TEST(WorkQueue, AddAfterZeroIsAdd) {
  FakeClock clock;
  WorkQueue q(clock);
  q.AddAfter("a", nanoseconds(0));
  EXPECT_EQ(q.TryGet(), "a");
}

TEST(WorkQueue, DelayedKeyAlreadyQueuedIsNotDuplicated) {
  FakeClock clock;
  WorkQueue q(clock);
  q.Add("a");
  q.AddAfter("a", seconds(1));
  clock.Advance(seconds(1));
  EXPECT_EQ(q.TryGet(), "a");
  EXPECT_EQ(q.TryGet(), std::nullopt);
}

TEST(WorkQueue, RateLimitedBackoffDoublesPerKeyUntilForget) {
  FakeClock clock;
  WorkQueue q(clock, {.base_backoff = milliseconds(5), .max_backoff = milliseconds(30)});
  auto fires_after = [&](const std::string& key, milliseconds expected) {
    q.AddRateLimited(key);
    clock.Advance(expected - milliseconds(1));
    EXPECT_EQ(q.TryGet(), std::nullopt) << key << " fired before " << expected.count() << " ms";
    clock.Advance(milliseconds(1));
    auto got = q.TryGet();
    EXPECT_EQ(got, key) << "after " << expected.count() << " ms";
    if (got) q.Done(*got);
  };
  fires_after("a", milliseconds(5));
  fires_after("a", milliseconds(10));
  fires_after("a", milliseconds(20));
  fires_after("a", milliseconds(30));  // capped
  fires_after("a", milliseconds(30));
  EXPECT_EQ(q.NumRequeues("a"), 5);
  fires_after("b", milliseconds(5));  // per key
  q.Forget("a");
  EXPECT_EQ(q.NumRequeues("a"), 0);
  fires_after("a", milliseconds(5));
}

TEST(WorkQueue, BackoffDoesNotOverflowAfterManyFailures) {
  FakeClock clock;
  WorkQueue q(clock, {.base_backoff = milliseconds(5), .max_backoff = seconds(1000)});
  for (int i = 0; i < 200; ++i) q.AddRateLimited("a");
  EXPECT_EQ(q.NumRequeues("a"), 200);
  clock.Advance(milliseconds(5));  // the first, shortest deadline is the one kept
  EXPECT_EQ(q.TryGet(), "a");
  q.Done("a");
  q.AddRateLimited("a");
  clock.Advance(seconds(999));
  EXPECT_EQ(q.TryGet(), std::nullopt);
  clock.Advance(seconds(1));
  EXPECT_EQ(q.TryGet(), "a");
}

TEST(WorkQueue, ShutDownWakesBlockedWorkersAndIgnoresLaterAdds) {
  SystemClock clock;
  WorkQueue q(clock);
  std::atomic<int> returned{0};
  std::vector<std::thread> workers;
  workers.reserve(4);
  for (int i = 0; i < 4; ++i) {
    workers.emplace_back([&] {
      EXPECT_EQ(q.Get(), std::nullopt);
      ++returned;
    });
  }
  q.ShutDown();
  for (auto& w : workers) w.join();
  EXPECT_EQ(returned.load(), 4);
  EXPECT_TRUE(q.ShuttingDown());
  q.Add("a");
  q.AddAfter("b", milliseconds(1));
  q.AddRateLimited("c");
  EXPECT_EQ(q.Len(), 0u);
  EXPECT_EQ(q.TryGet(), std::nullopt);
  EXPECT_EQ(q.Get(), std::nullopt);
}

TEST(WorkQueue, ShutDownStopsHandingOutQueuedKeys) {
  FakeClock clock;
  WorkQueue q(clock);
  q.Add("a");
  q.ShutDown();
  EXPECT_EQ(q.Get(), std::nullopt);
}

TEST(WorkQueue, BlockedGetWakesForDelayedKeyOnTheRealClock) {
  SystemClock clock;
  WorkQueue q(clock);
  q.AddAfter("late", seconds(3600));
  std::optional<std::string> got;
  std::thread worker([&] { got = q.Get(); });
  // Added after the worker planned to sleep an hour: it must wake for this one.
  q.AddAfter("soon", milliseconds(20));
  worker.join();
  EXPECT_EQ(got, "soon");
  q.ShutDown();
}

TEST(WorkQueue, ObserversReportDepthWaitAndWork) {
  FakeClock clock;
  std::vector<std::size_t> depths;
  std::vector<nanoseconds> waits;
  std::vector<nanoseconds> works;
  WorkQueue q(clock, {.on_depth = [&](std::size_t d) { depths.push_back(d); },
                      .on_wait = [&](nanoseconds w) { waits.push_back(w); },
                      .on_work = [&](nanoseconds w) { works.push_back(w); }});
  q.Add("a");
  q.Add("b");
  clock.Advance(seconds(3));
  ASSERT_EQ(q.TryGet(), "a");
  clock.Advance(seconds(2));
  q.Done("a");
  q.AddAfter("c", seconds(10));
  clock.Advance(seconds(12));  // ready since its deadline, 2 s before the Get
  ASSERT_EQ(q.TryGet(), "b");
  ASSERT_EQ(q.TryGet(), "c");
  EXPECT_EQ(depths, (std::vector<std::size_t>{1, 2, 1, 2, 1, 0}));
  EXPECT_EQ(waits, (std::vector<nanoseconds>{seconds(3), seconds(17), seconds(2)}));
  EXPECT_EQ(works, (std::vector<nanoseconds>{seconds(2)}));
}

// Many producers and workers on few keys: a key is never processed by two workers at once,
// and every add is followed by a processing that saw it (nothing is lost).
TEST(WorkQueue, ConcurrentProducersAndWorkersLoseNothingAndNeverOverlap) {
  SystemClock clock;
  WorkQueue q(clock);
  constexpr int kKeys = 16;
  constexpr int kProducers = 6;
  constexpr int kWorkers = 6;
  constexpr int kAddsPerProducer = 4000;
  auto name = [](int k) { return "ns/app-" + std::to_string(k); };

  std::vector<std::atomic<int>> generation(kKeys);  // bumped before every Add
  std::vector<std::atomic<int>> seen(kKeys);        // generation a worker started from
  std::vector<std::atomic<int>> in_flight(kKeys);   // workers holding the key now
  std::atomic<int> overlaps{0};
  std::atomic<int> processed{0};
  std::atomic<int> adds{0};

  std::vector<std::thread> workers;
  workers.reserve(kWorkers);
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&] {
      while (auto key = q.Get()) {
        int k = std::stoi(key->substr(key->rfind('-') + 1));
        if (in_flight[k].fetch_add(1) != 0) ++overlaps;
        seen[k].store(generation[k].load());
        std::this_thread::yield();
        in_flight[k].fetch_sub(1);
        ++processed;
        q.Done(*key);
      }
    });
  }
  std::vector<std::thread> producers;
  producers.reserve(kProducers);
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p] {
      for (int i = 0; i < kAddsPerProducer; ++i) {
        int k = (i * 7 + p) % kKeys;
        generation[k].fetch_add(1);
        q.Add(name(k));
        ++adds;
      }
    });
  }
  for (auto& p : producers) p.join();
  auto caught_up = [&] {
    for (int k = 0; k < kKeys; ++k) {
      if (seen[k].load() != generation[k].load()) return false;
    }
    return true;
  };
  auto deadline = std::chrono::steady_clock::now() + seconds(60);
  while (!caught_up() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  q.ShutDown();
  for (auto& w : workers) w.join();
  for (int k = 0; k < kKeys; ++k) {
    EXPECT_EQ(seen[k].load(), generation[k].load()) << "lost an add of " << name(k);
  }
  EXPECT_EQ(overlaps.load(), 0);
  EXPECT_GE(processed.load(), kKeys);
  EXPECT_LE(processed.load(), adds.load());
}

TEST(WorkQueue, ConcurrentRateLimitedRequeuesAllComeBack) {
  SystemClock clock;
  WorkQueue q(clock, {.base_backoff = milliseconds(1), .max_backoff = milliseconds(4)});
  constexpr int kKeys = 50;
  constexpr int kFailuresEach = 3;
  std::vector<std::atomic<int>> attempts(kKeys);
  std::atomic<int> finished{0};
  std::vector<std::thread> workers;
  workers.reserve(4);
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&] {
      while (auto key = q.Get()) {
        int k = std::stoi(*key);
        if (attempts[k].fetch_add(1) + 1 < kFailuresEach + 1) {
          q.AddRateLimited(*key);  // fail: retry with backoff
        } else {
          q.Forget(*key);
          if (++finished == kKeys) q.ShutDown();
        }
        q.Done(*key);
      }
    });
  }
  for (int k = 0; k < kKeys; ++k) q.Add(std::to_string(k));
  for (auto& w : workers) w.join();
  EXPECT_EQ(finished.load(), kKeys);
  for (int k = 0; k < kKeys; ++k) {
    EXPECT_EQ(attempts[k].load(), kFailuresEach + 1) << k;
    EXPECT_EQ(q.NumRequeues(std::to_string(k)), 0) << k;
  }
}

}  // namespace
}  // namespace cellgate::runtime

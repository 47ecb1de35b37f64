#include "controller/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>

#include "controller/app_ref.h"
#include "controller/test_util.h"
#include "core/mutex.h"

namespace cellgate::controller {
namespace {

using namespace std::chrono_literals;
using testing::Eventually;

// A latch the test opens: reconciles of the "dead" queue block on it.
struct Gate {
  core::Mutex mu;
  core::CondVar cv;
  bool open = false;
  void Wait() {
    core::MutexLock lock(mu);
    cv.wait(lock, [&] { return open; });
  }
  void Open() {
    {
      core::MutexLock lock(mu);
      open = true;
    }
    cv.notify_all();
  }
};

TEST(WorkerPoolTest, AHungQueueDoesNotDelayAnother) {
  SystemClock clock;
  Gate gate;
  std::atomic<int> dead_started{0};
  core::Mutex mu;
  std::set<std::string> live_done;
  WorkerPool pool(clock, {.workers_per_queue = 2}, [&](const std::string& q, const std::string& k) {
    if (q == "dead") {
      ++dead_started;
      gate.Wait();
    } else {
      core::MutexLock lock(mu);
      live_done.insert(k);
    }
    return Requeue::None();
  });
  for (int i = 0; i < 5; ++i) pool.Add("dead", "d" + std::to_string(i));
  ASSERT_TRUE(Eventually([&] { return dead_started == 2; }))
      << "both workers of the dead queue are blocked";
  for (int i = 0; i < 20; ++i) pool.Add("live", "l" + std::to_string(i));
  EXPECT_TRUE(Eventually([&] {
    core::MutexLock lock(mu);
    return live_done.size() == 20;
  })) << "the live queue's workers are its own";
  EXPECT_EQ(dead_started, 2) << "the dead queue has only its own two workers";
  EXPECT_EQ(pool.Depths()["dead"], 3u);
  gate.Open();
  EXPECT_TRUE(Eventually([&] { return dead_started == 5; }));
  pool.ShutDown();
}

TEST(WorkerPoolTest, OneKeyIsNeverReconciledTwiceAtOnceAndRequeuesAfterDelay) {
  SystemClock clock;
  std::atomic<int> running{0};
  std::atomic<int> overlaps{0};
  std::atomic<int> runs{0};
  WorkerPool pool(clock, {.workers_per_queue = 4}, [&](const std::string&, const std::string&) {
    if (running.fetch_add(1) > 0) ++overlaps;
    std::this_thread::sleep_for(2ms);
    running.fetch_sub(1);
    return ++runs < 3 ? Requeue::After(1ms) : Requeue::None();
  });
  for (int i = 0; i < 50; ++i) pool.Add("cell-1", "same");
  EXPECT_TRUE(Eventually([&] { return runs >= 3; }));
  std::this_thread::sleep_for(20ms);
  const int settled = runs;
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(overlaps, 0);
  EXPECT_EQ(runs, settled) << "Requeue::None ends the key's requeues";
  EXPECT_LE(settled, 5) << "50 adds of one key collapse into a few reconciles";
  pool.ShutDown();
}

TEST(WorkerPoolTest, ShutDownStopsHandingOutKeysAndIgnoresAdds) {
  SystemClock clock;
  std::atomic<int> runs{0};
  WorkerPool pool(clock, {.workers_per_queue = 1}, [&](const std::string&, const std::string&) {
    ++runs;
    return Requeue::Backoff();
  });
  pool.Add("q", "k");
  ASSERT_TRUE(Eventually([&] { return runs >= 1; }));
  pool.ShutDown();
  int after = runs;
  pool.Add("q", "other");
  // ShutDown joined every worker and the Add made no queue, so no worker exists to run it.
  EXPECT_TRUE(pool.QueueNames().empty());
  EXPECT_TRUE(pool.Depths().empty());
  EXPECT_EQ(runs, after);
}

TEST(AppRefTest, KeysRoundTrip) {
  AppRef hub{"", "argocd", "guestbook"};
  AppRef cell{"cell-2", "argocd", "cell-bootstrap"};
  EXPECT_EQ(hub.Key(), "|argocd/guestbook");
  EXPECT_EQ(hub.ToString(), "argocd/guestbook");
  EXPECT_EQ(cell.ToString(), "cell-2:argocd/cell-bootstrap");
  EXPECT_EQ(ParseAppKey(hub.Key()), hub);
  EXPECT_EQ(ParseAppKey(cell.Key()), cell);
  EXPECT_FALSE(ParseAppKey("@home:cell-2"));
  EXPECT_FALSE(ParseAppKey("cell|ns/"));
  EXPECT_FALSE(ParseAppKey("cell|/name"));
  EXPECT_FALSE(ParseAppKey("cell|a/b/c"));
}

}  // namespace
}  // namespace cellgate::controller

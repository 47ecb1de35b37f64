// Many threads updating and scraping at once: totals must be exact (no lost updates) and
// lookups racing with creation and removal must neither crash nor duplicate children.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "metrics/registry.h"

namespace cellgate::metrics {
namespace {

constexpr int kThreads = 8;
constexpr int kPerThread = 50000;

TEST(Concurrency, CounterIncrementsFromManyThreadsAreExact) {
  Registry registry;
  auto family = registry.AddCounter({.name = "hits_total", .help = "Hits.", .labels = {"k"}});
  ASSERT_TRUE(family.has_value());
  auto shared = (*family)->WithLabels({"shared"});
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto own = (*family)->WithLabels({"thread-" + std::to_string(t)});
      for (int i = 0; i < kPerThread; ++i) {
        shared->Inc();
        own->Inc(2);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(shared->Value(), double{kThreads} * kPerThread);
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ((*family)->WithLabels({"thread-" + std::to_string(t)})->Value(), 2.0 * kPerThread);
  }
  EXPECT_EQ((*family)->size(), static_cast<std::size_t>(kThreads) + 1);
}

TEST(Concurrency, LookupsRacingOnOneNewChildCreateItOnce) {
  Registry registry;
  auto family = registry.AddCounter({.name = "hits_total", .help = "Hits.", .labels = {"k"}});
  ASSERT_TRUE(family.has_value());
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) (*family)->WithLabels({"k" + std::to_string(i % 50)})->Inc();
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ((*family)->size(), 50u);
  double total = 0;
  for (int i = 0; i < 50; ++i) total += (*family)->WithLabels({"k" + std::to_string(i)})->Value();
  EXPECT_EQ(total, double{kThreads} * 2000);
}

TEST(Concurrency, HistogramObservationsFromManyThreadsAreExact) {
  Registry registry;
  auto family =
      registry.AddHistogram({.name = "lat_seconds", .help = "Latency.", .buckets = {1, 2, 3}});
  ASSERT_TRUE(family.has_value());
  auto h = (*family)->WithLabels({});
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) h->Observe(static_cast<double>(i % 4));  // 0,1,2,3
    });
  }
  for (auto& th : threads) th.join();
  Histogram::Snapshot s = h->Read();
  const std::uint64_t total = static_cast<std::uint64_t>(kThreads) * kPerThread;
  EXPECT_EQ(s.count, total);
  EXPECT_EQ(s.cumulative, (std::vector<std::uint64_t>{total / 2, total * 3 / 4, total, total}));
  constexpr int kRounds = kPerThread / 4;  // each round observes 0, 1, 2 and 3
  EXPECT_EQ(s.sum, double{kThreads} * kRounds * (0 + 1 + 2 + 3));
}

TEST(Concurrency, ScrapesWhileUpdatingCreatingAndRemoving) {
  Registry registry;
  auto info = registry.AddGauge({.name = "app_info", .help = "Apps.", .labels = {"name"}});
  auto total = registry.AddCounter({.name = "ops_total", .help = "Ops."});
  ASSERT_TRUE(info.has_value());
  ASSERT_TRUE(total.has_value());
  std::atomic<bool> done{false};
  std::vector<std::thread> writers;
  writers.reserve(4);
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < 5000; ++i) {
        std::string name = "app-" + std::to_string(t) + "-" + std::to_string(i % 20);
        (*info)->WithLabels({name})->Set(1);
        if (i % 3 == 0) (*info)->Remove({name});
        (*total)->WithLabels({})->Inc();
      }
    });
  }
  std::thread scraper([&] {
    while (!done.load()) {
      std::string page = registry.Expose();
      ASSERT_NE(page.find("# TYPE ops_total counter\n"), std::string::npos);
    }
  });
  for (auto& th : writers) th.join();
  done = true;
  scraper.join();
  EXPECT_NE(registry.Expose().find("ops_total 20000\n"), std::string::npos);
}

}  // namespace
}  // namespace cellgate::metrics

#include "render/render_cache.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace cellgate::render {
namespace {

std::shared_ptr<const CachedRender> Value(std::size_t bytes) {
  auto v = std::make_shared<CachedRender>();
  v->bytes = bytes;
  return v;
}

TEST(RenderCache, HitMissAndLruByEntries) {
  RenderCache cache({.max_entries = 2});
  cache.Put("a", Value(10));
  cache.Put("b", Value(10));
  EXPECT_NE(cache.Get("a"), nullptr);  // a is now the most recent
  cache.Put("c", Value(10));           // evicts b
  EXPECT_EQ(cache.Get("b"), nullptr);
  EXPECT_NE(cache.Get("a"), nullptr);
  EXPECT_NE(cache.Get("c"), nullptr);
  auto s = cache.stats();
  EXPECT_EQ(s.entries, 2u);
  EXPECT_EQ(s.hits, 3u);
  EXPECT_EQ(s.misses, 1u);
  EXPECT_EQ(s.evictions, 1u);
}

TEST(RenderCache, BoundedByBytes) {
  RenderCache cache({.max_bytes = 1000});
  cache.Put("a", Value(400));
  cache.Put("b", Value(400));
  cache.Put("c", Value(400));  // over 1000: a goes
  EXPECT_EQ(cache.Get("a"), nullptr);
  EXPECT_LE(cache.stats().bytes, 1000u);
  cache.Put("huge", Value(5000));  // larger than the bound: not kept
  EXPECT_EQ(cache.Get("huge"), nullptr);
  EXPECT_NE(cache.Get("c"), nullptr);
}

TEST(RenderCache, ReplaceAndErase) {
  RenderCache cache;
  cache.Put("k", Value(10));
  cache.Put("k", Value(20));
  EXPECT_EQ(cache.stats().entries, 1u);
  EXPECT_EQ(cache.Get("k")->bytes, 20u);
  cache.Erase("k");
  EXPECT_EQ(cache.Get("k"), nullptr);
  EXPECT_EQ(cache.stats().bytes, 0u);
}

TEST(RenderCache, ConcurrentUse) {
  RenderCache cache({.max_entries = 64});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        std::string key = std::to_string((i * 7 + t) % 100);
        if (!cache.Get(key)) cache.Put(key, Value(8));
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(cache.stats().entries, 64u);
}

}  // namespace
}  // namespace cellgate::render

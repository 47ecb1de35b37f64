// ParallelFor: runs fn(0..n-1) on up to `parallelism` threads and returns when all are done.
// Used for the per-kind lists, per-object dry runs and per-wave applies, which are
// independent requests to one cell (the kube client is thread-safe and rate-limits them).
// fn must not throw. With parallelism <= 1 or n <= 1 everything runs on the calling thread.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace cellgate::engine {

template <typename Fn>
void ParallelFor(std::size_t n, int parallelism, Fn&& fn) {
  std::size_t threads =
      std::min<std::size_t>(n, static_cast<std::size_t>(std::max(parallelism, 1)));
  if (threads <= 1) {
    for (std::size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < n; i = next++) fn(i);
  };
  std::vector<std::jthread> pool;
  pool.reserve(threads - 1);
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
}

}  // namespace cellgate::engine

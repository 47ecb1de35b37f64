// Counter: a value that only goes up (requests served, syncs run, webhook deliveries), reset
// only by a restart. Prometheus' rate() copes with the reset.
//
// A Counter is one child of a CounterFamily (family.h), found once by its label values and
// then incremented on the hot path: Inc is one relaxed atomic add, no lock.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <atomic>
#include <cmath>

namespace cellgate::metrics {

class Counter {
 public:
  struct Config {};  // nothing per family: a counter has no shape

  explicit Counter(const Config& /*config*/ = {}) {}
  Counter(const Counter&) = delete;
  Counter& operator=(const Counter&) = delete;

  // Adds `delta`. A negative or NaN delta would break monotonicity, which every rate()
  // over the counter relies on, so it is dropped.
  void Inc(double delta = 1.0) noexcept {
    if (!(delta >= 0)) return;
    value_.fetch_add(delta, std::memory_order_relaxed);
  }

  double Value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

}  // namespace cellgate::metrics

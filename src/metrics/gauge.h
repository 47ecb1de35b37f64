// Gauge: a value that goes up and down (apps per cell, queue depth, last sync time).
//
// A Gauge is one child of a GaugeFamily (family.h). Set is one atomic store; Add is one
// atomic add; no lock. Gauges computed from other state at scrape time belong in a
// collector instead (registry.h), so they are never stale.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <atomic>

namespace cellgate::metrics {

class Gauge {
 public:
  struct Config {};

  explicit Gauge(const Config& /*config*/ = {}) {}
  Gauge(const Gauge&) = delete;
  Gauge& operator=(const Gauge&) = delete;

  void Set(double value) noexcept { value_.store(value, std::memory_order_relaxed); }
  void Add(double delta) noexcept { value_.fetch_add(delta, std::memory_order_relaxed); }
  void Sub(double delta) noexcept { value_.fetch_sub(delta, std::memory_order_relaxed); }
  void Inc() noexcept { Add(1.0); }
  void Dec() noexcept { Sub(1.0); }

  double Value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

}  // namespace cellgate::metrics

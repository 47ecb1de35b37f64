// Histogram: counts observations (durations, sizes) into fixed buckets so Prometheus can
// compute quantiles across many processes with histogram_quantile().
//
// The bucket layout is fixed by the family at registration (buckets.h) and shared by all its
// children. Observe is a binary search over the bounds plus two relaxed atomic adds (the
// bucket and the sum): no lock. Each bucket counts only its own observations; Snapshot
// makes them cumulative, as the exposition format wants, and derives the total count from
// the buckets so `_count` always equals the `+Inf` bucket. A snapshot taken while other
// threads observe may see an observation's bucket before its sum, never a torn value.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace cellgate::metrics {

class Histogram {
 public:
  struct Config {
    // Finite upper bounds, strictly increasing (validated by the registry).
    std::shared_ptr<const std::vector<double>> bounds =
        std::make_shared<const std::vector<double>>();
  };

  struct Snapshot {
    std::vector<double> bounds;             // finite upper bounds; +Inf is implicit
    std::vector<std::uint64_t> cumulative;  // bounds.size() + 1 entries, last is +Inf
    double sum = 0;
    std::uint64_t count = 0;  // == cumulative.back()
  };

  explicit Histogram(const Config& config);
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  // Records one observation. NaN is dropped: it would make `_sum` NaN forever.
  void Observe(double value) noexcept;

  Snapshot Read() const;

 private:
  std::shared_ptr<const std::vector<double>> bounds_;
  // One per finite bound plus the +Inf bucket; never resized after construction.
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;
  std::atomic<double> sum_{0.0};
};

}  // namespace cellgate::metrics

#include "metrics/histogram.h"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace cellgate::metrics {

Histogram::Histogram(const Config& config)
    : bounds_(config.bounds ? config.bounds : std::make_shared<const std::vector<double>>()),
      counts_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_->size() + 1)) {}

void Histogram::Observe(double value) noexcept {
  if (std::isnan(value)) return;
  // The first bound >= value: buckets are "less than or equal" (le).
  auto it = std::lower_bound(bounds_->begin(), bounds_->end(), value);
  auto index = static_cast<std::size_t>(it - bounds_->begin());
  counts_[index].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot snap;
  snap.bounds = *bounds_;
  snap.cumulative.resize(bounds_->size() + 1);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_->size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    snap.cumulative[i] = running;
  }
  snap.count = running;
  snap.sum = sum_.load(std::memory_order_relaxed);
  return snap;
}

}  // namespace cellgate::metrics

#include "metrics/buckets.h"

#include <cmath>
#include <cstddef>
#include <string>

namespace cellgate::metrics {

std::vector<double> DefaultBuckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

Result<std::vector<double>> ExponentialBuckets(double start, double factor, int count) {
  if (!(start > 0) || !(factor > 1) || count < 1 || !std::isfinite(start) ||
      !std::isfinite(factor)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "exponential buckets need start > 0, factor > 1 and count >= 1");
  }
  std::vector<double> bounds;
  bounds.reserve(static_cast<std::size_t>(count));
  double bound = start;
  for (int i = 0; i < count; ++i) {
    bounds.push_back(bound);
    bound *= factor;
  }
  return ValidateBuckets(bounds);
}

Result<std::vector<double>> LinearBuckets(double start, double width, int count) {
  if (!(width > 0) || count < 1 || !std::isfinite(start) || !std::isfinite(width)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "linear buckets need a finite start, width > 0 and count >= 1");
  }
  std::vector<double> bounds;
  bounds.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) bounds.push_back(start + width * i);
  return ValidateBuckets(bounds);
}

Result<std::vector<double>> ValidateBuckets(std::span<const double> bounds) {
  std::vector<double> out(bounds.begin(), bounds.end());
  if (!out.empty() && std::isinf(out.back()) && out.back() > 0) out.pop_back();
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (!std::isfinite(out[i])) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "bucket bound " + std::to_string(i) + " is not finite");
    }
    if (i > 0 && !(out[i] > out[i - 1])) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "bucket bounds must be strictly increasing (bound " + std::to_string(i) +
                           " is not greater than the one before)");
    }
  }
  return out;
}

}  // namespace cellgate::metrics

// Histogram bucket layouts. A layout is the list of finite upper bounds, strictly
// increasing; the `+Inf` bucket is implicit and always present.
//
// Thread-safety: pure functions.
#pragma once

#include <span>
#include <vector>

#include "core/result.h"

namespace cellgate::metrics {

// Prometheus' client default, tuned for request latencies in seconds:
// .005 .01 .025 .05 .1 .25 .5 1 2.5 5 10.
std::vector<double> DefaultBuckets();

// `count` bounds: start, start*factor, start*factor^2, ... Needs start > 0, factor > 1,
// count >= 1.
Result<std::vector<double>> ExponentialBuckets(double start, double factor, int count);

// `count` bounds: start, start+width, ... Needs width > 0, count >= 1.
Result<std::vector<double>> LinearBuckets(double start, double width, int count);

// Checks `bounds` (finite, strictly increasing; a trailing +Inf is allowed) and returns
// them without a trailing +Inf.
Result<std::vector<double>> ValidateBuckets(std::span<const double> bounds);

}  // namespace cellgate::metrics

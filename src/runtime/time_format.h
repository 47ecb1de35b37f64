// Kubernetes timestamps: metav1.Time ("2024-05-01T12:00:00Z", whole seconds, UTC) and
// metav1.MicroTime ("2024-05-01T12:00:00.123456Z"), as the fleet writes them into status,
// Events and Leases, and reads them back.
//
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace cellgate::runtime {

using WallTime = std::chrono::system_clock::time_point;

// metav1.Time: seconds precision (fractions truncated), UTC.
std::string Rfc3339(WallTime t);
// "" for the zero time point (a field never set).
std::string Rfc3339OrEmpty(WallTime t);
// metav1.MicroTime: six fractional digits, UTC.
std::string Rfc3339Micro(WallTime t);

// Parses RFC 3339 with optional fractional seconds and a "Z" or "+hh:mm" offset. nullopt
// for anything else.
std::optional<WallTime> ParseRfc3339(std::string_view text);

}  // namespace cellgate::runtime

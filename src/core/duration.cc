#include "core/duration.h"

#include <cstdint>
#include <string>

namespace cellgate {
namespace {

constexpr std::uint64_t kLimit = std::uint64_t{1} << 63;  // |INT64_MIN|

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::unexpected<Error> Invalid(std::string_view orig) {
  return MakeError(ErrorCode::kInvalidArgument, "time: invalid duration " + Quote(orig));
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Consumes leading digits into *x; false on overflow beyond 2^63.
bool LeadingInt(std::string_view* s, std::uint64_t* x) {
  std::size_t i = 0;
  *x = 0;
  for (; i < s->size() && IsDigit((*s)[i]); ++i) {
    if (*x > kLimit / 10) return false;
    *x = *x * 10 + static_cast<std::uint64_t>((*s)[i] - '0');
    if (*x > kLimit) return false;
  }
  s->remove_prefix(i);
  return true;
}

// Consumes leading digits as a fraction f / scale; stops gaining precision on overflow.
void LeadingFraction(std::string_view* s, std::uint64_t* f, double* scale) {
  std::size_t i = 0;
  bool overflow = false;
  *f = 0;
  *scale = 1;
  for (; i < s->size() && IsDigit((*s)[i]); ++i) {
    if (overflow) continue;
    if (*f > (kLimit - 1) / 10) {
      overflow = true;
      continue;
    }
    std::uint64_t y = *f * 10 + static_cast<std::uint64_t>((*s)[i] - '0');
    if (y > kLimit) {
      overflow = true;
      continue;
    }
    *f = y;
    *scale *= 10;
  }
  s->remove_prefix(i);
}

std::uint64_t UnitNanos(std::string_view u) {
  if (u == "ns") return 1;
  if (u == "us" || u == "\u00b5s" || u == "\u03bcs") return 1'000;
  if (u == "ms") return 1'000'000;
  if (u == "s") return 1'000'000'000;
  if (u == "m") return 60'000'000'000;
  if (u == "h") return 3'600'000'000'000;
  return 0;
}

}  // namespace

Result<std::chrono::nanoseconds> ParseGoDuration(std::string_view text) {
  const std::string_view orig = text;
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return std::chrono::nanoseconds(0);
  if (s.empty()) return Invalid(orig);
  std::uint64_t total = 0;
  while (!s.empty()) {
    if (!(s[0] == '.' || IsDigit(s[0]))) return Invalid(orig);
    const std::size_t before = s.size();
    std::uint64_t v = 0;
    if (!LeadingInt(&s, &v)) return Invalid(orig);
    const bool pre = s.size() != before;
    std::uint64_t f = 0;
    double scale = 1;
    bool post = false;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      const std::size_t at = s.size();
      LeadingFraction(&s, &f, &scale);
      post = s.size() != at;
    }
    if (!pre && !post) return Invalid(orig);
    std::size_t i = 0;
    while (i < s.size() && s[i] != '.' && !IsDigit(s[i])) ++i;
    if (i == 0) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "time: missing unit in duration " + Quote(orig));
    }
    const std::string_view u = s.substr(0, i);
    s.remove_prefix(i);
    const std::uint64_t unit = UnitNanos(u);
    if (unit == 0) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "time: unknown unit " + Quote(u) + " in duration " + Quote(orig));
    }
    if (v > kLimit / unit) return Invalid(orig);
    v *= unit;
    if (f > 0) {
      // Nanosecond-exact for fractions of an hour, as in Go.
      v += static_cast<std::uint64_t>(static_cast<double>(f) * (static_cast<double>(unit) / scale));
      if (v > kLimit) return Invalid(orig);
    }
    total += v;
    if (total > kLimit) return Invalid(orig);
  }
  if (negative) {
    return std::chrono::nanoseconds(static_cast<std::int64_t>(0 - total));  // 2^63 wraps to min
  }
  if (total > kLimit - 1) return Invalid(orig);
  return std::chrono::nanoseconds(static_cast<std::int64_t>(total));
}

Result<std::chrono::nanoseconds> ParseDurationOrSeconds(std::string_view text) {
  auto fail = [&] {
    return MakeError(ErrorCode::kInvalidArgument,
                     "unable to parse " + std::string(text) + " as a duration");
  };
  std::string_view digits = text;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  bool all_digits = !digits.empty();
  for (char c : digits) all_digits = all_digits && IsDigit(c);
  if (all_digits) {
    constexpr std::uint64_t kMaxSeconds = (kLimit - 1) / 1'000'000'000;
    std::uint64_t v = 0;
    for (char c : digits) {
      v = v * 10 + static_cast<std::uint64_t>(c - '0');
      if (v > kMaxSeconds) return fail();
    }
    auto seconds = std::chrono::seconds(static_cast<std::int64_t>(v));
    return negative ? -seconds : seconds;
  }
  auto d = ParseGoDuration(text);
  if (!d) return fail();
  return *d;
}

}  // namespace cellgate

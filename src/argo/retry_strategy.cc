#include "argo/retry_strategy.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <utility>

namespace cellgate::argo {
namespace {

constexpr auto kDefaultRetryDuration = std::chrono::seconds(5);
constexpr auto kDefaultRetryMaxDuration = std::chrono::minutes(3);
constexpr std::int64_t kDefaultRetryFactor = 2;

}  // namespace

Result<std::chrono::nanoseconds> ParseArgoDuration(std::string_view text) {
  auto fail = [&] {
    return MakeError(ErrorCode::kInvalidArgument,
                     "unable to parse " + std::string(text) + " as a duration");
  };
  if (text.empty()) return fail();
  // A bare integer is seconds (Argo CD tries strconv.Atoi first).
  std::size_t i = text[0] == '-' || text[0] == '+' ? 1 : 0;
  bool all_digits = i < text.size();
  for (std::size_t k = i; k < text.size(); ++k) {
    all_digits = all_digits && std::isdigit(static_cast<unsigned char>(text[k])) != 0;
  }
  if (all_digits && text.size() - i <= 12) {
    std::int64_t v = std::stoll(std::string(text.substr(i)));
    return std::chrono::seconds(text[0] == '-' ? -v : v);
  }
  // Go's time.ParseDuration.
  bool negative = false;
  std::string_view s = text;
  if (s[0] == '-' || s[0] == '+') {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return std::chrono::nanoseconds(0);
  if (s.empty()) return fail();
  long double total = 0;
  while (!s.empty()) {
    std::size_t n = 0;
    long double value = 0;
    bool digits = false;
    while (n < s.size() && std::isdigit(static_cast<unsigned char>(s[n]))) {
      value = value * 10 + (s[n] - '0');
      ++n;
      digits = true;
    }
    if (n < s.size() && s[n] == '.') {
      ++n;
      long double scale = 0.1L;
      while (n < s.size() && std::isdigit(static_cast<unsigned char>(s[n]))) {
        value += (s[n] - '0') * scale;
        scale /= 10;
        ++n;
        digits = true;
      }
    }
    if (!digits) return fail();
    s.remove_prefix(n);
    static constexpr std::pair<std::string_view, long double> kUnits[] = {
        {"ns", 1.0L}, {"us", 1e3L}, {"\u00b5s", 1e3L}, {"\u03bcs", 1e3L},
        {"ms", 1e6L}, {"s", 1e9L},  {"m", 60e9L},      {"h", 3600e9L}};
    long double unit = 0;
    std::size_t unit_len = 0;
    for (const auto& [name, ns] : kUnits) {
      if (s.starts_with(name) && name.size() > unit_len) {
        unit = ns;
        unit_len = name.size();
      }
    }
    if (unit_len == 0) return fail();
    s.remove_prefix(unit_len);
    total += value * unit;
  }
  if (total > 9.2e18L) return fail();  // beyond int64 nanoseconds
  auto ns = std::chrono::nanoseconds(static_cast<std::int64_t>(total));
  return negative ? -ns : ns;
}

Result<std::chrono::nanoseconds> RetryDelay(const RetryStrategy& retry, std::int64_t retry_count) {
  std::chrono::nanoseconds duration = kDefaultRetryDuration;
  std::chrono::nanoseconds max_duration = kDefaultRetryMaxDuration;
  std::int64_t factor = kDefaultRetryFactor;
  if (retry.backoff) {
    if (!retry.backoff->duration.empty()) {
      auto d = ParseArgoDuration(retry.backoff->duration);
      if (!d) return std::unexpected(d.error());
      duration = *d;
    }
    if (!retry.backoff->max_duration.empty()) {
      auto d = ParseArgoDuration(retry.backoff->max_duration);
      if (!d) return std::unexpected(d.error());
      max_duration = *d;
    }
    if (retry.backoff->factor) factor = *retry.backoff->factor;
  }
  long double wait = static_cast<long double>(duration.count()) *
                     std::pow(static_cast<long double>(factor),
                              static_cast<long double>(std::max<std::int64_t>(retry_count, 0)));
  if (max_duration.count() > 0)
    wait = std::min(wait, static_cast<long double>(max_duration.count()));
  wait = std::clamp(wait, 0.0L, 9.2e18L);
  return std::chrono::nanoseconds(static_cast<std::int64_t>(wait));
}

bool RetryAllowed(const RetryStrategy& retry, std::int64_t retry_count) {
  return retry.limit < 0 || retry_count < retry.limit;
}

}  // namespace cellgate::argo

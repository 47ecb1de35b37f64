// Plain-scalar resolution, YAML 1.1 as sigs.k8s.io/yaml (go-yaml v2) does it.
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/yaml_internal.h"

namespace cellgate::yaml_internal {
namespace {

bool IsOneOf(std::string_view s, std::initializer_list<std::string_view> set) {
  for (auto v : set) {
    if (s == v) return true;
  }
  return false;
}

bool ParseInteger(std::string_view s, Json* out) {
  std::string t;
  t.reserve(s.size());
  for (char c : s) {
    if (c != '_') t.push_back(c);
  }
  if (t.empty()) return false;
  bool neg = false;
  std::string_view v = t;
  if (v[0] == '+' || v[0] == '-') {
    neg = v[0] == '-';
    v.remove_prefix(1);
  }
  if (v.empty()) return false;
  int base = 10;
  if (v.size() > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
    base = 16;
    v.remove_prefix(2);
  } else if (v.size() > 2 && v[0] == '0' && (v[1] == 'b' || v[1] == 'B')) {
    base = 2;
    v.remove_prefix(2);
  } else if (v.size() > 2 && v[0] == '0' && (v[1] == 'o' || v[1] == 'O')) {
    base = 8;
    v.remove_prefix(2);
  } else if (v.size() > 1 && v[0] == '0') {
    base = 8;
    v.remove_prefix(1);
  }
  std::uint64_t magnitude = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), magnitude, base);
  if (ec != std::errc() || ptr != v.data() + v.size()) return false;
  if (neg) {
    if (magnitude > static_cast<std::uint64_t>(INT64_MAX) + 1) return false;
    *out = magnitude == static_cast<std::uint64_t>(INT64_MAX) + 1
               ? Json(INT64_MIN)
               : Json(-static_cast<std::int64_t>(magnitude));
  } else if (magnitude > static_cast<std::uint64_t>(INT64_MAX)) {
    *out = Json(magnitude);
  } else {
    *out = Json(static_cast<std::int64_t>(magnitude));
  }
  return true;
}

bool LooksLikeFloat(std::string_view s) {
  // [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  std::size_t digits = 0;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '_')) {
    ++i;
    ++digits;
  }
  std::size_t frac = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      ++i;
      ++frac;
    }
  }
  if (digits == 0 && frac == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t exp = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      ++i;
      ++exp;
    }
    if (exp == 0) return false;
  }
  return i == s.size();
}

}  // namespace

Json ResolvePlainScalar(std::string_view s) {
  if (s.empty() || IsOneOf(s, {"~", "null", "Null", "NULL"})) return Json(nullptr);
  char c = s[0];
  bool maybe_special = std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+' ||
                       c == '.' || c == 'y' || c == 'Y' || c == 'n' || c == 'N' || c == 't' ||
                       c == 'T' || c == 'f' || c == 'F' || c == 'o' || c == 'O';
  if (!maybe_special) return Json(std::string(s));
  if (IsOneOf(s, {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"})) {
    return Json(true);
  }
  if (IsOneOf(s, {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"})) {
    return Json(false);
  }
  if (IsOneOf(s, {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
                  ".nan", ".NaN", ".NAN"})) {
    // JSON has no infinities or NaN; the API server could not accept them either.
    return Json(std::string(s));
  }
  Json out;
  if (ParseInteger(s, &out)) return out;
  if (LooksLikeFloat(s)) {
    std::string t;
    for (char ch : s) {
      if (ch != '_') t.push_back(ch);
    }
    double d = std::strtod(t.c_str(), nullptr);
    if (std::isfinite(d)) return Json(d);
  }
  return Json(std::string(s));
}

}  // namespace cellgate::yaml_internal

namespace cellgate {

bool PlainScalarIsNonString(std::string_view text) {
  return !yaml_internal::ResolvePlainScalar(text).is_string();
}

}  // namespace cellgate

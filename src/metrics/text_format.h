// The pieces of the Prometheus text exposition format (version 0.0.4) that do not depend on
// a metric's type: name rules, escaping and number formatting. The registry builds whole
// expositions from these; they are public so tests and collectors can check names up front.
//
// Format rules we follow (as Prometheus' text parser applies them):
//   - metric names match [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]*, and
//     label names starting with "__" are reserved for Prometheus itself;
//   - label values escape `\` as `\\`, `"` as `\"` and a line feed as `\n`;
//   - HELP text escapes `\` as `\\` and a line feed as `\n` (quotes stay as they are);
//   - values are Go-style floats: shortest round-trip decimal, `+Inf`, `-Inf`, `NaN`.
// The format is UTF-8 and Prometheus rejects a scrape with invalid UTF-8 in a label value,
// so escaping also replaces every invalid byte sequence with U+FFFD: an app name read from
// a cluster must not be able to break the whole /metrics page.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace cellgate::metrics {

// The Content-Type of an exposition in this format.
inline constexpr std::string_view kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

bool IsValidMetricName(std::string_view name);
// Also false for the reserved "__" prefix.
bool IsValidLabelName(std::string_view name);

// Appends `value` escaped for use between the quotes of a label value.
void AppendEscapedLabelValue(std::string& out, std::string_view value);
// Appends `help` escaped for a `# HELP` line.
void AppendEscapedHelp(std::string& out, std::string_view help);
// Appends `value` as the exposition writes a sample value or an `le` bound.
void AppendValue(std::string& out, double value);

std::string EscapeLabelValue(std::string_view value);
std::string FormatValue(double value);

}  // namespace cellgate::metrics

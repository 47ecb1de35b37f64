#include "metrics/family.h"

#include <cstdio>
#include <cstdlib>

#include "metrics/text_format.h"

namespace cellgate::metrics {

std::string_view MetricTypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

namespace internal {
namespace {

// Appends `{a="x",b="y"}` (and `le` last when given); nothing at all without labels.
void AppendLabels(std::string& out, const FamilyDescriptor& family,
                  std::span<const std::string> values, std::string_view le) {
  if (values.empty() && le.empty()) return;
  out += '{';
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += family.label_names[i];
    out += "=\"";
    AppendEscapedLabelValue(out, values[i]);
    out += '"';
  }
  if (!le.empty()) {
    if (!values.empty()) out += ',';
    out += "le=\"";
    out += le;
    out += '"';
  }
  out += '}';
}

}  // namespace

void AppendSample(std::string& out, const FamilyDescriptor& family, std::string_view suffix,
                  std::span<const std::string> values, std::string_view le, double value) {
  out += family.name;
  out += suffix;
  AppendLabels(out, family, values, le);
  out += ' ';
  AppendValue(out, value);
  out += '\n';
}

void DieOnLabelArity(const FamilyDescriptor& family, std::size_t got) {
  // stderr directly: this is a crash path and logging may not be set up.
  std::fprintf(stderr, "metric %s: %zu label values given for %zu label names\n",
               family.name.c_str(), got, family.label_names.size());
  std::abort();
}

void DieOnUnknownLabel(const FamilyDescriptor& family, std::string_view label) {
  std::fprintf(stderr, "metric %s: no label named %.*s\n", family.name.c_str(),
               static_cast<int>(label.size()), label.data());
  std::abort();
}

void AppendFamilyHeader(std::string& out, const FamilyDescriptor& family) {
  out += "# HELP ";
  out += family.name;
  out += ' ';
  AppendEscapedHelp(out, family.help);
  out += "\n# TYPE ";
  out += family.name;
  out += ' ';
  out += MetricTypeName(family.type);
  out += '\n';
}

void AppendChild(std::string& out, const FamilyDescriptor& family,
                 std::span<const std::string> values, const Counter& child) {
  AppendSample(out, family, "", values, "", child.Value());
}

void AppendChild(std::string& out, const FamilyDescriptor& family,
                 std::span<const std::string> values, const Gauge& child) {
  AppendSample(out, family, "", values, "", child.Value());
}

void AppendChild(std::string& out, const FamilyDescriptor& family,
                 std::span<const std::string> values, const Histogram& child) {
  Histogram::Snapshot snap = child.Read();
  for (std::size_t i = 0; i < snap.bounds.size(); ++i) {
    AppendSample(out, family, "_bucket", values, FormatValue(snap.bounds[i]),
                 static_cast<double>(snap.cumulative[i]));
  }
  AppendSample(out, family, "_bucket", values, "+Inf", static_cast<double>(snap.count));
  AppendSample(out, family, "_sum", values, "", snap.sum);
  AppendSample(out, family, "_count", values, "", static_cast<double>(snap.count));
}

}  // namespace internal
}  // namespace cellgate::metrics

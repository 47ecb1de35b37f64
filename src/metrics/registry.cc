#include "metrics/registry.h"

#include <spdlog/spdlog.h>

#include <exception>
#include <set>
#include <utility>

#include "core/mutex.h"
#include "metrics/text_format.h"

namespace cellgate::metrics {

// A family whose samples a callback produces at scrape time.
class CollectorFamily final : public ExposedFamily {
 public:
  CollectorFamily(FamilyDescriptor descriptor, CollectCallback collect)
      : descriptor_(std::move(descriptor)), collect_(std::move(collect)) {}

  const FamilyDescriptor& descriptor() const override { return descriptor_; }

  void Expose(std::string& out) const override {
    SampleSink sink(descriptor_);
    try {
      collect_(sink);
    } catch (const std::exception& e) {
      spdlog::warn("metric {}: collector failed, left out of this scrape: {}", descriptor_.name,
                   e.what());
      return;
    } catch (...) {
      spdlog::warn("metric {}: collector failed, left out of this scrape", descriptor_.name);
      return;
    }
    if (sink.samples_.empty()) return;
    internal::AppendFamilyHeader(out, descriptor_);
    for (const auto& [values, value] : sink.samples_) {
      internal::AppendSample(out, descriptor_, "", values, "", value);
    }
  }

 private:
  const FamilyDescriptor descriptor_;
  const CollectCallback collect_;
};

void SampleSink::Add(std::initializer_list<std::string_view> label_values, double value) {
  if (label_values.size() != family_.label_names.size()) {
    internal::DieOnLabelArity(family_, label_values.size());
  }
  samples_[std::vector<std::string>(label_values.begin(), label_values.end())] = value;
}

void SampleSink::AddLabelValues(std::span<const std::string> label_values, double value) {
  if (label_values.size() != family_.label_names.size()) {
    internal::DieOnLabelArity(family_, label_values.size());
  }
  samples_[std::vector<std::string>(label_values.begin(), label_values.end())] = value;
}

namespace {

Status ValidateDescriptor(const FamilyDescriptor& d) {
  if (!IsValidMetricName(d.name)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "metric name \"" + d.name + "\" must match [a-zA-Z_:][a-zA-Z0-9_:]*");
  }
  if (d.help.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "metric " + d.name + ": HELP text is empty");
  }
  std::set<std::string_view> seen;
  for (const std::string& label : d.label_names) {
    if (!IsValidLabelName(label)) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "metric " + d.name + ": label name \"" + label +
                           "\" must match [a-zA-Z_][a-zA-Z0-9_]* and not start with __");
    }
    if (d.type == MetricType::kHistogram && label == "le") {
      return MakeError(ErrorCode::kInvalidArgument,
                       "metric " + d.name + ": label name le is reserved for histogram buckets");
    }
    if (!seen.insert(label).second) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "metric " + d.name + ": label name " + label + " given twice");
    }
  }
  return Ok();
}

std::vector<std::string> SeriesNames(const FamilyDescriptor& d) {
  if (d.type != MetricType::kHistogram) return {d.name};
  return {d.name, d.name + "_bucket", d.name + "_sum", d.name + "_count"};
}

FamilyDescriptor Describe(std::string name, std::string help, std::vector<std::string> labels,
                          MetricType type) {
  return FamilyDescriptor{.name = std::move(name),
                          .help = std::move(help),
                          .label_names = std::move(labels),
                          .type = type};
}

}  // namespace

Status Registry::Reserve(const FamilyDescriptor& descriptor) {
  if (auto valid = ValidateDescriptor(descriptor); !valid) return valid;
  for (const std::string& series : SeriesNames(descriptor)) {
    auto it = series_names_.find(series);
    if (it != series_names_.end()) {
      std::string message = "metric " + series + " is already registered";
      if (it->second != series) message += " (by " + it->second + ")";
      return MakeError(ErrorCode::kAlreadyExists, std::move(message));
    }
  }
  for (const std::string& series : SeriesNames(descriptor)) {
    series_names_.emplace(series, descriptor.name);
  }
  return Ok();
}

Status Registry::Insert(std::shared_ptr<ExposedFamily> family) {
  core::MutexLock lock(mu_);
  if (auto reserved = Reserve(family->descriptor()); !reserved) return reserved;
  std::string name = family->descriptor().name;
  families_.emplace(std::move(name), std::move(family));
  return Ok();
}

Result<std::shared_ptr<CounterFamily>> Registry::AddCounter(MetricOptions options) {
  auto family =
      std::make_shared<CounterFamily>(Describe(std::move(options.name), std::move(options.help),
                                               std::move(options.labels), MetricType::kCounter),
                                      Counter::Config{});
  CG_TRY(Insert(family));
  return family;
}

Result<std::shared_ptr<GaugeFamily>> Registry::AddGauge(MetricOptions options) {
  auto family =
      std::make_shared<GaugeFamily>(Describe(std::move(options.name), std::move(options.help),
                                             std::move(options.labels), MetricType::kGauge),
                                    Gauge::Config{});
  CG_TRY(Insert(family));
  return family;
}

Result<std::shared_ptr<HistogramFamily>> Registry::AddHistogram(HistogramOptions options) {
  auto bounds = ValidateBuckets(options.buckets);
  CG_TRY_WRAP(bounds, "metric " + options.name);
  auto family = std::make_shared<HistogramFamily>(
      Describe(std::move(options.name), std::move(options.help), std::move(options.labels),
               MetricType::kHistogram),
      Histogram::Config{.bounds = std::make_shared<const std::vector<double>>(*bounds)});
  CG_TRY(Insert(family));
  return family;
}

Status Registry::AddCollector(CollectorOptions options, CollectCallback collect) {
  if (options.type == MetricType::kHistogram) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "metric " + options.name + ": collectors produce counters or gauges");
  }
  if (!collect) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "metric " + options.name + ": collector callback is empty");
  }
  return Insert(
      std::make_shared<CollectorFamily>(Describe(std::move(options.name), std::move(options.help),
                                                 std::move(options.labels), options.type),
                                        std::move(collect)));
}

bool Registry::Remove(std::string_view name) {
  core::MutexLock lock(mu_);
  auto it = families_.find(name);
  if (it == families_.end()) return false;
  for (const std::string& series : SeriesNames(it->second->descriptor())) {
    series_names_.erase(series);
  }
  families_.erase(it);
  return true;
}

std::string Registry::Expose() const {
  std::vector<std::shared_ptr<ExposedFamily>> families;
  {
    core::MutexLock lock(mu_);
    families.reserve(families_.size());
    for (const auto& [name, family] : families_) families.push_back(family);
  }
  std::string out;
  for (const auto& family : families) family->Expose(out);
  return out;
}

}  // namespace cellgate::metrics

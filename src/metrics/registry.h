// Registry: the set of metric families one process exposes on /metrics, and the text
// exposition of all of them (Prometheus text format 0.0.4, text_format.h).
//
//   metrics::Registry registry;
//   auto syncs = registry.AddCounter({.name = "cellgate_app_sync_total",
//                                     .help = "Syncs run, by app and phase.",
//                                     .labels = {"name", "phase"}});
//   (*syncs)->WithLabels({"guestbook", "Succeeded"})->Inc();
//   registry.AddCollector({.name = "cellgate_workqueue_depth", .help = "...",
//                          .labels = {"queue"}},
//                         [&](metrics::SampleSink& sink) { sink.Add({"apps"}, q.size()); });
//   std::string page = registry.Expose();
//
// Families hold their own state (counter.h, gauge.h, histogram.h); collectors compute
// samples at scrape time from state that lives elsewhere (queue lengths, how long an app has
// been OutOfSync), so those values are never stale and need no bookkeeping on removal.
//
// Registration validates names (text_format.h), label names (no duplicates; `le` is
// reserved on histograms), bucket layouts (buckets.h) and requires HELP text. Names are
// unique across the registry including a histogram's `_bucket`, `_sum` and `_count` series,
// so a scrape never carries two TYPE lines for one name. Errors are values:
// kInvalidArgument for a bad name or layout, kAlreadyExists for a taken name.
//
// Ownership: families are shared; the registry keeps one reference, callers may keep
// another. Remove(name) stops exposing a family; holders can still update it harmlessly.
//
// Thread-safety: every method may be called from any thread. Expose() snapshots the family
// list under the registry's mutex and then formats without it, so a collector callback may
// itself register or remove metrics. Collector callbacks run on the scraping thread and
// must be quick; an exception thrown by one is logged and its family left out of that
// scrape.
#pragma once

#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/mutex.h"
#include "core/result.h"
#include "metrics/buckets.h"
#include "metrics/family.h"

namespace cellgate::metrics {

struct MetricOptions {
  std::string name;
  std::string help;
  std::vector<std::string> labels;
};

struct HistogramOptions {
  std::string name;
  std::string help;
  std::vector<std::string> labels;
  std::vector<double> buckets = DefaultBuckets();
};

struct CollectorOptions {
  std::string name;
  std::string help;
  std::vector<std::string> labels;
  MetricType type = MetricType::kGauge;  // kGauge or kCounter
};

// Receives the samples of one collector during a scrape. Label values are given one per
// label name, in registration order (a wrong count aborts, as for families). When a
// collector adds the same label values twice, the last value wins.
class SampleSink {
 public:
  void Add(std::initializer_list<std::string_view> label_values, double value);
  void AddLabelValues(std::span<const std::string> label_values, double value);

 private:
  friend class CollectorFamily;
  explicit SampleSink(const FamilyDescriptor& family) : family_(family) {}

  const FamilyDescriptor& family_;
  std::map<std::vector<std::string>, double, internal::LabelValuesLess> samples_;
};

using CollectCallback = std::function<void(SampleSink&)>;

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  Result<std::shared_ptr<CounterFamily>> AddCounter(MetricOptions options);
  Result<std::shared_ptr<GaugeFamily>> AddGauge(MetricOptions options);
  Result<std::shared_ptr<HistogramFamily>> AddHistogram(HistogramOptions options);
  Status AddCollector(CollectorOptions options, CollectCallback collect);

  // Stops exposing the family or collector `name`; true when there was one.
  bool Remove(std::string_view name);

  // The exposition of every family, sorted by name.
  std::string Expose() const;

 private:
  // Validates the descriptor and reserves its series names; the caller holds mu_.
  Status Reserve(const FamilyDescriptor& descriptor) REQUIRES(mu_);
  Status Insert(std::shared_ptr<ExposedFamily> family);

  mutable core::Mutex mu_;
  // Keyed by family name.
  std::map<std::string, std::shared_ptr<ExposedFamily>, std::less<>> families_ GUARDED_BY(mu_);
  // Every series name in use (a histogram's four) → its family's name.
  std::map<std::string, std::string, std::less<>> series_names_ GUARDED_BY(mu_);
};

}  // namespace cellgate::metrics

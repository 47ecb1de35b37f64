// Metric families: one metric name with fixed label names, and a child per distinct list of
// label values (`cellgate_app_info{name="web",project="default"}`).
//
// Label names are fixed when the family is registered (registry.h); every lookup passes the
// values in the same order. Passing the wrong number of values is a bug in the calling code,
// not bad input, and aborts with the family's name (as Prometheus' Go client panics):
// silently creating a series with missing labels would corrupt every query over it.
// Label values are data and may be any bytes; the exposition escapes them.
//
// Ownership: a family owns its children through shared_ptr. WithLabels hands out a shared
// reference, so a caller may keep the child and update it without any lookup; a child
// removed from its family stays valid for holders and simply stops being exposed.
//
// Thread-safety: all methods may be called from any thread. Lookup, creation and removal
// take the family's mutex; updating a child never does. A scrape holds the mutex while it
// formats this family.
#pragma once

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/mutex.h"
#include "metrics/counter.h"
#include "metrics/gauge.h"
#include "metrics/histogram.h"

namespace cellgate::metrics {

enum class MetricType { kCounter, kGauge, kHistogram };

// "counter", "gauge", "histogram": the word on the `# TYPE` line.
std::string_view MetricTypeName(MetricType type);

struct FamilyDescriptor {
  std::string name;
  std::string help;
  std::vector<std::string> label_names;
  MetricType type = MetricType::kGauge;
};

// What the registry needs from anything it exposes.
class ExposedFamily {
 public:
  virtual ~ExposedFamily() = default;
  virtual const FamilyDescriptor& descriptor() const = 0;
  // Appends the `# HELP`, `# TYPE` and sample lines; appends nothing when there are no
  // samples (as Prometheus' clients omit empty families).
  virtual void Expose(std::string& out) const = 0;
};

namespace internal {

// Orders lists of label values lexicographically, across std::string and std::string_view
// element types, so lookups need not build a std::vector<std::string>.
struct LabelValuesLess {
  using is_transparent = void;
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    return std::lexicographical_compare(
        a.begin(), a.end(), b.begin(), b.end(),
        [](std::string_view x, std::string_view y) { return x < y; });
  }
};

[[noreturn]] void DieOnLabelArity(const FamilyDescriptor& family, std::size_t got);
[[noreturn]] void DieOnUnknownLabel(const FamilyDescriptor& family, std::string_view label);

void AppendFamilyHeader(std::string& out, const FamilyDescriptor& family);
// One sample line: name+suffix, labels (plus `le` when not empty), value.
void AppendSample(std::string& out, const FamilyDescriptor& family, std::string_view suffix,
                  std::span<const std::string> values, std::string_view le, double value);
void AppendChild(std::string& out, const FamilyDescriptor& family,
                 std::span<const std::string> values, const Counter& child);
void AppendChild(std::string& out, const FamilyDescriptor& family,
                 std::span<const std::string> values, const Gauge& child);
void AppendChild(std::string& out, const FamilyDescriptor& family,
                 std::span<const std::string> values, const Histogram& child);

}  // namespace internal

template <typename Child>
class Family final : public ExposedFamily {
 public:
  // Registry-only in practice: validation of names and buckets happens there.
  Family(FamilyDescriptor descriptor, typename Child::Config config)
      : descriptor_(std::move(descriptor)), config_(std::move(config)) {
    // A family without labels has exactly one series; expose it (as 0) from the start.
    if (descriptor_.label_names.empty()) WithLabels({});
  }

  const FamilyDescriptor& descriptor() const override { return descriptor_; }

  // The child for `values` (one per label name, in registration order), created on first
  // use.
  std::shared_ptr<Child> WithLabels(std::initializer_list<std::string_view> values) {
    return Lookup(std::span<const std::string_view>(values.begin(), values.size()));
  }
  std::shared_ptr<Child> WithLabelValues(std::span<const std::string> values) {
    return Lookup(values);
  }

  // Drops the child for `values`; true when there was one.
  bool Remove(std::initializer_list<std::string_view> values) {
    return RemoveKey(std::span<const std::string_view>(values.begin(), values.size()));
  }
  bool RemoveLabelValues(std::span<const std::string> values) { return RemoveKey(values); }

  // Drops every child whose label `label_name` has `value` (e.g. all series of a deleted
  // app, whatever its other labels were). Returns how many were dropped.
  std::size_t RemoveMatching(std::string_view label_name, std::string_view value) {
    std::size_t index = LabelIndex(label_name);
    core::MutexLock lock(mu_);
    return std::erase_if(children_, [&](const auto& entry) { return entry.first[index] == value; });
  }

  // Drops every child.
  void Clear() {
    core::MutexLock lock(mu_);
    children_.clear();
  }

  std::size_t size() const {
    core::MutexLock lock(mu_);
    return children_.size();
  }

  void Expose(std::string& out) const override {
    core::MutexLock lock(mu_);
    if (children_.empty()) return;
    internal::AppendFamilyHeader(out, descriptor_);
    for (const auto& [values, child] : children_) {
      internal::AppendChild(out, descriptor_, values, *child);
    }
  }

 private:
  template <typename Values>
  std::shared_ptr<Child> Lookup(const Values& values) {
    CheckArity(values.size());
    core::MutexLock lock(mu_);
    auto it = children_.find(values);
    if (it != children_.end()) return it->second;
    std::vector<std::string> key(values.begin(), values.end());
    auto child = std::make_shared<Child>(config_);
    children_.emplace(std::move(key), child);
    return child;
  }

  template <typename Values>
  bool RemoveKey(const Values& values) {
    CheckArity(values.size());
    core::MutexLock lock(mu_);
    auto it = children_.find(values);
    if (it == children_.end()) return false;
    children_.erase(it);
    return true;
  }

  void CheckArity(std::size_t got) const {
    if (got != descriptor_.label_names.size()) internal::DieOnLabelArity(descriptor_, got);
  }

  std::size_t LabelIndex(std::string_view label_name) const {
    for (std::size_t i = 0; i < descriptor_.label_names.size(); ++i) {
      if (descriptor_.label_names[i] == label_name) return i;
    }
    internal::DieOnUnknownLabel(descriptor_, label_name);
  }

  const FamilyDescriptor descriptor_;
  const typename Child::Config config_;
  mutable core::Mutex mu_;
  // Ordered, so expositions are stable and diffable.
  std::map<std::vector<std::string>, std::shared_ptr<Child>, internal::LabelValuesLess> children_
      GUARDED_BY(mu_);
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;

}  // namespace cellgate::metrics

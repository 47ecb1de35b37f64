// ControllerMetrics: the fleet controller's Prometheus metrics, with the names and labels
// deploy/ is written against (deploy/README.md, tests/deploy/deploylib.py):
//
//   cellgate_app_info{name,namespace,project,cell,dest_server,dest_namespace,sync_status,
//                     health_status,autosync_enabled,repo}                 gauge, always 1
//   cellgate_app_out_of_sync_seconds{name,namespace,cell}                  gauge (collector)
//   cellgate_app_sync_total{name,namespace,cell,phase}                     counter
//   cellgate_app_reconcile_duration_seconds{cell}                          histogram
//   cellgate_drift_heals_total{name,namespace,cell}                        counter
//   cellgate_self_heal_backoff{name,namespace,cell}                        gauge 0/1
//   cellgate_cell_connection_status{cell,server}                           gauge (collector)
//   cellgate_cell_api_requests_total{cell,verb,code}                       counter (collector)
//   cellgate_git_requests_total{repo,kind}                                 counter (collector)
//   cellgate_git_request_duration_seconds{repo,kind}                       histogram
//   cellgate_workqueue_depth{queue}                                        gauge (collector)
//   cellgate_workqueue_latency_seconds{queue}                              histogram
//
// Apps: SetApp replaces an app's series (a changed label, e.g. sync_status, moves the series;
// a changed destination cell moves all of them); RemoveApp drops every series of the app, so a
// deleted app disappears from every family. The sync counter is exported at 0 for Succeeded,
// Failed and Error from the app's first appearance (the SyncFailing alert's increase() needs
// a starting point). Out-of-sync seconds count from the moment this controller first saw the
// app not Synced (0 while Synced); a controller restart starts the count again.
//
// Collectors read state that lives elsewhere (registry, queues, git mirrors, cell clients)
// through `Sources`, set while the replica leads and cleared when it stops (a standby exports
// no app or cell series, only its own process-level families).
//
// Thread-safety: thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cells/cell.h"
#include "controller/app_ref.h"
#include "core/clock.h"
#include "core/mutex.h"
#include "git/mirror_source.h"
#include "kube/transport.h"
#include "metrics/registry.h"

namespace cellgate::controller {

struct AppMetricLabels {
  std::string project;
  std::string cell;  // the destination cell ("" when it cannot be resolved)
  std::string dest_server;
  std::string dest_namespace;
  std::string sync_status;
  std::string health_status;
  bool autosync = false;
  std::string repo;

  bool operator==(const AppMetricLabels&) const = default;
};

struct CellRequestCounts {
  std::string cell;
  std::vector<kube::RequestCount> counts;
};

struct MetricSources {
  std::function<std::vector<cells::CellInfo>()> cells;
  std::function<std::vector<CellRequestCounts>()> cell_requests;
  std::function<std::map<std::string, git::FetchStats>()> git;
  std::function<std::map<std::string, std::size_t>()> queue_depths;
};

class ControllerMetrics {
 public:
  static Result<std::unique_ptr<ControllerMetrics>> Register(metrics::Registry& registry,
                                                             const Clock& clock);

  void SetApp(const AppRef& ref, const AppMetricLabels& labels);
  void RemoveApp(const AppRef& ref);
  void RemoveAllApps();

  // phase: "Succeeded", "Failed", "Error".
  void CountSync(const AppRef& ref, std::string_view phase);
  void CountHeal(const AppRef& ref);
  // A reconcile that skipped render and comparison: nothing it reads changed (steady_memo.h).
  void CountUnchanged(std::string_view cell);
  void SetSelfHealBackoff(const AppRef& ref, bool backing_off);
  void ObserveReconcile(std::string_view cell, std::chrono::nanoseconds took);
  void ObserveQueueWait(std::string_view queue, std::chrono::nanoseconds wait);
  // kind: "ls-remote" or "fetch"; repo: a normalised URL (no credentials).
  void ObserveGit(std::string_view repo, std::string_view kind, std::chrono::nanoseconds took);

  void SetSources(MetricSources sources);
  void ClearSources();

 private:
  struct AppSeries {
    std::string cell;
    AppMetricLabels labels;
    std::optional<Clock::TimePoint> out_of_sync_since;
  };
  struct Families {
    std::shared_ptr<metrics::GaugeFamily> app_info;
    std::shared_ptr<metrics::CounterFamily> syncs;
    std::shared_ptr<metrics::HistogramFamily> reconcile;
    std::shared_ptr<metrics::CounterFamily> heals;
    std::shared_ptr<metrics::CounterFamily> unchanged;
    std::shared_ptr<metrics::GaugeFamily> backoff;
    std::shared_ptr<metrics::HistogramFamily> git_duration;
    std::shared_ptr<metrics::HistogramFamily> queue_latency;
  };

  ControllerMetrics(const Clock& clock, Families families)
      : clock_(clock), families_(std::move(families)) {}
  Status RegisterCollectors(metrics::Registry& registry);
  void DropSeriesLocked(const AppRef& ref, const AppSeries& series) REQUIRES(mu_);
  static std::vector<std::string> InfoValues(const AppRef& ref, const AppMetricLabels& l);

  const Clock& clock_;
  const Families families_;
  mutable core::Mutex mu_;
  std::map<AppRef, AppSeries> apps_ GUARDED_BY(mu_);
  // Held while a collector calls a source, so ClearSources waits for scrapes in progress.
  mutable core::Mutex sources_mu_;
  MetricSources sources_ GUARDED_BY(sources_mu_);
};

}  // namespace cellgate::controller

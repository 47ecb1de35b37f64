#include "controller/controller_metrics.h"

#include "core/mutex.h"

namespace cellgate::controller {
namespace {

constexpr const char* kSyncPhases[] = {"Succeeded", "Failed", "Error"};

template <typename T>
Status Take(Result<std::shared_ptr<T>> r, std::shared_ptr<T>& out) {
  CG_TRY(r);
  out = std::move(*r);
  return Ok();
}

}  // namespace

Result<std::unique_ptr<ControllerMetrics>> ControllerMetrics::Register(metrics::Registry& registry,
                                                                       const Clock& clock) {
  Families f;
  const std::vector<std::string> app = {"name", "namespace", "cell"};
  auto seconds = metrics::ExponentialBuckets(0.005, 2, 16);  // 5 ms .. ~164 s
  CG_TRY(seconds);
  Status s = Take(registry.AddGauge({.name = "cellgate_app_info",
                                     .help = "Applications and their state; always 1.",
                                     .labels = {"name", "namespace", "project", "cell",
                                                "dest_server", "dest_namespace", "sync_status",
                                                "health_status", "autosync_enabled", "repo"}}),
                  f.app_info);
  if (s) {
    s = Take(registry.AddCounter({.name = "cellgate_app_sync_total",
                                  .help = "Sync operations completed, by phase.",
                                  .labels = {"name", "namespace", "cell", "phase"}}),
             f.syncs);
  }
  if (s) {
    s = Take(registry.AddHistogram({.name = "cellgate_app_reconcile_duration_seconds",
                                    .help = "Time to reconcile one Application, by cell.",
                                    .labels = {"cell"},
                                    .buckets = *seconds}),
             f.reconcile);
  }
  if (s) {
    s = Take(registry.AddCounter({.name = "cellgate_app_reconcile_unchanged_total",
                                  .help = "Reconciles that skipped render and comparison "
                                          "because nothing they read had changed, by cell.",
                                  .labels = {"cell"}}),
             f.unchanged);
  }
  if (s) {
    s = Take(registry.AddCounter({.name = "cellgate_drift_heals_total",
                                  .help = "Objects re-applied by self-heal after drift.",
                                  .labels = app}),
             f.heals);
  }
  if (s) {
    s = Take(registry.AddGauge({.name = "cellgate_self_heal_backoff",
                                .help = "1 while self-heal backs off from an object another "
                                        "writer keeps changing.",
                                .labels = app}),
             f.backoff);
  }
  if (s) {
    s = Take(registry.AddHistogram({.name = "cellgate_git_request_duration_seconds",
                                    .help = "Git ls-remote and fetch latency, by repository.",
                                    .labels = {"repo", "kind"},
                                    .buckets = *seconds}),
             f.git_duration);
  }
  if (s) {
    s = Take(registry.AddHistogram({.name = "cellgate_workqueue_latency_seconds",
                                    .help = "Time a key waits in a work queue before a worker "
                                            "takes it.",
                                    .labels = {"queue"},
                                    .buckets = *seconds}),
             f.queue_latency);
  }
  CG_TRY_WRAP(s, "controller metrics");
  std::unique_ptr<ControllerMetrics> m(new ControllerMetrics(clock, std::move(f)));
  CG_TRY_WRAP(m->RegisterCollectors(registry), "controller metrics");
  return m;
}

Status ControllerMetrics::RegisterCollectors(metrics::Registry& registry) {
  auto s = registry.AddCollector(
      {.name = "cellgate_app_out_of_sync_seconds",
       .help = "Seconds since the app last left Synced; 0 while Synced.",
       .labels = {"name", "namespace", "cell"}},
      [this](metrics::SampleSink& sink) {
        core::MutexLock lock(mu_);
        const auto now = clock_.Now();
        for (const auto& [ref, series] : apps_) {
          double v = series.out_of_sync_since
                         ? std::chrono::duration<double>(now - *series.out_of_sync_since).count()
                         : 0.0;
          sink.Add({ref.name, ref.ns, series.cell}, v);
        }
      });
  if (!s) return s;
  s = registry.AddCollector(
      {.name = "cellgate_cell_connection_status",
       .help = "1 when the cell's API server answered the last probe, 0 when not.",
       .labels = {"cell", "server"}},
      [this](metrics::SampleSink& sink) {
        core::MutexLock lock(sources_mu_);
        if (!sources_.cells) return;
        for (const cells::CellInfo& c : sources_.cells()) {
          if (c.connection.state == cells::CellState::kUnknown) continue;
          sink.Add({c.name, c.server}, c.connection.state == cells::CellState::kConnected ? 1 : 0);
        }
      });
  if (!s) return s;
  s = registry.AddCollector(
      {.name = "cellgate_cell_api_requests_total",
       .help = "Requests to each cell's API server, by verb and HTTP code (0: no response).",
       .labels = {"cell", "verb", "code"},
       .type = metrics::MetricType::kCounter},
      [this](metrics::SampleSink& sink) {
        core::MutexLock lock(sources_mu_);
        if (!sources_.cell_requests) return;
        for (const auto& cell : sources_.cell_requests()) {
          for (const auto& c : cell.counts) {
            sink.Add({cell.cell, c.verb, std::to_string(c.code)}, static_cast<double>(c.count));
          }
        }
      });
  if (!s) return s;
  s = registry.AddCollector(
      {.name = "cellgate_git_requests_total",
       .help = "Git requests by repository: ls-remote, fetch, and failed refreshes.",
       .labels = {"repo", "kind"},
       .type = metrics::MetricType::kCounter},
      [this](metrics::SampleSink& sink) {
        core::MutexLock lock(sources_mu_);
        if (!sources_.git) return;
        for (const auto& [repo, st] : sources_.git()) {
          sink.Add({repo, "ls-remote"}, static_cast<double>(st.ls_remotes));
          sink.Add({repo, "fetch"}, static_cast<double>(st.fetches));
          sink.Add({repo, "failure"}, static_cast<double>(st.failures));
        }
      });
  if (!s) return s;
  return registry.AddCollector({.name = "cellgate_workqueue_depth",
                                .help = "Keys ready in each work queue.",
                                .labels = {"queue"}},
                               [this](metrics::SampleSink& sink) {
                                 core::MutexLock lock(sources_mu_);
                                 if (!sources_.queue_depths) return;
                                 for (const auto& [q, n] : sources_.queue_depths()) {
                                   sink.Add({q}, static_cast<double>(n));
                                 }
                               });
}

std::vector<std::string> ControllerMetrics::InfoValues(const AppRef& ref,
                                                       const AppMetricLabels& l) {
  return {ref.name,      ref.ns,          l.project,
          l.cell,        l.dest_server,   l.dest_namespace,
          l.sync_status, l.health_status, l.autosync ? "true" : "false",
          l.repo};
}

void ControllerMetrics::DropSeriesLocked(const AppRef& ref, const AppSeries& series) {
  families_.app_info->RemoveLabelValues(InfoValues(ref, series.labels));
  for (const char* phase : kSyncPhases)
    families_.syncs->Remove({ref.name, ref.ns, series.cell, phase});
  families_.heals->Remove({ref.name, ref.ns, series.cell});
  families_.backoff->Remove({ref.name, ref.ns, series.cell});
}

void ControllerMetrics::SetApp(const AppRef& ref, const AppMetricLabels& labels) {
  core::MutexLock lock(mu_);
  auto it = apps_.find(ref);
  if (it != apps_.end() && it->second.labels == labels) {
    // Unchanged; only the out-of-sync clock may need starting (it never stops here).
  } else {
    std::optional<Clock::TimePoint> since;
    if (it != apps_.end()) {
      if (it->second.cell != labels.cell) {
        DropSeriesLocked(ref, it->second);
      } else {
        families_.app_info->RemoveLabelValues(InfoValues(ref, it->second.labels));
        since = it->second.out_of_sync_since;
      }
    }
    AppSeries& series = apps_[ref];
    series.cell = labels.cell;
    series.labels = labels;
    series.out_of_sync_since = since;
    families_.app_info->WithLabelValues(InfoValues(ref, labels))->Set(1);
    for (const char* phase : kSyncPhases) {
      (void)families_.syncs->WithLabels({ref.name, ref.ns, labels.cell, phase});
    }
    (void)families_.heals->WithLabels({ref.name, ref.ns, labels.cell});
    it = apps_.find(ref);
  }
  AppSeries& series = it->second;
  if (series.labels.sync_status == "Synced") {
    series.out_of_sync_since.reset();
  } else if (!series.out_of_sync_since) {
    series.out_of_sync_since = clock_.Now();
  }
}

void ControllerMetrics::RemoveApp(const AppRef& ref) {
  core::MutexLock lock(mu_);
  auto it = apps_.find(ref);
  if (it == apps_.end()) return;
  DropSeriesLocked(ref, it->second);
  apps_.erase(it);
}

void ControllerMetrics::RemoveAllApps() {
  core::MutexLock lock(mu_);
  for (const auto& [ref, series] : apps_) DropSeriesLocked(ref, series);
  apps_.clear();
}

void ControllerMetrics::CountSync(const AppRef& ref, std::string_view phase) {
  core::MutexLock lock(mu_);
  auto it = apps_.find(ref);
  std::string cell = it == apps_.end() ? "" : it->second.cell;
  families_.syncs->WithLabels({ref.name, ref.ns, cell, phase})->Inc();
}

void ControllerMetrics::CountHeal(const AppRef& ref) {
  core::MutexLock lock(mu_);
  auto it = apps_.find(ref);
  std::string cell = it == apps_.end() ? "" : it->second.cell;
  families_.heals->WithLabels({ref.name, ref.ns, cell})->Inc();
}

void ControllerMetrics::CountUnchanged(std::string_view cell) {
  families_.unchanged->WithLabels({cell})->Inc();
}

void ControllerMetrics::SetSelfHealBackoff(const AppRef& ref, bool backing_off) {
  core::MutexLock lock(mu_);
  auto it = apps_.find(ref);
  std::string cell = it == apps_.end() ? "" : it->second.cell;
  families_.backoff->WithLabels({ref.name, ref.ns, cell})->Set(backing_off ? 1 : 0);
}

void ControllerMetrics::ObserveReconcile(std::string_view cell, std::chrono::nanoseconds took) {
  families_.reconcile->WithLabels({cell})->Observe(std::chrono::duration<double>(took).count());
}

void ControllerMetrics::ObserveQueueWait(std::string_view queue, std::chrono::nanoseconds wait) {
  families_.queue_latency->WithLabels({queue})->Observe(
      std::chrono::duration<double>(wait).count());
}

void ControllerMetrics::ObserveGit(std::string_view repo, std::string_view kind,
                                   std::chrono::nanoseconds took) {
  families_.git_duration->WithLabels({repo, kind})
      ->Observe(std::chrono::duration<double>(took).count());
}

void ControllerMetrics::SetSources(MetricSources sources) {
  core::MutexLock lock(sources_mu_);
  sources_ = std::move(sources);
}

void ControllerMetrics::ClearSources() {
  core::MutexLock lock(sources_mu_);
  sources_ = {};
}

}  // namespace cellgate::controller

// The probers of CellRegistry: one thread per usable cell asking GET /version, recording
// the result under the registry's lock (never holding it across the network call).
#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "cells/cell_registry.h"
#include "core/mutex.h"

namespace cellgate::cells {

std::chrono::milliseconds NextProbeDelay(const CellRegistryOptions& options,
                                         int consecutive_failures) {
  if (consecutive_failures <= 0) return options.probe_interval;
  std::chrono::milliseconds d = options.probe_retry_initial;
  for (int i = 1; i < consecutive_failures && d < options.probe_retry_max; ++i) d *= 2;
  return std::min(d, options.probe_retry_max);
}

void CellRegistry::StartProber(const std::string& key, Entry& entry) {
  if (stopped_) return;
  auto prober = std::make_shared<Prober>();
  prober->thread =
      std::thread(&CellRegistry::ProbeLoop, this, key, entry.id, entry.client, prober.get());
  entry.prober = std::move(prober);
}

void CellRegistry::RetireLocked(Entry& entry) {
  if (!entry.prober) return;
  entry.prober->stop.Stop();
  retired_.push_back(std::exchange(entry.prober, nullptr));
}

void CellRegistry::ReapRetired() {
  std::vector<std::shared_ptr<Prober>> finished;
  {
    core::MutexLock lock(mu_);
    auto split = std::partition(retired_.begin(), retired_.end(),
                                [](const auto& p) { return !p->done.load(); });
    finished.assign(std::make_move_iterator(split), std::make_move_iterator(retired_.end()));
    retired_.erase(split, retired_.end());
  }
  for (auto& p : finished) {
    if (p->thread.joinable()) p->thread.join();
  }
}

void CellRegistry::ProbeLoop(const std::string& key, std::uint64_t id,
                             const std::shared_ptr<CellClient>& client, Prober* prober) {
  while (!prober->stop.stopped()) {
    Result<std::string> result = client->Probe();  // the network call: no lock held
    bool stop = false;
    auto delay = RecordProbe(key, id, result, stop);
    if (stop || prober->stop.SleepFor(delay)) break;
  }
  prober->done.store(true);
}

std::chrono::milliseconds CellRegistry::RecordProbe(const std::string& key, std::uint64_t id,
                                                    const Result<std::string>& result, bool& stop) {
  CellChange change;
  bool changed = false;
  std::chrono::milliseconds delay;
  {
    core::MutexLock lock(mu_);
    auto it = cells_.find(key);
    if (it == cells_.end() || it->second.id != id) {
      stop = true;  // removed or rebuilt meanwhile: this prober's result is stale
      return std::chrono::milliseconds(0);
    }
    CellInfo& info = it->second.spec.info;
    CellConnection& c = info.connection;
    const CellState previous = c.state;
    const auto now = clock_.WallNow();
    c.last_probe = now;
    if (result) {
      c.state = CellState::kConnected;
      c.server_version = *result;
      c.consecutive_failures = 0;
    } else {
      c.state = CellState::kUnreachable;
      c.last_error = result.error().message();
      c.last_error_at = now;
      ++c.consecutive_failures;
    }
    if (c.state != previous) {
      c.since = now;
      change = {.kind = CellChangeKind::kStateChanged, .cell = info, .previous_state = previous};
      changed = true;
    }
    delay = NextProbeDelay(options_, c.consecutive_failures);
  }
  if (changed) {
    const CellInfo& info = change.cell;
    if (info.connection.state == CellState::kConnected) {
      spdlog::info("cell {} ({}) is Connected ({})", info.name, info.server,
                   info.connection.server_version);
    } else {
      spdlog::warn("cell {} ({}) is Unreachable: {}", info.name, info.server,
                   info.connection.last_error);
    }
    Notify({change});
  }
  return delay;
}

}  // namespace cellgate::cells

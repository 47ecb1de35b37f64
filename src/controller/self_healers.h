// SelfHealers: the running engine::SelfHealer of every Application with automated.selfHeal,
// one per (Application, destination cell).
//
// The reconciler calls Ensure after each reconcile in which the app is synced with selfHeal
// on; a healer starts after the first successful sync and is restarted when what it guards
// changes (a new revision, a spec change: the fingerprint), or the destination cell (or its
// client) changes. Stop is called when selfHeal is turned off, the app is deleted, or it
// cannot be compared. Heals reach `on_heal` on a worker of the cell's HealRunner.
//
// Ownership: each entry keeps its CellTarget alive for as long as its healer runs (the healer
// holds references into it). Thread-safety: thread-safe; healers are started and stopped
// outside the manager's lock (starting waits for the first list of each kind).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "controller/app_ref.h"
#include "controller/cell_targets.h"
#include "core/mutex.h"
#include "engine/self_heal.h"

namespace cellgate::controller {

using HealListener = std::function<void(const AppRef& app, const engine::HealEvent& event)>;

class SelfHealers {
 public:
  explicit SelfHealers(HealListener on_heal, engine::SelfHealOptions options = {});
  ~SelfHealers();
  SelfHealers(const SelfHealers&) = delete;
  SelfHealers& operator=(const SelfHealers&) = delete;

  // Keeps the app's healer if it runs with this fingerprint in this cell, else (re)starts it.
  Status Ensure(const AppRef& ref, const std::shared_ptr<CellTarget>& cell,
                engine::SelfHealTarget target, const std::string& fingerprint);
  void Stop(const AppRef& ref);
  void StopAll();

  std::optional<engine::SelfHealStatus> Snapshot(const AppRef& ref) const;
  bool Running(const AppRef& ref) const;
  std::size_t Count() const;

 private:
  struct Entry {
    std::shared_ptr<CellTarget> cell;  // declared first: destroyed after the healer
    std::string fingerprint;
    std::unique_ptr<engine::SelfHealer> healer;
  };

  const HealListener on_heal_;
  const engine::SelfHealOptions options_;
  mutable core::Mutex mu_;
  std::map<AppRef, std::shared_ptr<Entry>> entries_ GUARDED_BY(mu_);
};

}  // namespace cellgate::controller

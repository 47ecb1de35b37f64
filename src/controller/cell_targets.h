// CellTargets: where an Application deploys, resolved to a cell the sync engine can use.
//
// Destination rules (Argo CD's ValidateDestination, plus cell-local mode):
//  - An Application stored in a cell (home X) deploys to X and nowhere else: its destination
//    must be the in-cluster server https://kubernetes.default.svc, the name `in-cluster`
//    without a server (what the same manifest means to an Argo CD installed in X), or X's own
//    registered name or server. Any other destination is kPermissionDenied: whoever may write
//    Applications into one cell must not reach other cells with the controller's credentials.
//  - Applications in the hub are looked up in the hub's CellRegistry: by `name` when set,
//    else by `server`. Setting both is refused, as Argo CD refuses it; setting neither too.
//    In the hub, the in-cluster server is the hub.
//
// A CellTarget is one cell as a reconcile uses it: the registry's CellInfo (state included,
// as of the lookup), its CellClient, a KindCatalog over the client's discovery and the
// cell's WatchHub (one watch per kind for every self-healer of the cell; Access() hands it to
// the sync engine as the LiveCache), PredictionMemo (dry runs not asked again) and HealRunner
// (the worker threads its self-healers share). Targets are
// built once per cell client and reused; a client the registry rebuilt (Secret changed) gets a new
// target, and users of the old one keep it until they let go.
//
// Thread-safety: thread-safe. Resolve does no network I/O.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "argo/application.h"
#include "argo/cluster_config.h"
#include "cells/cell_registry.h"
#include "core/clock.h"
#include "core/mutex.h"
#include "engine/cell.h"
#include "engine/heal_runner.h"
#include "engine/prediction_memo.h"
#include "engine/watch_hub.h"

namespace cellgate::controller {

// Builds the KindCatalog of a cell; the default uses CellClient::cluster()'s discovery.
using KindCatalogFactory =
    std::function<Result<std::unique_ptr<engine::KindCatalog>>(cells::CellClient&)>;
Result<std::unique_ptr<engine::KindCatalog>> DiscoveryKindCatalog(cells::CellClient& client);

class CellTarget {
 public:
  CellTarget(cells::CellInfo info, std::shared_ptr<cells::CellClient> client,
             std::unique_ptr<engine::KindCatalog> kinds, const Clock& clock);
  CellTarget(const CellTarget&) = delete;
  CellTarget& operator=(const CellTarget&) = delete;

  // The registry's view as of the latest lookup.
  cells::CellInfo info() const;
  const std::string& name() const { return name_; }
  bool connected() const { return info().connection.state == cells::CellState::kConnected; }
  engine::CellAccess Access();
  cells::CellClient& client() { return *client_; }
  engine::KindCatalog& kinds() { return *kinds_; }
  engine::WatchHub& watch_hub() { return watch_hub_; }
  engine::PredictionMemo& memo() { return memo_; }
  // Runs the checks and heals of every self-healer of this cell (kHealThreads workers).
  engine::HealRunner& heal_runner() { return heal_runner_; }
  static constexpr int kHealThreads = 4;

 private:
  friend class CellTargets;
  void SetInfo(cells::CellInfo info);

  const std::string name_;
  mutable core::Mutex info_mu_;
  cells::CellInfo info_ GUARDED_BY(info_mu_);  // refreshed by CellTargets on every lookup
  std::shared_ptr<cells::CellClient> client_;
  std::unique_ptr<engine::KindCatalog> kinds_;
  const Clock& clock_;
  engine::WatchHub watch_hub_;
  engine::PredictionMemo memo_;
  engine::HealRunner heal_runner_;
};

class CellTargets {
 public:
  CellTargets(const cells::CellRegistry& registry, const Clock& clock,
              KindCatalogFactory kinds = DiscoveryKindCatalog);

  // The cell an Application stored in `home` deploys to (rules above). kNotFound for a
  // destination no cell answers to, kInvalidArgument for a destination that names both or
  // neither, kFailedPrecondition for an invalid or ambiguous cell.
  Result<std::shared_ptr<CellTarget>> Resolve(std::string_view home,
                                              const argo::ApplicationDestination& destination);
  // Only the cell's name (for routing work to its queue); same rules.
  Result<std::string> ResolveName(std::string_view home,
                                  const argo::ApplicationDestination& destination) const;
  Result<std::shared_ptr<CellTarget>> ByName(std::string_view name);

  // Drops targets of cells that no longer exist or whose client was replaced.
  void Prune();

 private:
  Result<cells::CellHandle> Lookup(std::string_view home,
                                   const argo::ApplicationDestination& destination) const;
  Result<cells::CellHandle> LookupOwnCell(std::string_view home, std::string_view name,
                                          std::string_view server) const;
  Result<std::shared_ptr<CellTarget>> Target(cells::CellHandle handle);

  const cells::CellRegistry& registry_;
  const Clock& clock_;
  const KindCatalogFactory kinds_;
  mutable core::Mutex mu_;
  std::map<std::string, std::shared_ptr<CellTarget>, std::less<>> targets_ GUARDED_BY(mu_);
};

}  // namespace cellgate::controller

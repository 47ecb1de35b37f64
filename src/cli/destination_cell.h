// The cell an Application in the hub deploys to, found as the controller finds it: the hub's
// cluster Secrets in the controller namespace, read through a CellRegistry (so the implicit
// in-cluster cell, invalid Secrets and ambiguous names follow the same rules), then looked up
// by spec.destination.name, else spec.destination.server (Argo CD refuses both and neither;
// so do we). https://kubernetes.default.svc / in-cluster is the hub itself, connected with
// the hub's own context; for a cell read as its own hub (cell-local Applications) that is
// the cell.
//
// The registry probes every cell once in the background; a cell other than the destination
// that does not answer delays only the end of the command, by at most the probe timeout.
//
// Thread-safety: one invocation per thread.
#pragma once

#include <memory>
#include <string>

#include "cells/cell_registry.h"
#include "core/clock.h"
#include "core/result.h"
#include "engine/cell.h"
#include "kube/cluster_config.h"
#include "render/application.h"

namespace cellgate::cli {

// kInvalidArgument when the destination names both a server and a name, or neither.
// Resolve's kNotFound (no cell with that server or name) names `ns` and the Secrets' label.
Status CheckDestination(const render::ApplicationDestination& destination);

class DestinationCell {
 public:
  static Result<std::unique_ptr<DestinationCell>> Resolve(
      kube::Watcher& hub_watcher, const kube::ClusterConfig& hub, const std::string& ns,
      const render::ApplicationDestination& destination);
  ~DestinationCell();
  DestinationCell(const DestinationCell&) = delete;
  DestinationCell& operator=(const DestinationCell&) = delete;

  const std::string& name() const { return handle_.info.name; }
  const cells::CellInfo& info() const { return handle_.info; }
  engine::CellAccess Access();

 private:
  DestinationCell();

  cells::KubeCellConnector connector_;
  SystemClock clock_;
  std::unique_ptr<cells::CellRegistry> registry_;
  cells::CellHandle handle_;
  std::unique_ptr<engine::ClusterKindCatalog> kinds_;
};

}  // namespace cellgate::cli

// CellClient: one cell's connection as the registry hands it out, and CellConnector, which
// builds one from a ClusterConfig. The interfaces exist so the registry's unit tests swap
// in fakes; production uses KubeCellConnector.
//
// KubeCellConnector gives every cell its own kube::ClusterClient (own connection pool,
// credentials, rate limit and timeouts: a cell that hangs holds only its own connections)
// plus a second, tiny Transport for the reachability probe: GET /version with a short
// timeout and no retries, so a probe never waits behind the cell's rate limiter or its
// retry backoff and a black-holed cell is detected within one probe timeout.
//
// Ownership: the registry shares a CellClient (shared_ptr) with whoever looks the cell up;
// a client replaced by a Secret change lives until its last user lets go.
// Thread-safety: implementations are thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/result.h"
#include "kube/client.h"
#include "kube/cluster_client.h"
#include "kube/cluster_config.h"
#include "kube/transport.h"

namespace cellgate::cells {

class CellClient {
 public:
  virtual ~CellClient() = default;
  virtual kube::Reader& reader() = 0;
  virtual kube::Applier& applier() = 0;
  virtual kube::Watcher& watcher() = 0;
  // The real client (the sync engine's ClusterKindCatalog needs it); nullptr for fakes.
  virtual kube::ClusterClient* cluster() = 0;
  // One reachability probe: the server's gitVersion ("v1.32.2"), or why it failed.
  virtual Result<std::string> Probe() = 0;
};

class CellConnector {
 public:
  virtual ~CellConnector() = default;
  // Builds the client; it must not touch the network (the registry probes separately).
  virtual Result<std::shared_ptr<CellClient>> Connect(const kube::ClusterConfig& config) = 0;
};

struct KubeCellConnectorOptions {
  kube::ClusterClientOptions client;  // per cell: timeouts, rate limit, retries
  std::chrono::milliseconds probe_timeout{std::chrono::seconds(5)};  // connect + response
};

class KubeCellConnector final : public cells::CellConnector {
 public:
  explicit KubeCellConnector(KubeCellConnectorOptions options = {})
      : options_(std::move(options)) {}
  Result<std::shared_ptr<CellClient>> Connect(const kube::ClusterConfig& config) override;

 private:
  const KubeCellConnectorOptions options_;
};

}  // namespace cellgate::cells

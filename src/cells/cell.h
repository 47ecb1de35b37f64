// Cells as the fleet sees them: what a cluster Secret says about a cell (CellSpec) and
// what the registry knows about it now (CellInfo = spec fields + connection state).
//
// A cell is one Argo CD cluster: a Secret in the controller namespace labelled
// argocd.argoproj.io/secret-type=cluster, or the hub itself ("in-cluster", implicit).
// CellInfo is what the ApplicationSet `clusters` generator and `cellgate cell list` read;
// it never holds credentials. CellSpec adds the parsed ClusterConfig and so is secret.
//
// Thread-safety: plain values.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "kube/cluster_config.h"

namespace cellgate::cells {

enum class CellState {
  kUnknown,      // not probed yet (just added, or its client was rebuilt)
  kConnected,    // the last probe answered
  kUnreachable,  // the last probe failed: see CellConnection::last_error
  kInvalid,      // the Secret cannot be used (bad config, missing server); never probed
};

// "Unknown", "Connected", "Unreachable", "Invalid".
std::string_view CellStateName(CellState state);

struct CellConnection {
  CellState state = CellState::kUnknown;
  std::string last_error;  // why Unreachable / Invalid; kept after recovery for the record
  std::chrono::system_clock::time_point last_error_at{};  // when last_error happened
  std::chrono::system_clock::time_point since{};          // when `state` was entered
  std::chrono::system_clock::time_point last_probe{};     // zero: never probed
  std::string server_version;                             // "v1.32.2" from GET /version
  int consecutive_failures = 0;

  bool operator==(const CellConnection&) const = default;
};

// What a cell is, without credentials.
struct CellInfo {
  std::string name;    // data.name, else the Secret's name; "in-cluster" for the implicit hub
  std::string server;  // without a trailing '/'
  std::string secret;  // metadata.name of the Secret; "" for the implicit in-cluster cell
  std::map<std::string, std::string> labels;       // minus argocd.argoproj.io/secret-type
  std::map<std::string, std::string> annotations;  // minus last-applied and managed-by
  std::vector<std::string> namespaces;             // data.namespaces, comma separated
  bool cluster_resources = false;                  // data.clusterResources == "true"
  std::string project;                             // data.project
  CellConnection connection;

  // False for kInvalid cells: generators and the controller skip them.
  bool usable() const { return connection.state != CellState::kInvalid; }
  bool operator==(const CellInfo&) const = default;
};

// A parsed cluster Secret. When the Secret is unusable, `error` says why (naming the
// Secret and field, never a secret value) and `config` is empty; the descriptive fields are
// filled as far as they could be read, so the cell can be listed with its error.
struct CellSpec {
  CellInfo info;
  kube::ClusterConfig config;  // secret: never log
  std::optional<Error> error;
  // Identity of the connection settings (server + raw config): a change rebuilds the
  // cell's client, a change of labels alone does not. Secret: never log.
  std::string connection_fingerprint;
};

}  // namespace cellgate::cells

// What the sync engine needs from one cell, as narrow interfaces it takes by reference.
//
// Reading and writing objects are the kube client's role interfaces (kube::Reader,
// kube::Applier, kube::Watcher). What is left is knowledge about resource types, which the
// kube client keeps in its RestMapper (a concrete class bound to a Transport): KindCatalog is
// the handful of questions sync asks about it, so unit tests answer them with a fake.
//
// CellAccess bundles the references one sync of one application in one cell uses. It owns
// nothing; whoever builds it (the CLI, the fleet controller's cell worker) keeps the
// ClusterClient, the catalog and the clock alive for as long as the CellAccess is used.
//
// Thread-safety: implementations must be thread-safe (the executor calls them from several
// threads at once); ClusterKindCatalog is, because RestMapper and ClusterClient are.
#pragma once

#include <chrono>
#include <compare>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "kube/client.h"
#include "kube/cluster_client.h"
#include "kube/resource.h"

namespace cellgate::engine {

// A kind without its version, as Argo CD's status.resources[] and inventories name it.
struct GroupKind {
  std::string group;
  std::string kind;

  auto operator<=>(const GroupKind&) const = default;
  bool operator==(const GroupKind&) const = default;
  std::string ToString() const;  // "apps/Deployment", "ConfigMap"
};

class KindCatalog {
 public:
  virtual ~KindCatalog() = default;
  // The REST resource serving exactly this kind. kNotFound when the cell does not serve it
  // (yet: a CRD applied a moment ago becomes visible after the catalog refreshes).
  virtual Result<kube::ResourceMapping> Map(const kube::GroupVersionKind& gvk) = 0;
  // The group's preferred version serving `kind`; kNotFound as above.
  virtual Result<kube::ResourceMapping> MapGroupKind(std::string_view group,
                                                     std::string_view kind) = 0;
  // Every kind that can be listed, one mapping per group and kind (preferred version),
  // after a fresh discovery.
  virtual Result<std::vector<kube::ResourceMapping>> ListableKinds() = 0;
  // Blocks until the CRD `name` is Established and its kinds are served, or `timeout`.
  virtual Status WaitForCRDEstablished(std::string_view name,
                                       std::chrono::milliseconds timeout) = 0;
};

// The catalog of a real cell: its ClusterClient's RestMapper.
class ClusterKindCatalog final : public KindCatalog {
 public:
  explicit ClusterKindCatalog(kube::ClusterClient& cell) : cell_(cell) {}

  Result<kube::ResourceMapping> Map(const kube::GroupVersionKind& gvk) override;
  Result<kube::ResourceMapping> MapGroupKind(std::string_view group,
                                             std::string_view kind) override;
  Result<std::vector<kube::ResourceMapping>> ListableKinds() override;
  Status WaitForCRDEstablished(std::string_view name, std::chrono::milliseconds timeout) override;

 private:
  kube::ClusterClient& cell_;
};

class PredictionMemo;  // prediction_memo.h
class LiveCache;       // live_state.h

struct CellAccess {
  std::string name;  // the cell, for messages ("cell-1")
  kube::Reader& reader;
  kube::Applier& applier;
  KindCatalog& kinds;
  const Clock& clock;
  // Optional, owned by whoever keeps the cell (the fleet controller's CellTarget): dry runs
  // that need not be asked again (CompareApp reads and records, the executor records), and
  // watch caches that answer LoadLiveState's lists (ObserveApp, unless told to list).
  PredictionMemo* memo = nullptr;
  LiveCache* cache = nullptr;
};

// True for errors that say the cell could not be reached (or did not answer in time), as
// opposed to the cell refusing a request: the operation is then an Error, not a Failure.
bool IsUnreachable(const Error& error);

}  // namespace cellgate::engine

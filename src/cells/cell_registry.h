// CellRegistry: the set of cells the controller manages, kept current from Argo CD cluster
// Secrets on the hub, with one client and one connection state per cell.
//
// Source of truth: Secrets labelled argocd.argoproj.io/secret-type=cluster in the
// controller namespace, watched through the hub's kube::Watcher (list, then watch). Each
// Secret is a cell (argo/cluster_secret.h says how it is read). A Secret that cannot be used is
// listed as kInvalid with a clear error and never stops the others.
//
// The hub, as Argo CD defines it (util/db ListClusters and GetClusterServersByName): the
// server https://kubernetes.default.svc is the cluster the controller runs in. When in-cluster
// is enabled (Argo CD's argocd-cm `cluster.inClusterEnabled`, default true) and no valid
// Secret names that server, an implicit cell "in-cluster" exists with no labels; a valid
// Secret for that server replaces it (its name, labels and annotations win). When disabled,
// Secrets for that server are listed as kInvalid and there is no implicit cell. Because the
// controller may run outside the hub, that server URL always connects with `hub` (the
// ClusterConfig given at construction, e.g. InClusterConfig() or a kubeconfig context);
// credentials in the Secret are not used for it.
//
// Connections: every cell gets its own CellClient from the CellConnector (own connection
// pool, rate limit and timeouts). A change of a Secret's server or config rebuilds that
// cell's client (users of the old one keep it until they let go); a change of labels,
// annotations, name, namespaces or project only updates the listing. A deleted Secret
// removes the cell.
//
// Connection state: each usable cell has a prober thread that calls CellClient::Probe()
// (GET /version) at once, then every probe_interval while it answers, and while it fails
// after probe_retry_initial doubling up to probe_retry_max. State goes Unknown ->
// Connected / Unreachable (last error and time kept). Probers touch the registry's lock
// only to record a result, never across a network call, so a hung cell delays nobody.
// An unreachable cell keeps its client and everything built on it: the last good state
// stays in place, and callers see the state to decide.
//
// Listeners are told when a cell is added, removed, updated (labels, annotations, name,
// config) or changes connection state (so apps of a returning cell re-reconcile). They run
// on the registry's watch or prober threads, without the registry's locks, and must be
// quick and thread-safe (typically: enqueue keys in a WorkQueue). A listener runs just after
// the change is visible to lookups. Changes from the watch thread and from a prober may
// arrive in either order, so treat a change as a hint and read the current state.
//
// Thread-safety: thread-safe. The Watcher, CellConnector and Clock must outlive the
// registry; destroying it stops the watch and joins the probers (each within its probe
// timeout).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "cells/cell.h"
#include "cells/cell_client.h"
#include "core/clock.h"
#include "core/mutex.h"
#include "core/result.h"
#include "kube/client.h"
#include "kube/cluster_config.h"
#include "kube/stop_signal.h"

namespace cellgate::cells {

struct CellRegistryOptions {
  std::string ns = "argocd";       // where the cluster Secrets live
  bool in_cluster_enabled = true;  // Argo CD's cluster.inClusterEnabled
  std::chrono::milliseconds probe_interval{std::chrono::seconds(10)};
  std::chrono::milliseconds probe_retry_initial{std::chrono::seconds(2)};
  std::chrono::milliseconds probe_retry_max{std::chrono::seconds(60)};
};

// The wait before the next probe after `consecutive_failures` failed probes in a row.
std::chrono::milliseconds NextProbeDelay(const CellRegistryOptions& options,
                                         int consecutive_failures);

enum class CellChangeKind {
  kAdded,
  kRemoved,
  kUpdated,       // labels, annotations, name, namespaces, project or connection settings
  kStateChanged,  // connection state (Unknown / Connected / Unreachable) changed
};

struct CellChange {
  CellChangeKind kind = CellChangeKind::kAdded;
  CellInfo cell;  // as it is now (as it was, for kRemoved)
  CellState previous_state = CellState::kUnknown;
  bool client_rebuilt = false;  // kUpdated: the connection settings changed
};

using CellListener = std::function<void(const CellChange&)>;

// A cell and its client, as one lookup saw them. client is null for kInvalid cells.
struct CellHandle {
  CellInfo info;
  std::shared_ptr<CellClient> client;
};

class CellRegistry {
 public:
  CellRegistry(kube::Watcher& hub_watcher, kube::ClusterConfig hub, CellConnector& connector,
               const Clock& clock, CellRegistryOptions options = {});
  ~CellRegistry();
  CellRegistry(const CellRegistry&) = delete;
  CellRegistry& operator=(const CellRegistry&) = delete;

  // Starts watching the Secrets. Fails only if the watch cannot start at all.
  Status Start();
  // Stops the watch and the probers; the last known cells stay readable.
  void Stop();
  // True once the first full list of Secrets has been applied.
  bool HasSynced() const;
  bool WaitForSync(std::chrono::milliseconds timeout) const;

  // kNotFound when no cell has that name; kFailedPrecondition when several usable cells
  // share it (as Argo CD refuses ambiguous destination names) or the cell is kInvalid.
  Result<CellHandle> FindByName(std::string_view name) const;
  // By server URL (a trailing '/' is ignored); a usable cell is preferred over an invalid
  // Secret for the same server.
  Result<CellHandle> FindByServer(std::string_view server) const;
  // Every cell, invalid ones included, sorted by name then server.
  std::vector<CellInfo> List() const;

  int AddListener(CellListener listener);
  void RemoveListener(int id);

 private:
  struct Prober {
    kube::StopSignal stop;
    std::thread thread;
    std::atomic<bool> done{false};
  };
  struct Entry {
    std::uint64_t id = 0;  // distinguishes a rebuilt entry from its predecessor
    CellSpec spec;
    std::shared_ptr<CellClient> client;
    std::shared_ptr<Prober> prober;
  };

  void OnEvent(const kube::WatchEvent& event);
  // Brings the entry for `key` ("" = the implicit in-cluster cell) to `spec`, or removes it
  // when spec is null. Appends notifications to `changes`.
  void Reconcile(const std::string& key, const CellSpec* spec, std::vector<CellChange>& changes);
  void ReconcileImplicitInCluster(std::vector<CellChange>& changes);
  CellSpec Resolve(CellSpec spec) const;
  Entry Build(CellSpec spec);
  void StartProber(const std::string& key, Entry& entry) REQUIRES(mu_);
  void RetireLocked(Entry& entry) REQUIRES(mu_);
  void ReapRetired();
  // Runs on the prober's thread; std::thread owns copies of key and client.
  void ProbeLoop(const std::string& key, std::uint64_t id,
                 const std::shared_ptr<CellClient>& client, Prober* prober);
  std::chrono::milliseconds RecordProbe(const std::string& key, std::uint64_t id,
                                        const Result<std::string>& result, bool& stop);
  void Notify(const std::vector<CellChange>& changes);
  Result<CellHandle> HandleFor(const Entry& entry) const;

  kube::Watcher& hub_watcher_;
  const kube::ClusterConfig hub_;
  CellConnector& connector_;
  const Clock& clock_;
  const CellRegistryOptions options_;

  core::Mutex lifecycle_mu_;  // serialises Start and Stop
  std::unique_ptr<kube::WatchHandle> watch_ GUARDED_BY(lifecycle_mu_);
  core::Mutex update_mu_;  // serialises changes to the set of cells

  mutable core::Mutex mu_;
  mutable core::CondVar synced_cv_;
  std::map<std::string, Entry> cells_ GUARDED_BY(mu_);            // by Secret name
  std::vector<std::shared_ptr<Prober>> retired_ GUARDED_BY(mu_);  // stopping, not joined
  std::map<int, std::shared_ptr<CellListener>> listeners_ GUARDED_BY(mu_);
  int next_listener_ GUARDED_BY(mu_) = 0;
  std::uint64_t next_id_ GUARDED_BY(mu_) = 0;
  bool synced_ GUARDED_BY(mu_) = false;
  bool stopped_ GUARDED_BY(mu_) = false;  // no new probers
};

}  // namespace cellgate::cells

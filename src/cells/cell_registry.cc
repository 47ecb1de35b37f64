#include "cells/cell_registry.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <tuple>
#include <utility>

#include "argo/cluster_config.h"
#include "argo/secret_data.h"
#include "cells/cell_secret.h"
#include "core/mutex.h"

namespace cellgate::cells {

std::string_view CellStateName(CellState state) {
  switch (state) {
    case CellState::kUnknown:
      return "Unknown";
    case CellState::kConnected:
      return "Connected";
    case CellState::kUnreachable:
      return "Unreachable";
    case CellState::kInvalid:
      return "Invalid";
  }
  return "Unknown";
}

CellRegistry::CellRegistry(kube::Watcher& hub_watcher, kube::ClusterConfig hub,
                           CellConnector& connector, const Clock& clock,
                           CellRegistryOptions options)
    : hub_watcher_(hub_watcher),
      hub_(std::move(hub)),
      connector_(connector),
      clock_(clock),
      options_(std::move(options)) {}

CellRegistry::~CellRegistry() { Stop(); }

Status CellRegistry::Start() {
  core::MutexLock life(lifecycle_mu_);
  if (watch_) return Ok();
  {
    core::MutexLock lock(mu_);
    if (stopped_) {
      return MakeError(ErrorCode::kFailedPrecondition, "cell registry: restarted after Stop");
    }
  }
  kube::WatchOptions options{.label_selector = std::string(argo::kSecretTypeLabel) + "=" +
                                               std::string(argo::kSecretTypeCluster)};
  auto watch = hub_watcher_.Watch({"", "v1", "Secret"}, options_.ns, options,
                                  [this](const kube::WatchEvent& e) { OnEvent(e); });
  CG_TRY_WRAP(watch, "cell registry: watch cluster secrets");
  watch_ = std::move(*watch);
  return Ok();
}

void CellRegistry::Stop() {
  core::MutexLock life(lifecycle_mu_);
  // Stop the watch first (its thread may be applying an event), then every prober.
  watch_.reset();
  std::vector<std::shared_ptr<Prober>> probers;
  {
    core::MutexLock lock(mu_);
    stopped_ = true;
    for (auto& kv : cells_) {
      Entry& entry = kv.second;
      if (entry.prober) probers.push_back(std::exchange(entry.prober, nullptr));
    }
    for (auto& p : retired_) probers.push_back(p);
    retired_.clear();
  }
  for (auto& p : probers) p->stop.Stop();
  for (auto& p : probers) {
    if (p->thread.joinable()) p->thread.join();
  }
}

bool CellRegistry::HasSynced() const {
  core::MutexLock lock(mu_);
  return synced_;
}

bool CellRegistry::WaitForSync(std::chrono::milliseconds timeout) const {
  core::MutexLock lock(mu_);
  return synced_cv_.wait_for(lock, timeout, [&]() REQUIRES(mu_) { return synced_; });
}

void CellRegistry::OnEvent(const kube::WatchEvent& event) {
  core::MutexLock update(update_mu_);
  ReapRetired();
  std::vector<CellChange> changes;
  auto is_cluster_secret = [&](const Object& o) {
    return o.Kind() == "Secret" && o.Namespace() == options_.ns &&
           o.Label(argo::kSecretTypeLabel) == argo::kSecretTypeCluster;
  };
  switch (event.type) {
    case kube::WatchEventType::kReplace: {
      std::map<std::string, CellSpec> next;
      for (const auto& o : event.objects) {
        if (is_cluster_secret(o)) next.emplace(o.Name(), ParseCellSecret(o));
      }
      std::vector<std::string> gone;
      {
        core::MutexLock lock(mu_);
        for (const auto& [key, entry] : cells_) {
          if (!key.empty() && !next.contains(key)) gone.push_back(key);
        }
      }
      for (const auto& key : gone) Reconcile(key, nullptr, changes);
      for (const auto& [key, spec] : next) Reconcile(key, &spec, changes);
      ReconcileImplicitInCluster(changes);
      {
        core::MutexLock lock(mu_);
        synced_ = true;
      }
      synced_cv_.notify_all();
      break;
    }
    case kube::WatchEventType::kAdded:
    case kube::WatchEventType::kModified: {
      if (is_cluster_secret(event.object)) {
        CellSpec spec = ParseCellSecret(event.object);
        Reconcile(event.object.Name(), &spec, changes);
      } else {
        // No longer a cluster Secret (label removed): the cell goes, as in Argo CD.
        Reconcile(event.object.Name(), nullptr, changes);
      }
      ReconcileImplicitInCluster(changes);
      break;
    }
    case kube::WatchEventType::kDeleted:
      Reconcile(event.object.Name(), nullptr, changes);
      ReconcileImplicitInCluster(changes);
      break;
    case kube::WatchEventType::kError:
      // The watch reconnects by itself; the cells we know stay as they are.
      spdlog::warn("cell registry: watch of cluster secrets in {}: {}", options_.ns,
                   StringAt(event.object.body(), {"message"}));
      break;
    case kube::WatchEventType::kBookmark:
      break;
  }
  Notify(changes);
}

CellSpec CellRegistry::Resolve(CellSpec spec) const {
  if (spec.error || spec.info.server != argo::kInClusterServer) return spec;
  if (!options_.in_cluster_enabled) {
    spec.error = Error(ErrorCode::kFailedPrecondition,
                       "cluster secret " + options_.ns + "/" + spec.info.secret + ": server " +
                           spec.info.server + " is the in-cluster cell, which is disabled");
    spec.info.connection.state = CellState::kInvalid;
    spec.info.connection.last_error = spec.error->message();
    return spec;
  }
  // The hub: reached with the controller's own hub config wherever the controller runs.
  spec.config = hub_;
  spec.config.name = spec.info.name;
  spec.connection_fingerprint = std::string(argo::kInClusterServer) + "\nhub";
  return spec;
}

CellRegistry::Entry CellRegistry::Build(CellSpec spec) {
  Entry entry;
  entry.spec = std::move(spec);
  CellConnection& c = entry.spec.info.connection;
  c = CellConnection{};
  c.since = clock_.WallNow();
  if (entry.spec.error) {
    c.state = CellState::kInvalid;
    c.last_error = entry.spec.error->message();
    c.last_error_at = c.since;
    return entry;
  }
  auto client = connector_.Connect(entry.spec.config);
  if (!client) {
    entry.spec.error = client.error().Wrap("cell " + entry.spec.info.name);
    c.state = CellState::kInvalid;
    c.last_error = entry.spec.error->message();
    c.last_error_at = c.since;
    return entry;
  }
  entry.client = std::move(*client);
  return entry;
}

void CellRegistry::Reconcile(const std::string& key, const CellSpec* spec,
                             std::vector<CellChange>& changes) {
  if (spec == nullptr) {
    core::MutexLock lock(mu_);
    auto it = cells_.find(key);
    if (it == cells_.end()) return;
    CellInfo info = it->second.spec.info;
    RetireLocked(it->second);
    cells_.erase(it);
    changes.push_back(
        {.kind = CellChangeKind::kRemoved, .cell = info, .previous_state = info.connection.state});
    spdlog::info("cell {} ({}) removed", info.name, info.server);
    return;
  }
  CellSpec resolved = Resolve(*spec);
  {
    core::MutexLock lock(mu_);
    auto it = cells_.find(key);
    if (it != cells_.end()) {
      Entry& entry = it->second;
      bool same_connection =
          entry.spec.connection_fingerprint == resolved.connection_fingerprint &&
          entry.spec.error.has_value() == resolved.error.has_value() &&
          (!resolved.error || entry.spec.error->message() == resolved.error->message());
      if (same_connection) {
        CellInfo next = resolved.info;
        next.connection = entry.spec.info.connection;
        if (next == entry.spec.info) return;
        entry.spec.info = next;
        changes.push_back({.kind = CellChangeKind::kUpdated,
                           .cell = next,
                           .previous_state = next.connection.state});
        return;
      }
    }
  }
  // New cell, or its connection settings changed: build a client without holding mu_.
  Entry built = Build(std::move(resolved));
  core::MutexLock lock(mu_);
  auto it = cells_.find(key);
  bool existed = it != cells_.end();
  CellState previous = existed ? it->second.spec.info.connection.state : CellState::kUnknown;
  if (existed) {
    RetireLocked(it->second);
    it->second = std::move(built);
  } else {
    it = cells_.emplace(key, std::move(built)).first;
  }
  Entry& entry = it->second;
  entry.id = ++next_id_;
  if (entry.client) StartProber(key, entry);
  const CellInfo& info = entry.spec.info;
  changes.push_back({.kind = existed ? CellChangeKind::kUpdated : CellChangeKind::kAdded,
                     .cell = info,
                     .previous_state = previous,
                     .client_rebuilt = existed});
  if (entry.spec.error) {
    spdlog::warn("cell {} ({}) is invalid: {}", info.name, info.server, info.connection.last_error);
  } else {
    spdlog::info("cell {} ({}) {}", info.name, info.server, existed ? "reconnected" : "added");
  }
}

void CellRegistry::ReconcileImplicitInCluster(std::vector<CellChange>& changes) {
  bool have = false;
  bool hub_secret = false;  // a valid Secret for the hub replaces the implicit cell
  {
    core::MutexLock lock(mu_);
    have = cells_.contains("");
    hub_secret = std::any_of(cells_.begin(), cells_.end(), [](const auto& kv) {
      return !kv.first.empty() && kv.second.spec.info.server == argo::kInClusterServer &&
             !kv.second.spec.error.has_value();
    });
  }
  const bool want = options_.in_cluster_enabled && !hub_secret;
  if (want && !have) {
    CellSpec spec;
    spec.info.name = std::string(argo::kInClusterName);
    spec.info.server = std::string(argo::kInClusterServer);
    Reconcile("", &spec, changes);
  } else if (!want && have) {
    Reconcile("", nullptr, changes);
  }
}

void CellRegistry::Notify(const std::vector<CellChange>& changes) {
  if (changes.empty()) return;
  std::vector<std::shared_ptr<CellListener>> listeners;
  {
    core::MutexLock lock(mu_);
    for (const auto& [id, l] : listeners_) listeners.push_back(l);
  }
  for (const auto& change : changes) {
    for (const auto& l : listeners) (*l)(change);
  }
}

int CellRegistry::AddListener(CellListener listener) {
  core::MutexLock lock(mu_);
  int id = ++next_listener_;
  listeners_.emplace(id, std::make_shared<CellListener>(std::move(listener)));
  return id;
}

void CellRegistry::RemoveListener(int id) {
  core::MutexLock lock(mu_);
  listeners_.erase(id);
}

Result<CellHandle> CellRegistry::HandleFor(const Entry& entry) const {
  if (entry.spec.error || !entry.client) {
    return MakeError(
        ErrorCode::kFailedPrecondition,
        "cell " + entry.spec.info.name + " is invalid: " + entry.spec.info.connection.last_error);
  }
  return CellHandle{.info = entry.spec.info, .client = entry.client};
}

Result<CellHandle> CellRegistry::FindByName(std::string_view name) const {
  core::MutexLock lock(mu_);
  std::vector<const Entry*> usable;
  const Entry* invalid = nullptr;
  for (const auto& kv : cells_) {
    const Entry& entry = kv.second;
    if (entry.spec.info.name != name) continue;
    if (entry.spec.error) {
      if (invalid == nullptr) invalid = &entry;
    } else {
      usable.push_back(&entry);
    }
  }
  if (usable.size() == 1) return HandleFor(*usable.front());
  if (usable.size() > 1) {
    std::string servers;
    for (const Entry* e : usable) servers += (servers.empty() ? "" : ", ") + e->spec.info.server;
    return MakeError(ErrorCode::kFailedPrecondition, "there are " + std::to_string(usable.size()) +
                                                         " cells named " + std::string(name) +
                                                         ": " + servers);
  }
  if (invalid != nullptr) return HandleFor(*invalid);
  return MakeError(ErrorCode::kNotFound, "cell " + std::string(name) + " is not registered");
}

Result<CellHandle> CellRegistry::FindByServer(std::string_view server) const {
  std::string s(server);
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  core::MutexLock lock(mu_);
  const Entry* invalid = nullptr;
  for (const auto& kv : cells_) {
    const Entry& entry = kv.second;
    if (entry.spec.info.server != s) continue;
    if (!entry.spec.error) return HandleFor(entry);
    if (invalid == nullptr) invalid = &entry;
  }
  if (invalid != nullptr) return HandleFor(*invalid);
  return MakeError(ErrorCode::kNotFound, "no cell has server " + s);
}

std::vector<CellInfo> CellRegistry::List() const {
  std::vector<CellInfo> out;
  {
    core::MutexLock lock(mu_);
    out.reserve(cells_.size());
    for (const auto& [key, entry] : cells_) out.push_back(entry.spec.info);
  }
  std::sort(out.begin(), out.end(), [](const CellInfo& a, const CellInfo& b) {
    return std::tie(a.name, a.server, a.secret) < std::tie(b.name, b.server, b.secret);
  });
  return out;
}

}  // namespace cellgate::cells

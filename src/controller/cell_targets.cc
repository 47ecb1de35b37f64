#include "controller/cell_targets.h"

#include <set>

#include "core/mutex.h"

namespace cellgate::controller {
namespace {

std::string TrimSlash(std::string_view s) {
  std::string out(s);
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

}  // namespace

Result<std::unique_ptr<engine::KindCatalog>> DiscoveryKindCatalog(cells::CellClient& client) {
  kube::ClusterClient* cluster = client.cluster();
  if (cluster == nullptr) {
    return MakeError(ErrorCode::kInternal, "cell client has no discovery (not a ClusterClient)");
  }
  return std::unique_ptr<engine::KindCatalog>(new engine::ClusterKindCatalog(*cluster));
}

CellTarget::CellTarget(cells::CellInfo info, std::shared_ptr<cells::CellClient> client,
                       std::unique_ptr<engine::KindCatalog> kinds, const Clock& clock)
    : name_(info.name),
      info_(std::move(info)),
      client_(std::move(client)),
      kinds_(std::move(kinds)),
      clock_(clock),
      watch_hub_(client_->watcher()),
      heal_runner_(clock_, kHealThreads) {}

cells::CellInfo CellTarget::info() const {
  core::MutexLock lock(info_mu_);
  return info_;
}

void CellTarget::SetInfo(cells::CellInfo info) {
  core::MutexLock lock(info_mu_);
  info_ = std::move(info);
}

engine::CellAccess CellTarget::Access() {
  return engine::CellAccess{.name = name_,
                            .reader = client_->reader(),
                            .applier = client_->applier(),
                            .kinds = *kinds_,
                            .clock = clock_,
                            .memo = &memo_,
                            .cache = &watch_hub_};
}

CellTargets::CellTargets(const cells::CellRegistry& registry, const Clock& clock,
                         KindCatalogFactory kinds)
    : registry_(registry), clock_(clock), kinds_(std::move(kinds)) {}

Result<cells::CellHandle> CellTargets::Lookup(std::string_view home,
                                              const argo::ApplicationDestination& dest) const {
  const std::string server = TrimSlash(dest.server);
  if (!home.empty()) return LookupOwnCell(home, dest.name, server);
  if (!dest.name.empty() && !server.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "application destination can't have both name and server defined: " +
                         dest.name + " " + server);
  }
  if (!dest.name.empty()) {
    return WithContext(registry_.FindByName(dest.name), "destination name " + dest.name);
  }
  if (!server.empty()) {
    return WithContext(registry_.FindByServer(server), "destination server " + server);
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   "application destination must have either a server or a name");
}

Result<cells::CellHandle> CellTargets::LookupOwnCell(std::string_view home, std::string_view name,
                                                     std::string_view server) const {
  const std::string where = "destination of an Application stored in cell " + std::string(home);
  if (!name.empty() && !server.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     where + ": application destination can't have both name and server defined: " +
                         std::string(name) + " " + std::string(server));
  }
  auto own = registry_.FindByName(home);
  CG_TRY_WRAP(own, where);
  const bool in_cluster =
      server == argo::kInClusterServer || (server.empty() && name == argo::kInClusterName);
  const bool itself = (!name.empty() && name == own->info.name) ||
                      (!server.empty() && server == TrimSlash(own->info.server));
  if (in_cluster || itself) return own;
  return MakeError(ErrorCode::kPermissionDenied,
                   where + ": " + (name.empty() ? std::string(server) : std::string(name)) +
                       " is not that cell; an Application stored in a cell may deploy only to "
                       "that cell (https://kubernetes.default.svc)");
}

Result<std::string> CellTargets::ResolveName(std::string_view home,
                                             const argo::ApplicationDestination& dest) const {
  auto handle = Lookup(home, dest);
  CG_TRY(handle);
  return handle->info.name;
}

Result<std::shared_ptr<CellTarget>> CellTargets::Resolve(std::string_view home,
                                                         const argo::ApplicationDestination& dest) {
  auto handle = Lookup(home, dest);
  CG_TRY(handle);
  return Target(std::move(*handle));
}

Result<std::shared_ptr<CellTarget>> CellTargets::ByName(std::string_view name) {
  auto handle = registry_.FindByName(name);
  CG_TRY(handle);
  return Target(std::move(*handle));
}

Result<std::shared_ptr<CellTarget>> CellTargets::Target(cells::CellHandle handle) {
  {
    core::MutexLock lock(mu_);
    auto it = targets_.find(handle.info.name);
    if (it != targets_.end() && it->second->client_ == handle.client) {
      it->second->SetInfo(handle.info);
      return it->second;
    }
  }
  // Built outside the lock: a catalog factory may be slow to construct (never networked).
  auto kinds = kinds_(*handle.client);
  CG_TRY_WRAP(kinds, "cell " + handle.info.name);
  std::string name = handle.info.name;
  auto target = std::make_shared<CellTarget>(std::move(handle.info), std::move(handle.client),
                                             std::move(*kinds), clock_);
  core::MutexLock lock(mu_);
  auto& slot = targets_[name];
  if (slot && slot->client_ == target->client_) {
    slot->SetInfo(target->info());
    return slot;
  }
  slot = target;
  return target;
}

void CellTargets::Prune() {
  std::set<std::string> live;
  for (const cells::CellInfo& info : registry_.List()) live.insert(info.name);
  core::MutexLock lock(mu_);
  std::erase_if(targets_, [&](const auto& kv) {
    if (!live.contains(kv.first)) return true;
    auto handle = registry_.FindByName(kv.first);
    return !handle || handle->client != kv.second->client_;
  });
}

}  // namespace cellgate::controller

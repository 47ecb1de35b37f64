#include "controller/home_directory.h"

#include "core/mutex.h"

namespace cellgate::controller {

std::shared_ptr<HomeCluster> HomeDirectory::Get(std::string_view name) const {
  core::MutexLock lock(mu_);
  auto it = homes_.find(name);
  return it == homes_.end() ? nullptr : it->second;
}

std::shared_ptr<HomeCluster> HomeDirectory::Put(std::shared_ptr<HomeCluster> home) {
  core::MutexLock lock(mu_);
  auto& slot = homes_[home->name()];
  std::swap(slot, home);
  return home;
}

std::shared_ptr<HomeCluster> HomeDirectory::Remove(std::string_view name) {
  core::MutexLock lock(mu_);
  auto it = homes_.find(name);
  if (it == homes_.end()) return nullptr;
  auto home = std::move(it->second);
  homes_.erase(it);
  return home;
}

std::vector<std::shared_ptr<HomeCluster>> HomeDirectory::All() const {
  core::MutexLock lock(mu_);
  std::vector<std::shared_ptr<HomeCluster>> out;
  out.reserve(homes_.size());
  for (const auto& [name, home] : homes_) out.push_back(home);
  return out;
}

}  // namespace cellgate::controller

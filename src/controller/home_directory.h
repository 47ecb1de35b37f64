// HomeDirectory: the home clusters the controller serves right now (home_cluster.h), by name
// ("" = the hub). The hub home exists for the runtime's whole life; cell homes come and go
// with the cells (cell_homes.h decides).
//
// Thread-safety: thread-safe. Homes are shared: a reconcile that looked one up keeps it alive
// even if it is removed meanwhile.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "controller/home_cluster.h"
#include "core/mutex.h"

namespace cellgate::controller {

class HomeDirectory {
 public:
  std::shared_ptr<HomeCluster> Get(std::string_view name) const;
  // Replaces any home of the same name; returns the one replaced (or null).
  std::shared_ptr<HomeCluster> Put(std::shared_ptr<HomeCluster> home);
  std::shared_ptr<HomeCluster> Remove(std::string_view name);
  std::vector<std::shared_ptr<HomeCluster>> All() const;
  bool Contains(std::string_view name) const { return Get(name) != nullptr; }

 private:
  mutable core::Mutex mu_;
  std::map<std::string, std::shared_ptr<HomeCluster>, std::less<>> homes_ GUARDED_BY(mu_);
};

}  // namespace cellgate::controller

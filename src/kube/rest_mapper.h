// RestMapper: which REST resource serves a kind, learned from the API server's discovery.
//
// Discovery reads /api and /apis. Servers that offer aggregated discovery (Kubernetes 1.26+,
// apidiscovery.k8s.io v2 or v2beta1) answer everything in those two requests; older ones get
// one request per group version, and a group version that fails (an unavailable
// aggregated APIService such as metrics.k8s.io) keeps its previous mappings rather than
// failing the refresh, as kubectl does.
//
// Mappings are cached. A miss refreshes discovery so that a CRD created a moment ago
// becomes usable, but at most once per min_refresh_interval per cell: a miss shortly after a
// refresh waits until the next refresh is allowed (so it still sees a CRD created just
// before it), and misses that arrive while a refresh runs share it. A kind the server does
// not serve is kNotFound ("cell-1: no resource serves example.com/v1 Widget").
//
// Thread-safety: thread-safe. The Transport must outlive the mapper.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/mutex.h"
#include "core/result.h"
#include "kube/resource.h"
#include "kube/transport.h"

namespace cellgate::kube {

struct MapperOptions {
  std::chrono::milliseconds min_refresh_interval{2000};
  bool aggregated_discovery = true;  // ask for apidiscovery.k8s.io first
};

// What discovery found: mappings by kind and each group's versions, preferred first.
struct DiscoverySnapshot {
  std::map<GroupVersionKind, ResourceMapping> by_gvk;
  std::map<std::string, std::vector<std::string>> group_versions;
};

class RestMapper {
 public:
  explicit RestMapper(Transport& transport, MapperOptions options = {});

  Result<ResourceMapping> Map(const GroupVersionKind& gvk);

  // The group's preferred version that serves `kind`, else its first version that does.
  Result<ResourceMapping> MapGroupKind(std::string_view group, std::string_view kind);

  // Re-reads all discovery, waiting for min_refresh_interval since the last refresh.
  Status Refresh();

  // Re-reads a single group version now, without the interval (used once a CRD is
  // Established). kNotFound when the server does not serve it (yet).
  Status RefreshGroupVersion(std::string_view group, std::string_view version);

  std::vector<ResourceMapping> Mappings() const;

 private:
  std::optional<ResourceMapping> Lookup(const GroupVersionKind& gvk) const;
  std::optional<ResourceMapping> LookupGroupKind(std::string_view group,
                                                 std::string_view kind) const;
  // Refreshes unless one started after `miss`; waits for the interval.
  Status RefreshAfter(Clock::TimePoint miss);
  Result<DiscoverySnapshot> Discover();

  Transport& transport_;
  const MapperOptions options_;

  core::Mutex refresh_mu_;  // one refresh at a time
  bool refreshed_ GUARDED_BY(refresh_mu_) = false;
  Clock::TimePoint last_refresh_start_ GUARDED_BY(refresh_mu_){};
  Status last_status_ GUARDED_BY(refresh_mu_);

  mutable core::SharedMutex mu_;
  DiscoverySnapshot snapshot_ GUARDED_BY(mu_);
};

// Pure parsers of discovery documents, exposed for tests.
// APIGroupDiscoveryList (aggregated) → snapshot entries.
Status ParseAggregatedDiscovery(const Json& list, DiscoverySnapshot& into);
// APIResourceList of one group version → mappings.
Status ParseResourceList(const Json& list, std::string_view group, std::string_view version,
                         DiscoverySnapshot& into);

}  // namespace cellgate::kube

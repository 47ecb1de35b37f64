// ClusterClient: everything cellgate needs to talk to one cell, in one owner.
//
// It owns the cell's Transport (connections, credentials, rate limit, retries), its
// RestMapper (discovery cache) and the RestClient/RestWatcher built on them, and hands out
// the role interfaces (client.h) by reference. Pass those, not the ClusterClient, to code
// that needs only one role.
//
//   auto cell = ClusterClient::Create(*LoadKubeconfig({.context = "cell-1"}));
//   auto live = (*cell)->reader().Get({"apps", "v1", "Deployment"}, "default", "api");
//
// Thread-safety: thread-safe; share one ClusterClient per cell across threads. It must
// outlive the references and WatchHandles it hands out.
#pragma once

#include <chrono>
#include <memory>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "kube/client.h"
#include "kube/cluster_config.h"
#include "kube/rest_client.h"
#include "kube/rest_mapper.h"
#include "kube/rest_watcher.h"
#include "kube/transport.h"

namespace cellgate::kube {

struct ClusterClientOptions {
  TransportOptions transport;
  MapperOptions mapper;
};

class ClusterClient {
 public:
  static Result<std::unique_ptr<ClusterClient>> Create(ClusterConfig config,
                                                       ClusterClientOptions options = {});

  Reader& reader() { return *rest_; }
  Applier& applier() { return *rest_; }
  Watcher& watcher() { return *watcher_; }
  RestMapper& mapper() { return *mapper_; }
  Transport& transport() { return *transport_; }
  const ClusterConfig& config() const { return transport_->config(); }

  // GET /version: {"major": "1", "minor": "32", "gitVersion": "v1.32.2", ...}. A cheap
  // reachability probe.
  Result<Json> ServerVersion();

  // Waits until the CustomResourceDefinition `name` ("widgets.example.com") reports
  // Established=True and discovery serves its kind, so objects of it can be applied right
  // after. kDeadlineExceeded after `timeout`; kNotFound if the CRD is gone.
  Status WaitForCRDEstablished(std::string_view name, std::chrono::milliseconds timeout);

  std::vector<RequestCount> RequestCounts() const { return transport_->RequestCounts(); }

 private:
  explicit ClusterClient(std::unique_ptr<Transport> transport, const MapperOptions& mapper);

  std::unique_ptr<Transport> transport_;
  std::unique_ptr<RestMapper> mapper_;
  std::unique_ptr<RestClient> rest_;
  std::unique_ptr<RestWatcher> watcher_;
};

}  // namespace cellgate::kube

#include "cells/cell_client.h"

#include <utility>

#include "kube/api_error.h"

namespace cellgate::cells {
namespace {

class KubeCellClient final : public cells::CellClient {
 public:
  KubeCellClient(std::unique_ptr<kube::ClusterClient> client,
                 std::unique_ptr<kube::Transport> probe, std::chrono::milliseconds probe_timeout)
      : client_(std::move(client)), probe_(std::move(probe)), probe_timeout_(probe_timeout) {}

  kube::Reader& reader() override { return client_->reader(); }
  kube::Applier& applier() override { return client_->applier(); }
  kube::Watcher& watcher() override { return client_->watcher(); }
  kube::ClusterClient* cluster() override { return client_.get(); }

  Result<std::string> Probe() override {
    auto version = kube::JsonResponse(
        probe_->Do(
            {.verb = "probe", .path = "/version", .idempotent = true, .timeout = probe_timeout_}),
        "probe " + probe_->config().Describe());
    CG_TRY(version);
    std::string git = StringAt(*version, {"gitVersion"});
    return git.empty() ? std::string("unknown") : git;
  }

 private:
  std::unique_ptr<kube::ClusterClient> client_;
  std::unique_ptr<kube::Transport> probe_;
  std::chrono::milliseconds probe_timeout_;
};

}  // namespace

Result<std::shared_ptr<CellClient>> KubeCellConnector::Connect(const kube::ClusterConfig& config) {
  auto client = kube::ClusterClient::Create(config, options_.client);
  CG_TRY(client);
  kube::TransportOptions probe_options = options_.client.transport;
  probe_options.request_timeout = options_.probe_timeout;
  probe_options.connect_timeout = options_.probe_timeout;
  probe_options.retry.max_retries = 0;  // the prober has its own backoff
  probe_options.rate_limit.qps = 0;     // one request per probe interval: never throttled
  probe_options.max_idle_connections = 1;
  auto probe = kube::Transport::Create(config, std::move(probe_options));
  CG_TRY(probe);
  return std::shared_ptr<CellClient>(
      new KubeCellClient(std::move(*client), std::move(*probe), options_.probe_timeout));
}

}  // namespace cellgate::cells

#include "cli/destination_cell.h"

#include "cli/controller_namespace.h"
#include "cli/hub.h"

namespace cellgate::cli {

Status CheckDestination(const render::ApplicationDestination& destination) {
  if (!destination.name.empty() && !destination.server.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "application destination can't have both name and server defined: " +
                         destination.name + " " + destination.server);
  }
  if (destination.name.empty() && destination.server.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "application destination names neither a server nor a name");
  }
  return Ok();
}

Result<std::unique_ptr<DestinationCell>> DestinationCell::Resolve(
    kube::Watcher& hub_watcher, const kube::ClusterConfig& hub, const std::string& ns,
    const render::ApplicationDestination& destination) {
  CG_TRY(CheckDestination(destination));
  std::unique_ptr<DestinationCell> cell(new DestinationCell());
  cell->registry_ = std::make_unique<cells::CellRegistry>(
      hub_watcher, hub, cell->connector_, cell->clock_, cells::CellRegistryOptions{.ns = ns});
  CG_TRY(cell->registry_->Start());
  if (!cell->registry_->WaitForSync(std::chrono::seconds(10))) {
    return MakeError(
        ErrorCode::kDeadlineExceeded,
        "the hub's cluster Secrets" + CellSecretsWhere(ns) + " could not be listed within 10s");
  }
  auto handle = destination.name.empty() ? cell->registry_->FindByServer(destination.server)
                                         : cell->registry_->FindByName(destination.name);
  if (!handle) {
    // The registry does not know where its Secrets came from; say it, so a wrong -n shows.
    Error e = handle.error();
    if (e.code() == ErrorCode::kNotFound) e = Error(e.code(), e.message() + CellSecretsWhere(ns));
    return std::unexpected(e.Wrap(
        "destination " + (destination.name.empty() ? destination.server : destination.name)));
  }
  cell->handle_ = std::move(*handle);
  kube::ClusterClient* client = cell->handle_.client->cluster();
  if (client == nullptr) {
    return MakeError(ErrorCode::kInternal, "cell " + cell->name() + " has no cluster client");
  }
  cell->kinds_ = std::make_unique<engine::ClusterKindCatalog>(*client);
  return cell;
}

DestinationCell::DestinationCell()
    : connector_({.client = CliClientOptions(), .probe_timeout = std::chrono::seconds(2)}) {}

DestinationCell::~DestinationCell() {
  if (registry_) registry_->Stop();
}

engine::CellAccess DestinationCell::Access() {
  return engine::CellAccess{handle_.info.name, handle_.client->reader(), handle_.client->applier(),
                            *kinds_, clock_};
}

}  // namespace cellgate::cli

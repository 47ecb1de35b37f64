// Writing an ApplicationSet's status. The ApplicationSet CRD has a status subresource
// (deploy/crds/applicationset.yaml), so status is written to .../applicationsets/<name>/status
// and a write of the object itself cannot change it; kube::Applier addresses objects only,
// hence this narrow interface (tests pass a fake).
//
// HubStatusWriter sends a server-side apply to the status subresource with its own field
// manager and force: only the fields given are owned and set (conditions, resources,
// resourcesCount), fields other writers own (applicationStatus of progressive syncs) stay,
// and no resourceVersion is needed, so a concurrent spec change never makes the write fail.
//
// Errors name the operation and object, with the API server's words (kube/api_error.h):
//   apply status argoproj.io/ApplicationSet shop/web: 404 Not Found: ...
//
// Thread-safety: HubStatusWriter is thread-safe; the transport and mapper must outlive it.
#pragma once

#include <string>

#include "core/object.h"
#include "core/result.h"
#include "kube/cluster_client.h"
#include "kube/rest_mapper.h"
#include "kube/transport.h"

namespace cellgate::appset_controller {

class ApplicationSetStatusWriter {
 public:
  virtual ~ApplicationSetStatusWriter() = default;
  // Sets the given fields of `appset`'s status (apiVersion, kind, metadata.name and
  // metadata.namespace of `appset` are used).
  virtual Status WriteStatus(const Object& appset, const Json& status_fields) = 0;
};

class HubStatusWriter final : public ApplicationSetStatusWriter {
 public:
  HubStatusWriter(kube::Transport& transport, kube::RestMapper& mapper,
                  std::string field_manager = "cellgate-applicationset-controller");
  explicit HubStatusWriter(kube::ClusterClient& hub,
                           std::string field_manager = "cellgate-applicationset-controller");

  Status WriteStatus(const Object& appset, const Json& status_fields) override;

 private:
  kube::Transport& transport_;
  kube::RestMapper& mapper_;
  const std::string field_manager_;
};

}  // namespace cellgate::appset_controller

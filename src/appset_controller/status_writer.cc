#include "appset_controller/status_writer.h"

#include <utility>

#include "kube/api_error.h"
#include "kube/resource.h"

namespace cellgate::appset_controller {

HubStatusWriter::HubStatusWriter(kube::Transport& transport, kube::RestMapper& mapper,
                                 std::string field_manager)
    : transport_(transport), mapper_(mapper), field_manager_(std::move(field_manager)) {}

HubStatusWriter::HubStatusWriter(kube::ClusterClient& hub, std::string field_manager)
    : HubStatusWriter(hub.transport(), hub.mapper(), std::move(field_manager)) {}

Status HubStatusWriter::WriteStatus(const Object& appset, const Json& status_fields) {
  std::string context = "apply status " + appset.Key().ToString();
  auto mapping = mapper_.Map(kube::GroupVersionKind::Of(appset));
  CG_TRY_WRAP(mapping, context);
  Json body = {{"apiVersion", appset.ApiVersion()},
               {"kind", appset.Kind()},
               {"metadata", {{"name", appset.Name()}, {"namespace", appset.Namespace()}}},
               {"status", status_fields}};
  std::string path = kube::ResourcePath(*mapping, appset.Namespace(), appset.Name()) + "/status" +
                     kube::QueryString({{"fieldManager", field_manager_}, {"force", "true"}});
  auto response = kube::JsonResponse(transport_.Do({.verb = "apply",
                                                    .method = "PATCH",
                                                    .path = std::move(path),
                                                    .body = body.dump(),
                                                    .content_type = "application/apply-patch+yaml",
                                                    .idempotent = true}),
                                     context);
  CG_TRY(response);
  return Ok();
}

}  // namespace cellgate::appset_controller

#include "kube/cluster_client.h"

#include <thread>

#include "kube/api_error.h"

namespace cellgate::kube {
namespace {

bool ConditionTrue(const Object& object, std::string_view type) {
  const Json& body = object.body();
  auto status = body.find("status");
  if (status == body.end() || !status->is_object()) return false;
  auto conditions = status->find("conditions");
  if (conditions == status->end() || !conditions->is_array()) return false;
  for (const auto& c : *conditions) {
    if (StringAt(c, {"type"}) == type) return StringAt(c, {"status"}) == "True";
  }
  return false;
}

}  // namespace

Result<std::unique_ptr<ClusterClient>> ClusterClient::Create(ClusterConfig config,
                                                             ClusterClientOptions options) {
  auto transport = Transport::Create(std::move(config), std::move(options.transport));
  CG_TRY(transport);
  return std::unique_ptr<ClusterClient>(new ClusterClient(std::move(*transport), options.mapper));
}

ClusterClient::ClusterClient(std::unique_ptr<Transport> transport, const MapperOptions& mapper)
    : transport_(std::move(transport)),
      mapper_(std::make_unique<RestMapper>(*transport_, mapper)),
      rest_(std::make_unique<RestClient>(*transport_, *mapper_)),
      watcher_(std::make_unique<RestWatcher>(*transport_, *mapper_, *rest_)) {}

Result<Json> ClusterClient::ServerVersion() {
  return JsonResponse(transport_->Do({.verb = "get", .path = "/version", .idempotent = true}),
                      "version of " + config().Describe());
}

Status ClusterClient::WaitForCRDEstablished(std::string_view name,
                                            std::chrono::milliseconds timeout) {
  const std::string context = "wait for CustomResourceDefinition " + std::string(name);
  const GroupVersionKind crd_kind{"apiextensions.k8s.io", "v1", "CustomResourceDefinition"};
  const Clock& clock = transport_->clock();
  auto deadline = clock.Now() + timeout;
  std::chrono::milliseconds poll{100};
  std::string last = "not yet Established";
  while (true) {
    auto crd = rest_->Get(crd_kind, "", name);
    if (!crd && crd.error().code() != ErrorCode::kUnavailable) {
      return std::unexpected(crd.error().Wrap(context));
    }
    if (!crd) last = crd.error().message();
    if (crd && ConditionTrue(*crd, "Established")) {
      // Established: make discovery serve every served version's kind before returning.
      std::string group = StringAt(crd->body(), {"spec", "group"});
      std::string kind = StringAt(crd->body(), {"spec", "names", "kind"});
      bool all_served = true;
      const Json spec = crd->body().value("spec", Json::object());
      for (const auto& v : spec.value("versions", Json::array())) {
        if (!v.value("served", false)) continue;
        std::string version = StringAt(v, {"name"});
        auto s = mapper_->RefreshGroupVersion(group, version);
        bool found = false;
        if (s) {
          for (const auto& m : mapper_->Mappings()) {
            found = found || m.gvk == GroupVersionKind{group, version, kind};
          }
        }
        if (!found) {
          all_served = false;
          last = "Established, but discovery does not serve " + group + "/" + version + " " + kind +
                 " yet";
        }
      }
      if (all_served) return Ok();
    }
    if (clock.Now() >= deadline) {
      return MakeError(
          ErrorCode::kDeadlineExceeded,
          context + ": not ready after " + std::to_string(timeout.count()) + " ms (" + last + ")");
    }
    std::this_thread::sleep_for(poll);
    poll = std::min(poll * 2, std::chrono::milliseconds(1000));
  }
}

}  // namespace cellgate::kube

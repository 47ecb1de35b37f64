#include "engine/cell.h"

#include <set>

namespace cellgate::engine {
namespace {

// Kinds never listed when the whole cell is searched for an application's objects: they are
// written by the cluster itself, churn constantly and are never part of an application
// (Argo CD's default resource.exclusions leave out the same ones).
bool ExcludedFromSearch(const kube::GroupVersionKind& gvk) {
  static const std::set<GroupKind> kExcluded = {
      {"", "Event"},
      {"events.k8s.io", "Event"},
      {"", "Endpoints"},
      {"discovery.k8s.io", "EndpointSlice"},
      {"coordination.k8s.io", "Lease"},
      {"", "ComponentStatus"},
  };
  if (gvk.group == "metrics.k8s.io") return true;
  return kExcluded.contains(GroupKind{gvk.group, gvk.kind});
}

}  // namespace

std::string GroupKind::ToString() const { return group.empty() ? kind : group + "/" + kind; }

Result<kube::ResourceMapping> ClusterKindCatalog::Map(const kube::GroupVersionKind& gvk) {
  return cell_.mapper().Map(gvk);
}

Result<kube::ResourceMapping> ClusterKindCatalog::MapGroupKind(std::string_view group,
                                                               std::string_view kind) {
  return cell_.mapper().MapGroupKind(group, kind);
}

Result<std::vector<kube::ResourceMapping>> ClusterKindCatalog::ListableKinds() {
  CG_TRY_WRAP(cell_.mapper().Refresh(), "discovery of " + cell_.config().Describe());
  std::set<GroupKind> seen;
  std::vector<kube::ResourceMapping> out;
  for (const auto& m : cell_.mapper().Mappings()) {
    if (!m.Supports("list") || ExcludedFromSearch(m.gvk)) continue;
    if (!seen.insert(GroupKind{m.gvk.group, m.gvk.kind}).second) continue;
    auto preferred = cell_.mapper().MapGroupKind(m.gvk.group, m.gvk.kind);
    out.push_back(preferred ? *preferred : m);
  }
  return out;
}

Status ClusterKindCatalog::WaitForCRDEstablished(std::string_view name,
                                                 std::chrono::milliseconds timeout) {
  return cell_.WaitForCRDEstablished(name, timeout);
}

bool IsUnreachable(const Error& error) {
  return error.code() == ErrorCode::kUnavailable || error.code() == ErrorCode::kDeadlineExceeded;
}

}  // namespace cellgate::engine

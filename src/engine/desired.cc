#include "engine/desired.h"

#include <map>

#include "sync/tracking.h"

namespace cellgate::engine {

const Object* FindDefiningCrd(std::span<const Object> objects, std::string_view group,
                              std::string_view kind) {
  for (const auto& o : objects) {
    if (o.Group() == "apiextensions.k8s.io" && o.Kind() == "CustomResourceDefinition" &&
        StringAt(o.body(), {"spec", "group"}) == group &&
        StringAt(o.body(), {"spec", "names", "kind"}) == kind) {
      return &o;
    }
  }
  return nullptr;
}

bool CrdDefinesVersion(const Object& crd, std::string_view version) {
  if (StringAt(crd.body(), {"spec", "version"}) == version) return true;
  auto spec = crd.body().find("spec");
  if (spec == crd.body().end() || !spec->is_object()) return false;
  auto versions = spec->find("versions");
  if (versions == spec->end() || !versions->is_array()) return false;
  for (const auto& v : *versions) {
    if (StringAt(v, {"name"}) == version) return true;
  }
  return false;
}

Result<KindScope> LookupKindScope(KindCatalog& kinds, const kube::GroupVersionKind& gvk,
                                  std::span<const Object> rendered) {
  KindScope out;
  auto exact = kinds.Map(gvk);
  if (exact) {
    out.namespaced = exact->namespaced;
    out.version_served = true;
    return out;
  }
  if (exact.error().code() != ErrorCode::kNotFound) return std::unexpected(exact.error());
  auto other = kinds.MapGroupKind(gvk.group, gvk.kind);
  if (other) {
    out.namespaced = other->namespaced;
    out.served_api_version = other->gvk.ApiVersion();
    return out;
  }
  if (other.error().code() != ErrorCode::kNotFound) return std::unexpected(other.error());
  out.defining_crd = FindDefiningCrd(rendered, gvk.group, gvk.kind);
  if (out.defining_crd != nullptr) {
    out.namespaced = StringAt(out.defining_crd->body(), {"spec", "scope"}) != "Cluster";
  }
  return out;
}

Error UnknownKindError(const KindScope& scope, const kube::GroupVersionKind& gvk,
                       std::string_view cell) {
  std::string message = "cell " + std::string(cell) + " does not serve " + gvk.ToString();
  if (!scope.served_api_version.empty()) {
    message += " (it serves " + scope.served_api_version + ")";
  } else if (scope.defining_crd != nullptr) {
    message += ", and CustomResourceDefinition " + scope.defining_crd->Name() +
               " of the app does not define version " + gvk.version;
  } else {
    message += ", and no CustomResourceDefinition of the app defines it";
  }
  return Error(ErrorCode::kNotFound, std::move(message));
}

Result<PreparedDesired> PrepareDesired(std::span<const Object> rendered, std::string_view instance,
                                       std::string_view destination_namespace, KindCatalog& kinds) {
  PreparedDesired out;
  std::map<kube::GroupVersionKind, bool> namespaced;  // one lookup per kind
  for (const auto& source : rendered) {
    kube::GroupVersionKind gvk = kube::GroupVersionKind::Of(source);
    auto known = namespaced.find(gvk);
    if (known == namespaced.end()) {
      auto scope = LookupKindScope(kinds, gvk, rendered);
      CG_TRY_WRAP(scope, "prepare " + source.Key().ToString());
      if (!scope->version_served) {
        out.unserved.emplace_back(
            gvk, scope->defining_crd != nullptr ? scope->defining_crd->Name() : std::string());
      }
      known = namespaced.emplace(gvk, scope->namespaced).first;
    }
    Object obj = source;
    if (known->second) {
      if (obj.Namespace().empty() && !destination_namespace.empty()) {
        obj.SetNamespace(destination_namespace);
      }
    } else if (obj.body().contains("metadata") && obj.body()["metadata"].is_object()) {
      obj.mutable_body()["metadata"].erase("namespace");
    }
    sync::SetTracking(obj, instance, destination_namespace);
    out.objects.push_back(std::move(obj));
  }
  return out;
}

}  // namespace cellgate::engine

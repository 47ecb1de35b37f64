#include "sync/desired.h"

#include <map>

#include "sync/tracking.h"

namespace cellgate::sync {

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

Result<PreparedDesired> PrepareDesired(std::span<const Object> rendered, std::string_view instance,
                                       std::string_view destination_namespace, KindCatalog& kinds) {
  PreparedDesired out;
  std::map<kube::GroupVersionKind, bool> namespaced;  // one lookup per kind
  for (const auto& source : rendered) {
    kube::GroupVersionKind gvk = kube::GroupVersionKind::Of(source);
    auto known = namespaced.find(gvk);
    if (known == namespaced.end()) {
      bool scoped = true;
      auto mapping = kinds.Map(gvk);
      if (mapping) {
        scoped = mapping->namespaced;
      } else if (mapping.error().code() == ErrorCode::kNotFound) {
        const Object* crd = FindDefiningCrd(rendered, gvk.group, gvk.kind);
        if (crd != nullptr) scoped = StringAt(crd->body(), {"spec", "scope"}) != "Cluster";
        out.unserved.emplace_back(gvk, crd != nullptr ? crd->Name() : std::string());
      } else {
        return std::unexpected(mapping.error().Wrap("prepare " + source.Key().ToString()));
      }
      known = namespaced.emplace(gvk, scoped).first;
    }
    Object obj = source;
    if (known->second) {
      if (obj.Namespace().empty() && !destination_namespace.empty()) {
        obj.SetNamespace(destination_namespace);
      }
    } else if (obj.body().contains("metadata") && obj.body()["metadata"].is_object()) {
      obj.mutable_body()["metadata"].erase("namespace");
    }
    SetTracking(obj, instance, destination_namespace);
    out.objects.push_back(std::move(obj));
  }
  return out;
}

}  // namespace cellgate::sync

// The rendered objects as they are sent to a cell: what diff, plan and executor work on.
//
// PrepareDesired gives every object of an application (hooks included):
//   - the destination namespace, when its kind is namespaced and it names none (Argo CD's
//     namespace default); a namespace written on a cluster-scoped kind is removed, so the
//     comparison with the live object (which has none) is exact;
//   - the tracking annotation and instance label (tracking.h) for the app's instance name.
// Whether a kind is namespaced comes from the cell's discovery (LookupKindScope): the exact
// version, else the same group and kind under the version the cell serves (scope belongs to
// the kind: an apiextensions.k8s.io/v1beta1 CustomResourceDefinition is cluster-scoped in a
// cell that serves only v1); a kind the cell does not serve at all is looked up among the
// app's own CustomResourceDefinitions (spec.scope, any apiextensions.k8s.io version), and a
// kind found nowhere is treated as namespaced (the executor's validation refuses it with
// UnknownKindError's reason).
//
// Objects stay in render order. Errors: the catalog failing for a reason other than "not
// served" (the cell is unreachable).
//
// Thread-safety: pure apart from the catalog calls.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "core/object.h"
#include "core/result.h"
#include "engine/cell.h"

namespace cellgate::engine {

struct PreparedDesired {
  std::vector<Object> objects;
  // Kinds the cell does not serve, with the CRD of this app that defines each (or "").
  std::vector<std::pair<kube::GroupVersionKind, std::string>> unserved;
};

Result<PreparedDesired> PrepareDesired(std::span<const Object> rendered, std::string_view instance,
                                       std::string_view destination_namespace, KindCatalog& kinds);

// The CustomResourceDefinition among `objects` (any apiextensions.k8s.io version) that
// defines group/kind, or nullptr.
const Object* FindDefiningCrd(std::span<const Object> objects, std::string_view group,
                              std::string_view kind);

// True when the CustomResourceDefinition `crd` lists `version` (spec.versions[].name, or
// v1beta1's spec.version).
bool CrdDefinesVersion(const Object& crd, std::string_view version);

// What the cell (and the app's own CRDs) say about a kind's scope.
struct KindScope {
  bool namespaced = true;
  bool version_served = false;           // the cell serves this group, version and kind
  std::string served_api_version;        // else the apiVersion the cell serves the kind under ("")
  const Object* defining_crd = nullptr;  // else the app's CRD that defines the kind, if any

  // The cell serves the kind at this version, or the app's CRD defines that version.
  bool Known(std::string_view version) const {
    return version_served || (defining_crd != nullptr && CrdDefinesVersion(*defining_crd, version));
  }
};

// Looks `gvk` up as above. Errors: the catalog failing for a reason other than "not served"
// (the cell is unreachable).
Result<KindScope> LookupKindScope(KindCatalog& kinds, const kube::GroupVersionKind& gvk,
                                  std::span<const Object> rendered);

// kNotFound naming the kind, its version and the cell, for a KindScope that is not Known:
//   cell cell-2 does not serve apiextensions.k8s.io/v1beta1 CustomResourceDefinition (it
//   serves apiextensions.k8s.io/v1)
//   cell cell-2 does not serve example.com/v1 Widget, and no CustomResourceDefinition of the
//   app defines it
Error UnknownKindError(const KindScope& scope, const kube::GroupVersionKind& gvk,
                       std::string_view cell);

}  // namespace cellgate::engine

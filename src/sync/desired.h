// The rendered objects as they are sent to a cell: what diff, plan and executor work on.
//
// PrepareDesired gives every object of an application (hooks included):
//   - the destination namespace, when its kind is namespaced and it names none (Argo CD's
//     namespace default); a namespace written on a cluster-scoped kind is removed, so the
//     comparison with the live object (which has none) is exact;
//   - the tracking annotation and instance label (tracking.h) for the app's instance name.
// Whether a kind is namespaced comes from the cell's discovery; a kind the cell does not serve
// yet is looked up among the app's own CustomResourceDefinitions (spec.scope), and a kind
// found nowhere is treated as namespaced (its apply will fail with the server's own message).
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
#include "sync/cell.h"

namespace cellgate::sync {

struct PreparedDesired {
  std::vector<Object> objects;
  // Kinds the cell does not serve, with the CRD of this app that defines each (or "").
  std::vector<std::pair<kube::GroupVersionKind, std::string>> unserved;
};

Result<PreparedDesired> PrepareDesired(std::span<const Object> rendered, std::string_view instance,
                                       std::string_view destination_namespace, KindCatalog& kinds);

// The CustomResourceDefinition among `objects` that defines group/kind, or nullptr.
const Object* FindDefiningCrd(std::span<const Object> objects, std::string_view group,
                              std::string_view kind);

}  // namespace cellgate::sync

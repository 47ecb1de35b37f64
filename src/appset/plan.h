// Which Applications to create, update and delete so the cluster matches an ApplicationSet,
// honouring its policy (Argo CD's createOrUpdateInCluster / createInCluster /
// deleteInCluster, as a pure function).
//
// - existing: the Applications in the ApplicationSet's namespace (the caller lists them);
//   "owned" are those whose controller ownerReference is this ApplicationSet (by uid when
//   both sides have one, else by name).
// - create: desired names with no existing Application.
// - update (policy sync or create-update, and for adopting an Application nobody owns): the
//   existing object with Argo CD's mutation applied: spec replaced, operation set only when
//   the desired one has one, labels / annotations / finalizers replaced by the desired ones
//   except that the controller's annotations (notified.notifications.argoproj.io,
//   argocd.argoproj.io/refresh), the preservedFields annotations and labels, and
//   post-delete finalizers are kept; status, resourceVersion and other server fields stay.
//   Unchanged Applications are not listed.
// - delete (policy sync or create-delete): owned Applications no longer desired. With
//   preserveResourcesOnDeletion, and when the destination is not one of the known cells
//   (if the caller gave them), the resources finalizer must be removed first (the entry
//   says so and carries the patched object) so the Application's resources stay.
// - conflicts: a desired name held by an Application another controller owns.
//
// Thread-safety: pure function.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "argo/applicationset.h"
#include "core/object.h"

namespace cellgate::appset {

struct PlanOptions {
  argo::ApplicationsSyncPolicy policy = argo::ApplicationsSyncPolicy::kSync;
  bool preserve_resources_on_deletion = false;
  std::string appset_name;
  std::string appset_uid;
  std::vector<std::string> preserved_annotations;
  std::vector<std::string> preserved_labels;
  // When set, deleting an Application whose destination (server or name) is none of these
  // also strips the resources finalizer: its cluster is gone.
  std::optional<std::vector<std::pair<std::string, std::string>>>
      known_destinations;  // {name, server}
};

struct ApplicationDeletion {
  Object app;  // as it exists
  bool remove_finalizer_first = false;
  Object without_finalizer;  // `app` minus the resources finalizer, when needed
};

struct ApplicationPlan {
  std::vector<Object> creates;
  std::vector<Object> updates;  // full desired state of the existing object
  std::vector<ApplicationDeletion> deletes;
  std::vector<std::string> conflicts;
  bool empty() const { return creates.empty() && updates.empty() && deletes.empty(); }
};

PlanOptions PlanOptionsFor(const argo::ApplicationSet& appset);

// True when `app`'s controller ownerReference is the ApplicationSet of `options` (by uid
// when both sides have one, else by name): the "owned" of the rules above.
bool OwnedByApplicationSet(const Object& app, const PlanOptions& options);

ApplicationPlan PlanApplicationChanges(const std::vector<Object>& desired,
                                       const std::vector<Object>& existing,
                                       const PlanOptions& options);

}  // namespace cellgate::appset

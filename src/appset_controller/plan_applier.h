// Carrying out an appset::ApplicationPlan on the hub: the writes of Argo CD's
// createOrUpdateInCluster / deleteInCluster, with the objects PlanApplicationChanges built.
//
//  - creates: POST of the generated Application (ownerReference included, so the garbage
//    collector removes it with its ApplicationSet).
//  - updates: PUT of the existing object with Argo CD's mutation applied, carrying the
//    resourceVersion it was read at. The Application CRD has no status subresource, so this
//    keeps status, operation and the refresh annotation exactly as read; if the application
//    controller wrote in between, the PUT fails with a conflict and the reconcile is retried
//    with a fresh read, so nothing it wrote is lost.
//  - deletes: when the plan says so, the resources finalizer is removed first (PUT), so the
//    Application's resources stay; then DELETE with a uid precondition (never another
//    incarnation of the name). An Application already being deleted is not deleted again.
//  - conflicts (a name owned by another controller) are reported like failed writes.
// One failure does not stop the others (Argo CD continues and reports the first).
//
// Events on the ApplicationSet use Argo CD's reasons and words: `created` / `updated`
// "created Application \"x\"", `Deleted` "Deleted Application \"x\"", `Updated` "Updated
// Application \"x\" finalizer before deletion, ...".
//
// The observer is told about every write before it is sent, so the controller can tell its
// own writes from someone else's when the watch reports them.
//
// Thread-safety: runs on the caller's thread; as thread-safe as the Applier and observer.
#pragma once

#include <string>
#include <vector>

#include "appset/plan.h"
#include "core/object.h"
#include "kube/client.h"
#include "runtime/event_recorder.h"

namespace cellgate::appset_controller {

class WriteObserver {
 public:
  virtual ~WriteObserver() = default;
  virtual void WillWrite(const Object& app) = 0;
  virtual void WillDelete(const Object& app) = 0;
};

struct AppliedPlan {
  std::vector<Object> written;       // created or updated, as the API server stored them
  std::vector<std::string> deleted;  // names deleted (or whose deletion was already under way)
  std::string write_error;           // first failed create, update or conflict; "" if none
  std::string delete_error;          // first failed delete; "" if none
  bool retry = false;                // a failure that a prompt retry may fix
};

struct PlanApplierDeps {
  kube::Applier& applier;
  runtime::EventRecorder* events = nullptr;  // optional
  WriteObserver* observer = nullptr;         // optional
  std::string field_manager = "cellgate-applicationset-controller";
};

AppliedPlan ApplyPlan(const appset::ApplicationPlan& plan, const Object& appset,
                      const PlanApplierDeps& deps);

}  // namespace cellgate::appset_controller

// ApplicationSetReconciler: one reconcile of one ApplicationSet against the hub, the glue
// between the pure appset library (parse, GenerateApplications, PlanApplicationChanges) and
// the hub's API (Argo CD's ApplicationSetReconciler.Reconcile).
//
// A full reconcile reads the ApplicationSet and every Application of its namespace, runs the
// generators over the registry's cells and git snapshots from the resolver, checks the
// generated Applications (app_validation.h), plans with the ApplicationSet's policy and
// applies the plan (plan_applier.h); then it removes the refresh annotation if present and
// writes status (appset_status.h) when it changed. Generated Applications always live in the
// ApplicationSet's namespace, as Argo CD places them (an ownerReference cannot cross
// namespaces).
//
// Bad input loses nothing: when parsing or a generator or template fails (an unreachable
// repository, a timeout of the resolver, a template error), no Application is created,
// changed or deleted; the error goes into the conditions, naming the ApplicationSet, the
// generator, the element and the expression. An Application that fails validation is left as
// it is while the others proceed.
//
// A status-only reconcile (an owned Application's sync or health changed) refreshes
// status.resources and keeps the conditions; it reads no git and writes no Application.
//
// Deletion: an ApplicationSet with a deletionTimestamp (a finalizer or foreground deletion
// holds it) is not generated. When its policy forbids deletes (create-only, create-update),
// its ownerReference is removed from its Applications so the garbage collector keeps them
// (Argo CD); with preserveResourcesOnDeletion the resources finalizer is removed from them so
// their resources stay; then the resources finalizer is removed from the ApplicationSet.
// When the ApplicationSet is already gone (deleted without a finalizer) and it had
// preserveResourcesOnDeletion, the resources finalizer is removed from the Applications it
// owned while the garbage collector deletes them (best effort: only a finalizer on the
// ApplicationSet makes it certain).
//
// Thread-safety: Reconcile may run on several threads for different ApplicationSets; the
// dependencies must be thread-safe. The caller keeps one ApplicationSet on one thread.
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <vector>

#include "appset/generators.h"
#include "appset_controller/plan_applier.h"
#include "appset_controller/status_writer.h"
#include "argo/app_project.h"
#include "argo/applicationset.h"
#include "cells/cell_registry.h"
#include "core/clock.h"
#include "core/object.h"
#include "kube/client.h"
#include "runtime/event_recorder.h"

namespace cellgate::appset_controller {

struct ReconcilerOptions {
  std::string controller_namespace = "argocd";  // where AppProjects are read
  std::string field_manager = "cellgate-applicationset-controller";
  bool new_git_file_globbing = false;       // applicationsetcontroller.enable.new.git.file.globbing
  std::size_t max_status_resources = 5000;  // entries of status.resources
};

struct ReconcilerDeps {
  kube::Reader& reader;
  kube::Applier& applier;
  ApplicationSetStatusWriter& status;
  const cells::CellRegistry& cells;
  appset::SnapshotResolver resolve;
  runtime::EventRecorder* events = nullptr;
  const Clock& clock;
  WriteObserver* observer = nullptr;
};

enum class ReconcileMode { kFull, kStatusOnly };

// What is remembered of an ApplicationSet once its watch reported it deleted.
struct GoneApplicationSet {
  std::string uid;
  bool preserve_resources_on_deletion = false;
};

struct ReconcileResult {
  enum class Next {
    kRequeue,  // done (or failed on bad input): reconcile again after the requeue interval
    kRetry,    // failed in a way a retry may fix: again with backoff
    kForget,   // the argo::ApplicationSet is gone
  };
  Next next = Next::kRequeue;
  std::string error;  // what failed, for the log; "" when nothing did
  // Full reconciles of an existing ApplicationSet: the normalised repositories it read or
  // names (git generators, generated sources), and whether it has a clusters generator.
  std::set<std::string> repos;
  bool uses_clusters = false;
};

class ApplicationSetReconciler {
 public:
  ApplicationSetReconciler(ReconcilerDeps deps, ReconcilerOptions options);

  // `gone` is what the watch last saw of an ApplicationSet it reported deleted (or null).
  ReconcileResult Reconcile(const std::string& ns, const std::string& name, ReconcileMode mode,
                            const GoneApplicationSet* gone = nullptr);

 private:
  ReconcileResult Generate(const Object& live, const argo::ApplicationSet& parsed,
                           const std::vector<Object>& existing);
  ReconcileResult Deleting(const Object& live, const Result<argo::ApplicationSet>& parsed,
                           const std::vector<Object>& existing);
  ReconcileResult Gone(const std::string& ns, const GoneApplicationSet& gone);
  // Merges `fresh` conditions (null: keep the live ones) and writes status if it changed.
  Status WriteStatus(const Object& live, const Json& fresh, const std::vector<Object>& owned);
  Result<std::vector<Object>> ListApplications(const std::string& ns);
  Result<std::vector<argo::AppProject>> ListProjects();

  ReconcilerDeps deps_;
  const ReconcilerOptions options_;
};

}  // namespace cellgate::appset_controller

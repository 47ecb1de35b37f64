// The sync plan: what to apply, create, delete and prune, in which order. A pure function of
// the desired objects, the application's live objects, their diff status and the sync
// options; the executor (separate) runs it step by step against a cell.
//
// Order, as gitops-engine's sync_context.go / sync_tasks.go:
//   1. phase: PreSync, Sync, PostSync. SyncFail hooks are kept apart (plan.sync_fail) and run
//      only when the sync fails.
//   2. wave ascending (argocd.argoproj.io/sync-wave, annotations.h).
//   3. kind, in Helm's install order as gitops-engine lists it (Namespace, NetworkPolicy,
//      ResourceQuota, LimitRange, PodSecurityPolicy, PodDisruptionBudget, ServiceAccount,
//      Secret, SecretList, ConfigMap, StorageClass, PersistentVolume, PersistentVolumeClaim,
//      CustomResourceDefinition, ClusterRole, ClusterRoleList, ClusterRoleBinding,
//      ClusterRoleBindingList, Role, RoleList, RoleBinding, RoleBindingList, Service,
//      DaemonSet, Pod, ReplicationController, ReplicaSet, Deployment, HorizontalPodAutoscaler,
//      StatefulSet, Job, CronJob, IngressClass, Ingress, APIService); other kinds after these.
//   4. name.
//   Then, as gitops-engine's adjustDeps: a Namespace that sorted after an object in it moves
//   just before the first such object and takes its phase and wave; likewise a
//   CustomResourceDefinition before the first object of the kind it defines.
//
// Tasks:
//   Apply    a desired object (not a hook); Replace with Replace=true when live exists
//            (Create when it does not, as kubectl replace cannot create).
//   Create   a hook, in each phase it names. A hook with metadata.generateName gets the name
//            <generateName><revision[0:7]>-<phase>-<started_at_unix> (lower case), as Argo CD
//            names it; hooks carry the argocd.argoproj.io/hook-finalizer finalizer.
//   Delete   a live hook of the same key, just before its Create, when its delete policy is
//            BeforeHookCreation (the default). The executor waits until it is gone. Without
//            that policy an existing hook is updated in place: its task is an Apply (Argo CD
//            applies hooks too).
//   Prune    a live object the app tracks that is no longer desired. Pruning:
//              - only when options.prune (automated.prune or --prune); otherwise the object is
//                listed in `skipped` as "ignored (requires pruning)";
//              - never with Prune=false on the live object ("ignored (no prune)");
//              - Prune=confirm sets options.prune_requires_confirmation;
//              - wave: the live object's wave, with prune waves mirrored (the lowest prune
//                wave swaps with the highest, and so on) so objects are removed in reverse
//                creation order (gitops-engine getSyncTasks);
//              - PruneLast=true (app option or on the live object): wave = last Sync-phase
//                wave + 1, i.e. after everything else in the Sync phase;
//              - propagation policy from PrunePropagationPolicy, default foreground.
//   Within one phase and wave the executor prunes first, then runs Deletes, then
//   Apply/Replace/Create in plan order (gitops-engine runTasks); Steps() groups them so.
//
// Other options: ApplyOutOfSyncOnly=true leaves out (into `skipped`) objects whose status is
// Synced; CreateNamespace=true adds a PreSync Apply of the destination Namespace when no
// desired object is that Namespace and it does not exist yet; skip_hooks drops all hooks.
// Hooks, Skip-annotated objects and ignored objects are never pruned.
//
// Safety: when pruning is on, nothing (other than hooks) is desired, live objects exist and
// allowEmpty is false, PlanSync fails with kFailedPrecondition instead of deleting the whole
// application (Argo CD refuses the same automated sync). Without pruning nothing is deleted,
// so there is nothing to refuse.
//
// Objects: desired objects without metadata.namespace get the destination namespace in the
// task's object (gitops-engine does the same; a namespace on a cluster-scoped kind is ignored
// by the kube client), but keep their key. Live objects must be the app's tracked objects
// (tracking.h), hooks included.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/object.h"
#include "core/result.h"
#include "sync/annotations.h"
#include "sync/diff.h"

namespace cellgate::sync {

enum class TaskAction { kApply, kReplace, kCreate, kDelete, kPrune };
std::string_view TaskActionName(TaskAction action);

// Kubernetes DeleteOptions.propagationPolicy.
enum class PropagationPolicy { kForeground, kBackground, kOrphan };
std::string_view PropagationPolicyName(PropagationPolicy policy);  // "Foreground", ...

// Application-level sync settings: spec.syncPolicy (automated.prune, automated.allowEmpty,
// syncOptions) and the sync operation's own flags.
struct AppSyncOptions {
  std::string destination_namespace;
  bool prune = false;
  bool allow_empty = false;
  bool skip_hooks = false;
  bool create_namespace = false;
  bool prune_last = false;
  bool apply_out_of_sync_only = false;
  PropagationPolicy prune_propagation = PropagationPolicy::kForeground;
  bool replace = false;
  bool server_side_apply = false;
  bool force = false;
  bool validate = true;
  bool skip_dry_run_on_missing_resource = false;
  bool respect_ignore_differences = false;
  bool fail_on_shared_resource = false;
  // For naming hooks that use generateName.
  std::string revision;
  std::int64_t started_at_unix = 0;
};

// Applies Argo CD syncOptions strings ("CreateNamespace=true", "PrunePropagationPolicy=
// background", ...) on top of `base`. Unknown options are ignored, as Argo CD does; a bad
// PrunePropagationPolicy value is kInvalidArgument.
Result<AppSyncOptions> ParseAppSyncOptions(const std::vector<std::string>& sync_options,
                                           AppSyncOptions base = {});

// Per-task options: the app's, overridden by the object's sync-options annotation.
struct TaskOptions {
  bool server_side_apply = false;  // ServerSideApply=true|false
  bool replace = false;            // Replace=true
  bool force = false;              // Force=true
  bool validate = true;            // Validate=false
  bool skip_dry_run_on_missing_resource = false;
  bool respect_ignore_differences = false;   // app level only
  bool prune_requires_confirmation = false;  // Prune=confirm
};

struct SyncTask {
  ObjectKey key;
  Object object;  // Apply/Replace/Create: what to send; Delete/Prune: the live object
  bool has_live = false;
  TaskAction action = TaskAction::kApply;
  SyncPhase phase = SyncPhase::kSync;
  int wave = 0;
  bool hook = false;
  std::vector<HookDeletePolicy> delete_policies;                   // hooks only
  PropagationPolicy propagation = PropagationPolicy::kForeground;  // Delete and Prune
  TaskOptions options;

  // "Sync/0 Apply apps/Deployment shop/api", plus flags; used by logs and golden tests.
  std::string ToString() const;
};

struct SkippedObject {
  ObjectKey key;
  std::string reason;
};

struct SyncPlan {
  std::vector<SyncTask> tasks;      // PreSync, Sync, PostSync, in execution order
  std::vector<SyncTask> sync_fail;  // run only when the sync fails
  std::vector<SkippedObject> skipped;
};

// One phase and wave: the executor runs prune, then delete, then apply, and waits for the
// step's objects to be healthy (hooks: complete) before the next step.
struct SyncStep {
  SyncPhase phase = SyncPhase::kSync;
  int wave = 0;
  std::vector<std::size_t> prune;   // indices into the task list
  std::vector<std::size_t> remove;  // Delete tasks
  std::vector<std::size_t> apply;   // Apply, Replace, Create
};

// Groups consecutive tasks of the same phase and wave.
std::vector<SyncStep> Steps(const std::vector<SyncTask>& tasks);

struct PlanInput {
  std::span<const Object> desired;
  std::span<const Object> live;  // the app's tracked live objects, hooks included
  // Diff status by desired key (as the desired object has it); absent means OutOfSync.
  std::map<ObjectKey, SyncStatus> status;
  bool destination_namespace_exists = true;
};

Result<SyncPlan> PlanSync(const PlanInput& input, const AppSyncOptions& options);

}  // namespace cellgate::sync

// Ordering of sync tasks: prune waves, the phase/wave/kind/name sort, dependency moves, and
// grouping into steps. Follows gitops-engine pkg/sync/sync_tasks.go and getSyncTasks.
#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "sync/plan_internal.h"

namespace cellgate::sync {
namespace plan_internal {
namespace {

constexpr std::array<std::string_view, 35> kKindOrder = {
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
};

int PhaseOrder(SyncPhase phase) { return static_cast<int>(phase); }

bool Less(const SyncTask& a, const SyncTask& b) {
  if (a.phase != b.phase) return PhaseOrder(a.phase) < PhaseOrder(b.phase);
  if (a.wave != b.wave) return a.wave < b.wave;
  int ka = KindOrder(a.key.kind), kb = KindOrder(b.key.kind);
  if (ka != kb) return ka < kb;
  if (a.key.name != b.key.name) return a.key.name < b.key.name;
  // gitops-engine stops at the name; these only make ties deterministic.
  if (a.key.ns != b.key.ns) return a.key.ns < b.key.ns;
  return a.key.group < b.key.group;
}

bool HasTarget(const SyncTask& t) {
  return t.action != TaskAction::kPrune && t.action != TaskAction::kDelete;
}

// gitops-engine adjustDeps: `dep_key` names what a task provides, `ref_key` what it needs.
template <typename DepKey, typename RefKey>
void AdjustDeps(std::vector<SyncTask>& tasks, DepKey dep_key, RefKey ref_key) {
  std::map<std::string, std::size_t> first_ref;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    if (!HasTarget(tasks[i])) continue;
    if (auto dep = dep_key(tasks[i])) {
      auto it = first_ref.find(*dep);
      if (it == first_ref.end()) continue;
      std::size_t index = it->second;
      SyncTask moved = std::move(tasks[i]);
      moved.wave = tasks[index].wave;
      moved.phase = tasks[index].phase;
      tasks.erase(tasks.begin() + static_cast<std::ptrdiff_t>(i));
      tasks.insert(tasks.begin() + static_cast<std::ptrdiff_t>(index), std::move(moved));
      for (auto& [key, first] : first_ref) {
        if (first >= index) ++first;
      }
    } else if (auto ref = ref_key(tasks[i])) {
      first_ref.emplace(*ref, i);
    }
  }
}

std::optional<std::string> NamespaceProvided(const SyncTask& t) {
  if (t.key.group.empty() && t.key.kind == "Namespace") return t.key.name;
  return std::nullopt;
}

std::optional<std::string> NamespaceNeeded(const SyncTask& t) {
  std::string ns = t.object.Namespace();
  if (ns.empty()) return std::nullopt;
  return ns;
}

std::optional<std::string> KindProvided(const SyncTask& t) {
  if (t.key.group != "apiextensions.k8s.io" || t.key.kind != "CustomResourceDefinition") {
    return std::nullopt;
  }
  std::string group = StringAt(t.object.body(), {"spec", "group"});
  std::string kind = StringAt(t.object.body(), {"spec", "names", "kind"});
  if (group.empty() || kind.empty()) return std::nullopt;
  return group + "/" + kind;
}

std::optional<std::string> KindNeeded(const SyncTask& t) { return t.key.group + "/" + t.key.kind; }

}  // namespace

int KindOrder(std::string_view kind) {
  auto it = std::find(kKindOrder.begin(), kKindOrder.end(), kind);
  return static_cast<int>(it - kKindOrder.begin());
}

void AssignPruneWaves(std::vector<SyncTask>& tasks, bool prune_last) {
  std::set<int> waves;
  for (const auto& t : tasks) {
    if (t.action == TaskAction::kPrune) waves.insert(t.wave);
  }
  std::vector<int> unique(waves.begin(), waves.end());
  std::map<int, int> mirrored;
  for (std::size_t i = 0; i < unique.size(); ++i) {
    mirrored[unique[i]] = unique[unique.size() - 1 - i];
  }
  for (auto& t : tasks) {
    if (t.action == TaskAction::kPrune) t.wave = mirrored[t.wave];
  }
  int last_sync_wave = 0;
  for (const auto& t : tasks) {
    if (t.phase == SyncPhase::kSync) last_sync_wave = std::max(last_sync_wave, t.wave);
  }
  for (auto& t : tasks) {
    if (t.action != TaskAction::kPrune) continue;
    if (prune_last || SyncOptionList::FromAnnotation(t.object).Has("PruneLast", "true")) {
      t.wave = last_sync_wave + 1;
    }
  }
}

void OrderTasks(std::vector<SyncTask>& tasks) {
  // Deletes of old hooks travel with their Create, so take them out and put them back after.
  std::vector<SyncTask> deletes;
  for (auto it = tasks.begin(); it != tasks.end();) {
    if (it->action == TaskAction::kDelete) {
      deletes.push_back(std::move(*it));
      it = tasks.erase(it);
    } else {
      ++it;
    }
  }
  std::stable_sort(tasks.begin(), tasks.end(), Less);
  AdjustDeps(tasks, NamespaceProvided, NamespaceNeeded);
  AdjustDeps(tasks, KindProvided, KindNeeded);
  for (auto& d : deletes) {
    auto create = std::find_if(tasks.begin(), tasks.end(), [&](const SyncTask& t) {
      return t.action == TaskAction::kCreate && t.key == d.key && t.phase == d.phase;
    });
    if (create == tasks.end()) continue;  // cannot happen: every Delete has its Create
    d.wave = create->wave;
    tasks.insert(create, std::move(d));
  }
}

}  // namespace plan_internal

std::string_view TaskActionName(TaskAction action) {
  switch (action) {
    case TaskAction::kApply:
      return "Apply";
    case TaskAction::kReplace:
      return "Replace";
    case TaskAction::kCreate:
      return "Create";
    case TaskAction::kDelete:
      return "Delete";
    case TaskAction::kPrune:
      return "Prune";
  }
  return "Apply";
}

std::string_view PropagationPolicyName(PropagationPolicy policy) {
  switch (policy) {
    case PropagationPolicy::kForeground:
      return "Foreground";
    case PropagationPolicy::kBackground:
      return "Background";
    case PropagationPolicy::kOrphan:
      return "Orphan";
  }
  return "Foreground";
}

std::string SyncTask::ToString() const {
  std::string s = std::string(SyncPhaseName(phase)) + "/" + std::to_string(wave) + " " +
                  std::string(TaskActionName(action)) + " " + key.ToString();
  if (hook) {
    s += " hook";
    std::string policies;
    for (auto p : delete_policies) {
      policies += (policies.empty() ? "" : ",") + std::string(HookDeletePolicyName(p));
    }
    s += " delete-policy=" + policies;
  }
  if (action == TaskAction::kPrune || action == TaskAction::kDelete) {
    s += " propagation=" + std::string(PropagationPolicyName(propagation));
  }
  if (options.server_side_apply) s += " server-side";
  if (options.force) s += " force";
  if (!options.validate) s += " no-validate";
  if (options.skip_dry_run_on_missing_resource) s += " skip-dry-run-on-missing";
  if (options.respect_ignore_differences) s += " respect-ignore-differences";
  if (options.prune_requires_confirmation) s += " requires-confirmation";
  return s;
}

std::vector<SyncStep> Steps(const std::vector<SyncTask>& tasks) {
  std::vector<SyncStep> steps;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    const SyncTask& t = tasks[i];
    if (steps.empty() || steps.back().phase != t.phase || steps.back().wave != t.wave) {
      steps.push_back(SyncStep{.phase = t.phase, .wave = t.wave});
    }
    switch (t.action) {
      case TaskAction::kPrune:
        steps.back().prune.push_back(i);
        break;
      case TaskAction::kDelete:
        steps.back().remove.push_back(i);
        break;
      default:
        steps.back().apply.push_back(i);
        break;
    }
  }
  return steps;
}

}  // namespace cellgate::sync

// Building the sync plan: sync options, resource and hook tasks, prune decisions.
#include "sync/plan.h"

#include <algorithm>
#include <cctype>

#include "sync/plan_internal.h"

namespace cellgate::sync {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TaskOptions OptionsFor(const Object& obj, const AppSyncOptions& app) {
  SyncOptionList own = SyncOptionList::FromAnnotation(obj);
  TaskOptions o;
  o.server_side_apply = app.server_side_apply || own.Has("ServerSideApply", "true");
  if (own.Has("ServerSideApply", "false")) o.server_side_apply = false;
  o.replace = app.replace || own.Has("Replace", "true");
  o.force = app.force || own.Has("Force", "true");
  o.validate = app.validate && !own.Has("Validate", "false");
  o.skip_dry_run_on_missing_resource =
      app.skip_dry_run_on_missing_resource || own.Has("SkipDryRunOnMissingResource", "true");
  o.respect_ignore_differences = app.respect_ignore_differences;
  return o;
}

bool IsNamespaceNamed(const Object& obj, std::string_view name) {
  return obj.Group().empty() && obj.Kind() == "Namespace" && obj.Name() == name;
}

// The live object with this key; a desired key without namespace also matches the
// destination namespace (gitops-engine liveObj).
const Object* FindLive(std::span<const Object> live, const ObjectKey& key,
                       std::string_view destination_namespace) {
  const Object* fallback = nullptr;
  for (const auto& l : live) {
    ObjectKey k = l.Key();
    if (k == key) return &l;
    if (key.ns.empty() && k.group == key.group && k.kind == key.kind && k.name == key.name &&
        k.ns == destination_namespace) {
      fallback = &l;
    }
  }
  return fallback;
}

// Hook copy with a concrete name and the hook finalizer.
Object HookObject(const Object& hook, SyncPhase phase, const AppSyncOptions& options) {
  Object obj = hook;
  Json& meta = obj.mutable_body()["metadata"];
  if (obj.Name().empty()) {
    std::string revision = options.revision.substr(0, 7);
    std::string suffix = Lower(revision + "-" + std::string(SyncPhaseName(phase)) + "-" +
                               std::to_string(options.started_at_unix));
    meta["name"] = StringAt(obj.body(), {"metadata", "generateName"}) + suffix;
  }
  Json& finalizers = meta["finalizers"];
  if (!finalizers.is_array()) finalizers = Json::array();
  if (std::find(finalizers.begin(), finalizers.end(), Json(std::string(kHookFinalizer))) ==
      finalizers.end()) {
    finalizers.push_back(std::string(kHookFinalizer));
  }
  return obj;
}

void DefaultNamespace(Object& obj, std::string_view ns) {
  if (obj.Namespace().empty() && !ns.empty()) obj.SetNamespace(ns);
}

}  // namespace

Result<AppSyncOptions> ParseAppSyncOptions(const std::vector<std::string>& sync_options,
                                           AppSyncOptions base) {
  SyncOptionList list(sync_options);
  auto flag = [&](std::string_view name, bool& target) {
    if (list.Has(name, "true")) target = true;
    if (list.Has(name, "false")) target = false;
  };
  flag("CreateNamespace", base.create_namespace);
  flag("PruneLast", base.prune_last);
  flag("ApplyOutOfSyncOnly", base.apply_out_of_sync_only);
  flag("Replace", base.replace);
  flag("ServerSideApply", base.server_side_apply);
  flag("Force", base.force);
  flag("Validate", base.validate);
  flag("SkipDryRunOnMissingResource", base.skip_dry_run_on_missing_resource);
  flag("RespectIgnoreDifferences", base.respect_ignore_differences);
  flag("FailOnSharedResource", base.fail_on_shared_resource);
  if (auto policy = list.Get("PrunePropagationPolicy")) {
    std::string p = Lower(*policy);
    if (p == "foreground") {
      base.prune_propagation = PropagationPolicy::kForeground;
    } else if (p == "background") {
      base.prune_propagation = PropagationPolicy::kBackground;
    } else if (p == "orphan") {
      base.prune_propagation = PropagationPolicy::kOrphan;
    } else {
      return MakeError(ErrorCode::kInvalidArgument,
                       "sync option PrunePropagationPolicy=" + *policy +
                           ": expected foreground, background or orphan");
    }
  }
  return base;
}

Result<SyncPlan> PlanSync(const PlanInput& input, const AppSyncOptions& options) {
  const std::string& dest_ns = options.destination_namespace;
  SyncPlan plan;
  std::vector<SyncTask> tasks;

  std::span<const Object> desired = input.desired;
  std::vector<ObjectPair> pairs = PairObjects(input.desired, input.live, dest_ns);

  std::size_t desired_count = 0, live_count = 0;
  for (const auto& p : pairs) {
    desired_count += p.desired != nullptr;
    live_count += p.live != nullptr;
  }
  if (options.prune && !options.allow_empty && desired_count == 0 && live_count > 0) {
    return MakeError(ErrorCode::kFailedPrecondition, "rendered no objects; refusing to prune " +
                                                         std::to_string(live_count) +
                                                         " live objects (set allowEmpty to allow)");
  }

  for (const auto& pair : pairs) {
    const Object& obj = pair.desired != nullptr ? *pair.desired : *pair.live;
    ObjectKey key = obj.Key();
    if (SyncPhasesOf(obj).empty()) {
      plan.skipped.push_back({key, "skipped (argocd.argoproj.io/hook: Skip)"});
      continue;
    }
    SyncTask t{.key = key, .object = obj, .has_live = pair.live != nullptr};
    t.wave = SyncWave(obj);
    if (pair.desired == nullptr) {
      SyncOptionList own = SyncOptionList::FromAnnotation(obj);
      if (!options.prune) {
        plan.skipped.push_back({key, "ignored (requires pruning)"});
        continue;
      }
      if (own.Has("Prune", "false")) {
        plan.skipped.push_back({key, "ignored (no prune)"});
        continue;
      }
      t.action = TaskAction::kPrune;
      t.propagation = options.prune_propagation;
      t.options.prune_requires_confirmation = own.Has("Prune", "confirm");
      tasks.push_back(std::move(t));
      continue;
    }
    auto status = input.status.find(key);
    if (options.apply_out_of_sync_only && pair.live != nullptr && status != input.status.end() &&
        status->second == SyncStatus::kSynced) {
      plan.skipped.push_back({key, "synced (ApplyOutOfSyncOnly)"});
      continue;
    }
    t.options = OptionsFor(obj, options);
    t.action = t.options.replace ? (t.has_live ? TaskAction::kReplace : TaskAction::kCreate)
                                 : TaskAction::kApply;
    DefaultNamespace(t.object, dest_ns);
    tasks.push_back(std::move(t));
  }

  if (!options.skip_hooks) {
    for (const auto& hook : desired) {
      if (!IsHook(hook) || IsIgnored(hook)) continue;
      for (SyncPhase phase : SyncPhasesOf(hook)) {
        SyncTask t{.object = HookObject(hook, phase, options), .phase = phase, .hook = true};
        DefaultNamespace(t.object, dest_ns);
        t.key = hook.Key();  // keys stay as rendered, as for resources
        t.key.name = t.object.Name();
        t.wave = SyncWave(hook);
        t.action = TaskAction::kCreate;
        t.delete_policies = HookDeletePolicies(hook);
        t.options = OptionsFor(hook, options);
        const Object* old = FindLive(input.live, t.key, dest_ns);
        t.has_live = old != nullptr;
        bool recreate = std::find(t.delete_policies.begin(), t.delete_policies.end(),
                                  HookDeletePolicy::kBeforeHookCreation) != t.delete_policies.end();
        if (old != nullptr && recreate) {
          SyncTask d = t;
          d.object = *old;
          d.action = TaskAction::kDelete;
          d.propagation = options.prune_propagation;
          tasks.push_back(std::move(d));
        } else if (old != nullptr) {
          t.action = TaskAction::kApply;  // gitops-engine applies hooks; kept, so update it
        }
        tasks.push_back(std::move(t));
      }
    }
  }

  if (options.create_namespace && !dest_ns.empty() && !input.destination_namespace_exists &&
      std::none_of(desired.begin(), desired.end(),
                   [&](const Object& o) { return IsNamespaceNamed(o, dest_ns); })) {
    Object ns(Json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", dest_ns}}}});
    SyncTask t{.key = ns.Key(), .object = ns, .phase = SyncPhase::kPreSync};
    t.options = OptionsFor(ns, options);
    tasks.push_back(std::move(t));
  }

  plan_internal::AssignPruneWaves(tasks, options.prune_last);
  plan_internal::OrderTasks(tasks);
  for (auto& t : tasks) {
    (t.phase == SyncPhase::kSyncFail ? plan.sync_fail : plan.tasks).push_back(std::move(t));
  }
  return plan;
}

}  // namespace cellgate::sync

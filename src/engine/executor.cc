// SyncExecutor orchestration: plan, pre-flight dry run, steps, SyncFail hooks, result.
#include "engine/executor.h"

#include <algorithm>
#include <set>

#include "core/mutex.h"
#include "engine/desired.h"
#include "engine/executor_internal.h"
#include "engine/parallel.h"

namespace cellgate::engine {

Sleeper& DefaultSleeper() {
  static RealSleeper sleeper;
  return sleeper;
}

sync::SyncResult SyncExecutor::Run(const SyncRequest& request, const ProgressCallback& progress,
                                   std::stop_token stop) const {
  CellAccess cell = cell_;
  executor_internal::SyncRun run(cell, options_, request, progress, stop);
  return run.Execute();
}

namespace executor_internal {
namespace {

bool IsNamespaceOrCrd(const sync::SyncTask& t) {
  return (t.key.group.empty() && t.key.kind == "Namespace") ||
         (t.key.group == "apiextensions.k8s.io" && t.key.kind == "CustomResourceDefinition");
}

// "<what>: <reason>; <reason>..." (gitops-engine's wording, then each distinct reason).
std::string Listed(std::string_view what, const std::set<std::string>& reasons) {
  std::string out(what);
  const char* sep = ": ";
  for (const std::string& r : reasons) {
    out += sep + r;
    sep = "; ";
  }
  return out;
}

std::string Seconds(std::chrono::milliseconds d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + "s";
}

}  // namespace

SyncRun::SyncRun(CellAccess& cell, const ExecutorOptions& options, const SyncRequest& request,
                 const ProgressCallback& progress, std::stop_token stop)
    : cell_(cell),
      options_(options),
      request_(request),
      progress_(progress),
      stop_(std::move(stop)),
      sleeper_(options.sleeper != nullptr ? *options.sleeper : DefaultSleeper()) {
  if (options.timeout.count() > 0) deadline_ = cell.clock.Now() + options.timeout;
}

TaskState& SyncRun::Track(const sync::SyncTask& task) {
  auto state = std::make_unique<TaskState>();
  state->task = &task;
  sync::ResourceResult& r = state->result;
  r.key = task.key;
  r.version = task.object.Version();
  r.action = task.action;
  r.sync_phase = task.phase;
  r.wave = task.wave;
  r.hook = task.hook;
  if (task.hook) {
    static constexpr sync::HookType kTypes[] = {sync::HookType::kPreSync, sync::HookType::kSync,
                                                sync::HookType::kPostSync,
                                                sync::HookType::kSyncFail};
    r.hook_type = kTypes[static_cast<int>(task.phase)];
  }
  core::MutexLock lock(mu_);
  states_.push_back(std::move(state));
  return *states_.back();
}

void SyncRun::Report(const std::string& message) {
  core::MutexLock lock(mu_);
  progress_state_.message = message;
  if (progress_) progress_(progress_state_);
}

void SyncRun::FailMessage(sync::OperationPhase phase, const std::string& message) {
  core::MutexLock lock(mu_);
  if (failed_) {
    // The first failure names the operation's outcome; SyncFail hook failures are added to it.
    if (in_sync_fail_) result_.message += "; SyncFail: " + message;
    if (phase == sync::OperationPhase::kError) result_.phase = phase;  // Error outranks Failed
    return;
  }
  failed_ = true;
  result_.phase = phase;
  result_.message = message;
}

void SyncRun::Fail(const Error& error, const std::string& context) {
  std::string message = context.empty() ? error.message() : context + ": " + error.message();
  if (IsUnreachable(error)) {
    FailMessage(sync::OperationPhase::kError, "cell " + cell_.name + " unreachable: " + message);
  } else {
    FailMessage(sync::OperationPhase::kFailed, message);
  }
}

bool SyncRun::Interrupted() {
  if (stop_.stop_requested()) {
    Report("terminating");
    FailMessage(sync::OperationPhase::kFailed, "operation terminated");
    return true;
  }
  if (deadline_ && cell_.clock.Now() >= *deadline_ && !in_sync_fail_) {
    FailMessage(sync::OperationPhase::kFailed,
                "operation timed out after " + Seconds(options_.timeout));
    return true;
  }
  return false;
}

sync::SyncResult SyncRun::Execute() {
  result_.started_at = cell_.clock.WallNow();
  result_.dry_run = options_.dry_run;
  result_.prune = request_.options.prune;
  result_.revision = request_.options.revision;

  sync::AppSyncOptions plan_options = request_.options;
  if (plan_options.started_at_unix == 0) {
    plan_options.started_at_unix =
        std::chrono::duration_cast<std::chrono::seconds>(result_.started_at.time_since_epoch())
            .count();
  }
  sync::PlanInput input{.desired = request_.desired,
                        .live = request_.live != nullptr
                                    ? std::span<const Object>(request_.live->objects)
                                    : std::span<const Object>()};
  if (request_.comparison != nullptr) input.status = request_.comparison->StatusByKey();
  if (plan_options.create_namespace && !plan_options.destination_namespace.empty()) {
    auto ns = cell_.reader.Get({"", "v1", "Namespace"}, "", plan_options.destination_namespace);
    if (!ns && ns.error().code() != ErrorCode::kNotFound) {
      Fail(ns.error());
      result_.finished_at = cell_.clock.WallNow();
      return std::move(result_);
    }
    input.destination_namespace_exists = ns.has_value();
  }

  auto plan = sync::PlanSync(input, plan_options);
  if (!plan) {
    // Nothing has been written: PlanSync refuses before any task exists (allowEmpty).
    FailMessage(sync::OperationPhase::kFailed, plan.error().message());
    result_.finished_at = cell_.clock.WallNow();
    return std::move(result_);
  }
  for (const auto& s : plan->skipped) {
    result_.skipped.push_back(s);
    if (s.reason.starts_with("ignored (")) {
      const Object* live = LiveFor(s.key);
      sync::ResourceResult r{.key = s.key,
                             .version = live != nullptr ? live->Version() : std::string(),
                             .action = sync::TaskAction::kPrune,
                             .wave = live != nullptr ? sync::SyncWave(*live) : 0,
                             .result = sync::ResultCode::kPruneSkipped,
                             .message = s.reason};
      result_.resources.push_back(std::move(r));
    }
  }
  std::vector<sync::SyncTask> tasks;
  for (auto& t : plan->tasks) {
    if (t.action == sync::TaskAction::kPrune && t.options.prune_requires_confirmation &&
        !options_.confirm_prune) {
      std::string reason = "ignored (requires confirmation: Prune=confirm)";
      result_.skipped.push_back({t.key, reason});
      result_.resources.push_back({.key = t.key,
                                   .version = t.object.Version(),
                                   .action = sync::TaskAction::kPrune,
                                   .wave = t.wave,
                                   .result = sync::ResultCode::kPruneSkipped,
                                   .message = reason});
      continue;
    }
    tasks.push_back(std::move(t));
  }
  {
    core::MutexLock lock(mu_);
    progress_state_.tasks_total = tasks.size();
    progress_state_.steps = sync::Steps(tasks).size();
  }

  {
    // gitops-engine's multiStep: the first and last task differ in phase or wave (SyncFail
    // hooks sort last, so having any makes a sync multi-step).
    std::vector<sync::SyncStep> steps = sync::Steps(tasks);
    multi_step_ = steps.size() > 1 || (!steps.empty() && !plan->sync_fail.empty());
  }
  bool ok = !Interrupted() && Preflight(tasks);
  ok = ok && RunSteps(tasks, /*sync_fail=*/false);
  if (!ok) {
    ReleaseUnfinishedHooks();
    if (!plan->sync_fail.empty() && !stop_.stop_requested()) {
      Report("running SyncFail hooks");
      in_sync_fail_ = true;
      RunSteps(plan->sync_fail, /*sync_fail=*/true);
      ReleaseUnfinishedHooks();
    }
  }
  if (!options_.dry_run) DeleteHooksByPolicy(!failed_);

  core::MutexLock lock(mu_);
  for (auto& s : states_) {
    if (s->result.message.empty() && !s->written) continue;  // never reached
    if (s->live) s->result.live = std::move(s->live);
    result_.resources.push_back(std::move(s->result));
  }
  if (!failed_) {
    result_.phase = sync::OperationPhase::kSucceeded;
    // As gitops-engine words it: "all tasks run" when the last step was applied and not
    // waited for, "no more tasks" when the sync ended by waiting for its last step.
    result_.message = options_.dry_run ? "successfully synced (dry run)"
                      : waited_last_   ? "successfully synced (no more tasks)"
                                       : "successfully synced (all tasks run)";
  }
  result_.finished_at = cell_.clock.WallNow();
  progress_state_.phase = result_.phase;
  return std::move(result_);
}

// Every task's kind must be served by the cell, or be defined by a CRD of this sync (or the
// task opts out with SkipDryRunOnMissingResource=true); otherwise the whole sync is refused
// before anything is written, naming each invalid task, as gitops-engine's getSyncTasks does.
// Fills `dry_run` with the tasks the dry run should check.
bool SyncRun::Validate(const std::vector<sync::SyncTask>& tasks,
                       std::vector<const sync::SyncTask*>& dry_run) {
  std::set<std::string> created_namespaces;
  for (const auto& t : tasks) {
    if (t.key.group.empty() && t.key.kind == "Namespace" && !t.has_live) {
      created_namespaces.insert(t.key.name);
    }
  }
  std::set<std::string> invalid;
  for (const auto& t : tasks) {
    if (t.action == sync::TaskAction::kPrune || t.action == sync::TaskAction::kDelete) continue;
    auto mapping = cell_.kinds.Map(kube::GroupVersionKind::Of(t.object));
    if (!mapping && mapping.error().code() != ErrorCode::kNotFound) {
      Fail(mapping.error(), "validate " + t.key.ToString());
      return false;
    }
    if (!mapping) {
      const kube::GroupVersionKind gvk = kube::GroupVersionKind::Of(t.object);
      auto scope = LookupKindScope(cell_.kinds, gvk, request_.desired);
      if (!scope) {
        Fail(scope.error(), "validate " + t.key.ToString());
        return false;
      }
      if (scope->defining_crd != nullptr || t.options.skip_dry_run_on_missing_resource) continue;
      const std::string why = UnknownKindError(*scope, gvk, cell_.name).message();
      TaskState& state = Track(t);
      core::MutexLock lock(mu_);
      state.result.result = sync::ResultCode::kSyncFailed;
      state.result.message = why;
      invalid.insert(why);
      continue;
    }
    // Existing hooks are deleted before they are created again: a dry run against the old
    // object would only report its immutable fields.
    const bool checked = t.hook ? !t.has_live : t.action == sync::TaskAction::kApply;
    if (!checked || t.options.skip_dry_run_on_missing_resource) continue;
    if (!t.hook && request_.comparison != nullptr) {
      const ResourceState* state = request_.comparison->Find(t.key);
      if (state != nullptr && state->predicted) continue;  // the comparison dry-ran it
    }
    if (created_namespaces.contains(t.object.Namespace())) continue;
    dry_run.push_back(&t);
  }
  if (invalid.empty()) return true;
  FailMessage(sync::OperationPhase::kFailed,
              Listed("one or more synchronization tasks are not valid", invalid));
  return false;
}

bool SyncRun::Preflight(const std::vector<sync::SyncTask>& tasks) {
  std::vector<const sync::SyncTask*> checks;
  if (!Validate(tasks, checks)) return false;
  if (options_.dry_run || !options_.preflight_dry_run || checks.empty()) return true;
  Report("dry run of " + std::to_string(checks.size()) + " objects");
  std::vector<std::optional<Error>> errors(checks.size());
  ParallelFor(checks.size(), options_.parallelism, [&](std::size_t i) {
    auto r = cell_.applier.Apply(Outgoing(*checks[i]), {.dry_run = true});
    if (!r) errors[i] = r.error();
  });
  std::set<std::string> reasons;
  for (std::size_t i = 0; i < checks.size(); ++i) {
    if (!errors[i]) continue;
    if (IsUnreachable(*errors[i])) {
      Fail(*errors[i], "dry run");
      return false;
    }
    TaskState& t = Track(*checks[i]);
    core::MutexLock lock(mu_);
    t.result.result = sync::ResultCode::kSyncFailed;
    t.result.message = errors[i]->message();
    reasons.insert(checks[i]->key.ToString() + ": " + errors[i]->message());
  }
  if (reasons.empty()) return true;
  FailMessage(sync::OperationPhase::kFailed,
              Listed("one or more objects failed to apply (dry run)", reasons));
  return false;
}

bool SyncRun::RunSteps(const std::vector<sync::SyncTask>& tasks, bool sync_fail) {
  std::vector<sync::SyncStep> steps = sync::Steps(tasks);
  bool ok = true;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (Interrupted()) return false;
    std::vector<TaskState*> states;
    for (auto idx : steps[i].prune) states.push_back(&Track(tasks[idx]));
    for (auto idx : steps[i].remove) states.push_back(&Track(tasks[idx]));
    for (auto idx : steps[i].apply) states.push_back(&Track(tasks[idx]));
    {
      core::MutexLock lock(mu_);
      if (!sync_fail) progress_state_.step = i + 1;
      progress_state_.sync_phase = steps[i].phase;
      progress_state_.wave = steps[i].wave;
    }
    Report(std::string(sync::SyncPhaseName(steps[i].phase)) + " wave " +
           std::to_string(steps[i].wave));
    if (!RunStep(steps[i], states, i + 1 == steps.size())) {
      ok = false;
      if (!sync_fail) return false;
    }
  }
  return ok;
}

bool SyncRun::RunStep(const sync::SyncStep& step, std::vector<TaskState*>& tasks, bool last) {
  std::vector<TaskState*> prunes(tasks.begin(), tasks.begin() + step.prune.size());
  std::vector<TaskState*> removes(tasks.begin() + step.prune.size(),
                                  tasks.begin() + step.prune.size() + step.remove.size());
  std::vector<TaskState*> first, rest;
  for (auto it = tasks.begin() + step.prune.size() + step.remove.size(); it != tasks.end(); ++it) {
    (IsNamespaceOrCrd(*(*it)->task) ? first : rest).push_back(*it);
  }

  // Runs `action` on every task of a group in parallel; false when one failed or the
  // operation is stopping.
  auto run = [&](std::vector<TaskState*>& group, auto&& action) {
    std::vector<std::optional<Error>> errors(group.size());
    ParallelFor(group.size(), options_.parallelism, [&](std::size_t i) {
      if (stop_.stop_requested()) return;
      TaskState& t = *group[i];
      t.started = cell_.clock.Now();
      Status s = action(t);
      core::MutexLock lock(mu_);
      if (!s) {
        errors[i] = s.error();
        t.result.result = sync::ResultCode::kSyncFailed;
        t.result.message = s.error().message();
      }
      ++progress_state_.tasks_done;
      if (t.written && t.task->action != sync::TaskAction::kPrune &&
          t.task->action != sync::TaskAction::kDelete) {
        ++progress_state_.written;
      }
      t.result.duration =
          std::chrono::duration_cast<std::chrono::milliseconds>(cell_.clock.Now() - t.started);
      if (progress_) {
        progress_state_.message = t.result.message;
        progress_(progress_state_);
      }
    });
    bool ok = true;
    for (auto& e : errors) {
      if (e) {
        Fail(*e);
        ok = false;
      }
    }
    return ok && !Interrupted();
  };

  auto wait_gone = [&](std::vector<TaskState*>& group, const std::string& what) {
    if (options_.dry_run || group.empty()) return true;
    std::vector<const Object*> objects;
    for (auto* t : group) objects.push_back(&t->task->object);
    if (auto s = WaitGone(objects, StepDeadline(), what); !s) {
      Fail(s.error());
      return false;
    }
    for (auto* t : group) t->finished = true;
    return true;
  };

  if (!run(prunes, [&](TaskState& t) { return Prune(t); })) return false;
  if (!wait_gone(prunes, "pruned objects")) return false;
  if (!run(removes, [&](TaskState& t) { return DeleteOldHook(t); })) return false;
  if (!wait_gone(removes, "old hooks")) return false;
  if (!run(first, [&](TaskState& t) { return Write(t); })) return false;
  if (!options_.dry_run) {
    for (auto* t : first) {
      if (t->task->key.kind != "CustomResourceDefinition") continue;
      Report("waiting for CustomResourceDefinition " + t->task->key.name + " to be established");
      auto s = cell_.kinds.WaitForCRDEstablished(t->task->key.name, options_.crd_timeout);
      if (s) continue;
      {
        core::MutexLock lock(mu_);
        t->result.result = sync::ResultCode::kSyncFailed;
        t->result.message = s.error().message();
      }
      Fail(s.error());
      return false;
    }
  }
  if (!run(rest, [&](TaskState& t) { return Write(t); })) return false;
  if (options_.dry_run) {
    core::MutexLock lock(mu_);
    for (auto* t : tasks) {
      if (t->task->hook && t->result.hook_phase) {
        t->result.hook_phase = sync::OperationPhase::kSucceeded;  // a dry-run hook never runs
      }
    }
    return true;
  }
  if (last) {
    // gitops-engine waits for the last step when it holds a hook or the sync is multi-step;
    // a single step without hooks is done once applied (the CLI still waits, for health).
    const bool engine_waits =
        multi_step_ ||
        std::any_of(tasks.begin(), tasks.end(), [](const TaskState* t) { return t->task->hook; });
    if (!engine_waits && !options_.wait_after_last_step) return true;
    waited_last_ = engine_waits;
  }
  std::vector<TaskState*> writes = first;
  writes.insert(writes.end(), rest.begin(), rest.end());
  return WaitStep(writes);
}

void SyncRun::DeleteHooksByPolicy(bool operation_succeeded) {
  // gitops-engine deletes hooks when the operation ends, by its outcome: HookSucceeded hooks
  // after a successful sync, HookFailed hooks after a failed one, each only once finished.
  const sync::HookDeletePolicy wanted = operation_succeeded ? sync::HookDeletePolicy::kHookSucceeded
                                                            : sync::HookDeletePolicy::kHookFailed;
  std::vector<TaskState*> hooks;
  {
    core::MutexLock lock(mu_);
    for (auto& s : states_) {
      const sync::SyncTask& task = *s->task;
      if (!task.hook || !s->written || !s->finished || task.action == sync::TaskAction::kDelete) {
        continue;
      }
      if (std::find(task.delete_policies.begin(), task.delete_policies.end(), wanted) !=
          task.delete_policies.end()) {
        hooks.push_back(s.get());
      }
    }
  }
  const std::string policy(sync::HookDeletePolicyName(wanted));
  for (TaskState* t : hooks) {
    const Object& obj = t->live ? *t->live : t->task->object;
    auto s = DeleteObject(obj, sync::PropagationPolicy::kBackground, /*precondition=*/false);
    core::MutexLock lock(mu_);
    t->result.message += s ? " (deleted: " + policy + ")"
                           : "; deleting it (" + policy + ") failed: " + s.error().message();
  }
}

void SyncRun::ReleaseUnfinishedHooks() {
  std::vector<TaskState*> hooks;
  {
    core::MutexLock lock(mu_);
    for (auto& s : states_) {
      if (s->task->hook && s->written && !s->hook_finalized && !options_.dry_run &&
          s->task->action != sync::TaskAction::kDelete) {
        hooks.push_back(s.get());
      }
    }
  }
  for (auto* t : hooks) {
    const Object& obj = t->live ? *t->live : t->task->object;
    if (RemoveHookFinalizer(obj)) t->hook_finalized = true;
    core::MutexLock lock(mu_);
    if (t->result.hook_phase == sync::OperationPhase::kRunning) {
      t->result.hook_phase = sync::OperationPhase::kTerminating;
      t->result.message = "not awaited: the sync stopped";
    }
  }
}

}  // namespace executor_internal
}  // namespace cellgate::engine

// SyncExecutor: the requests behind each task (apply, replace, create, prune, hook deletes).
#include <algorithm>
#include <cctype>

#include "core/mutex.h"
#include "engine/executor_internal.h"
#include "engine/prediction_memo.h"
#include "sync/tracking.h"

namespace cellgate::engine::executor_internal {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool HasHookFinalizer(const Object& obj) {
  const Json& body = obj.body();
  if (!body.contains("metadata") || !body["metadata"].is_object()) return false;
  const Json& meta = body["metadata"];
  auto f = meta.find("finalizers");
  if (f == meta.end() || !f->is_array()) return false;
  return std::find(f->begin(), f->end(), Json(std::string(sync::kHookFinalizer))) != f->end();
}

}  // namespace

std::string KubectlName(const Object& obj) {
  std::string kind = Lower(obj.Kind());
  std::string group = obj.Group();
  return kind + (group.empty() ? "" : "." + group) + "/" + obj.Name();
}

kube::PropagationPolicy ToKube(sync::PropagationPolicy p) {
  switch (p) {
    case sync::PropagationPolicy::kForeground:
      return kube::PropagationPolicy::kForeground;
    case sync::PropagationPolicy::kBackground:
      return kube::PropagationPolicy::kBackground;
    case sync::PropagationPolicy::kOrphan:
      return kube::PropagationPolicy::kOrphan;
  }
  return kube::PropagationPolicy::kForeground;
}

const Object* SyncRun::LiveFor(const ObjectKey& key) const {
  if (request_.live == nullptr) return nullptr;
  for (const auto& o : request_.live->objects) {
    if (o.Key() == key) return &o;
  }
  return nullptr;
}

Object SyncRun::Outgoing(const sync::SyncTask& task) {
  Object obj = task.object;
  // Hooks get their final names in the plan, so their tracking is (re)written here.
  sync::SetTracking(obj, request_.instance, request_.options.destination_namespace);
  auto mapping = cell_.kinds.Map(kube::GroupVersionKind::Of(obj));
  if (mapping && !mapping->namespaced && obj.body().contains("metadata")) {
    obj.mutable_body()["metadata"].erase("namespace");
  }
  if (task.options.respect_ignore_differences && request_.ignore != nullptr && task.has_live) {
    if (const Object* live = LiveFor(task.key)) {
      std::vector<std::string> warnings;
      obj = request_.ignore->RespectIgnoreDifferences(obj, *live, &warnings);
      core::MutexLock lock(mu_);
      for (auto& w : warnings) result_.warnings.push_back(task.key.ToString() + ": " + w);
    }
  }
  return obj;
}

Status SyncRun::Write(TaskState& t) {
  const sync::SyncTask& task = *t.task;
  Object out = Outgoing(task);
  const bool dry = options_.dry_run;
  const std::string suffix = dry ? " (dry run)" : "";
  Result<Object> written = MakeError(ErrorCode::kInternal, "no write");
  std::string verb;
  switch (task.action) {
    case sync::TaskAction::kApply: {
      written = cell_.applier.Apply(out, {.dry_run = dry});
      verb = "serverside-applied";
      // Force=true: what `kubectl apply --force` does when the patch is refused.
      if (!written && task.options.force && task.has_live &&
          (written.error().code() == ErrorCode::kInvalidArgument ||
           written.error().code() == ErrorCode::kConflict)) {
        return Recreate(t, out);
      }
      break;
    }
    case sync::TaskAction::kReplace:
      if (task.options.force) return Recreate(t, out);
      return Replace(t, out);
    case sync::TaskAction::kCreate:
      written = cell_.applier.Create(out, {.dry_run = dry});
      verb = "created";
      break;
    case sync::TaskAction::kDelete:
    case sync::TaskAction::kPrune:
      return MakeError(ErrorCode::kInternal,
                       "write of a " + std::string(sync::TaskActionName(task.action)) + " task");
  }
  if (!written) {
    if (cell_.memo != nullptr) cell_.memo->Forget(out.Key());
    return std::unexpected(written.error());
  }
  // Applying `out` again to what the cell stored would change nothing (prediction_memo.h).
  if (cell_.memo != nullptr && !dry && task.action == sync::TaskAction::kApply) {
    cell_.memo->RecordUnchanged(out, *written);
  }
  core::MutexLock lock(mu_);
  t.written = true;
  t.result.message = KubectlName(out) + " " + verb + suffix;
  if (task.hook) t.result.hook_phase = sync::OperationPhase::kRunning;
  t.live = std::move(*written);
  return Ok();
}

Status SyncRun::Replace(TaskState& t, const Object& outgoing) {
  // PUT needs the current resourceVersion for kinds that refuse unconditional updates; taking
  // it from a fresh read makes the replace apply to what is live now.
  Object obj = outgoing;
  auto live = cell_.reader.Get(kube::GroupVersionKind::Of(obj), obj.Namespace(), obj.Name());
  Result<Object> written = MakeError(ErrorCode::kInternal, "no write");
  std::string verb = "replaced";
  if (!live && live.error().code() == ErrorCode::kNotFound) {
    written = cell_.applier.Create(obj, {.dry_run = options_.dry_run});
    verb = "created";
  } else if (!live) {
    return std::unexpected(live.error());
  } else {
    obj.mutable_body()["metadata"]["resourceVersion"] =
        StringAt(live->body(), {"metadata", "resourceVersion"});
    written = cell_.applier.Update(obj, {.dry_run = options_.dry_run});
  }
  CG_TRY(written);
  core::MutexLock lock(mu_);
  t.written = true;
  t.result.message = KubectlName(obj) + " " + verb + (options_.dry_run ? " (dry run)" : "");
  t.live = std::move(*written);
  return Ok();
}

Status SyncRun::Recreate(TaskState& t, const Object& outgoing) {
  if (options_.dry_run) {
    // A dry-run delete leaves the object, so a dry-run create would collide: check the
    // replacement with a dry-run PUT instead.
    return Replace(t, outgoing);
  }
  const Object* live = LiveFor(t.task->key);
  const Object& target = live != nullptr ? *live : outgoing;
  if (auto s = DeleteObject(target, sync::PropagationPolicy::kForeground, /*precondition=*/false);
      !s) {
    return s;
  }
  if (auto s = WaitGone({&target}, StepDeadline(), "the object to be replaced"); !s) return s;
  auto created = cell_.applier.Create(outgoing, {});
  CG_TRY(created);
  core::MutexLock lock(mu_);
  t.written = true;
  t.result.message = KubectlName(outgoing) + " replaced (deleted and created: Force=true)";
  t.live = std::move(*created);
  return Ok();
}

Status SyncRun::DeleteObject(const Object& obj, sync::PropagationPolicy propagation,
                             bool precondition) {
  kube::DeleteOptions o{.propagation = ToKube(propagation), .dry_run = options_.dry_run};
  if (precondition) o.precondition_uid = StringAt(obj.body(), {"metadata", "uid"});
  auto s = cell_.applier.Delete(obj, o);
  if (!s && s.error().code() == ErrorCode::kNotFound) return Ok();  // already gone
  return s;
}

Status SyncRun::Prune(TaskState& t) {
  const Object& live = t.task->object;
  // The precondition makes sure we delete the object we listed, not a newer one of the same
  // name that someone else created since.
  auto s = DeleteObject(live, t.task->propagation, /*precondition=*/true);
  if (!s && s.error().code() == ErrorCode::kConflict) s = Ok();  // replaced meanwhile: not ours
  if (!s) return s;
  if (cell_.memo != nullptr && !options_.dry_run) cell_.memo->Forget(live.Key());
  core::MutexLock lock(mu_);
  t.written = true;
  t.result.result = sync::ResultCode::kPruned;
  t.result.message = options_.dry_run ? "pruned (dry run)" : "pruned";
  return Ok();
}

Status SyncRun::DeleteOldHook(TaskState& t) {
  const Object& old = t.task->object;
  if (!options_.dry_run && HasHookFinalizer(old)) {
    if (auto s = RemoveHookFinalizer(old); !s) return s;
  }
  if (auto s = DeleteObject(old, t.task->propagation, /*precondition=*/false); !s) return s;
  core::MutexLock lock(mu_);
  t.written = true;
  t.result.message = KubectlName(old) + " deleted (BeforeHookCreation)";
  return Ok();
}

Status SyncRun::RemoveHookFinalizer(const Object& hook) {
  const kube::GroupVersionKind gvk = kube::GroupVersionKind::Of(hook);
  // An update with the resourceVersion just read; a conflict means someone else wrote in
  // between, so read again.
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto live = cell_.reader.Get(gvk, hook.Namespace(), hook.Name());
    if (!live) {
      if (live.error().code() == ErrorCode::kNotFound) return Ok();
      return std::unexpected(live.error().Wrap("remove hook finalizer"));
    }
    if (!HasHookFinalizer(*live)) return Ok();
    Object updated = *live;
    Json& finalizers = updated.mutable_body()["metadata"]["finalizers"];
    Json kept = Json::array();
    for (const auto& f : finalizers) {
      if (f != Json(std::string(sync::kHookFinalizer))) kept.push_back(f);
    }
    finalizers = std::move(kept);
    auto written = cell_.applier.Update(updated, {});
    if (written || written.error().code() == ErrorCode::kNotFound) return Ok();
    if (written.error().code() != ErrorCode::kConflict) {
      return std::unexpected(written.error().Wrap("remove hook finalizer"));
    }
  }
  return MakeError(ErrorCode::kConflict,
                   "remove hook finalizer from " + hook.Key().ToString() + ": kept conflicting");
}

}  // namespace cellgate::engine::executor_internal

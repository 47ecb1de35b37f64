// SyncExecutor: waiting for objects to become healthy, hooks to finish and deletions to land.
//
// Waits poll the cell (a GET per object still pending) with backoff from poll_initial to
// poll_max: a sync touches a handful to a few hundred objects and is usually done within
// seconds, so a watch per kind would cost more requests than it saves.
#include <algorithm>

#include "core/mutex.h"
#include "engine/executor_internal.h"
#include "engine/parallel.h"

namespace cellgate::engine::executor_internal {
namespace {

bool HealthPasses(const std::optional<sync::Health>& h) {
  return !h || h->status == sync::HealthStatus::kHealthy ||
         h->status == sync::HealthStatus::kSuspended;
}

std::string Describe(const Object& obj) { return obj.Key().ToString(); }

// gitops-engine's wording when a task ended unsuccessfully; ours adds which and why.
constexpr std::string_view kUnsuccessful =
    "one or more synchronization tasks completed unsuccessfully";

}  // namespace

bool SyncRun::Sleep(std::chrono::milliseconds d) { return sleeper_.SleepFor(d, stop_); }

Clock::TimePoint SyncRun::StepDeadline() const {
  Clock::TimePoint d = cell_.clock.Now() + options_.health_timeout;
  if (deadline_ && !in_sync_fail_) d = std::min(d, *deadline_);
  return d;
}

Status SyncRun::WaitGone(const std::vector<const Object*>& objects, Clock::TimePoint deadline,
                         const std::string& what) {
  std::vector<const Object*> pending = objects;
  std::chrono::milliseconds delay = options_.poll_initial;
  while (true) {
    std::vector<std::optional<Error>> errors(pending.size());
    std::vector<bool> gone(pending.size(), false);
    ParallelFor(pending.size(), options_.parallelism, [&](std::size_t i) {
      const Object& o = *pending[i];
      auto live = cell_.reader.Get(kube::GroupVersionKind::Of(o), o.Namespace(), o.Name());
      if (!live) {
        if (live.error().code() == ErrorCode::kNotFound) {
          gone[i] = true;
        } else {
          errors[i] = live.error();
        }
        return;
      }
      // A new object of the same name (someone re-created it) means ours is gone.
      std::string uid = StringAt(o.body(), {"metadata", "uid"});
      gone[i] = !uid.empty() && StringAt(live->body(), {"metadata", "uid"}) != uid;
    });
    std::vector<const Object*> left;
    for (std::size_t i = 0; i < pending.size(); ++i) {
      if (errors[i]) return std::unexpected(errors[i]->Wrap("wait for deletion"));
      if (!gone[i]) left.push_back(pending[i]);
    }
    pending = std::move(left);
    if (pending.empty()) return Ok();
    if (cell_.clock.Now() >= deadline) {
      return MakeError(
          ErrorCode::kDeadlineExceeded,
          "timed out waiting for " + what + " to be deleted: " + Describe(*pending.front()) +
              (pending.size() > 1 ? " and " + std::to_string(pending.size() - 1) + " more" : ""));
    }
    Report("waiting for " + std::to_string(pending.size()) + " " + what + " to be deleted");
    if (!Sleep(delay)) {
      return MakeError(ErrorCode::kDeadlineExceeded, "operation terminated");
    }
    delay = std::min(options_.poll_max, delay * 3 / 2);
  }
}

void SyncRun::FinishHook(TaskState& t, const sync::HookStatus& status) {
  const sync::SyncTask& task = *t.task;
  const Object& obj = t.live ? *t.live : task.object;
  // The finalizer kept the hook around until we read its result; now it may go.
  // Deleting it by its hook-delete-policy waits for the end of the operation
  // (DeleteHooksByPolicy).
  Status released = RemoveHookFinalizer(obj);
  bool succeeded = status.phase == sync::OperationPhase::kSucceeded;
  core::MutexLock lock(mu_);
  t.hook_finalized = released.has_value();
  t.finished = true;
  t.result.hook_phase = status.phase;
  t.result.message = status.message;
  if (!released) t.result.message += "; " + released.error().message();
  if (!succeeded) t.result.result = sync::ResultCode::kSyncFailed;
}

// True when the task needs no more waiting. Hooks that finish are finalised here.
bool SyncRun::Done(TaskState& t, std::string* waiting_for) {
  if (t.finished || !t.live) return true;
  const Object& live = *t.live;
  if (t.task->hook) {
    sync::HookStatus status = sync::AssessHook(live);
    if (!status.done()) {
      *waiting_for = Describe(live) + ": " + status.message;
      return false;
    }
    FinishHook(t, status);
    return true;
  }
  auto health = sync::AssessHealth(live, options_.health);
  std::optional<sync::Health> h =
      health ? *health
             : std::optional<sync::Health>(
                   sync::Health{sync::HealthStatus::kUnknown, health.error().message()});
  {
    core::MutexLock lock(mu_);
    t.result.health = h;
  }
  if (HealthPasses(h)) {
    core::MutexLock lock(mu_);
    t.finished = true;
    ++progress_state_.healthy;
    return true;
  }
  if (h->status == sync::HealthStatus::kDegraded) {
    // gitops-engine fails a running task whose object turns Degraded, rather than wait.
    core::MutexLock lock(mu_);
    t.finished = true;
    t.degraded = true;
    t.result.message = h->message.empty() ? "Degraded" : h->message;
    return true;
  }
  *waiting_for = Describe(live) + ": " + std::string(sync::HealthStatusName(h->status)) +
                 (h->message.empty() ? "" : " (" + h->message + ")");
  return false;
}

bool SyncRun::WaitStep(std::vector<TaskState*>& tasks) {
  const Clock::TimePoint deadline = StepDeadline();
  std::chrono::milliseconds delay = options_.poll_initial;
  std::vector<TaskState*> pending = tasks;
  while (true) {
    std::vector<TaskState*> left;
    std::string first_waiting;
    for (TaskState* t : pending) {
      std::string waiting;
      if (!Done(*t, &waiting)) {
        if (first_waiting.empty()) first_waiting = waiting;
        left.push_back(t);
      } else if (t->task->hook && t->result.hook_phase == sync::OperationPhase::kFailed) {
        std::string phase(sync::SyncPhaseName(t->task->phase));
        FailMessage(sync::OperationPhase::kFailed, std::string(kUnsuccessful) + ": " + phase +
                                                       " hook " + t->task->key.ToString() +
                                                       " failed: " + t->result.message);
        return false;
      } else if (t->degraded) {
        FailMessage(sync::OperationPhase::kFailed, std::string(kUnsuccessful) + ": " +
                                                       t->task->key.ToString() +
                                                       " is Degraded: " + t->result.message);
        return false;
      }
    }
    pending = std::move(left);
    if (pending.empty()) return true;
    if (Interrupted()) return false;
    if (cell_.clock.Now() >= deadline) {
      std::string more =
          pending.size() > 1 ? " (and " + std::to_string(pending.size() - 1) + " more)" : "";
      FailMessage(sync::OperationPhase::kFailed,
                  "timed out after " +
                      std::to_string(
                          std::chrono::duration_cast<std::chrono::seconds>(options_.health_timeout)
                              .count()) +
                      "s waiting for " + first_waiting + more);
      return false;
    }
    Report("waiting for " + first_waiting +
           (pending.size() > 1 ? " (and " + std::to_string(pending.size() - 1) + " more)" : ""));
    if (!Sleep(delay)) {
      Interrupted();
      return false;
    }
    delay = std::min(options_.poll_max, delay * 3 / 2);

    std::vector<std::optional<Error>> errors(pending.size());
    ParallelFor(pending.size(), options_.parallelism, [&](std::size_t i) {
      TaskState& t = *pending[i];
      const Object& o = *t.live;
      auto live = cell_.reader.Get(kube::GroupVersionKind::Of(o), o.Namespace(), o.Name());
      core::MutexLock lock(mu_);
      if (live) {
        t.live = std::move(*live);
      } else if (live.error().code() == ErrorCode::kNotFound && t.task->hook) {
        // Only someone removing our finalizer lets a hook vanish before we read its result.
        t.finished = true;
        t.result.hook_phase = sync::OperationPhase::kFailed;
        t.result.result = sync::ResultCode::kSyncFailed;
        t.result.message = "hook was deleted before it finished";
        t.hook_finalized = true;
      } else {
        errors[i] = live.error();
      }
    });
    for (std::size_t i = 0; i < pending.size(); ++i) {
      if (errors[i]) {
        Fail(*errors[i], "wait for " + pending[i]->task->key.ToString());
        return false;
      }
      if (pending[i]->finished && pending[i]->task->hook &&
          pending[i]->result.hook_phase == sync::OperationPhase::kFailed) {
        FailMessage(sync::OperationPhase::kFailed, std::string(kUnsuccessful) + ": hook " +
                                                       pending[i]->task->key.ToString() + ": " +
                                                       pending[i]->result.message);
        return false;
      }
    }
  }
}

}  // namespace cellgate::engine::executor_internal

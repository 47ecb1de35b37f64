// Internal to the executor (executor.cc, executor_writes.cc, executor_wait.cc): the state of
// one run. Not part of the sync API.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/mutex.h"
#include "engine/executor.h"
#include "sync/hook_status.h"

namespace cellgate::engine::executor_internal {

struct TaskState {
  const sync::SyncTask* task = nullptr;
  sync::ResourceResult result;
  bool written = false;   // the write (or delete) was accepted
  bool finished = false;  // healthy, hook done, or gone
  bool hook_finalized = false;
  bool degraded = false;       // a resource that turned Degraded while waited for
  std::optional<Object> live;  // the last object the cell returned
  Clock::TimePoint started{};
};

class SyncRun {
 public:
  SyncRun(CellAccess& cell, const ExecutorOptions& options, const SyncRequest& request,
          const ProgressCallback& progress, std::stop_token stop);

  sync::SyncResult Execute();

 private:
  // executor.cc: orchestration.
  bool Preflight(const std::vector<sync::SyncTask>& tasks);
  bool RunSteps(const std::vector<sync::SyncTask>& tasks, bool sync_fail);
  bool RunStep(const sync::SyncStep& step, std::vector<TaskState*>& tasks, bool last);
  bool Interrupted();
  void Fail(const Error& error, const std::string& context = {});
  void FailMessage(sync::OperationPhase phase, const std::string& message);
  void Report(const std::string& message);
  void ReleaseUnfinishedHooks();
  void DeleteHooksByPolicy(bool operation_succeeded);
  bool Validate(const std::vector<sync::SyncTask>& tasks,
                std::vector<const sync::SyncTask*>& dry_run);
  TaskState& Track(const sync::SyncTask& task);

  // executor_writes.cc: the requests of each task.
  Object Outgoing(const sync::SyncTask& task);
  const Object* LiveFor(const ObjectKey& key) const;
  Status Write(TaskState& t);
  Status Recreate(TaskState& t, const Object& outgoing);
  Status Replace(TaskState& t, const Object& outgoing);
  Status Prune(TaskState& t);
  Status DeleteOldHook(TaskState& t);
  Status RemoveHookFinalizer(const Object& hook);
  Status DeleteObject(const Object& obj, sync::PropagationPolicy propagation, bool precondition);

  // executor_wait.cc: waiting for the cell to converge.
  Status WaitGone(const std::vector<const Object*>& objects, Clock::TimePoint deadline,
                  const std::string& what);
  bool WaitStep(std::vector<TaskState*>& tasks);
  void FinishHook(TaskState& t, const sync::HookStatus& status);
  bool Done(TaskState& t, std::string* waiting_for);
  bool Sleep(std::chrono::milliseconds d);
  Clock::TimePoint StepDeadline() const;

  CellAccess& cell_;
  const ExecutorOptions& options_;
  const SyncRequest& request_;
  const ProgressCallback& progress_;
  std::stop_token stop_;
  Sleeper& sleeper_;
  std::optional<Clock::TimePoint> deadline_;  // whole operation

  core::Mutex mu_;  // guards everything below
  std::vector<std::unique_ptr<TaskState>> states_;
  sync::SyncResult result_;
  SyncProgress progress_state_;
  bool failed_ = false;
  bool in_sync_fail_ = false;  // running the SyncFail hooks after a failure
  bool multi_step_ = false;    // more than one (phase, wave), SyncFail hooks counted
  bool waited_last_ = false;   // the last step was waited for
};

// "deployment.apps/api", "configmap/settings": the way kubectl names objects in its output.
std::string KubectlName(const Object& obj);

kube::PropagationPolicy ToKube(sync::PropagationPolicy p);

}  // namespace cellgate::engine::executor_internal

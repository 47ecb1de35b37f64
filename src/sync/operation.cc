#include "sync/operation.h"

#include <algorithm>
#include <ctime>

namespace cellgate::sync {

std::string_view OperationPhaseName(OperationPhase phase) {
  switch (phase) {
    case OperationPhase::kRunning:
      return "Running";
    case OperationPhase::kTerminating:
      return "Terminating";
    case OperationPhase::kFailed:
      return "Failed";
    case OperationPhase::kError:
      return "Error";
    case OperationPhase::kSucceeded:
      return "Succeeded";
  }
  return "Error";
}

std::string_view ResultCodeName(ResultCode code) {
  switch (code) {
    case ResultCode::kSynced:
      return "Synced";
    case ResultCode::kSyncFailed:
      return "SyncFailed";
    case ResultCode::kPruned:
      return "Pruned";
    case ResultCode::kPruneSkipped:
      return "PruneSkipped";
  }
  return "SyncFailed";
}

std::size_t SyncResult::Count(ResultCode code) const {
  return static_cast<std::size_t>(std::count_if(resources.begin(), resources.end(),
                                                [&](const auto& r) { return r.result == code; }));
}

std::string FormatTime(std::chrono::system_clock::time_point t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Json OperationStateJson(const SyncResult& result) {
  Json resources = Json::array();
  for (const auto& r : result.resources) {
    Json entry = {{"group", r.key.group}, {"version", r.version},
                  {"kind", r.key.kind},   {"namespace", r.key.ns},
                  {"name", r.key.name},   {"status", ResultCodeName(r.result)},
                  {"message", r.message}, {"syncPhase", SyncPhaseName(r.sync_phase)}};
    if (r.hook) {
      if (r.hook_type) {
        static constexpr std::string_view kNames[] = {"PreSync", "Sync", "PostSync", "SyncFail",
                                                      "Skip"};
        entry["hookType"] = kNames[static_cast<int>(*r.hook_type)];
      }
      if (r.hook_phase) entry["hookPhase"] = OperationPhaseName(*r.hook_phase);
    }
    resources.push_back(std::move(entry));
  }
  Json state = {
      {"operation",
       {{"sync",
         {{"revision", result.revision}, {"prune", result.prune}, {"dryRun", result.dry_run}}}}},
      {"phase", OperationPhaseName(result.phase)},
      {"message", result.message},
      {"startedAt", FormatTime(result.started_at)},
      {"syncResult", {{"revision", result.revision}, {"resources", std::move(resources)}}}};
  if (result.phase != OperationPhase::kRunning && result.phase != OperationPhase::kTerminating) {
    state["finishedAt"] = FormatTime(result.finished_at);
  }
  return state;
}

}  // namespace cellgate::sync

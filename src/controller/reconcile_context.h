// Internal to the reconciler (reconciler*.cc): what one reconcile has learned so far, and
// what one comparison at one revision found.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "argo/app_project.h"
#include "argo/app_status.h"
#include "argo/application.h"
#include "controller/reconciler.h"
#include "core/redact.h"
#include "engine/app_sync.h"

namespace cellgate::controller {

struct Reconciler::Context {
  AppRef ref;
  std::shared_ptr<HomeCluster> home;
  ObjectPtr object;              // from the home's cache
  Json status = Json::object();  // the status as last written (updated by each write)
  std::optional<argo::Application> model;
  engine::AppSyncSpec spec;
  std::shared_ptr<CellTarget> cell;
  std::optional<argo::AppProject> project;
  argo::ResolvedDestination destination;
  std::string cell_label;  // the destination cell, for metrics
  std::string_view problem_type = argo::kComparisonError;
  std::vector<argo::ConditionInput> conditions;
  std::optional<argo::OperationStateInput> operation_state;
  std::optional<argo::HistoryEntryInput> history;
  bool clear_operation = false;         // the next status write also removes `operation`
  std::uint64_t steady_generation = 0;  // SteadyMemo's when this pass began
  sync::HealthOptions health;           // the reconciler's when this pass began
  // Observe failed before it had the desired objects (resolve, open or render).
  bool target_unloaded = false;
  // The values of the app's Secrets seen so far (desired and live): masked in every message
  // this pass writes to the status, to Events or to the log.
  Redactor secrets;
};

struct Reconciler::Observed {
  std::string revision;  // the commit compared
  std::string source_type;
  std::vector<std::string> images;
  engine::AppObservation observation;
  std::vector<argo::ResourceState> resources;
  std::string sync_status;
  std::string health_status;
  std::string health_message;
};

struct Reconciler::ProblemHealth {
  std::string status = "Unknown";
  std::string message;
  std::optional<std::vector<argo::ResourceState>> resources;  // nullopt: the previous ones
};

// The condition types every reconcile evaluates (so old ones of these types are replaced).
inline std::vector<std::string> EvaluatedConditionTypes() {
  return {std::string(argo::kInvalidSpecError),
          std::string(argo::kComparisonError),
          std::string(argo::kSyncError),
          std::string(argo::kUnknownError),
          std::string(argo::kDeletionError),
          std::string(kSelfHealBackoff),
          std::string(argo::kSharedResourceWarning)};
}

}  // namespace cellgate::controller

// The ApplicationSet's status as Argo CD's ApplicationSet controller writes it, as pure
// functions: conditions[] (ErrorOccurred, ParametersGenerated, ResourcesUpToDate, each with
// status, reason, message and lastTransitionTime), resources[] (every owned Application with
// its sync status and health) and resourcesCount.
//
// Conditions (Argo CD's setApplicationSetStatusCondition): one reconcile evaluates all three.
//  - success: ErrorOccurred False / ApplicationSetUpToDate / "Successfully generated
//    parameters for all Applications"; ParametersGenerated True / ParametersGenerated / the
//    same message; ResourcesUpToDate True / ApplicationSetUpToDate / "ApplicationSet up to
//    date".
//  - an error with reason R and message M: ErrorOccurred True / R / M; ResourcesUpToDate
//    False / R / M; ParametersGenerated True when the parameters were generated (the error
//    came later: validation, writes), else False / ErrorOccurred / M.
// A condition whose status, reason and message are unchanged keeps its lastTransitionTime;
// conditions of other types (RolloutProgressing, written by progressive syncs) are kept; the
// list is sorted by type, then message.
//
// Reasons are Argo CD's: ApplicationGenerationFromParamsError (a generator failed),
// RenderTemplateParamsError (the template or templatePatch failed for a parameter set),
// ApplicationValidationError (project, destination, duplicate names), CreateApplicationError
// / UpdateApplicationError (a write failed), DeleteApplicationError (ours: Argo CD reports a
// failed delete under ResourcesUpToDate with status True, which hides it).
//
// resources[] is Argo CD's BuildResourceStatus: group argoproj.io, version v1alpha1, kind
// Application, namespace, name, status (the Application's sync status) and health (its
// health status and message), sorted by name, at most max_resources entries;
// resourcesCount counts them all.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/object.h"
#include "core/result.h"
#include "runtime/time_format.h"

namespace cellgate::appset_controller {

namespace condition {
inline constexpr std::string_view kErrorOccurred = "ErrorOccurred";
inline constexpr std::string_view kParametersGenerated = "ParametersGenerated";
inline constexpr std::string_view kResourcesUpToDate = "ResourcesUpToDate";
}  // namespace condition

namespace reason {
inline constexpr std::string_view kErrorOccurred = "ErrorOccurred";
inline constexpr std::string_view kApplicationSetUpToDate = "ApplicationSetUpToDate";
inline constexpr std::string_view kParametersGenerated = "ParametersGenerated";
inline constexpr std::string_view kParamsGenerationError = "ApplicationGenerationFromParamsError";
inline constexpr std::string_view kRenderTemplateParamsError = "RenderTemplateParamsError";
inline constexpr std::string_view kApplicationValidationError = "ApplicationValidationError";
inline constexpr std::string_view kCreateApplicationError = "CreateApplicationError";
inline constexpr std::string_view kUpdateApplicationError = "UpdateApplicationError";
inline constexpr std::string_view kDeleteApplicationError = "DeleteApplicationError";
inline constexpr std::string_view kRefreshApplicationError = "RefreshApplicationError";
}  // namespace reason

// What one reconcile concluded.
struct ReconcileOutcome {
  bool parameters_generated = false;
  std::string error_reason;  // "" for success
  std::string error_message;

  static ReconcileOutcome Success() { return {.parameters_generated = true}; }
  bool ok() const { return error_reason.empty(); }
};

// The reason for an error of appset::GenerateApplications, from the shape its messages are
// documented to have (applications.h): "...: generator 0 (list): element 2 {...}: ..." is a
// template error, "... duplicate name ..." a validation error, anything else a generator
// error.
std::string_view GenerationErrorReason(const Error& error);

// The three conditions for `outcome` (without lastTransitionTime).
Json OutcomeConditions(const ReconcileOutcome& outcome);

// `fresh` (conditions of the evaluated types) merged into `previous` as described above.
Json MergeConditions(const Json& previous, const Json& fresh, runtime::WallTime now);

// status.resources for the owned Applications.
Json ResourcesStatus(std::vector<Object> owned, std::size_t max_resources);

// The status fields this controller owns: {conditions, resources, resourcesCount}.
Json StatusFields(Json conditions, Json resources, std::size_t count);

// True when the live status differs from `fields` in any field `fields` holds (semantic
// comparison, key order ignored; other status fields do not count).
bool StatusNeedsWrite(const Json& live_status, const Json& fields);

}  // namespace cellgate::appset_controller

#include "appset_controller/appset_reconciler.h"

#include <spdlog/spdlog.h>

#include <map>
#include <utility>

#include "appset/applications.h"
#include "appset/plan.h"
#include "appset_controller/app_validation.h"
#include "appset_controller/appset_status.h"
#include "appset_controller/change_detection.h"
#include "appset_controller/generator_cells.h"
#include "git/url.h"

namespace cellgate::appset_controller {
namespace {

using Next = ReconcileResult::Next;

// The resolver as one reconcile uses it: each (repository, revision) is resolved once, and
// the repositories asked for are remembered for Refresh(repoURL).
class RecordingResolver {
 public:
  explicit RecordingResolver(const appset::SnapshotResolver& inner) : inner_(inner) {}

  Result<std::shared_ptr<const git::Snapshot>> operator()(const std::string& url,
                                                          const std::string& revision) {
    repos_.insert(git::NormaliseRepoUrl(url));
    auto key = std::pair(url, revision);
    auto it = memo_.find(key);
    if (it == memo_.end()) {
      if (!inner_) {
        return MakeError(ErrorCode::kFailedPrecondition, "no git source configured for " + url);
      }
      it = memo_.emplace(key, inner_(url, revision)).first;
    }
    return it->second;
  }

  const std::set<std::string>& repos() const { return repos_; }

 private:
  const appset::SnapshotResolver& inner_;
  std::map<std::pair<std::string, std::string>, Result<std::shared_ptr<const git::Snapshot>>> memo_;
  std::set<std::string> repos_;
};

appset::PlanOptions IdentityOf(const Object& live) {
  return {.appset_name = live.Name(), .appset_uid = StringAt(live.body(), {"metadata", "uid"})};
}

std::vector<Object> Owned(const std::vector<Object>& apps, const appset::PlanOptions& o) {
  std::vector<Object> out;
  for (const auto& a : apps) {
    if (appset::OwnedByApplicationSet(a, o)) out.push_back(a);
  }
  return out;
}

// The owned Applications after a plan was applied: written ones replaced or added, deleted
// ones gone unless their deletion is still under way.
std::vector<Object> OwnedAfter(std::vector<Object> owned, const AppliedPlan& applied,
                               const appset::PlanOptions& identity) {
  std::map<std::string, Object> by_name;
  for (auto& a : owned) by_name[a.Name()] = std::move(a);
  for (const auto& name : applied.deleted) {
    auto it = by_name.find(name);
    if (it != by_name.end() && !BeingDeleted(it->second.body())) by_name.erase(it);
  }
  for (const auto& w : applied.written) {
    if (appset::OwnedByApplicationSet(w, identity)) by_name[w.Name()] = w;
  }
  std::vector<Object> out;
  out.reserve(by_name.size());
  for (auto& [name, app] : by_name) out.push_back(std::move(app));
  return out;
}

// `app` with the ownerReferences to the ApplicationSet `identity` removed.
Json WithoutOwnerReference(Json body, const appset::PlanOptions& identity) {
  Json& meta = body["metadata"];
  Json kept = Json::array();
  for (const auto& r : meta.value("ownerReferences", Json::array())) {
    bool ours = r.value("kind", "") == "ApplicationSet" &&
                (r.value("uid", "") == identity.appset_uid ||
                 (identity.appset_uid.empty() && r.value("name", "") == identity.appset_name));
    if (!ours) kept.push_back(r);
  }
  if (kept.empty()) {
    meta.erase("ownerReferences");
  } else {
    meta["ownerReferences"] = std::move(kept);
  }
  return body;
}

}  // namespace

ApplicationSetReconciler::ApplicationSetReconciler(ReconcilerDeps deps, ReconcilerOptions options)
    : deps_(std::move(deps)), options_(std::move(options)) {}

Result<std::vector<Object>> ApplicationSetReconciler::ListApplications(const std::string& ns) {
  auto list = deps_.reader.List(kApplicationGvk, ns, {});
  CG_TRY_WRAP(list, "list Applications in " + ns);
  return std::move(list->items);
}

Result<std::vector<argo::AppProject>> ApplicationSetReconciler::ListProjects() {
  auto list = deps_.reader.List(kAppProjectGvk, options_.controller_namespace, {});
  if (!list) {
    return std::unexpected(
        list.error().Wrap("list AppProjects in " + options_.controller_namespace));
  }
  std::vector<argo::AppProject> projects;
  for (const auto& item : list->items) {
    auto p = argo::ParseAppProject(item.body());
    if (!p) {
      spdlog::warn("AppProject {}/{} skipped: {}", item.Namespace(), item.Name(),
                   p.error().message());
      continue;
    }
    projects.push_back(std::move(*p));
  }
  return projects;
}

Status ApplicationSetReconciler::WriteStatus(const Object& live, const Json& fresh,
                                             const std::vector<Object>& owned) {
  const Json& body = live.body();
  Json status = body.contains("status") ? body["status"] : Json::object();
  Json conditions = status.is_object() ? status.value("conditions", Json::array()) : Json::array();
  if (!fresh.is_null()) conditions = MergeConditions(conditions, fresh, deps_.clock.WallNow());
  Json fields = StatusFields(std::move(conditions),
                             ResourcesStatus(owned, options_.max_status_resources), owned.size());
  if (!StatusNeedsWrite(status, fields)) return Ok();
  return deps_.status.WriteStatus(live, fields);
}

ReconcileResult ApplicationSetReconciler::Reconcile(const std::string& ns, const std::string& name,
                                                    ReconcileMode mode,
                                                    const GoneApplicationSet* gone) {
  auto live = deps_.reader.Get(kApplicationSetGvk, ns, name);
  if (!live) {
    if (live.error().code() != ErrorCode::kNotFound) {
      return {.next = Next::kRetry, .error = live.error().message()};
    }
    return gone ? Gone(ns, *gone) : ReconcileResult{.next = Next::kForget};
  }
  auto existing = ListApplications(ns);
  if (!existing) return {.next = Next::kRetry, .error = existing.error().message()};
  auto parsed = argo::ParseApplicationSet(live->body());
  if (BeingDeleted(live->body())) return Deleting(*live, parsed, *existing);
  if (!parsed) {
    std::string message = parsed.error().message();
    ReconcileOutcome outcome{.error_reason = std::string(reason::kParamsGenerationError),
                             .error_message = message};
    if (auto s =
            WriteStatus(*live, OutcomeConditions(outcome), Owned(*existing, IdentityOf(*live)));
        !s) {
      return {.next = Next::kRetry, .error = s.error().message()};
    }
    return {.next = Next::kRequeue, .error = message};
  }
  if (mode == ReconcileMode::kStatusOnly) {
    if (auto s = WriteStatus(*live, Json(), Owned(*existing, IdentityOf(*live))); !s) {
      return {.next = Next::kRetry, .error = s.error().message()};
    }
    return {.next = Next::kRequeue};
  }
  return Generate(*live, *parsed, *existing);
}

ReconcileResult ApplicationSetReconciler::Generate(const Object& live,
                                                   const argo::ApplicationSet& parsed,
                                                   const std::vector<Object>& existing) {
  ReconcileResult result{.uses_clusters = UsesClustersGenerator(parsed.generators)};
  const Json& spec = live.body()["spec"];
  result.repos = LiteralRepos(spec);
  appset::PlanOptions plan_options = appset::PlanOptionsFor(parsed);
  std::vector<Object> owned = Owned(existing, plan_options);
  auto fail = [&](const ReconcileOutcome& outcome, bool retry) {
    result.error = outcome.error_message;
    result.next = retry ? Next::kRetry : Next::kRequeue;
    if (auto s = WriteStatus(live, OutcomeConditions(outcome), owned); !s) {
      result.error += "; " + s.error().message();
      result.next = Next::kRetry;
    }
    return result;
  };

  std::vector<cells::CellInfo> cells = deps_.cells.List();
  GeneratorCells gc = CellsForGenerators(cells);
  RecordingResolver resolver(deps_.resolve);
  appset::GeneratorInputs inputs{
      .cells = gc.cells,
      .in_cluster_enabled = gc.in_cluster_enabled,
      .resolve_snapshot = [&](const std::string& url,
                              const std::string& rev) { return resolver(url, rev); },
      .new_git_file_globbing = options_.new_git_file_globbing};
  auto apps = appset::GenerateApplications(parsed, inputs);
  result.repos.insert(resolver.repos().begin(), resolver.repos().end());
  if (!apps) {
    const Error& e = apps.error();
    bool retry = e.code() != ErrorCode::kInvalidArgument && e.code() != ErrorCode::kNotFound &&
                 e.code() != ErrorCode::kResourceExhausted;
    return fail(
        {.error_reason = std::string(GenerationErrorReason(e)), .error_message = e.message()},
        retry);
  }
  for (auto& app : *apps) app.SetNamespace(live.Namespace());
  auto sources = SourceRepos(*apps);
  result.repos.insert(sources.begin(), sources.end());

  std::vector<argo::AppProject> projects;
  if (!apps->empty()) {
    auto listed = ListProjects();
    if (!listed) {
      result.error = listed.error().message();
      result.next = Next::kRetry;
      return result;
    }
    projects = std::move(*listed);
  }
  auto invalid = ValidateGeneratedApplications(*apps, projects, cells);
  std::vector<Object> valid;
  std::set<std::string> invalid_names;
  for (std::size_t i = 0; i < apps->size(); ++i) {
    if (invalid.contains(i)) {
      invalid_names.insert((*apps)[i].Name());
    } else {
      valid.push_back((*apps)[i]);
    }
  }
  plan_options.known_destinations = gc.destinations;
  appset::ApplicationPlan plan = appset::PlanApplicationChanges(valid, existing, plan_options);
  // An invalid Application is still desired: an existing one is kept, not deleted.
  std::erase_if(plan.deletes, [&](const appset::ApplicationDeletion& d) {
    return invalid_names.contains(d.app.Name());
  });
  AppliedPlan applied = ApplyPlan(plan, live,
                                  {.applier = deps_.applier,
                                   .events = deps_.events,
                                   .observer = deps_.observer,
                                   .field_manager = options_.field_manager});
  owned = OwnedAfter(std::move(owned), applied, plan_options);

  ReconcileOutcome outcome = ReconcileOutcome::Success();
  if (!applied.write_error.empty()) {
    outcome.error_reason = argo::PolicyAllowsUpdate(parsed.applications_sync)
                               ? reason::kUpdateApplicationError
                               : reason::kCreateApplicationError;
    outcome.error_message = applied.write_error;
  } else if (!applied.delete_error.empty()) {
    outcome.error_reason = reason::kDeleteApplicationError;
    outcome.error_message = applied.delete_error;
  } else if (!invalid.empty()) {
    outcome.error_reason = reason::kApplicationValidationError;
    outcome.error_message = ValidationSummary(invalid);
    for (const auto& [i, message] : invalid) {
      spdlog::warn("ApplicationSet {}: Application {}: {}", parsed.QualifiedName(),
                   (*apps)[i].Name(), message);
    }
  }
  // Argo CD clears the refresh request once the writes went through (validation errors
  // included: they need the user, not another refresh).
  if (applied.write_error.empty() && applied.delete_error.empty() &&
      RefreshRequested(live.body())) {
    Json body = live.body();
    body["metadata"]["annotations"].erase(std::string(kRefreshAnnotation));
    if (auto u = deps_.applier.Update(Object(std::move(body)),
                                      {.field_manager = options_.field_manager});
        !u) {
      outcome = {.parameters_generated = true,
                 .error_reason = std::string(reason::kRefreshApplicationError),
                 .error_message =
                     "remove " + std::string(kRefreshAnnotation) + ": " + u.error().message()};
      applied.retry = true;
    }
  }
  if (!outcome.ok()) return fail(outcome, applied.retry);
  if (auto s = WriteStatus(live, OutcomeConditions(outcome), owned); !s) {
    result.error = s.error().message();
    result.next = Next::kRetry;
  }
  return result;
}

ReconcileResult ApplicationSetReconciler::Deleting(const Object& live,
                                                   const Result<argo::ApplicationSet>& parsed,
                                                   const std::vector<Object>& existing) {
  appset::PlanOptions identity = IdentityOf(live);
  bool keep_apps = parsed && !argo::PolicyAllowsDelete(parsed->applications_sync);
  bool preserve = parsed && parsed->preserve_resources_on_deletion;
  std::vector<Object> owned = Owned(existing, identity);
  // Deleting every owned Application with preserveResourcesOnDeletion: the plan says which
  // ones carry the resources finalizer and how they look without it.
  appset::PlanOptions strip = identity;
  strip.preserve_resources_on_deletion = true;
  std::map<std::string, Object> unfinalized;
  if (preserve) {
    for (auto& d : appset::PlanApplicationChanges({}, owned, strip).deletes) {
      if (d.remove_finalizer_first)
        unfinalized.emplace(d.app.Name(), std::move(d.without_finalizer));
    }
  }
  std::string first_error;
  for (const auto& app : owned) {
    auto it = unfinalized.find(app.Name());
    Json body = it != unfinalized.end() ? it->second.body() : app.body();
    if (keep_apps) body = WithoutOwnerReference(std::move(body), identity);
    if (nlohmann::json::parse(body.dump()) == nlohmann::json::parse(app.body().dump())) continue;
    Object updated(std::move(body));
    if (deps_.observer) deps_.observer->WillWrite(updated);
    if (auto u = deps_.applier.Update(updated, {.field_manager = options_.field_manager}); !u) {
      if (first_error.empty()) first_error = u.error().message();
    }
  }
  if (!first_error.empty()) return {.next = Next::kRetry, .error = first_error};
  Json body = live.body();
  Json kept = Json::array();
  bool had = false;
  for (const auto& f : body["metadata"].value("finalizers", Json::array())) {
    if (f == appset::kResourcesFinalizer) {
      had = true;
    } else {
      kept.push_back(f);
    }
  }
  if (had) {
    body["metadata"]["finalizers"] = std::move(kept);
    if (auto u = deps_.applier.Update(Object(std::move(body)),
                                      {.field_manager = options_.field_manager});
        !u) {
      return {.next = Next::kRetry, .error = u.error().message()};
    }
  }
  return {.next = Next::kForget};
}

ReconcileResult ApplicationSetReconciler::Gone(const std::string& ns,
                                               const GoneApplicationSet& gone) {
  if (!gone.preserve_resources_on_deletion || gone.uid.empty()) return {.next = Next::kForget};
  auto existing = ListApplications(ns);
  if (!existing) return {.next = Next::kRetry, .error = existing.error().message()};
  // Owned by uid only: a new ApplicationSet of the same name owns nothing of the old one.
  appset::PlanOptions identity{.preserve_resources_on_deletion = true, .appset_uid = gone.uid};
  std::vector<Object> owned;
  for (const auto& app : *existing) {
    std::string key = OwnerKey(app);
    if (!key.empty() && appset::OwnedByApplicationSet(app, identity)) owned.push_back(app);
  }
  std::string first_error;
  for (auto& d : appset::PlanApplicationChanges({}, owned, identity).deletes) {
    if (!d.remove_finalizer_first) continue;
    if (deps_.observer) deps_.observer->WillWrite(d.without_finalizer);
    if (auto u =
            deps_.applier.Update(d.without_finalizer, {.field_manager = options_.field_manager});
        !u && u.error().code() != ErrorCode::kNotFound && first_error.empty()) {
      first_error = u.error().message();
    }
  }
  if (!first_error.empty()) return {.next = Next::kRetry, .error = first_error};
  return {.next = Next::kForget};
}

}  // namespace cellgate::appset_controller

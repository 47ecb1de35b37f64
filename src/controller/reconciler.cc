#include "controller/reconciler.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "argo/app_status.h"
#include "controller/app_writes.h"
#include "controller/reconcile_context.h"
#include "controller/status_inputs.h"
#include "core/mutex.h"
#include "engine/desired.h"
#include "engine/watch_hub.h"
#include "git/url.h"

namespace cellgate::controller {
namespace {

std::string JoinViolations(const std::vector<argo::ProjectViolation>& violations) {
  std::string out;
  for (const auto& v : violations) out += (out.empty() ? "" : "; ") + v.message;
  return out;
}

bool NeedsProgressPoll(std::string_view health) {
  return health == "Progressing" || health == "Missing";
}

std::vector<std::string> PreviousImages(const Json& status) {
  std::vector<std::string> out;
  const Json* images = nullptr;
  if (status.is_object() && status.contains("summary") && status["summary"].is_object() &&
      status["summary"].contains("images")) {
    images = &status["summary"]["images"];
  }
  if (images == nullptr || !images->is_array()) return out;
  for (const auto& i : *images) {
    if (i.is_string()) out.push_back(i.get<std::string>());
  }
  return out;
}

}  // namespace

std::string Reconciler::HubTwin(const AppRef& ref, const std::string& cell) const {
  if (ref.home == kHubHome) return "";
  auto hub = parts_.homes.Get(kHubHome);
  ObjectPtr twin = hub ? hub->apps().Get(ref.ns, ref.name) : nullptr;
  if (!twin) return "";
  auto model = argo::ParseApplication(twin->body());
  if (!model) return "";
  auto twin_cell = parts_.cells.ResolveName(kHubHome, model->destination);
  if (!twin_cell || *twin_cell != cell) return "";
  return "Application " + ref.ns + "/" + ref.name + " of the hub also deploys to cell " + cell +
         " under the same instance name " +
         argo::InstanceName(ref.ns, ref.name, options_.controller_namespace) +
         "; rename one of them";
}

Requeue Reconciler::Reconcile(const AppRef& ref, std::stop_token stop) {
  const auto start = parts_.clock.Now();
  Context ctx;
  ctx.ref = ref;
  Requeue next = Run(ctx, stop);
  if (parts_.metrics != nullptr && ctx.object) {
    parts_.metrics->ObserveReconcile(ctx.cell_label, parts_.clock.Now() - start);
  }
  return next;
}

bool Reconciler::SetHealthOptions(const sync::HealthOptions& health) {
  {
    core::MutexLock lock(health_mu_);
    if (health_ == health) return false;
    health_ = health;
  }
  steady_.Invalidate();
  return true;
}

sync::HealthOptions Reconciler::health_options() const {
  core::MutexLock lock(health_mu_);
  return health_;
}

void Reconciler::Forget(const AppRef& ref) {
  steady_.Forget(ref.Key());
  if (parts_.healers != nullptr) parts_.healers->Stop(ref);
  if (parts_.metrics != nullptr) parts_.metrics->RemoveApp(ref);
}

Requeue Reconciler::Run(Context& ctx, std::stop_token stop) {
  const AppRef& ref = ctx.ref;
  ctx.steady_generation = steady_.Generation();
  ctx.health = health_options();
  ctx.home = parts_.homes.Get(ref.home);
  if (ctx.home) ctx.object = FreshestApp(*ctx.home, ref, ctx.home->apps().Get(ref.ns, ref.name));
  if (!ctx.object) {
    Forget(ref);
    return Requeue::None();
  }
  const Json& body = ctx.object->body();
  if (auto s = body.find("status"); s != body.end() && s->is_object()) ctx.status = *s;
  const Requeue poll = Requeue::After(options_.poll_interval);

  auto model = argo::ParseApplication(body);
  if (!model) return ReportProblem(ctx, argo::kInvalidSpecError, model.error().message(), poll);
  ctx.model = std::move(*model);
  const argo::ApplicationDestination& dest = ctx.model->destination;
  ctx.cell_label = dest.name.empty() ? dest.server : dest.name;
  if (ctx.model->deleting) return ReconcileDeletion(ctx);

  auto spec = engine::SyncSpecFor(*ctx.model, options_.controller_namespace);
  if (!spec) return ReportProblem(ctx, argo::kInvalidSpecError, spec.error().message(), poll);
  ctx.spec = std::move(*spec);

  auto cell = parts_.cells.Resolve(ref.home, dest);
  if (!cell) return ReportProblem(ctx, argo::kInvalidSpecError, cell.error().message(), poll);
  ctx.cell = std::move(*cell);
  ctx.cell_label = ctx.cell->name();
  if (std::string twin = HubTwin(ref, ctx.cell->name()); !twin.empty()) {
    return ReportProblem(ctx, argo::kInvalidSpecError, twin, poll);
  }

  auto project = ctx.home->Project(ctx.model->project);
  if (!project) return ReportProblem(ctx, argo::kInvalidSpecError, project.error().message(), poll);
  ctx.project = std::move(*project);
  const cells::CellInfo info = ctx.cell->info();
  ctx.destination = argo::ResolvedDestination{
      .server = info.server, .name = info.name, .ns = dest.ns, .cell_project = info.project};
  auto violations = argo::CheckApplication(*ctx.project,
                                           {.name = ref.name,
                                            .ns = ref.ns,
                                            .repo_urls = {ctx.model->source.repo_url},
                                            .destination = ctx.destination},
                                           options_.controller_namespace);
  if (!violations.empty()) {
    return ReportProblem(ctx, argo::kInvalidSpecError, JoinViolations(violations), poll);
  }

  if (info.connection.state != cells::CellState::kConnected) {
    if (info.connection.state == cells::CellState::kUnknown) {
      return ReportProblem(ctx, argo::kComparisonError,
                           "cell " + info.name + " has not answered a probe yet",
                           Requeue::After(options_.progress_interval));
    }
    return ReportProblem(ctx, argo::kComparisonError,
                         "cell " + info.name + " is unreachable: " + info.connection.last_error,
                         poll);
  }

  const bool refresh = ctx.model->refresh != argo::RefreshType::kNone;
  if (!refresh && !ctx.model->operation) {
    if (auto next = ReuseSteady(ctx)) return *next;
  }
  auto observed =
      Observe(ctx, "", refresh, stop,
              ctx.model->refresh == argo::RefreshType::kHard ? ReadMode::kHard : ReadMode::kCached);
  if (refresh) {
    if (auto s = RemoveRefreshAnnotation(*ctx.home, ref); !s) {
      spdlog::warn("{}: {}", ref.ToString(), s.error().message());
    }
  }
  if (!observed) {
    if (!parts_.git.Fetched(ctx.model->source.repo_url)) {
      // The repository's first fetch is still under way on a fetch thread: leave the app as
      // it is; the fetch re-queues it when it completes (git_resolver.h).
      return Requeue::After(options_.poll_interval);
    }
    LearnLiveSecrets(ctx);
    if (ctx.target_unloaded) return ReportUnloadedTarget(ctx, observed.error().message(), stop);
    return ReportProblem(ctx, ctx.problem_type, observed.error().message(), Requeue::Backoff());
  }
  return Converge(ctx, std::move(*observed), stop);
}

Result<Reconciler::Observed> Reconciler::Observe(Context& ctx, const std::string& revision,
                                                 bool force_refresh, std::stop_token stop,
                                                 ReadMode mode) {
  ctx.problem_type = argo::kComparisonError;
  ctx.target_unloaded = true;
  const argo::Application& app = *ctx.model;
  const std::string wanted = revision.empty() ? app.TargetRevision() : revision;
  auto commit = parts_.git.Resolve(app.source.repo_url, wanted, force_refresh);
  if (!commit) {
    return std::unexpected(
        commit.error().Wrap("resolve " + git::RedactUrl(app.source.repo_url) + " " + wanted));
  }
  auto snapshot = parts_.git.Open(app.source.repo_url, *commit);
  CG_TRY(snapshot);
  auto rendered = parts_.renderer.Render(**snapshot, {.repo_url = app.source.repo_url,
                                                      .app_name = app.name,
                                                      .destination_namespace = app.destination.ns,
                                                      .source = app.source});
  CG_TRY(rendered);
  ctx.target_unloaded = false;
  for (const Object& o : rendered->objects()) ctx.secrets.AddSecret(o.body());

  // Scope from the cell's discovery (or the app's own CRDs, sync/desired.h). A kind the cell
  // does not serve is compared as Missing and refused by the sync's validation, as in Argo CD.
  const auto& objects = rendered->objects();
  std::map<kube::GroupVersionKind, bool> namespaced;
  for (const Object& o : objects) {
    const kube::GroupVersionKind gvk = kube::GroupVersionKind::Of(o);
    if (namespaced.contains(gvk)) continue;
    auto scope = engine::LookupKindScope(ctx.cell->kinds(), gvk, objects);
    CG_TRY_WRAP(scope, "discover " + gvk.ToString());
    namespaced.emplace(gvk, scope->namespaced);
  }
  auto violations = argo::CheckResources(
      *ctx.project, objects,
      [&](const Object& o) { return namespaced.at(kube::GroupVersionKind::Of(o)); },
      ctx.destination);
  if (!violations.empty()) {
    ctx.problem_type = argo::kInvalidSpecError;
    return MakeError(ErrorCode::kPermissionDenied, JoinViolations(violations));
  }

  engine::CellAccess access = ctx.cell->Access();
  if (mode == ReadMode::kHard) access.memo = nullptr;
  auto observation = engine::ObserveApp(access, ctx.spec, objects,
                                        {.inventory = InventoryOf(ctx.status),
                                         .parallelism = options_.parallelism,
                                         .use_cache = mode == ReadMode::kCached,
                                         .health = ctx.health},
                                        stop);
  CG_TRY(observation);
  for (const Object& live : observation->live.objects) ctx.secrets.AddSecret(live.body());
  Observed o{.revision = *commit,
             .source_type = std::string(render::SourceTypeName(rendered->type())),
             .images = ImagesOf(objects),
             .observation = std::move(*observation)};
  const engine::AppComparison& cmp = o.observation.comparison;
  o.resources = ComparedResources(cmp);
  o.sync_status = cmp.sync == sync::SyncStatus::kSynced ? "Synced" : "OutOfSync";
  o.health_status = std::string(sync::HealthStatusName(cmp.health.status));
  o.health_message = cmp.health.message;
  return o;
}

Requeue Reconciler::Converge(Context& ctx, Observed observed, std::stop_token stop) {
  Requeue next = Requeue::After(options_.poll_interval);
  // Reported before any sync, so a sync that overwrites the other app's claim (no
  // FailOnSharedResource) still leaves the warning on this app, as in Argo CD.
  const std::string qualified = engine::QualifiedName(ctx.spec);
  for (const sync::SharedResource& shared : observed.observation.shared) {
    ctx.conditions.push_back({std::string(argo::kSharedResourceWarning),
                              sync::SharedResourceMessage(shared, qualified)});
  }
  if (ctx.model->operation) {
    next = RunOperation(ctx, observed, stop);  // may set ctx.clear_operation for the write below
  } else {
    RunAutoSync(ctx, observed, stop, next);
  }
  ManageSelfHeal(ctx, observed);
  argo::StatusInput input = StatusFor(ctx, observed);
  if (auto s = Publish(ctx, std::move(input)); !s) {
    spdlog::warn("{}: {}", ctx.ref.ToString(), s.error().message());
    next = Requeue::Backoff();
    steady_.Forget(ctx.ref.Key());
  } else {
    RememberSteady(ctx, observed);
  }
  UpdateMetrics(ctx, observed.sync_status, observed.health_status);
  if (next.kind == Requeue::Kind::kAfter && NeedsProgressPoll(observed.health_status)) {
    next.after = std::min<std::chrono::nanoseconds>(next.after, options_.progress_interval);
  }
  return next;
}

argo::StatusInput Reconciler::StatusFor(const Context& ctx, const Observed& observed) const {
  return argo::StatusInput{.sync_status = observed.sync_status,
                           .revision = observed.revision,
                           .compared_source = ctx.model->source_json,
                           .compared_destination = ctx.model->destination_json,
                           .health_status = observed.health_status,
                           .health_message = observed.health_message,
                           .resources = observed.resources,
                           .conditions = ctx.conditions,
                           .evaluated_condition_types = EvaluatedConditionTypes(),
                           .operation_state = ctx.operation_state,
                           .new_history = ctx.history,
                           .revision_history_limit = ctx.model->revision_history_limit,
                           .source_type = observed.source_type,
                           .images = observed.images};
}

Requeue Reconciler::ReportProblem(Context& ctx, std::string_view type, const std::string& message,
                                  Requeue next, const ProblemHealth* health) {
  const ProblemHealth unknown;
  if (health == nullptr) health = &unknown;
  steady_.Forget(ctx.ref.Key());
  if (parts_.healers != nullptr) parts_.healers->Stop(ctx.ref);
  if (!ctx.object) return next;
  spdlog::info("{}: {}: {}", ctx.ref.ToString(), type, ctx.secrets.Redact(message));
  const Json& body = ctx.object->body();
  argo::StatusInput input{
      .sync_status = "Unknown",
      .revision = StringAt(ctx.status, {"sync", "revision"}),
      .compared_source = ctx.model ? ctx.model->source_json : Json::object(),
      .compared_destination =
          ctx.model ? ctx.model->destination_json
                    : body.value("spec", Json::object()).value("destination", Json::object()),
      .health_status = health->status,
      .health_message = health->message,
      .resources = health->resources
                       ? *health->resources
                       : ResourceStatesFromJson(ctx.status.value("resources", Json())),
      .conditions = {{std::string(type), message}},
      .evaluated_condition_types = EvaluatedConditionTypes(),
      .revision_history_limit =
          ctx.model ? ctx.model->revision_history_limit : argo::kDefaultRevisionHistoryLimit,
      .source_type = StringAt(ctx.status, {"sourceType"}),
      .images = PreviousImages(ctx.status)};
  if (auto s = Publish(ctx, std::move(input)); !s) {
    spdlog::warn("{}: {}", ctx.ref.ToString(), s.error().message());
    return Requeue::Backoff();
  }
  UpdateMetrics(ctx, "Unknown", health->status);
  return next;
}

Status Reconciler::Publish(Context& ctx, argo::StatusInput input) {
  const WallTime now = parts_.clock.WallNow();
  Json status = argo::BuildStatus(ctx.status, input, now);
  RedactMessages(status, ctx.secrets);
  if (ctx.clear_operation) {
    ctx.clear_operation = false;
    auto s = EditApplication(*ctx.home, ctx.ref, [&](Json& body) {
      body["status"] = status;
      body.erase("operation");
      return true;
    });
    CG_TRY_WRAP(s, "complete operation of " + ctx.ref.ToString());
    ctx.status = std::move(status);
    return Ok();
  }
  argo::StatusUpdate plan = argo::PlanStatusUpdate(ctx.status, status, now, options_.status);
  if (!plan.write) return Ok();
  auto written = WriteStatus(*ctx.home, *ctx.object, status);
  CG_TRY_WRAP(written, ctx.ref.ToString());
  RememberWrite(ctx.ref, *written);
  ctx.status = std::move(status);
  return Ok();
}

void Reconciler::RememberWrite(const AppRef& ref, const std::string& resource_version) {
  if (resource_version.empty()) return;
  core::MutexLock lock(written_mu_);
  written_[ref.Key()] = resource_version;
}

ObjectPtr Reconciler::FreshestApp(HomeCluster& home, const AppRef& ref, ObjectPtr cached) {
  std::string written;
  {
    core::MutexLock lock(written_mu_);
    auto it = written_.find(ref.Key());
    if (it == written_.end()) return cached;
    if (!cached) {
      written_.erase(it);  // the app is gone
      return cached;
    }
    written = it->second;
  }
  if (engine::NotNewerVersion(written, StringAt(cached->body(), {"metadata", "resourceVersion"}))) {
    return cached;
  }
  auto live = home.reader().Get(kApplicationGvk, ref.ns, ref.name);
  if (!live) return live.error().code() == ErrorCode::kNotFound ? nullptr : cached;
  return std::make_shared<const Object>(std::move(*live));
}

void Reconciler::UpdateMetrics(Context& ctx, const std::string& sync_status,
                               const std::string& health_status) {
  if (parts_.metrics == nullptr || !ctx.object) return;
  AppMetricLabels labels{
      .cell = ctx.cell_label, .sync_status = sync_status, .health_status = health_status};
  if (ctx.model) {
    const argo::Application& app = *ctx.model;
    labels.project = ctx.model->Project();
    labels.dest_server = app.destination.server;
    labels.dest_namespace = app.destination.ns;
    labels.autosync = ctx.model->sync_policy.IsAutomated();
    labels.repo = git::RedactUrl(app.source.repo_url);
  }
  parts_.metrics->SetApp(ctx.ref, labels);
}

void Reconciler::RecordEvent(Context& ctx, bool warning, std::string_view reason,
                             const std::string& message) {
  if (!ctx.home || !ctx.object) return;
  ctx.home->events().Record(*ctx.object,
                            warning ? runtime::EventType::kWarning : runtime::EventType::kNormal,
                            reason, ctx.secrets.Redact(message));
}

void Reconciler::LearnLiveSecrets(Context& ctx) {
  constexpr int kMaxSecretReads = 64;  // bounds the reads on this error path
  if (!ctx.cell) return;
  engine::CellAccess access = ctx.cell->Access();
  int reads = 0;
  for (const auto& r : ctx.status.value("resources", Json::array())) {
    if (!r.is_object() || StringAt(r, {"kind"}) != "Secret" || !StringAt(r, {"group"}).empty()) {
      continue;
    }
    if (++reads > kMaxSecretReads) break;
    auto live =
        access.reader.Get({"", "v1", "Secret"}, StringAt(r, {"namespace"}), StringAt(r, {"name"}));
    if (live) ctx.secrets.AddSecret(live->body());
  }
}

}  // namespace cellgate::controller

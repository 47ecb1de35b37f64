#include "controller/fleet_runtime.h"

#include <spdlog/spdlog.h>

#include "argo/app_project.h"
#include "argo/application.h"
#include "controller/argocd_cm.h"
#include "core/mutex.h"
#include "engine/heal_guard.h"
#include "git/url.h"

namespace cellgate::controller {
namespace {

constexpr std::string_view kCellHomeKeyPrefix = "@home:";

cells::CellRegistryOptions RegistryOptions(const FleetRuntimeOptions& o) {
  cells::CellRegistryOptions r = o.registry;
  r.ns = o.controller_namespace;
  return r;
}

ReconcilerOptions ReconcileOptions(const FleetRuntimeOptions& o) {
  ReconcilerOptions r = o.reconciler;
  r.controller_namespace = o.controller_namespace;
  return r;
}

}  // namespace

FleetRuntime::FleetRuntime(FleetRuntimeOptions options, FleetRuntimeDeps deps)
    : options_(std::move(options)),
      deps_(std::move(deps)),
      registry_(deps_.hub_watcher, deps_.hub_config, deps_.connector, deps_.clock,
                RegistryOptions(options_)),
      cells_(registry_, deps_.clock, deps_.kinds),
      routing_(registry_, cells_, homes_, options_.controller_namespace),
      git_(deps_.source, deps_.git_stats, deps_.metrics, deps_.clock,
           options_.reconciler.poll_interval, options_.git_fetch_threads),
      healers_([this](const AppRef& ref, const engine::HealEvent& e) { OnHeal(ref, e); },
               options_.self_heal),
      reconciler_(ReconcileOptions(options_), ReconcilerParts{.homes = homes_,
                                                              .cells = cells_,
                                                              .git = git_,
                                                              .renderer = deps_.renderer,
                                                              .healers = &healers_,
                                                              .metrics = deps_.metrics,
                                                              .clock = deps_.clock}),
      pool_(deps_.clock,
            WorkerPoolOptions{.workers_per_queue = options_.workers_per_cell,
                              .observers = {.on_wait =
                                                [m = deps_.metrics](const std::string& q,
                                                                    std::chrono::nanoseconds w) {
                                                  if (m != nullptr) m->ObserveQueueWait(q, w);
                                                }}},
            [this](const std::string& q, const std::string& k) { return Work(q, k); }),
      pushes_(homes_, git_, [this](const AppRef& ref) { Enqueue(ref); }) {
  git_.SetRefreshListener([this](const std::string& url) { OnRepoRefreshed(url); });
}

FleetRuntime::~FleetRuntime() { Stop(); }

std::shared_ptr<HomeCluster> FleetRuntime::MakeHome(const std::string& name,
                                                    HomeClusterClients clients) {
  return std::make_shared<HomeCluster>(
      HomeClusterOptions{.name = name,
                         .app_namespaces = options_.app_namespaces,
                         .controller_namespace = options_.controller_namespace,
                         .events = options_.events},
      std::move(clients), deps_.clock,
      [this](const std::string& h, const std::string& k, const ObjectPtr& b, const ObjectPtr& a) {
        OnAppChange(h, k, b, a);
      },
      [this](const std::string& h, const std::string&, const ObjectPtr&, const ObjectPtr&) {
        OnProjectChange(h);
      });
}

Status FleetRuntime::Start() {
  if (auto s = registry_.Start(); !s) return s;
  listener_id_ = registry_.AddListener([this](const cells::CellChange& c) { OnCellChange(c); });
  auto hub = MakeHome(std::string(kHubHome), {.reader = deps_.hub_reader,
                                              .applier = deps_.hub_applier,
                                              .events = deps_.hub_event_applier,
                                              .watcher = deps_.hub_watcher});
  if (auto s = hub->Start(); !s) {
    registry_.Stop();
    return s;
  }
  homes_.Put(hub);
  if (options_.create_default_project) EnsureDefaultProject();
  RefreshArgoCdSettings();
  if (deps_.metrics != nullptr) {
    deps_.metrics->SetSources(MetricSources{
        .cells = [this] { return registry_.List(); },
        .cell_requests =
            [this] {
              std::vector<CellRequestCounts> out;
              for (const cells::CellInfo& info : registry_.List()) {
                auto handle = registry_.FindByName(info.name);
                if (!handle || handle->client->cluster() == nullptr) continue;
                out.push_back({info.name, handle->client->cluster()->RequestCounts()});
              }
              return out;
            },
        .git = deps_.git_all_stats,
        .queue_depths = [this] { return pool_.Depths(); }});
  }
  const bool synced =
      registry_.WaitForSync(options_.start_timeout) && hub->WaitForSync(options_.start_timeout);
  if (!synced) {
    spdlog::warn("controller: cells or Applications not listed after {}s; starting anyway",
                 std::chrono::duration_cast<std::chrono::seconds>(options_.start_timeout).count());
  }
  started_ = true;
  for (const auto& home : homes_.All()) EnqueueAll(*home);
  if (options_.cell_local_apps) {
    for (const cells::CellInfo& info : registry_.List()) {
      if (info.connection.state == cells::CellState::kConnected) {
        pool_.Add(info.name, std::string(kCellHomeKeyPrefix) + info.name);
      }
    }
  }
  spdlog::info("controller: reconciling ({} cells, {} Applications in the hub)",
               registry_.List().size(), hub->apps().Size());
  return Ok();
}

void FleetRuntime::Stop() {
  if (stopped_.exchange(true)) return;
  started_ = false;
  stop_.request_stop();
  pushes_.Stop();
  git_.Stop();
  if (listener_id_ >= 0) registry_.RemoveListener(listener_id_);
  registry_.Stop();
  for (const auto& home : homes_.All()) home->Stop();
  pool_.ShutDown();
  healers_.StopAll();
  if (deps_.metrics != nullptr) {
    deps_.metrics->ClearSources();
    deps_.metrics->RemoveAllApps();
  }
}

void FleetRuntime::EnsureDefaultProject() {
  Json project = {{"apiVersion", "argoproj.io/v1alpha1"},
                  {"kind", "AppProject"},
                  {"metadata",
                   {{"name", std::string(argo::kDefaultProject)},
                    {"namespace", options_.controller_namespace}}},
                  {"spec",
                   {{"sourceRepos", {"*"}},
                    {"destinations", {{{"server", "*"}, {"namespace", "*"}}}},
                    {"clusterResourceWhitelist", {{{"group", "*"}, {"kind", "*"}}}}}}};
  auto created = deps_.hub_applier.Create(Object(std::move(project)),
                                          {.field_manager = "cellgate-controller"});
  if (!created && created.error().code() != ErrorCode::kAlreadyExists) {
    spdlog::warn("controller: create the default AppProject: {}", created.error().message());
  }
}

void FleetRuntime::Enqueue(const AppRef& ref) {
  if (!started_) return;
  pool_.Add(routing_.QueueFor(ref), ref.Key());
}

void FleetRuntime::OnRepoRefreshed(const std::string& repo_url) {
  const std::string key = git::NormaliseRepoUrl(repo_url);
  for (const auto& home : homes_.All()) {
    for (const ObjectPtr& obj : home->apps().List()) {
      auto app = argo::ParseApplication(obj->body());
      if (app && git::NormaliseRepoUrl(app->source.repo_url) == key) {
        Enqueue({home->name(), obj->Namespace(), obj->Name()});
      }
    }
  }
}

void FleetRuntime::RefreshArgoCdSettings() {
  core::MutexLock lock(settings_mu_);
  const std::string where = options_.controller_namespace + "/" + std::string(kArgoCdConfigMap);
  ArgoCdSettings settings;  // absent: Argo CD's defaults
  auto cm = deps_.hub_reader.Get({"", "v1", "ConfigMap"}, options_.controller_namespace,
                                 kArgoCdConfigMap);
  std::string error;
  if (cm) {
    auto parsed = ParseArgoCdConfigMap(cm->body());
    if (parsed) {
      settings = *parsed;
    } else {
      error = parsed.error().message();
    }
  } else if (cm.error().code() != ErrorCode::kNotFound) {
    error = "read: " + cm.error().message();
  }
  if (!error.empty()) {
    if (error != settings_error_) {
      spdlog::warn("controller: ConfigMap {}: {}; keeping the previous settings", where, error);
    }
    settings_error_ = std::move(error);
    return;
  }
  settings_error_.clear();
  if (!reconciler_.SetHealthOptions(settings.health)) return;
  spdlog::info("controller: ConfigMap {}: argoproj.io/Application health {}", where,
               settings.health.application_health
                   ? "customized: parent apps follow their child apps' health"
                   : "not customized: child apps do not affect their parent's health");
  if (!started_) return;
  for (const auto& home : homes_.All()) EnqueueAll(*home);
}

void FleetRuntime::EnqueueAll(const HomeCluster& home) {
  for (const ObjectPtr& obj : home.apps().List()) {
    Enqueue({home.name(), obj->Namespace(), obj->Name()});
  }
}

Requeue FleetRuntime::Work(const std::string& queue, const std::string& key) {
  if (!started_) return Requeue::None();
  if (key.starts_with(kCellHomeKeyPrefix)) {
    return CheckCellHome(key.substr(kCellHomeKeyPrefix.size()));
  }
  auto ref = ParseAppKey(key);
  if (!ref) return Requeue::None();
  // The route may have changed since the key was queued (a cell went down or came back).
  std::string route = routing_.QueueFor(*ref);
  if (route != queue) {
    pool_.Add(route, key);
    return Requeue::None();
  }
  Requeue next = reconciler_.Reconcile(*ref, stop_.get_token());
  auto home = homes_.Get(ref->home);
  if (!home || !home->apps().Get(ref->ns, ref->name)) routing_.Forget(*ref);
  return next;
}

void FleetRuntime::OnAppChange(const std::string& home, const std::string& key,
                               const ObjectPtr& before, const ObjectPtr& after) {
  auto slash = key.find('/');
  AppRef ref{home, key.substr(0, slash), key.substr(slash + 1)};
  if (before && after && !RelevantChange(*before, *after)) {
    if (StatusSummaryChanged(*before, *after)) {
      if (auto parent = routing_.ParentOf(ref, *after)) Enqueue(*parent);
    }
    return;
  }
  Enqueue(ref);
  const ObjectPtr& any = after ? after : before;
  if (!after || !before) {
    if (auto parent = routing_.ParentOf(ref, *any)) Enqueue(*parent);
  }
}

void FleetRuntime::OnProjectChange(const std::string& home) {
  reconciler_.InvalidateSteady();  // projects are not in the steady digest
  if (auto h = homes_.Get(home)) EnqueueAll(*h);
}

void FleetRuntime::OnCellChange(const cells::CellChange& change) {
  const std::string& name = change.cell.name;
  for (const AppRef& ref : routing_.AppsOf(name)) Enqueue(ref);
  if (!options_.cell_local_apps || !started_) return;
  const bool gone = change.kind == cells::CellChangeKind::kRemoved ||
                    (change.kind == cells::CellChangeKind::kUpdated && change.client_rebuilt);
  if (gone) {
    if (auto home = homes_.Remove(name)) {
      home->Stop();
      spdlog::info("controller: stopped serving the Applications of cell {}", name);
    }
  }
  if (change.kind != cells::CellChangeKind::kRemoved &&
      change.cell.connection.state == cells::CellState::kConnected && !homes_.Contains(name)) {
    pool_.Add(name, std::string(kCellHomeKeyPrefix) + name);
  }
}

Requeue FleetRuntime::CheckCellHome(const std::string& cell) {
  if (homes_.Contains(cell)) return Requeue::None();
  auto target = cells_.ByName(cell);
  if (!target || !(*target)->connected()) return Requeue::None();  // re-queued on Connected
  auto server = (*target)->info().server;
  if (server == deps_.hub_config.server || server == argo::kInClusterServer) return Requeue::None();
  if (auto served = (*target)->kinds().MapGroupKind("argoproj.io", "Application"); !served) {
    if (served.error().code() != ErrorCode::kNotFound) {
      spdlog::info("controller: cell {}: {}", cell, served.error().message());
    }
    return Requeue::After(options_.cell_home_recheck);
  }
  cells::CellClient& client = (*target)->client();
  std::shared_ptr<cells::CellClient> keepalive;
  if (auto handle = registry_.FindByName(cell)) keepalive = handle->client;
  if (!keepalive) return Requeue::None();
  auto home = MakeHome(cell, {.reader = client.reader(),
                              .applier = client.applier(),
                              .watcher = client.watcher(),
                              .keepalive = keepalive});
  if (auto s = home->Start(); !s) {
    spdlog::warn("controller: watch the Applications of cell {}: {}", cell, s.error().message());
    return Requeue::After(options_.cell_home_recheck);
  }
  if (!home->WaitForSync(options_.start_timeout)) {
    spdlog::warn("controller: cell {}: Applications not listed yet", cell);
  }
  homes_.Put(home);
  spdlog::info("controller: serving {} Application(s) stored in cell {}", home->apps().Size(),
               cell);
  EnqueueAll(*home);
  return Requeue::None();
}

void FleetRuntime::OnHeal(const AppRef& ref, const engine::HealEvent& e) {
  auto home = homes_.Get(ref.home);
  ObjectPtr obj = home ? home->apps().Get(ref.ns, ref.name) : nullptr;
  if (!obj) return;
  std::string what = e.key.ToString();
  std::string paths;
  for (const auto& p : e.changed_paths) paths += (paths.empty() ? "" : ", ") + p;
  if (e.action == "re-applied" || e.action == "re-created") {
    home->events().Record(*obj, runtime::EventType::kWarning, runtime::event_reason::kDriftDetected,
                          what + " drifted from Git" + (paths.empty() ? "" : ": " + paths));
    home->events().Record(*obj, runtime::EventType::kNormal, runtime::event_reason::kDriftHealed,
                          what + " " + e.action + " in " + engine::ShortDuration(e.latency));
    if (deps_.metrics != nullptr) deps_.metrics->CountHeal(ref);
  } else if (e.action == "backing off") {
    home->events().Record(*obj, runtime::EventType::kWarning, runtime::event_reason::kDriftDetected,
                          e.message);
    Enqueue(ref);  // the SelfHealBackoff condition goes into the status
  } else if (e.action == "failed") {
    home->events().Record(*obj, runtime::EventType::kWarning, runtime::event_reason::kSyncFailed,
                          "self-heal of " + what + " failed: " + e.message);
  }
}

Status FleetRuntime::OnPush(const http::PushEvent& push) { return pushes_.Submit(push); }

void FleetRuntime::SetAppSetPushListener(PushListener listener) {
  pushes_.SetAppSetListener(std::move(listener));
}

Status FleetRuntime::Ready() const {
  if (!started_) return MakeError(ErrorCode::kUnavailable, "not reconciling");
  // Start() goes on after its timeout even when a list has not come back; until it has,
  // the caches are not the cluster's state and the replica is not ready.
  if (!registry_.HasSynced()) {
    return MakeError(ErrorCode::kUnavailable, "cell registry (cluster Secrets) not listed yet");
  }
  auto hub = homes_.Get(kHubHome);
  if (!hub || !hub->WaitForSync(std::chrono::milliseconds(0))) {
    return MakeError(ErrorCode::kUnavailable, "hub Applications and AppProjects not listed yet");
  }
  return Ok();
}

}  // namespace cellgate::controller

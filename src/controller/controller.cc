#include "controller/controller.h"

#include <spdlog/spdlog.h>

#include <cstdlib>

#include "appset_controller/appset_controller.h"
#include "appset_controller/status_writer.h"
#include "cells/cell_client.h"
#include "controller/readiness.h"
#include "core/digest.h"
#include "core/mutex.h"
#include "git/url.h"
#include "http/router.h"
#include "http/standard_handlers.h"
#include "http/webhook_handler.h"
#include "kube/kubeconfig.h"
#include "runtime/crd_installer.h"
#include "runtime/event_recorder.h"
#include "runtime/leader_election.h"

namespace cellgate::controller {
namespace {

std::filesystem::path DefaultCacheDir() {
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x != nullptr && *x != '\0') {
    return std::filesystem::path(x) / "cellgate";
  }
  if (const char* h = std::getenv("HOME"); h != nullptr && *h != '\0') {
    return std::filesystem::path(h) / ".cache" / "cellgate";
  }
  return std::filesystem::temp_directory_path() / "cellgate-cache";
}

std::set<std::string> AppNamespaces(const ControllerOptions& o) {
  if (!o.app_namespaces.empty()) return o.app_namespaces;
  return {"argocd", o.ns};
}

std::string SecretsDigest(const http::WebhookSecrets& s) {
  // Only to notice a change in the logs; a digest of all values together reveals none.
  return Sha256Hex(s.github + "\n" + s.gitlab + "\n" + s.gogs + "\n" + s.gitea + "\n" +
                   s.bitbucket_uuid + "\n" + s.bitbucket_server);
}

}  // namespace

Status ValidateControllerOptions(const ControllerOptions& o) {
  auto bad = [](const std::string& m) { return MakeError(ErrorCode::kInvalidArgument, m); };
  if (o.ns.empty()) return bad("--namespace must not be empty");
  if (o.in_cluster && (!o.kubeconfig.empty() || !o.context.empty())) {
    return bad("--in-cluster cannot be combined with --kubeconfig or --context");
  }
  if (o.repo_poll_interval.count() <= 0) return bad("--repo-poll-interval must be positive");
  if (o.workers_per_cell < 1) return bad("--workers-per-cell must be at least 1");
  if (o.git_fetch_threads < 1) return bad("--git-fetch-threads must be at least 1");
  if (o.git.fetch_timeout.count() <= 0) return bad("--git-fetch-timeout must be positive");
  if (o.git.max_checkout_bytes == 0 || o.git.max_checkout_files == 0) {
    return bad("--max-checkout-bytes and --max-checkout-files must be positive");
  }
  if (o.kube_api_burst < 1) return bad("--kube-api-burst must be at least 1");
  if (o.event_burst < 1) return bad("--event-burst must be at least 1");
  if (o.tls_cert_file.empty() != o.tls_key_file.empty()) {
    return bad("--tls-cert-file and --tls-key-file go together");
  }
  if (o.leader_elect) {
    if (o.retry_period.count() <= 0) return bad("--leader-elect-retry-period must be positive");
    if (o.renew_deadline <= o.retry_period) {
      return bad("--leader-elect-renew-deadline must be longer than the retry period");
    }
    if (o.lease_duration <= o.renew_deadline) {
      return bad("--leader-elect-lease-duration must be longer than the renew deadline");
    }
  }
  return Ok();
}

Result<http::WebhookSecrets> WebhookSecretsFromSecret(const Json& secret) {
  http::WebhookSecrets out;
  const std::pair<const char*, std::string*> keys[] = {
      {"webhook.github.secret", &out.github},
      {"webhook.gitlab.secret", &out.gitlab},
      {"webhook.gogs.secret", &out.gogs},
      {"webhook.gitea.secret", &out.gitea},
      {"webhook.bitbucket.uuid", &out.bitbucket_uuid},
      {"webhook.bitbucketserver.secret", &out.bitbucket_server}};
  const Json data = secret.value("data", Json::object());
  const Json plain = secret.value("stringData", Json::object());
  for (const auto& [key, field] : keys) {
    if (auto it = plain.find(key); it != plain.end() && it->is_string()) {
      *field = it->get<std::string>();
      continue;
    }
    auto it = data.find(key);
    if (it == data.end() || !it->is_string()) continue;
    auto decoded = Base64Decode(it->get<std::string>());
    if (!decoded) {
      return MakeError(ErrorCode::kInvalidArgument,
                       std::string("key ") + key + " is not valid base64");
    }
    *field = std::move(*decoded);
  }
  return out;
}

Controller::Controller(ControllerOptions options, kube::ClusterConfig hub_config)
    : options_(std::move(options)), hub_config_(std::move(hub_config)) {}

Controller::~Controller() {
  Stop();
  StopActing();
  if (server_) server_->Stop();
}

Result<std::unique_ptr<Controller>> Controller::Create(ControllerOptions options) {
  CG_TRY(ValidateControllerOptions(options));
  Result<kube::ClusterConfig> config =
      options.in_cluster
          ? kube::InClusterConfig()
          : kube::LoadKubeconfig(
                {.paths = options.kubeconfig.empty()
                              ? std::vector<std::filesystem::path>{}
                              : std::vector<std::filesystem::path>{options.kubeconfig},
                 .context = options.context});
  CG_TRY_WRAP(config, "hub");
  std::unique_ptr<Controller> c(new Controller(std::move(options), *config));
  const kube::RateLimitOptions rate_limit{.qps = c->options_.kube_api_qps,
                                          .burst = c->options_.kube_api_burst};
  kube::ClusterClientOptions hub_options;
  hub_options.transport.rate_limit = rate_limit;
  auto hub = kube::ClusterClient::Create(c->hub_config_, hub_options);
  CG_TRY_WRAP(hub, "hub client");
  c->hub_ = std::move(*hub);
  // Renewals must fail well before the renew deadline, not hang in a 30 s request.
  kube::ClusterClientOptions lease_options;
  lease_options.transport.request_timeout =
      std::min<std::chrono::milliseconds>(std::chrono::seconds(5), c->options_.renew_deadline / 2);
  lease_options.transport.connect_timeout = lease_options.transport.request_timeout;
  lease_options.transport.retry.max_retries = 0;
  auto lease = kube::ClusterClient::Create(c->hub_config_, lease_options);
  CG_TRY_WRAP(lease, "hub client");
  c->lease_client_ = std::move(*lease);
  kube::ClusterClientOptions event_options;
  event_options.transport.rate_limit = {.qps = c->options_.event_qps,
                                        .burst = c->options_.event_burst};
  auto events = kube::ClusterClient::Create(c->hub_config_, event_options);
  CG_TRY_WRAP(events, "hub client");
  c->events_client_ = std::move(*events);
  c->appset_status_ = std::make_unique<appset_controller::HubStatusWriter>(*c->hub_);
  cells::KubeCellConnectorOptions cell_options;
  cell_options.client.transport.rate_limit = rate_limit;
  c->connector_ = std::make_unique<cells::KubeCellConnector>(std::move(cell_options));
  const std::filesystem::path cache =
      c->options_.cache_dir.empty() ? DefaultCacheDir() : c->options_.cache_dir;
  render::RendererOptions render_options{.tools_dir = c->options_.tools_dir,
                                         .writable_dirs = {cache},
                                         .allow_remote_bases = c->options_.allow_remote_bases};
  if (!c->options_.tools_dir.empty()) {
    auto tool = render::FindTool("kustomize", {.tools_dir = render_options.tools_dir,
                                               .writable_dirs = render_options.writable_dirs});
    if (!tool && tool.error().code() == ErrorCode::kPermissionDenied) {
      return std::unexpected(tool.error());
    }
  }
  c->renderer_ = std::make_unique<render::Renderer>(std::move(render_options));
  auto metrics = ControllerMetrics::Register(c->registry_, c->clock_);
  CG_TRY_WRAP(metrics, "metrics");
  c->metrics_ = std::move(*metrics);
  {
    core::MutexLock lock(c->mu_);
    c->secrets_ = std::make_shared<const http::WebhookSecrets>();
  }
  return c;
}

std::shared_ptr<FleetRuntime> Controller::runtime() const {
  core::MutexLock lock(mu_);
  return runtime_;
}

Status Controller::StartServer() {
  auto webhook_requests = http::RegisterWebhookMetrics(registry_);
  CG_TRY(webhook_requests);
  http::Router router;
  Status s = router.Handle("GET", "/metrics", http::MetricsHandler(registry_));
  if (s) s = router.Handle("GET", "/healthz", http::ProbeHandler([] { return Ok(); }));
  if (s) s = router.Handle("GET", "/readyz", http::ProbeHandler([this] { return Ready(); }));
  if (s) {
    s = router.Handle(
        "POST", "/api/webhook", [this, requests = *webhook_requests](const http::Request& request) {
          std::shared_ptr<const http::WebhookSecrets> secrets;
          {
            core::MutexLock lock(mu_);
            secrets = secrets_;
          }
          auto handler = http::MakeWebhookHandler(
              {.secrets = *secrets, .allow_unsigned = options_.allow_unsigned_webhooks},
              [this](const http::PushEvent& push) { return OnPush(push); }, {.requests = requests});
          return handler(request);
        });
  }
  if (!s) return s;
  auto server = http::Server::Start({.bind_address = options_.bind_address,
                                     .port = options_.port,
                                     .tls_cert_file = options_.tls_cert_file,
                                     .tls_key_file = options_.tls_key_file},
                                    std::move(router));
  CG_TRY_WRAP(server, "HTTP server");
  server_ = std::move(*server);
  port_ = server_->port();
  spdlog::info("controller: serving /metrics, /healthz, /readyz and /api/webhook on {}://{}",
               server_->tls() ? "https" : "http", server_->address());
  return Ok();
}

Status Controller::Ready() const {
  ReplicaState state{.leader_elect = options_.leader_elect};
  std::shared_ptr<FleetRuntime> runtime;
  {
    core::MutexLock lock(mu_);
    state.leading = want_leading_;
    runtime = runtime_;
  }
  if (runtime) state.caches = runtime->Ready();
  return ReplicaReadiness(state);
}

void Controller::RefreshWebhookSecrets() {
  http::WebhookSecrets secrets;
  auto secret = hub_->reader().Get({"", "v1", "Secret"}, options_.ns, options_.webhook_secret_name);
  if (secret) {
    auto parsed = WebhookSecretsFromSecret(secret->body());
    if (!parsed) {
      spdlog::warn("controller: Secret {}/{}: {}; keeping the previous webhook secrets",
                   options_.ns, options_.webhook_secret_name, parsed.error().message());
      return;
    }
    secrets = std::move(*parsed);
  } else if (secret.error().code() != ErrorCode::kNotFound) {
    spdlog::warn("controller: read Secret {}/{}: {}; keeping the previous webhook secrets",
                 options_.ns, options_.webhook_secret_name, secret.error().message());
    return;
  }
  std::string digest = SecretsDigest(secrets);
  core::MutexLock lock(mu_);
  if (digest != secrets_digest_) {
    spdlog::info(
        "controller: webhook secrets {} (github {}, gitlab {}, gitea/gogs {}, "
        "bitbucket {})",
        secrets_digest_.empty() ? "loaded" : "changed", secrets.github.empty() ? "unset" : "set",
        secrets.gitlab.empty() ? "unset" : "set",
        secrets.gitea.empty() && secrets.gogs.empty() ? "unset" : "set",
        secrets.bitbucket_uuid.empty() && secrets.bitbucket_server.empty() ? "unset" : "set");
    if (!http::AnyWebhookSecret(secrets)) {
      if (options_.allow_unsigned_webhooks) {
        spdlog::warn(
            "controller: no webhook secret in Secret {}/{}: unsigned webhook "
            "deliveries are accepted (--allow-unsigned-webhooks)",
            options_.ns, options_.webhook_secret_name);
      } else {
        spdlog::warn(
            "controller: no webhook secret in Secret {}/{}: webhook deliveries are "
            "refused until one is set",
            options_.ns, options_.webhook_secret_name);
      }
    }
    secrets_digest_ = std::move(digest);
  }
  secrets_ = std::make_shared<const http::WebhookSecrets>(std::move(secrets));
}

Status Controller::OnPush(const http::PushEvent& push) {
  std::shared_ptr<FleetRuntime> runtime = this->runtime();
  if (!runtime) return MakeError(ErrorCode::kUnavailable, "this replica is not the leader");
  return runtime->OnPush(push);
}

Status Controller::Run() {
  std::filesystem::path cache = options_.cache_dir.empty() ? DefaultCacheDir() : options_.cache_dir;
  git::MirrorSourceOptions git_options = options_.git;
  git_options.work_dir = cache / "mirrors";
  auto mirrors = git::MirrorSource::Create(std::move(git_options));
  CG_TRY_WRAP(mirrors, "git mirrors in " + cache.string());
  mirrors_ = std::move(*mirrors);
  spdlog::info("controller: hub {} ({}), namespace {}", hub_config_.server,
               options_.in_cluster ? "in-cluster" : "kubeconfig", options_.ns);
  if (options_.install_crds) {
    auto installed = runtime::InstallEmbeddedCrds(*hub_);
    CG_TRY_WRAP(installed, "install CRDs");
    for (const auto& r : *installed) {
      if (r.action != runtime::CrdAction::kUnchanged)
        spdlog::info("controller: CRD {} installed", r.name);
    }
  }
  RefreshWebhookSecrets();
  if (auto s = StartServer(); !s) return s;

  std::thread election;
  if (options_.leader_elect) {
    election = std::thread([this] { ElectionLoop(); });
  } else {
    core::MutexLock lock(mu_);
    want_leading_ = true;
  }
  auto next_secret_refresh = std::chrono::steady_clock::now() + options_.secret_refresh;
  for (;;) {
    bool want = false;
    {
      core::MutexLock lock(mu_);
      cv_.wait_until(lock, next_secret_refresh, [&]() REQUIRES(mu_) {
        return stop_requested_ || want_leading_ != acting_.load();
      });
      if (stop_requested_) break;
      want = want_leading_;
    }
    if (want && !acting_ && !StartActing()) {
      // Leadership stays; try again shortly unless told to stop or the lease goes.
      core::MutexLock lock(mu_);
      cv_.wait_for(lock, std::chrono::seconds(5),
                   [&]() REQUIRES(mu_) { return stop_requested_ || !want_leading_; });
    }
    if (!want && acting_) StopActing();
    if (std::chrono::steady_clock::now() >= next_secret_refresh) {
      RefreshWebhookSecrets();
      if (auto runtime = this->runtime()) runtime->RefreshArgoCdSettings();
      next_secret_refresh = std::chrono::steady_clock::now() + options_.secret_refresh;
    }
  }
  StopActing();  // first stop acting, then give the Lease up
  {
    core::MutexLock lock(mu_);
    if (elector_ != nullptr) elector_->Stop(/*release=*/true);
  }
  if (election.joinable()) election.join();
  server_->Stop();
  spdlog::info("controller: stopped");
  return Ok();
}

void Controller::Stop() {
  {
    core::MutexLock lock(mu_);
    stop_requested_ = true;
    if (elector_ != nullptr) elector_->Stop(/*release=*/true);
  }
  cv_.notify_all();
}

void Controller::ElectionLoop() {
  std::string identity = options_.identity;
  if (identity.empty()) {
    if (const char* pod = std::getenv("POD_NAME"); pod != nullptr) identity = pod;
  }
  for (;;) {
    runtime::LeaderElector elector(lease_client_->reader(), lease_client_->applier(), clock_,
                                   {.lease_name = "cellgate-controller",
                                    .ns = options_.ns,
                                    .identity = identity,
                                    .lease_duration = options_.lease_duration,
                                    .renew_deadline = options_.renew_deadline,
                                    .retry_period = options_.retry_period});
    identity = elector.identity();  // keep one identity across terms
    {
      core::MutexLock lock(mu_);
      if (stop_requested_) return;
      elector_ = &elector;
    }
    spdlog::info("controller: {} standing for election on Lease {}/cellgate-controller", identity,
                 options_.ns);
    auto set_leading = [this](bool leading) {
      {
        core::MutexLock lock(mu_);
        want_leading_ = leading;
      }
      cv_.notify_all();
    };
    Status result = elector.Run(
        [&] {
          spdlog::info("controller: {} became the leader", identity);
          set_leading(true);
        },
        [&] {
          spdlog::info("controller: {} stopped leading", identity);
          set_leading(false);
        });
    {
      core::MutexLock lock(mu_);
      elector_ = nullptr;
      if (stop_requested_) return;
    }
    if (!result) spdlog::warn("controller: {}", result.error().message());
    // Stand again after a retry period (a lost lease, or the API server refused us).
    core::MutexLock lock(mu_);
    cv_.wait_for(lock, options_.retry_period, [&]() REQUIRES(mu_) { return stop_requested_; });
    if (stop_requested_) return;
  }
}

bool Controller::StartActing() {
  const std::set<std::string> app_namespaces = AppNamespaces(options_);
  FleetRuntimeOptions ro{.controller_namespace = options_.ns,
                         .app_namespaces = app_namespaces,
                         .workers_per_cell = options_.workers_per_cell,
                         .git_fetch_threads = options_.git_fetch_threads,
                         .cell_local_apps = options_.cell_local_apps};
  ro.reconciler.poll_interval = options_.repo_poll_interval;
  ro.reconciler.progress_interval = options_.progress_interval;
  ro.reconciler.self_heal_timeout = options_.self_heal_timeout;
  ro.events.reporting_instance = options_.identity;
  git::MirrorSource& mirrors = *mirrors_;
  auto runtime = std::make_shared<FleetRuntime>(
      std::move(ro),
      FleetRuntimeDeps{
          .hub_reader = hub_->reader(),
          .hub_applier = hub_->applier(),
          .hub_event_applier = &events_client_->applier(),
          .hub_watcher = hub_->watcher(),
          .hub_config = hub_config_,
          .connector = *connector_,
          .source = mirrors,
          .git_stats = [&mirrors](const std::string& url) { return mirrors.Stats(url); },
          .git_all_stats = [&mirrors] { return mirrors.AllStats(); },
          .renderer = *renderer_,
          .metrics = metrics_.get(),
          .clock = clock_});
  if (auto s = runtime->Start(); !s) {
    spdlog::error("controller: start reconciling: {}", s.error().message());
    runtime->Stop();
    return false;
  }
  auto events = std::make_shared<runtime::EventRecorder>(
      events_client_->applier(), clock_,
      runtime::EventRecorderOptions{.component = "cellgate-applicationset-controller",
                                    .reporting_instance = options_.identity});
  const std::chrono::milliseconds poll = options_.repo_poll_interval;
  auto appsets = std::make_shared<appset_controller::ApplicationSetController>(
      appset_controller::ApplicationSetHub{hub_->reader(), hub_->applier(), hub_->watcher(),
                                           *appset_status_},
      runtime->registry(),
      [&mirrors, poll](const std::string& url, const std::string& revision)
          -> Result<std::shared_ptr<const git::Snapshot>> {
        auto commit =
            mirrors.Resolve(url, revision.empty() ? "HEAD" : revision, {.max_staleness = poll});
        CG_TRY(commit);
        return mirrors.Open(url, *commit);
      },
      events.get(), clock_,
      appset_controller::ApplicationSetControllerOptions{
          .namespaces = {app_namespaces.begin(), app_namespaces.end()},
          .controller_namespace = options_.ns,
          .requeue_interval = poll,
          .workers = std::max(1, options_.appset_workers)});
  if (auto s = appsets->Start(); !s) {
    spdlog::error("controller: start the ApplicationSet controller: {}", s.error().message());
  }
  std::weak_ptr<appset_controller::ApplicationSetController> weak = appsets;
  runtime->SetAppSetPushListener([weak, &mirrors](const http::PushEvent& push) {
    auto controller = weak.lock();
    if (!controller) return;
    for (const std::string& url : push.repo_urls) {
      // Mirrors this process knows: refresh now, so the ApplicationSets read the new commit.
      git::FetchStats stats = mirrors.Stats(url);
      if (stats.ls_remotes == 0 && stats.fetches == 0) continue;
      if (auto r = mirrors.Resolve(url, "HEAD", {}); !r) {
        spdlog::warn("webhook: refresh {}: {}", git::RedactUrl(url), r.error().message());
      }
    }
    // One push names its repository several ways (https, ssh, web URL): each ApplicationSet
    // is refreshed and counted once.
    const int refreshed = controller->Refresh(push.repo_urls);
    if (refreshed > 0) spdlog::info("webhook: refreshing {} ApplicationSet(s)", refreshed);
  });
  {
    core::MutexLock lock(mu_);
    runtime_ = runtime;
    appsets_ = appsets;
    appset_events_ = events;
  }
  acting_ = true;
  spdlog::info("controller: acting as the leader");
  return true;
}

void Controller::StopActing() {
  std::shared_ptr<FleetRuntime> runtime;
  std::shared_ptr<appset_controller::ApplicationSetController> appsets;
  std::shared_ptr<runtime::EventRecorder> events;
  {
    core::MutexLock lock(mu_);
    runtime = std::move(runtime_);
    appsets = std::move(appsets_);
    events = std::move(appset_events_);
  }
  if (!runtime && !appsets) return;
  acting_ = false;
  // Both stop handing out work at once; in-flight reconciles are told to stop.
  if (appsets) appsets->Stop();
  if (runtime) runtime->Stop();
  appsets.reset();
  events.reset();
  spdlog::info("controller: stopped acting");
}

}  // namespace cellgate::controller

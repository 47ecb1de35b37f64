// Controller: the `cellgate controller` process, everything but flag parsing.
//
//   auto controller = Controller::Create({.kubeconfig = "~/.kube/config", .ns = "cellgate"});
//   if (!controller) return fail(controller.error());
//   std::jthread signals([&] { WaitForSignal(); (*controller)->Stop(); });
//   Status s = (*controller)->Run();   // blocks until Stop()
//
// Run():
//   1. connects to the hub (kubeconfig + context, or the pod's in-cluster service account)
//      and installs the argoproj.io CRDs if missing (crd_installer.h);
//   2. serves HTTP (HTTPS with tls_cert_file / tls_key_file) on bind_address:port, loopback
//      unless configured: GET /metrics (Prometheus text), GET /healthz (200 while the
//      process runs), GET /readyz (readiness.h: the leader once its caches have listed; a
//      standby at once, so a rolling update can proceed), POST /api/webhook (Git push
//      events, http/webhook_handler.h);
//   3. stands for election on the Lease `cellgate-controller` in `ns` (leader_election.h);
//      while it leads it runs a FleetRuntime (the Applications) and an
//      ApplicationSetController (the ApplicationSets), pushes going to both. When the lease
//      is lost both are stopped at once and the replica stands again. With
//      leader_elect = false it acts from the start.
//   Stop() (SIGTERM, SIGINT): stop acting, release the Lease (the standby takes over at its
//   next retry), stop the HTTP server; Run returns Ok.
//
// Webhook secrets: the Secret `webhook_secret_name` in `ns`, with argocd-secret's keys
// (webhook.github.secret, webhook.gitlab.secret, webhook.gogs.secret, webhook.bitbucket.uuid,
// webhook.bitbucketserver.secret; cellgate adds webhook.gitea.secret). It is read at start and
// every `secret_refresh`. With no secret at all deliveries are refused unless
// allow_unsigned_webhooks; once any secret is set, a provider without its own is refused
// (stricter than Argo CD; http/webhook.h). Values never appear in logs or errors. A standby
// answers pushes with 503 (the Git server retries; only the leader reconciles). The leader
// re-reads argocd-cm (fleet_runtime.h) on the same schedule.
//
// Git mirrors live under cache_dir/mirrors ("" = $XDG_CACHE_HOME/cellgate or
// $HOME/.cache/cellgate). Repositories are polled per repository every repo_poll_interval
// (git_resolver.h).
//
// Thread-safety: Run from one thread, once; Stop, port, leading from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "controller/controller_metrics.h"
#include "controller/fleet_runtime.h"
#include "core/clock.h"
#include "core/mutex.h"
#include "core/result.h"
#include "git/mirror_source.h"
#include "http/server.h"
#include "http/webhook.h"
#include "kube/cluster_client.h"
#include "metrics/registry.h"
#include "render/renderer.h"

namespace cellgate::appset_controller {
class ApplicationSetController;
class HubStatusWriter;
}  // namespace cellgate::appset_controller

namespace cellgate::runtime {
class LeaderElector;
class EventRecorder;
}  // namespace cellgate::runtime

namespace cellgate::controller {

struct ControllerOptions {
  // The hub: a kubeconfig file and context ("" = $KUBECONFIG or ~/.kube/config, and its
  // current context), or the pod's service account when in_cluster.
  std::string kubeconfig;
  std::string context;
  bool in_cluster = false;

  std::string ns = "cellgate";           // controller namespace: cells, Lease, projects
  std::set<std::string> app_namespaces;  // empty = {"argocd", ns}
  // HTTP: /metrics /healthz /readyz /api/webhook. Loopback by default; in a pod, the pod IP
  // (probes, Prometheus and Git servers reach the pod there).
  std::string bind_address = "127.0.0.1";
  std::uint16_t port = 8083;  // 0 = ephemeral (port() tells)
  std::string tls_cert_file;  // both set: HTTPS (PEM; reloaded when the files change)
  std::string tls_key_file;
  std::string webhook_secret_name = "cellgate-secret";
  bool allow_unsigned_webhooks = false;  // only matters while no webhook secret is set
  std::chrono::milliseconds secret_refresh{std::chrono::seconds(30)};

  std::chrono::milliseconds repo_poll_interval{std::chrono::minutes(3)};
  std::chrono::milliseconds progress_interval{std::chrono::seconds(2)};
  std::chrono::milliseconds self_heal_timeout{std::chrono::seconds(5)};
  int workers_per_cell = 4;
  int git_fetch_threads = 4;  // refresh Git mirrors off the cell workers (git_resolver.h)
  int appset_workers = 2;
  // Cell-local mode (fleet_runtime.h): also serve the Applications stored in each cell,
  // each limited to its own cell. Off unless asked for.
  bool cell_local_apps = false;
  // Client-side rate limit of every API client, per cluster (the hub and each cell has its
  // own bucket): Argo CD's and Flux's defaults. <= 0 QPS turns limiting off.
  double kube_api_qps = 50;
  int kube_api_burst = 100;
  // Kubernetes Events on the hub go through a client of their own with this budget (as
  // controller-runtime's event recorder has its own client), so a burst of Events never
  // delays status writes. <= 0 QPS turns limiting off.
  double event_qps = 25;
  int event_burst = 50;
  std::filesystem::path cache_dir;  // "" = $XDG_CACHE_HOME/cellgate or ~/.cache/cellgate
  // Git mirrors: fetch timeout, checkout limits, local repositories (off here, unlike the
  // library's default). work_dir is <cache_dir>/mirrors whatever is set.
  git::MirrorSourceOptions git{.allow_local_repos = false};
  // kustomize and helm: <tools_dir>/<name>, else PATH; never inside cache_dir (refused).
  std::filesystem::path tools_dir;
  // Remote kustomize bases and helmCharts repositories (network at render time).
  bool allow_remote_bases = false;
  bool install_crds = true;

  bool leader_elect = true;
  std::string identity;  // "" = $POD_NAME, else "<hostname>_<random>"
  std::chrono::milliseconds lease_duration{std::chrono::seconds(15)};
  std::chrono::milliseconds renew_deadline{std::chrono::seconds(10)};
  std::chrono::milliseconds retry_period{std::chrono::seconds(2)};
};

// Checks the options' own consistency (intervals positive, renew < lease, ...).
Status ValidateControllerOptions(const ControllerOptions& options);

// The secrets from a Secret's body (data base64, or stringData); unknown keys are ignored.
Result<http::WebhookSecrets> WebhookSecretsFromSecret(const Json& secret);

class Controller {
 public:
  // Validates the options and builds the hub clients; no network I/O.
  static Result<std::unique_ptr<Controller>> Create(ControllerOptions options);
  ~Controller();
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  // Blocks until Stop(). Errors: CRD installation, HTTP bind, git cache directory.
  Status Run();
  void Stop();

  // The HTTP port once Run has bound it (0 before).
  std::uint16_t port() const { return port_.load(); }
  bool leading() const { return acting_.load(); }
  // What /readyz answers (readiness.h).
  Status Ready() const;
  // The FleetRuntime while leading, else null (tests).
  std::shared_ptr<FleetRuntime> runtime() const;

 private:
  explicit Controller(ControllerOptions options, kube::ClusterConfig hub_config);

  Status StartServer();
  void ElectionLoop();
  bool StartActing();  // false when the runtime could not start
  void StopActing();
  void RefreshWebhookSecrets();
  Status OnPush(const http::PushEvent& push);

  const ControllerOptions options_;
  const kube::ClusterConfig hub_config_;
  SystemClock clock_;
  std::unique_ptr<kube::ClusterClient> hub_;
  std::unique_ptr<kube::ClusterClient> lease_client_;   // short timeouts for renewals
  std::unique_ptr<kube::ClusterClient> events_client_;  // Events, own rate limit
  std::unique_ptr<appset_controller::HubStatusWriter> appset_status_;
  std::unique_ptr<cells::CellConnector> connector_;
  std::unique_ptr<git::MirrorSource> mirrors_;
  std::unique_ptr<render::Renderer> renderer_;
  metrics::Registry registry_;
  std::unique_ptr<ControllerMetrics> metrics_;
  std::unique_ptr<http::Server> server_;
  std::atomic<std::uint16_t> port_{0};
  std::atomic<bool> acting_{false};

  mutable core::Mutex mu_;
  core::CondVar cv_;
  bool stop_requested_ GUARDED_BY(mu_) = false;
  bool want_leading_ GUARDED_BY(mu_) = false;  // what the elector says
  runtime::LeaderElector* elector_ GUARDED_BY(mu_) = nullptr;
  std::shared_ptr<FleetRuntime> runtime_ GUARDED_BY(mu_);
  std::shared_ptr<appset_controller::ApplicationSetController> appsets_ GUARDED_BY(mu_);
  std::shared_ptr<runtime::EventRecorder> appset_events_ GUARDED_BY(mu_);
  std::shared_ptr<const http::WebhookSecrets> secrets_ GUARDED_BY(mu_);
  std::string secrets_digest_ GUARDED_BY(mu_);  // for logs
};

}  // namespace cellgate::controller

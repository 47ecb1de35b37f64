// `cellgate controller`: the long-running fleet controller (controller/controller.h).
//
//   cellgate controller [--kubeconfig K] [--context C] | --in-cluster
//                       [-n NS] [--app-namespace NS]...
//                       [--bind-address 127.0.0.1] [--metrics-port 8083]
//                       [--tls-cert-file F --tls-key-file F]
//                       [--webhook-secret-name cellgate-secret] [--allow-unsigned-webhooks]
//                       [--repo-poll-interval 3m] [--workers-per-cell 4]
//                       [--kube-api-qps 50] [--kube-api-burst 100]
//                       [--event-qps 25] [--event-burst 50]
//                       [--leader-elect=false] [--leader-elect-lease-duration 15s]
//                       [--leader-elect-renew-deadline 10s] [--leader-elect-retry-period 2s]
//                       [--identity ID] [--cache-dir DIR] [--allow-local-repos]
//                       [--git-fetch-timeout 2m] [--max-checkout-bytes 268435456]
//                       [--max-checkout-files 20000] [--tools-dir DIR]
//                       [--allow-remote-bases]
//
// NS, the controller namespace, is resolved as every command resolves it
// (controller_namespace.h): -n, $CELLGATE_NAMESPACE, the context's namespace (with
// --in-cluster: the pod's), else cellgate.
//
// Runs until SIGTERM or SIGINT, then stops reconciling, releases the Lease and exits 0.
// Exit code 2 for bad flags, 1 when the controller cannot start (hub unreachable, CRDs
// refused, port taken).
#include <malloc.h>
#include <pthread.h>
#include <signal.h>

#include <ostream>
#include <thread>

#include "argo/retry_strategy.h"
#include "cli/app.h"
#include "cli/controller_namespace.h"
#include "controller/controller.h"
#include "core/duration.h"
#include "kube/kubeconfig.h"

namespace cellgate::cli {
namespace {

struct ControllerFlags {
  controller::ControllerOptions options;
  std::string ns;  // -n; "" = resolved
  std::vector<std::string> app_namespaces;
  std::string poll = "3m";
  std::string progress = "2s";
  std::string lease = "15s";
  std::string renew = "10s";
  std::string retry = "2s";
  std::string cache_dir;
  std::string git_fetch_timeout = "2m";
};

// The hub's config is loaded here only for its namespace; Controller::Create loads it again
// and reports a failure to load it.
Result<std::string> ControllerNamespaceOf(const ControllerFlags& flags) {
  const controller::ControllerOptions& o = flags.options;
  Result<kube::ClusterConfig> hub =
      o.in_cluster
          ? kube::InClusterConfig()
          : kube::LoadKubeconfig({.paths = o.kubeconfig.empty()
                                               ? std::vector<std::filesystem::path>{}
                                               : std::vector<std::filesystem::path>{o.kubeconfig},
                                  .context = o.context});
  auto ns = ResolveControllerNamespace(flags.ns, hub ? &*hub : nullptr);
  CG_TRY(ns);
  return ns->name;
}

Result<std::chrono::milliseconds> Duration(const std::string& flag, const std::string& text) {
  auto d = ParseDurationOrSeconds(text);
  CG_TRY_WRAP(d, "--" + flag);
  return std::chrono::duration_cast<std::chrono::milliseconds>(*d);
}

int RunController(ControllerFlags flags, Streams io) {
  controller::ControllerOptions& o = flags.options;
  o.app_namespaces = {flags.app_namespaces.begin(), flags.app_namespaces.end()};
  o.cache_dir = flags.cache_dir;
  const std::pair<const char*, std::pair<std::string*, std::chrono::milliseconds*>> durations[] = {
      {"repo-poll-interval", {&flags.poll, &o.repo_poll_interval}},
      {"progress-interval", {&flags.progress, &o.progress_interval}},
      {"leader-elect-lease-duration", {&flags.lease, &o.lease_duration}},
      {"leader-elect-renew-deadline", {&flags.renew, &o.renew_deadline}},
      {"leader-elect-retry-period", {&flags.retry, &o.retry_period}}};
  auto fetch_timeout = Duration("git-fetch-timeout", flags.git_fetch_timeout);
  if (!fetch_timeout) {
    io.err << "cellgate controller: " << fetch_timeout.error().message() << "\n";
    return 2;
  }
  o.git.fetch_timeout = std::chrono::ceil<std::chrono::seconds>(*fetch_timeout);
  for (const auto& [name, slot] : durations) {
    auto d = Duration(name, *slot.first);
    if (!d) {
      io.err << "cellgate controller: " << d.error().message() << "\n";
      return 2;
    }
    *slot.second = *d;
  }
  auto ns = ControllerNamespaceOf(flags);
  if (!ns) {
    io.err << "cellgate controller: " << ns.error().message() << "\n";
    return 2;
  }
  o.ns = *ns;
  if (auto s = controller::ValidateControllerOptions(o); !s) {
    io.err << "cellgate controller: " << s.error().message() << "\n";
    return 2;
  }

  // glibc gives each thread that allocates its own malloc arena (up to 8 per core), and a
  // long-running process with dozens of worker and watch threads then holds many mostly
  // empty arenas. Two arenas keep the resident size down at no measurable cost here.
  mallopt(M_ARENA_MAX, 2);

  // Signals are taken by one thread with sigwait; every thread started from here on
  // inherits the mask, so none of them is interrupted.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto controller = controller::Controller::Create(o);
  if (!controller) {
    io.err << "cellgate controller: " << controller.error().message() << "\n";
    return 1;
  }
  controller::Controller& c = **controller;
  std::thread waiter([&c, signals] {
    int signal = 0;
    sigwait(&signals, &signal);
    if (signal != 0) c.Stop();
  });
  Status s = c.Run();
  // Run returned by itself (an error): wake the waiter with a signal it takes.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  if (!s) {
    io.err << "cellgate controller: " << s.error().message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

void RegisterControllerCommand(CLI::App& app, Streams io, RunState& state) {
  auto flags = std::make_shared<ControllerFlags>();
  controller::ControllerOptions& o = flags->options;
  CLI::App* cmd = app.add_subcommand(
      "controller", "Run the fleet controller: keep every Application in every cell synced");
  cmd->add_option("--kubeconfig", o.kubeconfig, "kubeconfig of the hub (default $KUBECONFIG)");
  cmd->add_option("--context", o.context, "kubeconfig context of the hub");
  cmd->add_flag("--in-cluster", o.in_cluster, "use the pod's service account for the hub");
  AddControllerNamespaceOption(cmd, flags->ns);
  cmd->add_option("--app-namespace", flags->app_namespaces,
                  "namespace to serve Applications and ApplicationSets in (repeat; default "
                  "argocd and the controller namespace)");
  cmd->add_option("--bind-address", o.bind_address,
                  "IP address of the HTTP endpoints (in a pod: the pod IP, or 0.0.0.0)")
      ->capture_default_str();
  cmd->add_option("--tls-cert-file", o.tls_cert_file,
                  "PEM certificate (chain) for HTTPS on --metrics-port; reloaded when it changes")
      ->check(CLI::ExistingFile);
  cmd->add_option("--tls-key-file", o.tls_key_file, "PEM private key of --tls-cert-file")
      ->check(CLI::ExistingFile);
  cmd->add_option("--metrics-port", o.port,
                  "port of /metrics, /healthz, /readyz and POST /api/webhook (0: any)")
      ->capture_default_str();
  cmd->add_option("--webhook-secret-name", o.webhook_secret_name,
                  "Secret in --namespace with webhook.github.secret, webhook.gitlab.secret, ...")
      ->capture_default_str();
  cmd->add_flag("--allow-unsigned-webhooks", o.allow_unsigned_webhooks,
                "accept unsigned Git webhooks while the Secret has no webhook secret at all "
                "(once any is set, every provider needs its own)");
  cmd->add_option("--repo-poll-interval", flags->poll,
                  "how often each repository is checked for new commits")
      ->capture_default_str();
  cmd->add_option("--progress-interval", flags->progress,
                  "how often an app that is Progressing or Missing is re-checked")
      ->capture_default_str();
  cmd->add_option("--workers-per-cell", o.workers_per_cell, "reconcile workers per cell")
      ->capture_default_str();
  cmd->add_option("--git-fetch-threads", o.git_fetch_threads,
                  "threads that fetch Git repositories, off the cell workers")
      ->capture_default_str();
  cmd->add_flag("--cell-local-apps", o.cell_local_apps,
                "also serve Applications stored in each cell, each limited to its own cell");
  cmd->add_option("--kube-api-qps", o.kube_api_qps,
                  "API requests per second per cluster (client-side limit; 0 = none)")
      ->capture_default_str();
  cmd->add_option("--kube-api-burst", o.kube_api_burst, "burst above --kube-api-qps")
      ->capture_default_str();
  cmd->add_option("--event-qps", o.event_qps,
                  "Kubernetes Events per second on the hub, a budget apart from "
                  "--kube-api-qps (0 = no limit)")
      ->capture_default_str();
  cmd->add_option("--event-burst", o.event_burst, "burst above --event-qps")->capture_default_str();
  cmd->add_flag("--leader-elect", o.leader_elect,
                "elect one active replica on the Lease cellgate-controller (default true; "
                "--leader-elect=false runs without)");
  cmd->add_option("--leader-elect-lease-duration", flags->lease, "Lease duration")
      ->capture_default_str();
  cmd->add_option("--leader-elect-renew-deadline", flags->renew,
                  "leader steps down when it cannot renew for this long")
      ->capture_default_str();
  cmd->add_option("--leader-elect-retry-period", flags->retry, "acquire and renew period")
      ->capture_default_str();
  cmd->add_option("--identity", o.identity,
                  "this replica's name in the Lease (default $POD_NAME or host_random)");
  cmd->add_option("--cache-dir", flags->cache_dir,
                  "git mirrors (default $XDG_CACHE_HOME/cellgate or ~/.cache/cellgate)");
  cmd->add_flag("--allow-local-repos", o.git.allow_local_repos,
                "allow repoURLs that are local paths or file:// URLs (off: they would read the "
                "controller's disk, other repositories' mirrors included)");
  cmd->add_option("--git-fetch-timeout", flags->git_fetch_timeout,
                  "bound on one repository refresh (connect, ls-remote and fetch)")
      ->capture_default_str();
  cmd->add_option("--max-checkout-bytes", o.git.max_checkout_bytes,
                  "largest checkout written for kustomize and helm, all files together")
      ->capture_default_str();
  cmd->add_option("--max-checkout-files", o.git.max_checkout_files,
                  "most files, directories and symlinks in one checkout")
      ->capture_default_str();
  cmd->add_option("--tools-dir", o.tools_dir,
                  "read-only directory holding kustomize and helm (default: PATH; never inside "
                  "--cache-dir)");
  cmd->add_flag("--allow-remote-bases", o.allow_remote_bases,
                "let kustomizations use remote bases and helmCharts repositories (network "
                "access at render time; off by default)");
  cmd->callback([flags, io, &state] { state.exit_code = RunController(*flags, io); });
}

}  // namespace cellgate::cli

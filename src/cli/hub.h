// What the fleet commands (`cellgate cell ...`, `cellgate app ...`) share: the hub they read,
// reached through a kubeconfig context, and the Applications stored in it.
//
// The hub is the cluster `cellgate controller` points at: it holds the cluster Secrets in the
// controller namespace (-n; controller_namespace.h says how it is resolved when absent) and
// the Applications. --kubeconfig defaults to $KUBECONFIG, else ~/.kube/config; --context to
// the kubeconfig's current context. Any cluster that stores Applications works the same way,
// so a cell running cell-local Applications (the seed 000 tutorial) is read with
// `--context <cell>`.
//
// Applications are looked up in the namespaces the controller watches by default
// (`cellgate controller` without --app-namespace): "argocd" and the controller namespace,
// unless -N/--app-namespace names one, as `argocd app -N` does. A NAME of the form
// "<namespace>/<name>" names its namespace.
//
// Errors name the context, the namespace and the object; credentials never appear in them.
//
// Thread-safety: one invocation per thread; Hub is as thread-safe as its ClusterClient.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "cli/controller_namespace.h"
#include "core/object.h"
#include "core/result.h"
#include "kube/cluster_client.h"
#include "kube/cluster_config.h"
#include "kube/resource.h"

namespace cellgate::cli {

inline const kube::GroupVersionKind kApplicationKind{"argoproj.io", "v1alpha1", "Application"};
// Watched by the controller besides its own namespace unless --app-namespace says otherwise
// (controller/controller.cc).
inline constexpr std::string_view kArgoCdNamespace = "argocd";

struct HubFlags {
  std::string kubeconfig;  // "" = $KUBECONFIG, else ~/.kube/config
  std::string context;     // "" = the current context
  std::string ns;          // -n: the controller namespace; "" = resolved (controller_namespace.h)
};

// Adds --kubeconfig, --context (described as the hub's) and -n/--namespace.
void AddHubOptions(CLI::App* cmd, HubFlags& flags);

class Hub {
 public:
  // Loads the context, resolves the controller namespace and builds a client with the CLI's
  // short retries; no network I/O.
  static Result<std::unique_ptr<Hub>> Open(const HubFlags& flags);

  kube::ClusterClient& client() { return *client_; }
  const kube::ClusterConfig& config() const { return config_; }
  const std::string& controller_namespace() const { return ns_.name; }
  // "namespace argocd (from context hub)", "namespace cellgate (the default)": for notes.
  std::string DescribeNamespace() const;

 private:
  Hub(kube::ClusterConfig config, ControllerNamespace ns,
      std::unique_ptr<kube::ClusterClient> client)
      : config_(std::move(config)), ns_(std::move(ns)), client_(std::move(client)) {}

  kube::ClusterConfig config_;
  ControllerNamespace ns_;
  std::unique_ptr<kube::ClusterClient> client_;
};

// A person is waiting: two quick retries ride out a blip, a dead server is reported within
// about a second rather than after the controller's retries.
kube::ClusterClientOptions CliClientOptions();

// The Application namespaces to read: {app_ns} when given, else "argocd" and
// `controller_ns` (one entry when they are the same).
std::vector<std::string> AppNamespaces(const std::string& app_ns, const std::string& controller_ns);

// Every Application in `namespaces`, sorted by namespace then name. kNotFound with a hint
// when the hub does not serve the Application kind (CRDs not installed).
Result<std::vector<Json>> ListApplications(kube::Reader& hub,
                                           const std::vector<std::string>& namespaces);

// One Application by NAME or "<namespace>/<name>". Without a namespace it is searched in
// `namespaces`: kNotFound when in none, kFailedPrecondition when in several (use -N).
Result<Object> FindApplication(kube::Reader& hub, std::string_view name,
                               const std::vector<std::string>& namespaces);

}  // namespace cellgate::cli

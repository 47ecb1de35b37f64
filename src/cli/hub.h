// What the fleet commands (`cellgate cell ...`, `cellgate app ...`) share: the hub they read,
// reached through a kubeconfig context, and the Applications stored in it.
//
// The hub is the cluster `cellgate controller` points at: it holds the cluster Secrets (in the
// controller namespace, default "cellgate") and the Applications. --kubeconfig defaults to
// $KUBECONFIG, else ~/.kube/config; --context to the kubeconfig's current context. Any
// cluster that stores Applications works the same way, so a cell running cell-local
// Applications (the seed 000 tutorial) is read with `--context <cell>`.
//
// Applications are looked up in the namespaces the controller watches,
// FleetRuntimeOptions::app_namespaces: "argocd" and "cellgate" (the controller namespace
// default), unless -n names one. A NAME of the form "<namespace>/<name>" names its namespace.
//
// Errors name the context and the object; credentials never appear in them.
//
// Thread-safety: one invocation per thread; Hub is as thread-safe as its ClusterClient.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "core/object.h"
#include "core/result.h"
#include "kube/cluster_client.h"
#include "kube/cluster_config.h"
#include "kube/resource.h"

namespace cellgate::cli {

inline const kube::GroupVersionKind kApplicationKind{"argoproj.io", "v1alpha1", "Application"};
inline constexpr std::string_view kDefaultControllerNamespace = "cellgate";
// As the controller watches them (fleet/controller/fleet_runtime.h).
inline const std::vector<std::string> kDefaultAppNamespaces = {"argocd", "cellgate"};

struct HubFlags {
  std::string kubeconfig;  // "" = $KUBECONFIG, else ~/.kube/config
  std::string context;     // "" = the current context
};

// Adds --kubeconfig and --context (described as the hub's).
void AddHubOptions(CLI::App* cmd, HubFlags& flags);

class Hub {
 public:
  // Loads the context and builds a client with the CLI's short retries; no network I/O.
  static Result<std::unique_ptr<Hub>> Open(const HubFlags& flags);

  kube::ClusterClient& client() { return *client_; }
  const kube::ClusterConfig& config() const { return config_; }

 private:
  Hub(kube::ClusterConfig config, std::unique_ptr<kube::ClusterClient> client)
      : config_(std::move(config)), client_(std::move(client)) {}

  kube::ClusterConfig config_;
  std::unique_ptr<kube::ClusterClient> client_;
};

// A person is waiting: two quick retries ride out a blip, a dead server is reported within
// about a second rather than after the controller's retries.
kube::ClusterClientOptions CliClientOptions();

// The namespaces to read: {ns} when given, else kDefaultAppNamespaces.
std::vector<std::string> AppNamespaces(const std::string& ns);

// Every Application in `namespaces`, sorted by namespace then name. kNotFound with a hint
// when the hub does not serve the Application kind (CRDs not installed).
Result<std::vector<Json>> ListApplications(kube::Reader& hub,
                                           const std::vector<std::string>& namespaces);

// One Application by NAME or "<namespace>/<name>". Without a namespace it is searched in
// `namespaces`: kNotFound when in none, kFailedPrecondition when in several (use -n).
Result<Object> FindApplication(kube::Reader& hub, std::string_view name,
                               const std::vector<std::string>& namespaces);

}  // namespace cellgate::cli

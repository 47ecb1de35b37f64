// The controller namespace: where the hub keeps the controller's cluster Secrets (cells),
// AppProjects and Lease, and the one namespace whose Applications are tracked by their plain
// name. Every command that reads a hub, and `cellgate controller` itself, resolves it the same
// way, first match wins:
//
//   1. -n/--namespace
//   2. $CELLGATE_NAMESPACE
//   3. the namespace of the hub's kubeconfig context (with --in-cluster: the pod's service
//      account namespace)
//   4. "cellgate", where deploy/install.yaml runs the controller
//
// Steps 1 and 3 are client-go's ClientConfig.Namespace(), which Argo CD's controller, server,
// `argocd admin` and `argocd --core` use for theirs (argo-cd cmd/argocd/commands/headless,
// util/cli.AddKubectlFlagsToSet: kubectl's -n/--namespace); step 2 is helm's
// $HELM_NAMESPACE rule. Step 4 differs: client-go falls back to "default", where no
// controller runs.
//
// A value from -n or the environment must be a namespace name (RFC 1123 label): it becomes a
// path segment of API requests.
//
// Thread-safety: pure functions (the overload without `env` reads the environment).
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <string_view>

#include "core/result.h"
#include "kube/cluster_config.h"

namespace cellgate::cli {

inline constexpr std::string_view kNamespaceEnv = "CELLGATE_NAMESPACE";
inline constexpr std::string_view kFallbackControllerNamespace = "cellgate";

struct ControllerNamespace {
  std::string name;
  // Where it came from, for messages: "from -n", "from $CELLGATE_NAMESPACE", "from context
  // <name>" or "the default".
  std::string source;
};

// `flag` is -n as given ("" = absent), `env` the value of $CELLGATE_NAMESPACE (nullptr or ""
// = unset), `hub` the hub's loaded config (nullptr when there is none). kInvalidArgument
// naming the flag or variable when the value is not a namespace name.
Result<ControllerNamespace> ResolveControllerNamespace(std::string_view flag, const char* env,
                                                       const kube::ClusterConfig* hub);
// The same, reading $CELLGATE_NAMESPACE.
Result<ControllerNamespace> ResolveControllerNamespace(std::string_view flag,
                                                       const kube::ClusterConfig* hub);

// Adds -n/--namespace (the controller namespace) with the help every command shows.
CLI::Option* AddControllerNamespaceOption(CLI::App* cmd, std::string& ns);

// " in namespace NS (cluster Secrets labelled argocd.argoproj.io/secret-type=cluster)": what
// a failed cell lookup appends so the user sees where it looked.
std::string CellSecretsWhere(std::string_view ns);

}  // namespace cellgate::cli

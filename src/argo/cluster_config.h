// Argo CD's ClusterConfig (pkg/apis/application/v1alpha1/types.go), the JSON in a cluster
// Secret's `config` field (cluster_secret.h reads the Secret), as a kube::ClusterConfig:
//   {"bearerToken": "...", "username": "...", "password": "...",
//    "tlsClientConfig": {"insecure": false, "serverName": "...",
//                        "caData": "<base64 PEM>", "certData": "<base64 PEM>",
//                        "keyData": "<base64 PEM>"},
//    "execProviderConfig": {"command": "...", "args": [...], "env": {"K": "V"},
//                           "apiVersion": "client.authentication.k8s.io/v1beta1",
//                           "installHint": "..."},
//    "proxyUrl": "...", "disableCompression": false}
// awsAuthConfig (Argo CD runs its own argocd-k8s-auth binary) is refused: express it as
// execProviderConfig running `aws eks get-token`.
//
// The in-cluster entry (server https://kubernetes.default.svc with no credentials) is
// reported with no credentials; callers that run in a pod use InClusterConfig() for it.
//
// Errors name the cluster and field, never a secret value (not even a fragment of an
// unparsable config).
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>

#include "core/result.h"
#include "kube/cluster_config.h"

namespace cellgate::argo {

// Argo CD's local cluster: its server and the name Argo CD gives it.
inline constexpr std::string_view kInClusterServer = "https://kubernetes.default.svc";
inline constexpr std::string_view kInClusterName = "in-cluster";

// From the Secret's decoded fields. `name` is used for ClusterConfig::name and errors
// (falls back to the server when empty). An empty config means no credentials.
Result<kube::ClusterConfig> ParseClusterConfig(std::string_view name, std::string_view server,
                                               std::string_view config_json);

}  // namespace cellgate::argo

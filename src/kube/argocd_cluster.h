// Argo CD cluster Secrets as ClusterConfigs.
//
// Argo CD stores each managed cluster as a Secret labelled
// argocd.argoproj.io/secret-type=cluster with fields name, server and config, where config
// is JSON (Argo CD's ClusterConfig):
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

#include "core/object.h"
#include "core/result.h"
#include "kube/cluster_config.h"

namespace cellgate::kube {

inline constexpr std::string_view kArgoInClusterServer = "https://kubernetes.default.svc";

// From the Secret's decoded fields. `name` is used for ClusterConfig::name and errors
// (falls back to the server when empty). An empty config means no credentials.
Result<ClusterConfig> ParseArgoClusterConfig(std::string_view name, std::string_view server,
                                             std::string_view config_json);

// From the Secret object itself: reads `data` (base64) with `stringData` overriding, as the
// API server would merge them.
Result<ClusterConfig> ArgoClusterConfigFromSecret(const Object& secret);

}  // namespace cellgate::kube

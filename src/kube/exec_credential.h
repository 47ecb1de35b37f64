// client-go exec credential plugins (client.authentication.k8s.io/v1 and v1beta1).
//
// The plugin is a program (aws eks get-token, gke-gcloud-auth-plugin, kubelogin, ...) that
// prints an ExecCredential on stdout:
//   {"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
//    "status": {"token": "...", "clientCertificateData": "<PEM>", "clientKeyData": "<PEM>",
//               "expirationTimestamp": "2030-01-02T03:04:05Z"}}
// It runs non-interactively: stdin is /dev/null and KUBERNETES_EXEC_INFO carries
// {"apiVersion", "kind": "ExecCredential", "spec": {"interactive": false, "cluster"?}}.
//
// Errors carry the exit status and the tail of stderr, never stdout (it holds the token).
//
// Thread-safety: RunExecPlugin may run concurrently; each call is its own process.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "kube/cluster_config.h"

namespace cellgate::kube {

struct ExecCredential {
  std::string token;  // secret
  std::string client_cert_pem;
  std::string client_key_pem;                                       // secret
  std::optional<std::chrono::system_clock::time_point> expiration;  // none: until a 401
};

// Parses plugin output; `api_version` is the one the config asked for (must match).
Result<ExecCredential> ParseExecCredential(std::string_view output, std::string_view api_version);

// "2030-01-02T03:04:05Z", with optional fraction and numeric offset.
Result<std::chrono::system_clock::time_point> ParseRfc3339(std::string_view text);

struct ExecRunOptions {
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};  // the plugin is killed after
};

// Runs the plugin of `cluster.exec` (which must be set) and parses what it prints.
Result<ExecCredential> RunExecPlugin(const ClusterConfig& cluster,
                                     const ExecRunOptions& options = {});

}  // namespace cellgate::kube

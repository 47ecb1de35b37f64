// ClusterConfig: how to reach and authenticate to one Kubernetes API server (one cell).
//
// Every source of cluster credentials is parsed into this one struct: a kubeconfig context
// (kubeconfig.h), an Argo CD cluster Secret (argo/cluster_config.h) or the in-cluster service
// account (InClusterConfig below). The transport (transport.h) consumes it.
//
// Certificates and keys are held as PEM text (file references are read when the config is
// loaded). A bearer token file and an exec credential plugin are kept as references because
// their output changes: the transport re-reads / re-runs them (credentials.h).
//
// Secrets: token, password and client_key_pem are secret. They are never put into an Error,
// a log line or Describe(); code that formats a ClusterConfig uses Describe().
//
// Thread-safety: a value; no shared state.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/base64.h"
#include "core/result.h"

namespace cellgate::kube {

// A client-go exec credential plugin (client.authentication.k8s.io v1 or v1beta1).
struct ExecConfig {
  std::string api_version = "client.authentication.k8s.io/v1";
  // Run as given: a bare name is looked up in PATH; a path containing '/' was made
  // absolute against the kubeconfig's directory when loaded.
  std::string command;
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;  // added to the inherited environment
  std::string install_hint;                              // shown when the command cannot be run
  bool provide_cluster_info = false;                     // pass server/CA in KUBERNETES_EXEC_INFO
};

struct ClusterConfig {
  std::string name;    // context, cluster Secret or "in-cluster"; for errors and logs
  std::string server;  // "https://host:port" with an optional path prefix, no trailing '/'
  std::string default_namespace = "default";  // for namespaced objects that name none
  // True when the kubeconfig context or the service account named default_namespace; false
  // when it is the "default" fallback (client-go's rule, which callers may replace).
  bool namespace_given = false;

  // Server verification. An empty ca_pem means the system trust store.
  std::string ca_pem;
  bool insecure_skip_tls_verify = false;
  std::string tls_server_name;  // verify the certificate for this name instead of the host
  std::string proxy_url;        // http(s):// or socks5://; "" = $HTTPS_PROXY/$NO_PROXY as client-go
  bool disable_compression = false;

  // Client identity; the server decides which it accepts.
  std::string client_cert_pem;
  std::string client_key_pem;  // secret
  std::string token;           // secret; a non-empty token_file takes precedence
  std::filesystem::path token_file;
  std::string username;
  std::string password;  // secret
  std::optional<ExecConfig> exec;

  // "cell-1 (https://127.0.0.1:6443)": safe for messages, never contains secrets.
  std::string Describe() const;

  // Checks what a transport needs: a http(s) server URL, cert and key both or neither, at
  // most one of token / username+password / exec. Errors are kInvalidArgument.
  Status Validate() const;
};

// Where the in-cluster service account lives; tests point these elsewhere.
struct InClusterOptions {
  std::filesystem::path service_account_dir = "/var/run/secrets/kubernetes.io/serviceaccount";
  // Read from the environment when empty.
  std::string host;  // KUBERNETES_SERVICE_HOST
  std::string port;  // KUBERNETES_SERVICE_PORT
};

// The config of a pod's own cluster: https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT,
// the service account token (kept as token_file: projected tokens rotate), its ca.crt and
// namespace. kNotFound when not running in a cluster.
Result<ClusterConfig> InClusterConfig(const InClusterOptions& options = {});

}  // namespace cellgate::kube

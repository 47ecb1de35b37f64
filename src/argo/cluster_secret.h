// Argo CD cluster Secrets, both ways: reading one into a typed Cluster, and building one
// from a kubeconfig context (`cellgate cell add --context CTX --name NAME --label k=v`).
//
// Reading follows Argo CD's util/db SecretToCluster: `server` loses a trailing '/';
// `namespaces` is comma separated with blanks trimmed; `clusterResources` is true only for
// the string "true"; labels drop argocd.argoproj.io/secret-type and annotations drop
// kubectl's last-applied-configuration and `managed-by`, as Argo CD does. `stringData`
// overrides `data`, as the API server would merge them. One difference: a Secret without
// `data.name` is named after the Secret (Argo CD leaves the cluster nameless, which no
// destination or `cell list` row can refer to).
//
// Building (MakeClusterSecret) is what `argocd cluster add` writes, minus its main step:
// Argo CD creates a ServiceAccount `argocd-manager` with cluster-admin in the target and
// stores that account's token. We create nothing in the cell; we embed the credentials of
// the kubeconfig context itself. Security implication: whoever can read Secrets in the
// controller namespace holds that identity (often a cluster admin), it cannot be revoked
// without rotating the user's own credentials, and it expires when they do. Use a
// dedicated, least-privilege identity for contexts you register.
// Embeddable: bearer token, basic auth, client certificate and key (already read into
// PEM by the kubeconfig loader), CA data, TLS server name, insecure, proxy URL, exec
// plugins (as execProviderConfig: the command then runs inside the controller and must
// exist there). Refused with kFailedPrecondition: a token file (it rotates on the client's
// disk, the controller cannot read it) and exec plugins that need provideClusterInfo
// (execProviderConfig cannot express it).
//
// Secrets: errors name the context, cell and field, never a credential.
//
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "argo/cluster_config.h"
#include "argo/secret_data.h"
#include "core/object.h"
#include "core/result.h"
#include "kube/cluster_config.h"

namespace cellgate::argo {

// Argo CD's Cluster (types.go), without its credentials.
struct Cluster {
  std::string secret;                              // metadata.name of the Secret
  std::string name;                                // data.name, else the Secret's name
  std::string server;                              // data.server without a trailing '/'
  std::vector<std::string> namespaces;             // data.namespaces, comma separated
  bool cluster_resources = false;                  // data.clusterResources == "true"
  std::string project;                             // data.project
  std::map<std::string, std::string> labels;       // minus argocd.argoproj.io/secret-type
  std::map<std::string, std::string> annotations;  // minus last-applied and managed-by
};

// A parsed cluster Secret. When the Secret is unusable, `error` says why (naming the
// Secret and field, never a secret value) and `config` is empty; `cluster` is filled as far
// as it could be read, so the cluster can still be listed with its error.
struct ClusterSecret {
  Cluster cluster;
  kube::ClusterConfig config;  // secret: never log
  std::string raw_config;      // data.config as stored; secret: never log
  std::optional<Error> error;
};

// Never fails: an unusable Secret gives `error`.
ClusterSecret ParseClusterSecret(const Object& secret);

// Argo CD's Secret name for a server: "cluster-<host>-<fnv32a(server)>", host lowercased
// without port, made a valid object name.
std::string ClusterSecretName(std::string_view server);

// A cluster Secret (v1 Secret, type Opaque, label argocd.argoproj.io/secret-type=cluster,
// annotation managed-by=cellgate) for `config`, named `name`, in namespace `ns`, with
// `labels` added. kInvalidArgument for a bad name, label or config; kFailedPrecondition for
// credentials that cannot be embedded (see above).
Result<Object> MakeClusterSecret(const kube::ClusterConfig& config, std::string_view name,
                                 const std::map<std::string, std::string>& labels,
                                 std::string_view ns);

}  // namespace cellgate::argo

// Argo CD cluster Secrets, both ways: reading one into a CellSpec, and building one from a
// kubeconfig context (`cellgate cell add --context CTX --name NAME --label k=v`).
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
// Thread-safety: pure functions; WriteClusterSecret is as thread-safe as its Applier.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "cells/cell.h"
#include "core/object.h"
#include "core/result.h"
#include "kube/client.h"
#include "kube/cluster_config.h"

namespace cellgate::fleet {

// Parses a cluster Secret. Never fails: an unusable Secret gives a CellSpec with `error`.
cells::CellSpec ParseCellSecret(const Object& secret);

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

// Creates the Secret, or replaces the existing one of that name (an unconditional PUT, as
// Argo CD's UpdateCluster replaces data, labels and annotations). Returns the stored Secret.
Result<Object> WriteClusterSecret(kube::Applier& applier, const Object& secret);

}  // namespace cellgate::fleet

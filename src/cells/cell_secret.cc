#include "cells/cell_secret.h"

#include <utility>

namespace cellgate::cells {

CellSpec ParseCellSecret(const Object& secret) {
  argo::ClusterSecret parsed = argo::ParseClusterSecret(secret);
  argo::Cluster& cluster = parsed.cluster;
  CellSpec spec;
  spec.info.name = std::move(cluster.name);
  spec.info.server = std::move(cluster.server);
  spec.info.secret = std::move(cluster.secret);
  spec.info.labels = std::move(cluster.labels);
  spec.info.annotations = std::move(cluster.annotations);
  spec.info.namespaces = std::move(cluster.namespaces);
  spec.info.cluster_resources = cluster.cluster_resources;
  spec.info.project = std::move(cluster.project);
  if (parsed.error) {
    spec.error = std::move(parsed.error);
    spec.info.connection.state = CellState::kInvalid;
    spec.info.connection.last_error = spec.error->message();
    return spec;
  }
  spec.config = std::move(parsed.config);
  spec.connection_fingerprint = spec.info.server + '\n' + parsed.raw_config;
  return spec;
}

Result<Object> WriteClusterSecret(kube::Applier& applier, const Object& secret) {
  const std::string where = "write cluster secret " + secret.Namespace() + "/" + secret.Name();
  auto created = applier.Create(secret, {});
  if (created) return created;
  if (created.error().code() != ErrorCode::kAlreadyExists) {
    return std::unexpected(created.error().Wrap(where));
  }
  Object replacement = secret;
  if (auto meta = replacement.mutable_body().find("metadata");
      meta != replacement.mutable_body().end()) {
    meta->erase("resourceVersion");  // replace whatever is there: last writer wins
  }
  return WithContext(applier.Update(replacement, {}), where);
}

}  // namespace cellgate::cells

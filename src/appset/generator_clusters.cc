// The clusters generator over the caller's cells (Argo CD's cluster Secrets).
//
// Parameters per cell: name, nameNormalized, server, project, and the Secret's labels and
// annotations (metadata.labels.<k> / metadata.annotations.<k> flat; a `metadata` map with
// `labels` / `annotations` entries, each present only when non-empty, with goTemplate).
// `values` are rendered with those parameters and added as values.<k>.
//
// The local cluster: Argo CD lists in-cluster (https://kubernetes.default.svc) unless a
// cluster Secret has that server or it is disabled; it has no Secret, hence no labels, so it
// is only generated when the selector is empty (no matchLabels, no matchExpressions). It
// comes first, with name and nameNormalized "in-cluster" and no metadata. Cells follow in
// the caller's order. Every cluster Secret carries argocd.argoproj.io/secret-type: cluster,
// so cells are matched (and parameterised) as if that label were present.
//
// flatList: true yields one parameter set {clusters: [...]} holding every match.
#include "appset/generators.h"
#include "appset/label_selector.h"
#include "argo/cluster_config.h"
#include "argo/secret_data.h"
#include "template/dns_names.h"

namespace cellgate::appset {

Result<std::vector<Json>> GenerateClusters(const Json& spec, const GeneratorEnv& env) {
  const Json& sel_json = spec.value("selector", Json());
  auto sel = LabelSelector::Parse(sel_json, /*validate_values=*/true);
  CG_TRY_WRAP(sel, "clusters.selector");
  bool flat_list = spec.value("flatList", false);
  const Json& values = spec.value("values", Json());
  std::vector<Json> out;

  bool has_in_cluster_secret = false;
  for (const auto& c : env.inputs.cells) {
    std::string server = c.server;
    while (server.size() > 1 && server.back() == '/') server.pop_back();
    if (server == argo::kInClusterServer) has_in_cluster_secret = true;
  }
  if (env.inputs.in_cluster_enabled && !has_in_cluster_secret && sel->empty()) {
    Json p = {{"name", argo::kInClusterName},
              {"nameNormalized", argo::kInClusterName},
              {"server", argo::kInClusterServer},
              {"project", ""}};
    CG_TRY_WRAP(AppendTemplatedValues(values, p, env), "clusters (in-cluster)");
    out.push_back(std::move(p));
  }
  for (const auto& c : env.inputs.cells) {
    auto labels = c.labels;
    labels.emplace(std::string(argo::kSecretTypeLabel), "cluster");
    if (!sel->Matches(labels)) continue;
    Json p = {{"name", c.name},
              {"nameNormalized", tmpl::SanitizeName(c.name)},
              {"server", c.server},
              {"project", c.project}};
    if (env.go_template) {
      Json meta = Json::object();
      if (!c.annotations.empty()) meta["annotations"] = c.annotations;
      if (!labels.empty()) meta["labels"] = labels;
      p["metadata"] = std::move(meta);
    } else {
      for (const auto& [k, v] : c.annotations) p["metadata.annotations." + k] = v;
      for (const auto& [k, v] : labels) p["metadata.labels." + k] = v;
    }
    CG_TRY_WRAP(AppendTemplatedValues(values, p, env), "clusters (cell " + c.name + ")");
    out.push_back(std::move(p));
  }
  if (flat_list) return std::vector<Json>{Json{{"clusters", Json(out)}}};
  return out;
}

}  // namespace cellgate::appset

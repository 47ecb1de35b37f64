#include "argo/application.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "argo/application_fields.h"
#include "core/go_path.h"

namespace cellgate::argo {
namespace {

using internal::FieldError;
using internal::Fields;

Result<SyncPolicy> ParseSyncPolicy(const Json& j) {
  Fields f(j, "spec.syncPolicy");
  SyncPolicy p;
  CG_ASSIGN_OR_RETURN(const Json* automated, f.Object("automated"));
  if (automated != nullptr) {
    Fields a(*automated, f.Path("automated"));
    AutomatedSync s;
    CG_ASSIGN(s.prune, a.Bool("prune"));
    CG_ASSIGN(s.self_heal, a.Bool("selfHeal"));
    CG_ASSIGN(s.allow_empty, a.Bool("allowEmpty"));
    CG_ASSIGN(s.enabled, a.Bool("enabled", true));
    p.automated = s;
  }
  CG_ASSIGN(p.sync_options, f.StringList("syncOptions"));
  CG_ASSIGN_OR_RETURN(const Json* retry, f.Object("retry"));
  if (retry != nullptr) CG_ASSIGN(p.retry, ParseRetryStrategy(*retry, f.Path("retry")));
  CG_ASSIGN_OR_RETURN(const Json* nsmeta, f.Object("managedNamespaceMetadata"));
  if (nsmeta != nullptr) {
    Fields m(*nsmeta, f.Path("managedNamespaceMetadata"));
    CG_TRY(m.StringMap("labels"));
    CG_TRY(m.StringMap("annotations"));
    p.managed_namespace_metadata = *nsmeta;
  }
  return p;
}

Status ParseMetadata(const Json* meta, Application& app) {
  static const Json kEmpty = Json::object();
  Fields m(meta != nullptr ? *meta : kEmpty, "metadata");
  CG_ASSIGN(app.name, m.String("name"));
  CG_ASSIGN(app.ns, m.String("namespace"));
  if (app.name.empty()) return FieldError("metadata.name", "is required");
  CG_ASSIGN(app.uid, m.String("uid"));
  CG_ASSIGN(app.resource_version, m.String("resourceVersion"));
  CG_ASSIGN_OR_RETURN(std::optional<std::int64_t> generation, m.Int("generation"));
  app.generation = generation.value_or(0);
  app.deleting = m.Find("deletionTimestamp") != nullptr;
  CG_ASSIGN(app.finalizers, m.StringList("finalizers"));
  for (const auto& f : app.finalizers) {
    if (f == kBackgroundFinalizer) {
      app.cascade = CascadeDeletion::kBackground;
      break;
    }
    if (f == kResourcesFinalizer || f == kForegroundFinalizer) {
      app.cascade = CascadeDeletion::kForeground;
      break;
    }
  }
  CG_ASSIGN(app.annotations, m.StringMap("annotations"));
  if (auto it = app.annotations.find(std::string(kRefreshAnnotation));
      it != app.annotations.end()) {
    app.refresh = it->second == "hard" ? RefreshType::kHard : RefreshType::kNormal;
  }
  if (auto it = app.annotations.find(std::string(kManifestGeneratePathsAnnotation));
      it != app.annotations.end()) {
    std::string_view rest = it->second;
    while (true) {
      auto semi = rest.find(';');
      std::string_view item = rest.substr(0, semi);
      while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front()))) {
        item.remove_prefix(1);
      }
      while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back()))) {
        item.remove_suffix(1);
      }
      if (!item.empty()) app.manifest_generate_paths.emplace_back(item);
      if (semi == std::string_view::npos) break;
      rest.remove_prefix(semi + 1);
    }
  }
  return Ok();
}

Status ParseSources(const Fields& sf, Application& app) {
  if (sf.Find("sourceHydrator")) return FieldError("spec.sourceHydrator", "is not supported yet");
  // Argo CD's GetSource: a non-empty spec.sources wins over spec.source.
  CG_ASSIGN_OR_RETURN(const Json* sources, sf.List("sources"));
  if (sources != nullptr && !sources->empty()) {
    for (std::size_t i = 0; i < sources->size(); ++i) {
      CG_ASSIGN_OR_RETURN(ApplicationSource s,
                          ParseApplicationSource((*sources)[i], sf.Item("sources", i)));
      app.sources.push_back(std::move(s));
    }
    app.source = app.sources.front();
    app.source_json = sources->front();
    app.source_count = static_cast<int>(app.sources.size());
    if (app.source_count > 1) {
      app.notes.push_back("Application has " + std::to_string(app.source_count) +
                          " sources; cellgate renders only spec.sources[0] for now");
    }
    return Ok();
  }
  CG_ASSIGN_OR_RETURN(const Json* source, sf.Object("source"));
  if (source == nullptr) return FieldError("spec.source", "is required (or spec.sources)");
  CG_ASSIGN(app.source, ParseApplicationSource(*source, "spec.source"));
  app.source_json = *source;
  return Ok();
}

Status ParseSpec(const Json& spec, Application& app) {
  Fields sf(spec, "spec");
  CG_ASSIGN(app.project, sf.String("project"));
  CG_ASSIGN_OR_RETURN(const Json* dest, sf.Object("destination"));
  if (dest != nullptr) {
    Fields d(*dest, "spec.destination");
    CG_ASSIGN(app.destination.server, d.String("server"));
    CG_ASSIGN(app.destination.name, d.String("name"));
    CG_ASSIGN(app.destination.ns, d.String("namespace"));
    app.destination_json = *dest;
  }
  CG_TRY(ParseSources(sf, app));
  CG_ASSIGN_OR_RETURN(const Json* policy, sf.Object("syncPolicy"));
  if (policy != nullptr) CG_ASSIGN(app.sync_policy, ParseSyncPolicy(*policy));
  CG_ASSIGN_OR_RETURN(const Json* ignore, sf.List("ignoreDifferences"));
  if (ignore != nullptr) app.ignore_differences = *ignore;
  CG_ASSIGN_OR_RETURN(const Json* info, sf.List("info"));
  if (info != nullptr) {
    for (std::size_t i = 0; i < info->size(); ++i) {
      const std::string at = sf.Item("info", i);
      if (!(*info)[i].is_object()) return FieldError(at, "must be a map");
      Fields f((*info)[i], at);
      Info item;
      CG_ASSIGN(item.name, f.String("name"));
      CG_ASSIGN(item.value, f.String("value"));
      app.info.push_back(std::move(item));
    }
  }
  CG_ASSIGN_OR_RETURN(std::optional<std::int64_t> limit, sf.Int("revisionHistoryLimit"));
  const std::int64_t history = limit.value_or(kDefaultRevisionHistoryLimit);
  app.revision_history_limit = static_cast<int>(std::clamp<std::int64_t>(history, 0, 1 << 20));
  return Ok();
}

// "Application <namespace>/<name>", or "Application <name>" without a namespace.
std::string Where(const Application& app) {
  return "Application " + (app.ns.empty() ? app.name : app.Key());
}

// A repository-relative path cleaned as Go's path.Clean cleans a rooted one, without the
// leading '/': ".." never climbs above the root; the root itself is ".".
std::string CleanPath(std::string_view p) {
  std::string c = GoPathClean("/" + std::string(p));
  return c == "/" ? "." : c.substr(1);
}

}  // namespace

std::string SyncPolicy::Option(std::string_view key) const {
  for (const auto& o : sync_options) {
    auto eq = o.find('=');
    if (eq != std::string::npos && std::string_view(o).substr(0, eq) == key) {
      return o.substr(eq + 1);
    }
  }
  return "";
}

std::string InstanceName(std::string_view app_namespace, std::string_view name,
                         std::string_view control_plane_namespace) {
  if (app_namespace.empty() || app_namespace == control_plane_namespace) return std::string(name);
  return std::string(app_namespace) + "_" + std::string(name);
}

std::string Application::InstanceName(std::string_view control_plane_namespace) const {
  return argo::InstanceName(ns, name, control_plane_namespace);
}

std::string Application::TargetRevision() const {
  return source.target_revision.empty() ? "HEAD" : source.target_revision;
}

Result<Application> ParseApplication(const Json& manifest) {
  if (!manifest.is_object()) return FieldError("Application", "manifest is not a map");
  Fields top(manifest, "");
  std::string api_version, kind;
  CG_ASSIGN(api_version, top.String("apiVersion"));
  CG_ASSIGN(kind, top.String("kind"));
  if (api_version != "argoproj.io/v1alpha1" || kind != "Application") {
    return MakeError(ErrorCode::kInvalidArgument,
                     "expected apiVersion argoproj.io/v1alpha1 and kind Application, got " +
                         (api_version.empty() ? std::string("(none)") : api_version) + " " +
                         (kind.empty() ? std::string("(none)") : kind));
  }
  Application app;
  CG_ASSIGN_OR_RETURN(const Json* meta, top.Object("metadata"));
  if (Status st = ParseMetadata(meta, app); !st) {
    return std::unexpected(app.name.empty() ? st.error() : st.error().Wrap(Where(app)));
  }
  const std::string where = Where(app);
  CG_ASSIGN_OR_RETURN(const Json* spec, top.Object("spec"));
  if (spec == nullptr) return FieldError("spec", "is required");
  CG_TRY_WRAP(ParseSpec(*spec, app), where);
  if (const Json* op = top.Find("operation")) {
    CG_ASSIGN(app.operation, WithContext(ParseOperation(*op), where));
  }
  CG_ASSIGN_OR_RETURN(const Json* status, top.Object("status"));
  if (status != nullptr) {
    Fields s(*status, "status");
    CG_ASSIGN_OR_RETURN(const Json* state, s.Object("operationState"));
    if (state != nullptr) {
      CG_ASSIGN(app.operation_phase, Fields(*state, "status.operationState").String("phase"));
    }
  }
  return app;
}

std::vector<std::string> ResolvedManifestGeneratePaths(const Application& app) {
  std::vector<std::string> out;
  for (const auto& p : app.manifest_generate_paths) {
    out.push_back(p.starts_with('/') ? CleanPath(p) : CleanPath(app.source.path + "/" + p));
  }
  return out;
}

}  // namespace cellgate::argo

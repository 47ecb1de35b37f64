#include "appset_controller/change_detection.h"

#include <functional>

#include "git/url.h"

namespace cellgate::appset_controller {
namespace {

const Json kNull;

const Json& Field(const Json& j, std::string_view key) {
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

// Key order means nothing to the API server: hash the canonical (sorted) form.
std::uint64_t Fingerprint(const Json& parts) {
  return std::hash<std::string>{}(nlohmann::json::parse(parts.dump()).dump());
}

void AddRepo(const Json& url, std::set<std::string>& out) {
  if (!url.is_string()) return;
  const auto& s = url.get_ref<const std::string&>();
  if (s.empty() || s.find("{{") != std::string::npos) return;
  out.insert(git::NormaliseRepoUrl(s));
}

void AddTemplateRepos(const Json& tmpl, std::set<std::string>& out) {
  const Json& spec = Field(tmpl, "spec");
  AddRepo(Field(Field(spec, "source"), "repoURL"), out);
  const Json& sources = Field(spec, "sources");
  if (sources.is_array()) {
    for (const auto& s : sources) AddRepo(Field(s, "repoURL"), out);
  }
}

// Walks generator entries (and matrix / merge children) calling `visit(type, body)`.
void VisitGenerators(const Json& generators, int depth,
                     const std::function<void(std::string_view, const Json&)>& visit) {
  if (!generators.is_array() || depth > 3) return;
  for (const auto& g : generators) {
    if (!g.is_object()) continue;
    for (const auto& [type, body] : g.items()) {
      if (type == "selector") continue;
      visit(type, body);
      if (type == "matrix" || type == "merge") {
        VisitGenerators(Field(body, "generators"), depth + 1, visit);
      }
    }
  }
}

}  // namespace

std::string AppSetKey(std::string_view ns, std::string_view name) {
  return std::string(ns) + "/" + std::string(name);
}

std::string AppSetKeyOf(const Object& appset) {
  return AppSetKey(appset.Namespace(), appset.Name());
}

std::pair<std::string, std::string> SplitAppSetKey(std::string_view key) {
  auto slash = key.find('/');
  if (slash == std::string_view::npos) return {"", std::string(key)};
  return {std::string(key.substr(0, slash)), std::string(key.substr(slash + 1))};
}

std::string OwnerKey(const Object& app) {
  const Json& refs = Field(Field(app.body(), "metadata"), "ownerReferences");
  if (!refs.is_array()) return "";
  for (const auto& r : refs) {
    if (!r.is_object() || !r.value("controller", false)) continue;
    if (r.value("kind", "") != "ApplicationSet" ||
        r.value("apiVersion", "") != "argoproj.io/v1alpha1") {
      return "";
    }
    std::string name = r.value("name", "");
    return name.empty() ? "" : AppSetKey(app.Namespace(), name);
  }
  return "";
}

std::uint64_t AppSetSpecFingerprint(const Json& appset) {
  const Json& meta = Field(appset, "metadata");
  Json annotations = Field(meta, "annotations");
  if (annotations.is_object()) annotations.erase(std::string(kRefreshAnnotation));
  return Fingerprint(Json::array({Field(appset, "spec"), Field(meta, "labels"), annotations,
                                  Field(meta, "finalizers"), Field(meta, "deletionTimestamp")}));
}

std::uint64_t AppSpecFingerprint(const Json& app) {
  const Json& meta = Field(app, "metadata");
  return Fingerprint(Json::array({Field(app, "spec"), Field(meta, "labels"),
                                  Field(meta, "annotations"), Field(meta, "finalizers")}));
}

std::uint64_t AppStatusFingerprint(const Json& app) {
  const Json& status = Field(app, "status");
  return Fingerprint(
      Json::array({Field(Field(status, "sync"), "status"), Field(status, "health")}));
}

bool RefreshRequested(const Json& appset) {
  const Json& annotations = Field(Field(appset, "metadata"), "annotations");
  return annotations.is_object() && annotations.contains(std::string(kRefreshAnnotation));
}

bool BeingDeleted(const Json& object) {
  const Json& ts = Field(Field(object, "metadata"), "deletionTimestamp");
  return ts.is_string() && !ts.get_ref<const std::string&>().empty();
}

bool UsesClustersGenerator(const Json& generators) {
  bool found = false;
  VisitGenerators(generators, 0,
                  [&](std::string_view type, const Json&) { found = found || type == "clusters"; });
  return found;
}

std::set<std::string> LiteralRepos(const Json& appset_spec) {
  std::set<std::string> out;
  AddTemplateRepos(Field(appset_spec, "template"), out);
  VisitGenerators(Field(appset_spec, "generators"), 0,
                  [&](std::string_view type, const Json& body) {
                    if (type == "git") AddRepo(Field(body, "repoURL"), out);
                    AddTemplateRepos(Field(body, "template"), out);
                  });
  return out;
}

std::set<std::string> SourceRepos(const std::vector<Object>& apps) {
  std::set<std::string> out;
  for (const auto& app : apps) AddTemplateRepos(app.body(), out);
  return out;
}

}  // namespace cellgate::appset_controller

#include "argo/application_source.h"

#include <utility>

#include "argo/application_fields.h"

namespace cellgate::argo {
namespace {

using internal::FieldError;
using internal::Fields;

// extVars / tlas: a list of {name, value, code}.
Result<std::vector<JsonnetVar>> ParseJsonnetVars(const Fields& f, std::string_view key) {
  std::vector<JsonnetVar> out;
  const Json* list = f.Find(key);
  if (!list) return out;
  if (!list->is_array()) return FieldError(f.Path(key), "must be a list");
  for (std::size_t i = 0; i < list->size(); ++i) {
    std::string at = f.Path(key) + "[" + std::to_string(i) + "]";
    const Json& item = (*list)[i];
    if (!item.is_object()) return FieldError(at, "must be a map");
    Fields vf(item, at);
    JsonnetVar v;
    CG_ASSIGN(v.name, vf.String("name"));
    CG_ASSIGN(v.value, vf.String("value"));
    CG_ASSIGN(v.code, vf.Bool("code"));
    if (v.name.empty()) return FieldError(at + ".name", "is required");
    out.push_back(std::move(v));
  }
  return out;
}

Result<DirectoryOptions> ParseDirectory(const Json& j, const std::string& where) {
  Fields f(j, where);
  DirectoryOptions d;
  CG_ASSIGN(d.recurse, f.Bool("recurse"));
  CG_ASSIGN(d.include, f.String("include"));
  CG_ASSIGN(d.exclude, f.String("exclude"));
  const Json* jsonnet = nullptr;
  CG_ASSIGN(jsonnet, f.Object("jsonnet"));
  if (jsonnet) {
    Fields jf(*jsonnet, where + ".jsonnet");
    CG_ASSIGN(d.jsonnet.ext_vars, ParseJsonnetVars(jf, "extVars"));
    CG_ASSIGN(d.jsonnet.tlas, ParseJsonnetVars(jf, "tlas"));
    CG_ASSIGN(d.jsonnet.libs, jf.StringList("libs"));
  }
  return d;
}

Result<KustomizeOptions> ParseKustomize(const Json& j, const std::string& where) {
  Fields f(j, where);
  KustomizeOptions k;
  CG_ASSIGN(k.name_prefix, f.String("namePrefix"));
  CG_ASSIGN(k.name_suffix, f.String("nameSuffix"));
  CG_ASSIGN(k.images, f.StringList("images"));
  CG_ASSIGN(k.common_labels, f.StringMap("commonLabels"));
  CG_ASSIGN(k.common_annotations, f.StringMap("commonAnnotations"));
  CG_ASSIGN(k.version, f.String("version"));
  CG_ASSIGN(k.force_common_labels, f.Bool("forceCommonLabels"));
  CG_ASSIGN(k.force_common_annotations, f.Bool("forceCommonAnnotations"));
  CG_ASSIGN(k.ns, f.String("namespace"));
  CG_ASSIGN(k.common_annotations_envsubst, f.Bool("commonAnnotationsEnvsubst"));
  CG_ASSIGN(k.components, f.StringList("components"));
  CG_ASSIGN(k.ignore_missing_components, f.Bool("ignoreMissingComponents"));
  CG_ASSIGN(k.label_without_selector, f.Bool("labelWithoutSelector"));
  CG_ASSIGN(k.label_include_templates, f.Bool("labelIncludeTemplates"));
  CG_ASSIGN(k.kube_version, f.String("kubeVersion"));
  CG_ASSIGN(k.api_versions, f.StringList("apiVersions"));
  if (const Json* reps = f.Find("replicas")) {
    if (!reps->is_array()) return FieldError(f.Path("replicas"), "must be a list");
    for (std::size_t i = 0; i < reps->size(); ++i) {
      std::string at = f.Path("replicas") + "[" + std::to_string(i) + "]";
      const Json& r = (*reps)[i];
      if (!r.is_object()) return FieldError(at, "must be a map");
      Fields rf(r, at);
      KustomizeReplica rep;
      CG_ASSIGN(rep.name, rf.String("name"));
      const Json* count = rf.Find("count");
      // IntOrString: an integer, or a string holding one (KustomizeReplica.GetIntCount).
      if (count && count->is_number_integer()) {
        rep.count = count->get<int>();
      } else if (count && count->is_string()) {
        const std::string& s = count->get_ref<const std::string&>();
        std::size_t used = 0;
        int v = 0;
        try {
          v = std::stoi(s, &used);
        } catch (...) {
          used = 0;
        }
        if (s.empty() || used != s.size()) {
          return FieldError(rf.Path("count"), "expected integer value for count. Received: " + s);
        }
        rep.count = v;
      } else {
        return FieldError(rf.Path("count"), "must be an integer");
      }
      k.replicas.push_back(std::move(rep));
    }
  }
  if (const Json* patches = f.Find("patches")) {
    if (!patches->is_array()) return FieldError(f.Path("patches"), "must be a list");
    for (std::size_t i = 0; i < patches->size(); ++i) {
      if (!(*patches)[i].is_object()) {
        return FieldError(f.Path("patches") + "[" + std::to_string(i) + "]", "must be a map");
      }
    }
    k.patches = *patches;
  }
  return k;
}

Result<HelmOptions> ParseHelm(const Json& j, const std::string& where) {
  Fields f(j, where);
  HelmOptions h;
  CG_ASSIGN(h.value_files, f.StringList("valueFiles"));
  CG_ASSIGN(h.release_name, f.String("releaseName"));
  if (const Json* v = f.Find("values"); v && !v->is_string()) {
    return FieldError(f.Path("values"),
                      "must be a string holding YAML; use valuesObject for a map");
  }
  CG_ASSIGN(h.values, f.String("values"));
  CG_ASSIGN(h.version, f.String("version"));
  CG_ASSIGN(h.pass_credentials, f.Bool("passCredentials"));
  CG_ASSIGN(h.ignore_missing_value_files, f.Bool("ignoreMissingValueFiles"));
  CG_ASSIGN(h.skip_crds, f.Bool("skipCrds"));
  CG_ASSIGN(h.ns, f.String("namespace"));
  CG_ASSIGN(h.kube_version, f.String("kubeVersion"));
  CG_ASSIGN(h.api_versions, f.StringList("apiVersions"));
  CG_ASSIGN(h.skip_tests, f.Bool("skipTests"));
  CG_ASSIGN(h.skip_schema_validation, f.Bool("skipSchemaValidation"));
  if (const Json* vo = f.Find("valuesObject")) {
    if (!vo->is_object()) return FieldError(f.Path("valuesObject"), "must be a map");
    h.values_object = *vo;
  }
  auto list_of_maps = [&](std::string_view key, auto&& each) -> Status {
    const Json* v = f.Find(key);
    if (!v) return Ok();
    if (!v->is_array()) return FieldError(f.Path(key), "must be a list");
    for (std::size_t i = 0; i < v->size(); ++i) {
      std::string at = f.Path(key) + "[" + std::to_string(i) + "]";
      if (!(*v)[i].is_object()) return FieldError(at, "must be a map");
      if (auto st = each(Fields((*v)[i], at)); !st) return st;
    }
    return Ok();
  };
  auto st = list_of_maps("parameters", [&](const Fields& pf) -> Status {
    HelmParameter p;
    CG_ASSIGN(p.name, pf.String("name"));
    CG_ASSIGN(p.value, pf.String("value"));
    CG_ASSIGN(p.force_string, pf.Bool("forceString"));
    h.parameters.push_back(std::move(p));
    return Ok();
  });
  CG_TRY(st);
  st = list_of_maps("fileParameters", [&](const Fields& pf) -> Status {
    HelmFileParameter p;
    CG_ASSIGN(p.name, pf.String("name"));
    CG_ASSIGN(p.path, pf.String("path"));
    h.file_parameters.push_back(std::move(p));
    return Ok();
  });
  CG_TRY(st);
  return h;
}

}  // namespace

Result<ApplicationSource> ParseApplicationSource(const Json& source, std::string_view where) {
  std::string at(where);
  if (!source.is_object()) return FieldError(at, "must be a map");
  Fields f(source, at);
  ApplicationSource s;
  CG_ASSIGN(s.repo_url, f.String("repoURL"));
  CG_ASSIGN(s.path, f.String("path"));
  CG_ASSIGN(s.target_revision, f.String("targetRevision"));
  CG_ASSIGN(s.chart, f.String("chart"));
  CG_ASSIGN(s.ref, f.String("ref"));
  CG_ASSIGN(s.name, f.String("name"));
  const Json* block = nullptr;
  CG_ASSIGN(block, f.Object("directory"));
  if (block) CG_ASSIGN(s.directory, ParseDirectory(*block, f.Path("directory")));
  CG_ASSIGN(block, f.Object("kustomize"));
  if (block) CG_ASSIGN(s.kustomize, ParseKustomize(*block, f.Path("kustomize")));
  CG_ASSIGN(block, f.Object("helm"));
  if (block) CG_ASSIGN(s.helm, ParseHelm(*block, f.Path("helm")));
  CG_ASSIGN(block, f.Object("plugin"));
  s.has_plugin = block != nullptr;
  return s;
}

Json SourceOptionsJson(const ApplicationSource& s) {
  Json j = Json::object();
  j["chart"] = s.chart;
  j["plugin"] = s.has_plugin;
  if (s.directory) {
    const auto& d = *s.directory;
    auto vars = [](const std::vector<JsonnetVar>& vs) {
      Json out = Json::array();
      for (const auto& v : vs)
        out.push_back({{"name", v.name}, {"value", v.value}, {"code", v.code}});
      return out;
    };
    j["directory"] = {{"recurse", d.recurse},
                      {"include", d.include},
                      {"exclude", d.exclude},
                      {"jsonnet",
                       {{"extVars", vars(d.jsonnet.ext_vars)},
                        {"tlas", vars(d.jsonnet.tlas)},
                        {"libs", d.jsonnet.libs}}}};
  }
  if (s.kustomize) {
    const auto& k = *s.kustomize;
    Json reps = Json::array();
    for (const auto& r : k.replicas) reps.push_back({{"name", r.name}, {"count", r.count}});
    j["kustomize"] = {{"namePrefix", k.name_prefix},
                      {"nameSuffix", k.name_suffix},
                      {"images", k.images},
                      {"commonLabels", k.common_labels},
                      {"commonAnnotations", k.common_annotations},
                      {"version", k.version},
                      {"forceCommonLabels", k.force_common_labels},
                      {"forceCommonAnnotations", k.force_common_annotations},
                      {"namespace", k.ns},
                      {"commonAnnotationsEnvsubst", k.common_annotations_envsubst},
                      {"replicas", reps},
                      {"patches", k.patches},
                      {"components", k.components},
                      {"ignoreMissingComponents", k.ignore_missing_components},
                      {"labelWithoutSelector", k.label_without_selector},
                      {"labelIncludeTemplates", k.label_include_templates},
                      {"kubeVersion", k.kube_version},
                      {"apiVersions", k.api_versions}};
  }
  if (s.helm) {
    const auto& h = *s.helm;
    Json params = Json::array();
    for (const auto& p : h.parameters) {
      params.push_back({{"name", p.name}, {"value", p.value}, {"forceString", p.force_string}});
    }
    Json fparams = Json::array();
    for (const auto& p : h.file_parameters) fparams.push_back({{"name", p.name}, {"path", p.path}});
    j["helm"] = {{"valueFiles", h.value_files},
                 {"parameters", params},
                 {"releaseName", h.release_name},
                 {"values", h.values},
                 {"fileParameters", fparams},
                 {"version", h.version},
                 {"ignoreMissingValueFiles", h.ignore_missing_value_files},
                 {"skipCrds", h.skip_crds},
                 {"valuesObject", h.values_object.value_or(Json())},
                 {"namespace", h.ns},
                 {"kubeVersion", h.kube_version},
                 {"apiVersions", h.api_versions},
                 {"skipTests", h.skip_tests},
                 {"skipSchemaValidation", h.skip_schema_validation}};
  }
  return j;
}

}  // namespace cellgate::argo

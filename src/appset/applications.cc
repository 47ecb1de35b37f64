#include "appset/applications.h"

#include <fmt/format.h>

#include <map>
#include <unordered_map>

#include "core/yaml.h"
#include "template/fasttemplate.h"
#include "template/render_strings.h"

namespace cellgate::appset {
namespace {

bool IsZero(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null:
      return true;
    case Json::value_t::string:
      return v.get_ref<const std::string&>().empty();
    case Json::value_t::boolean:
      return !v.get<bool>();
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return v.get<double>() == 0;
    case Json::value_t::array:
    case Json::value_t::object:
      return v.empty();
    default:
      return false;
  }
}

// Renders strings with a per-call cache of parsed Go templates (the same template strings
// repeat for every parameter set).
class StringRenderer {
 public:
  explicit StringRenderer(const GeneratorEnv& env) : env_(env) {}

  Result<std::string> Render(const std::string& text, const Json& params, const tmpl::Value& data) {
    if (!env_.go_template) return tmpl::RenderFastTemplate(text, params);
    auto it = cache_.find(text);
    if (it == cache_.end()) {
      auto t = tmpl::Template::Parse(text);
      CG_TRY(t);
      it = cache_.emplace(text, std::move(*t)).first;
    }
    return it->second.Execute(data, env_.template_options);
  }

 private:
  const GeneratorEnv& env_;
  std::unordered_map<std::string, tmpl::Template> cache_;
};

Result<Json> RenderApplication(const Json& app_template, const Json& params,
                               const argo::ApplicationSet& appset, const GeneratorEnv& env,
                               StringRenderer& renderer) {
  const Json& tmeta = app_template.value("metadata", Json::object());
  Json app = {{"metadata", Json::object()}, {"spec", app_template.value("spec", Json::object())}};
  for (const char* k : {"name", "namespace", "labels", "annotations", "finalizers"}) {
    if (tmeta.is_object() && tmeta.contains(k) && !tmeta[k].is_null())
      app["metadata"][k] = tmeta[k];
  }
  if (!params.empty()) {
    tmpl::Value data = env.go_template ? tmpl::Value::FromJson(params) : tmpl::Value();
    auto rendered = tmpl::RenderJsonStrings(
        app, [&](const std::string& s) { return renderer.Render(s, params, data); });
    CG_TRY(rendered);
    app = std::move(*rendered);
    Json& fin = app["metadata"]["finalizers"];
    if (!appset.preserve_resources_on_deletion && (fin.is_null() || fin.empty())) {
      fin = Json::array({std::string(kResourcesFinalizer)});
    }
    if (appset.template_patch) {
      auto text = renderer.Render(*appset.template_patch, params, data);
      CG_TRY_WRAP(text, "templatePatch");
      auto docs = ParseYamlDocuments(*text, "templatePatch");
      CG_TRY(docs);
      Json patch = docs->empty() ? Json() : docs->front().value;
      if (!patch.is_null()) {
        if (!patch.is_object())
          return MakeError(ErrorCode::kInvalidArgument, "templatePatch must render to a map");
        Json project = app["spec"].value("project", Json());
        app = MergePatch(std::move(app), patch);
        // A patch may not move the Application to another project.
        if (!app["spec"].is_object()) app["spec"] = Json::object();
        if (project.is_null()) {
          app["spec"].erase("project");
        } else {
          app["spec"]["project"] = project;
        }
      }
    }
  }
  Json& meta = app["metadata"];
  if (!meta.contains("name") || !meta["name"].is_string() ||
      meta["name"].get<std::string>().empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "the rendered Application has no metadata.name");
  }
  if (!meta.contains("namespace") || meta["namespace"].is_null() ||
      (meta["namespace"].is_string() && meta["namespace"].get_ref<const std::string&>().empty())) {
    if (appset.ns.empty()) {
      meta.erase("namespace");
    } else {
      meta["namespace"] = appset.ns;
    }
  }
  for (const char* k : {"labels", "annotations", "finalizers"}) {
    if (meta.contains(k) && (meta[k].is_null() || meta[k].empty())) meta.erase(k);
  }
  if (!appset.uid.empty()) {
    meta["ownerReferences"] = Json::array({{{"apiVersion", "argoproj.io/v1alpha1"},
                                            {"kind", "ApplicationSet"},
                                            {"name", appset.name},
                                            {"uid", appset.uid},
                                            {"controller", true},
                                            {"blockOwnerDeletion", true}}});
  }
  Json out = {{"apiVersion", "argoproj.io/v1alpha1"},
              {"kind", "Application"},
              {"metadata", std::move(meta)}};
  out["spec"] = std::move(app["spec"]);
  return out;
}

}  // namespace

Json MergeTemplates(Json dst, const Json& src) {
  if (!dst.is_object() || !src.is_object()) return IsZero(dst) ? src : dst;
  for (const auto& [k, v] : src.items()) {
    auto it = dst.find(k);
    if (it == dst.end() || IsZero(*it)) {
      dst[k] = v;
    } else if (it->is_object() && v.is_object()) {
      *it = MergeTemplates(std::move(*it), v);
    }
  }
  return dst;
}

Json MergePatch(Json target, const Json& patch) {
  if (!patch.is_object()) return patch;
  if (!target.is_object()) target = Json::object();
  for (const auto& [k, v] : patch.items()) {
    if (v.is_null()) {
      target.erase(k);
    } else {
      target[k] = MergePatch(target.contains(k) ? std::move(target[k]) : Json(), v);
    }
  }
  return target;
}

Result<std::vector<Object>> GenerateApplications(const argo::ApplicationSet& appset,
                                                 const GeneratorInputs& inputs) {
  std::string who = "ApplicationSet " + appset.QualifiedName();
  auto opts = tmpl::ParseGoTemplateOptions(appset.go_template_options);
  CG_TRY_WRAP(opts, who);
  GeneratorEnv env{.go_template = appset.go_template, .template_options = *opts, .inputs = inputs};
  StringRenderer renderer(env);
  std::vector<Object> apps;
  std::map<std::string, std::string> seen;  // name -> "generator i element j"
  for (std::size_t i = 0; i < appset.generators.size(); ++i) {
    const Json& gen = appset.generators[i];
    auto type = GeneratorType(gen);
    std::string gwhere = who + ": generator " + std::to_string(i);
    CG_TRY_WRAP(type, gwhere);
    gwhere += " (" + *type + ")";
    auto params = GenerateParams(gen, env);
    CG_TRY_WRAP(params, gwhere);
    Json gen_template =
        gen[*type].is_object() ? gen[*type].value("template", Json::object()) : Json::object();
    Json app_template = MergeTemplates(gen_template, appset.app_template);
    for (std::size_t j = 0; j < params->size(); ++j) {
      std::string ewhere =
          gwhere + ": element " + std::to_string(j) + " " + ShortParams((*params)[j]);
      auto app = RenderApplication(app_template, (*params)[j], appset, env, renderer);
      CG_TRY_WRAP(app, ewhere);
      std::string name = (*app)["metadata"]["name"].get<std::string>();
      std::string here = "generator " + std::to_string(i) + " element " + std::to_string(j);
      auto [it, fresh] = seen.emplace(name, here);
      if (!fresh) {
        return MakeError(ErrorCode::kInvalidArgument,
                         fmt::format("{} contains applications with duplicate name: {} ({} and {})",
                                     who, name, it->second, here));
      }
      auto obj = Object::FromJson(std::move(*app), Origin{.file = fmt::format("{} {}", who, here)});
      CG_TRY_WRAP(obj, ewhere);
      apps.push_back(std::move(*obj));
    }
  }
  return apps;
}

}  // namespace cellgate::appset

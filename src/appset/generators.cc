#include "appset/generators.h"

#include <array>

#include "appset/label_selector.h"
#include "template/fasttemplate.h"
#include "template/render_strings.h"

namespace cellgate::appset {
namespace {

constexpr std::array<std::string_view, 5> kSupported = {"list", "clusters", "git", "matrix",
                                                        "merge"};
constexpr std::array<std::string_view, 6> kUnsupported = {
    "pullRequest", "scmProvider",          "clusterDecisionResource",
    "plugin",      "scmProviderGenerator", "clusterProfile"};

// keepOnlyStringValues: the labels a post-generation selector sees.
std::map<std::string, std::string> StringParams(const Json& params) {
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : params.items()) {
    if (v.is_string()) out[k] = v.get<std::string>();
  }
  return out;
}

}  // namespace

Result<std::string> GeneratorType(const Json& generator) {
  if (!generator.is_object())
    return MakeError(ErrorCode::kInvalidArgument, "generator must be an object");
  std::vector<std::string> found;
  for (const auto& [k, v] : generator.items()) {
    if (k == "selector" || v.is_null()) continue;
    for (auto u : kUnsupported) {
      if (k == u) {
        return MakeError(
            ErrorCode::kInvalidArgument,
            "the " + k +
                " generator is not supported (supported: list, clusters, git, matrix, merge)");
      }
    }
    bool known = false;
    for (auto s : kSupported) known = known || k == s;
    if (!known) return MakeError(ErrorCode::kInvalidArgument, "unknown generator \"" + k + "\"");
    found.push_back(k);
  }
  if (found.empty())
    return MakeError(ErrorCode::kInvalidArgument,
                     "generator has no type (list, clusters, git, matrix or merge)");
  if (found.size() > 1) {
    return MakeError(ErrorCode::kInvalidArgument, "generator has more than one type (" + found[0] +
                                                      ", " + found[1] +
                                                      "); use one entry per generator");
  }
  return found[0];
}

Result<std::string> RenderString(const std::string& text, const Json& params,
                                 const GeneratorEnv& env) {
  if (env.go_template)
    return tmpl::RenderGoTemplate(text, tmpl::Value::FromJson(params), env.template_options);
  return tmpl::RenderFastTemplate(text, params);
}

Status AppendTemplatedValues(const Json& values, Json& params, const GeneratorEnv& env) {
  if (values.is_null()) return Ok();
  if (!values.is_object())
    return MakeError(ErrorCode::kInvalidArgument, "values must be a map of strings");
  Json rendered = Json::object();
  for (const auto& [k, v] : values.items()) {
    if (!v.is_string())
      return MakeError(ErrorCode::kInvalidArgument, "values." + k + " must be a string");
    auto r = RenderString(v.get<std::string>(), params, env);
    CG_TRY_WRAP(r, "values." + k);
    rendered[k] = std::move(*r);
  }
  // Computed from the parameters as they were, then merged: values cannot see each other.
  if (env.go_template) {
    params["values"] = std::move(rendered);
  } else {
    for (auto& [k, v] : rendered.items()) params["values." + k] = std::move(v);
  }
  return Ok();
}

std::string ShortParams(const Json& params) {
  std::string out = "{";
  for (const auto& [k, v] : params.items()) {
    if (out.size() > 1) out += ", ";
    out += k + ": " + (v.is_string() ? v.get<std::string>() : v.dump());
    if (out.size() > 120) {
      out = out.substr(0, 117) + "...";
      break;
    }
  }
  return out + "}";
}

Result<std::vector<Json>> GenerateParams(const Json& generator, const GeneratorEnv& env, int depth,
                                         const Json* interpolate) {
  auto type = GeneratorType(generator);
  CG_TRY(type);
  Json gen = generator;
  if (interpolate != nullptr && interpolate->is_object() && !interpolate->empty()) {
    auto rendered = tmpl::RenderJsonStrings(
        generator, [&](const std::string& s) { return RenderString(s, *interpolate, env); });
    if (!rendered) {
      return std::unexpected(
          rendered.error().Wrap("interpolating with " + ShortParams(*interpolate)));
    }
    gen = std::move(*rendered);
  }
  const Json& spec = gen[*type];
  if (!spec.is_object())
    return MakeError(ErrorCode::kInvalidArgument, *type + " must be an object");
  Result<std::vector<Json>> params;
  if (*type == "list") {
    params = GenerateList(spec, env);
  } else if (*type == "clusters") {
    params = GenerateClusters(spec, env);
  } else if (*type == "git") {
    params = GenerateGit(spec, env);
  } else if (*type == "matrix") {
    params = GenerateMatrix(spec, env, depth);
  } else {
    params = GenerateMerge(spec, env, depth);
  }
  if (!params) return params;
  if (params->size() > env.inputs.max_param_sets) {
    return MakeError(ErrorCode::kResourceExhausted, *type + " generator produced " +
                                                        std::to_string(params->size()) +
                                                        " parameter sets, over the limit of " +
                                                        std::to_string(env.inputs.max_param_sets));
  }
  // The selector as written (not interpolated), over the string parameters.
  if (auto it = generator.find("selector"); it != generator.end() && !it->is_null()) {
    auto sel = LabelSelector::Parse(*it, /*validate_values=*/false);
    CG_TRY_WRAP(sel, "selector");
    std::vector<Json> kept;
    for (auto& p : *params) {
      if (sel->Matches(StringParams(p))) kept.push_back(std::move(p));
    }
    return kept;
  }
  return params;
}

}  // namespace cellgate::appset

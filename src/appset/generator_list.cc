// The list generator: `elements` (and `elementsYaml`, a YAML list of maps), one parameter
// set per element. Without goTemplate every value must be a string, except `values`, a map
// of strings that becomes values.<key>; with goTemplate elements are used as written.
#include <fmt/format.h>

#include "appset/generators.h"
#include "core/yaml.h"

namespace cellgate::appset {

Result<std::vector<Json>> GenerateList(const Json& spec, const GeneratorEnv& env) {
  std::vector<Json> out;
  const Json& elements = spec.value("elements", Json::array());
  if (!elements.is_array())
    return MakeError(ErrorCode::kInvalidArgument, "list.elements must be a list");
  for (std::size_t i = 0; i < elements.size(); ++i) {
    const Json& e = elements[i];
    std::string where = "list.elements[" + std::to_string(i) + "]";
    if (!e.is_object()) return MakeError(ErrorCode::kInvalidArgument, where + " must be a map");
    if (env.go_template) {
      out.push_back(e);
      continue;
    }
    Json params = Json::object();
    for (const auto& [k, v] : e.items()) {
      if (k == "values") {
        if (!v.is_object())
          return MakeError(ErrorCode::kInvalidArgument, where + ".values must be a map of strings");
        for (const auto& [vk, vv] : v.items()) {
          if (!vv.is_string()) {
            return MakeError(
                ErrorCode::kInvalidArgument,
                fmt::format(
                    "{}.values.{} must be a string (without goTemplate every parameter is a "
                    "string)",
                    where, vk));
          }
          params["values." + vk] = vv;
        }
        continue;
      }
      if (!v.is_string()) {
        return MakeError(ErrorCode::kInvalidArgument,
                         fmt::format("{}.{} must be a string (without goTemplate every parameter "
                                     "is a string; quote it or set goTemplate: true)",
                                     where, k));
      }
      params[k] = v;
    }
    out.push_back(std::move(params));
  }
  if (auto it = spec.find("elementsYaml"); it != spec.end() && !it->is_null()) {
    if (!it->is_string())
      return MakeError(ErrorCode::kInvalidArgument, "list.elementsYaml must be a string");
    auto docs = ParseYamlDocuments(it->get<std::string>(), "list.elementsYaml");
    CG_TRY(docs);
    if (!docs->empty() && !docs->front().value.is_null()) {
      const Json& list = docs->front().value;
      if (!list.is_array())
        return MakeError(ErrorCode::kInvalidArgument,
                         "list.elementsYaml must hold a YAML list of maps");
      for (const auto& e : list) {
        if (!e.is_object())
          return MakeError(ErrorCode::kInvalidArgument,
                           "list.elementsYaml must hold a YAML list of maps");
        out.push_back(e);
      }
    }
  }
  return out;
}

}  // namespace cellgate::appset

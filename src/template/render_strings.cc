#include "template/render_strings.h"

namespace cellgate::tmpl {
namespace {

Result<std::string> RenderOne(const std::string& s, const StringRenderer& render) {
  if (s.find("{{") == std::string::npos) return s;
  return render(s);
}

Result<Json> Walk(const Json& node, const StringRenderer& render, const std::string& path) {
  switch (node.type()) {
    case Json::value_t::string: {
      auto r = RenderOne(node.get_ref<const std::string&>(), render);
      CG_TRY_WRAP(r, path.empty() ? "(root)" : path);
      return Json(std::move(*r));
    }
    case Json::value_t::array: {
      Json out = Json::array();
      for (std::size_t i = 0; i < node.size(); ++i) {
        auto r = Walk(node[i], render, path + "[" + std::to_string(i) + "]");
        if (!r) return r;
        out.push_back(std::move(*r));
      }
      return out;
    }
    case Json::value_t::object: {
      Json out = Json::object();
      for (const auto& [k, v] : node.items()) {
        std::string child = path;
        if (!child.empty()) child += '.';
        child += k;
        auto key = RenderOne(k, render);
        CG_TRY_WRAP(key, child + " (key)");
        auto r = Walk(v, render, child);
        if (!r) return r;
        out[*key] = std::move(*r);
      }
      return out;
    }
    default:
      return node;
  }
}

}  // namespace

Result<Json> RenderJsonStrings(const Json& tree, const StringRenderer& render) {
  return Walk(tree, render, "");
}

}  // namespace cellgate::tmpl

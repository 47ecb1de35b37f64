// Argo CD's additions to the Sprig map: normalize, slugify, toYaml, fromYaml, fromYamlArray;
// and the function table itself.
#include <algorithm>
#include <mutex>
#include <string>

#include "core/yaml.h"
#include "template/dns_names.h"
#include "template/functions.h"

namespace cellgate::tmpl {
namespace {

using P = ParamType;
using A = std::vector<Value>;

// toYaml as Argo CD's (sigs.k8s.io/yaml: keys sorted, trailing newline trimmed).
Json SortedJson(const Value& v) {
  if (v.kind() == Value::Kind::kMap) {
    Json o = Json::object();
    for (const auto& [k, e] : v.map()) o[k] = SortedJson(e);  // std::map iterates sorted
    return o;
  }
  if (v.kind() == Value::Kind::kList) {
    Json a = Json::array();
    for (const auto& e : v.list()) a.push_back(SortedJson(e));
    return a;
  }
  return v.ToJson();
}

Result<Value> FromYaml(const std::string& text, bool want_list) {
  auto docs = ParseYamlDocuments(text, "fromYaml");
  if (!docs) return Value::MakeMap({{"Error", Value::String(docs.error().message())}});
  Json j = docs->empty() ? Json() : docs->front().value;
  if (want_list) {
    if (!j.is_array()) {
      return Value::MakeList(
          {Value::String("error unmarshaling JSON: cannot unmarshal into []interface {}")});
    }
  } else if (!j.is_object() && !j.is_null()) {
    return Value::MakeMap(
        {{"Error", Value::String(
                       "error unmarshaling JSON: cannot unmarshal into map[string]interface {}")}});
  }
  return Value::FromJson(j.is_null() ? (want_list ? Json::array() : Json::object()) : j);
}

}  // namespace

void AddArgoFunctions(FunctionTable& t) {
  t.emplace_back("normalize",
                 Function{{P::kString}, false, [](A& a) {
                            return Done(Value::String(SanitizeName(a[0].string_value())));
                          }});
  // slugify [maxSize int] [smartTruncate bool] name
  t.emplace_back("slugify",
                 Function{{P::kAny}, true, [](A& a) -> Result<Value> {
                            int max_size = 50;
                            bool smart = true;
                            std::string name;
                            for (std::size_t i = 0; i < a.size(); ++i) {
                              if (i + 1 == a.size()) {
                                if (a[i].kind() != Value::Kind::kString)
                                  return FuncError("slugify: name must be a string");
                                name = a[i].string_value();
                              } else if (i == 0) {
                                if (a[i].kind() != Value::Kind::kInt)
                                  return FuncError("slugify: maxSize must be an int");
                                max_size = static_cast<int>(a[i].int_value());
                              } else if (i == 1) {
                                if (a[i].kind() != Value::Kind::kBool)
                                  return FuncError("slugify: smartTruncate must be a bool");
                                smart = a[i].bool_value();
                              } else {
                                return FuncError("Bad 'slugify' arguments.");
                              }
                            }
                            return Value::String(Slugify(name, max_size, smart));
                          }});
  t.emplace_back("toYaml", Function{{P::kAny}, false, [](A& a) {
                                      if (a[0].is_nil_like()) return Done(Value::String("null"));
                                      std::string y = ToYaml(SortedJson(a[0]));
                                      while (!y.empty() && y.back() == '\n') y.pop_back();
                                      return Done(Value::String(y));
                                    }});
  t.emplace_back("fromYaml", Function{{P::kString}, false, [](A& a) {
                                        return FromYaml(a[0].string_value(), false);
                                      }});
  t.emplace_back("fromYamlArray", Function{{P::kString}, false, [](A& a) {
                                             return FromYaml(a[0].string_value(), true);
                                           }});
}

const Function* FindFunction(std::string_view name) {
  static const FunctionTable* table = [] {
    auto* t = new FunctionTable();
    AddBuiltinFunctions(*t);
    AddSprigStringFunctions(*t);
    AddSprigDataFunctions(*t);
    AddArgoFunctions(*t);
    std::sort(t->begin(), t->end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    return t;
  }();
  auto it = std::lower_bound(table->begin(), table->end(), name,
                             [](const auto& e, std::string_view n) { return e.first < n; });
  if (it == table->end() || it->first != name) return nullptr;
  return &it->second;
}

}  // namespace cellgate::tmpl

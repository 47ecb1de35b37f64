// matrix and merge: generators over other generators.
//
// matrix: exactly two children. For each parameter set A of the first, the second child is
// rendered with A (so its fields may use A's parameters) and run; every result B is combined
// with A. With goTemplate, A is deep-merged over B (A wins, nested maps merge); without, the
// flat maps are joined and a key present in both with different values is an error, as in
// Argo CD.
//
// merge: two or more children and at least one mergeKey. The first child's parameter sets
// are the base; each later child's set whose mergeKey values equal a base set's overrides
// that base set (deep merge with goTemplate, key replacement without). Sets of a later child
// with no matching base are dropped; two sets of one child with equal keys are an error. The
// result keeps the base order (Argo CD's order is a Go map's, i.e. random).
//
// Children may be a matrix or merge themselves, one level deep.
#include <fmt/format.h>

#include "appset/generators.h"
#include "template/go_format.h"
#include "template/value.h"

namespace cellgate::appset {
namespace {

void DeepMergeOverride(Json& dst, const Json& src) {
  for (const auto& [k, v] : src.items()) {
    if (v.is_null()) continue;
    auto it = dst.find(k);
    if (it != dst.end() && it->is_object() && v.is_object()) {
      DeepMergeOverride(*it, v);
    } else {
      dst[k] = v;
    }
  }
}

std::string AsGoString(const Json& v) {
  return v.is_string() ? v.get<std::string>() : tmpl::FormatGoValue(tmpl::Value::FromJson(v));
}

Result<std::vector<Json>> Child(const Json& children, std::size_t i, const GeneratorEnv& env,
                                int depth, const Json* interpolate, const char* kind) {
  const Json& child = children[i];
  auto type = GeneratorType(child);
  std::string where = std::string(kind) + " child " + std::to_string(i);
  CG_TRY_WRAP(type, where);
  if ((*type == "matrix" || *type == "merge") && depth >= 1) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        where + " (" + *type + "): matrix and merge generators nest only one level deep");
  }
  auto r = GenerateParams(child, env, depth + 1, interpolate);
  CG_TRY_WRAP(r, where + " (" + *type + ")");
  return r;
}

// The merge key of a parameter set: JSON of {key: value or null}, keys sorted.
std::string MergeKey(const std::vector<std::string>& keys, const Json& params) {
  tmpl::Value::Map m;
  for (const auto& k : keys) {
    auto it = params.find(k);
    m[k] = it == params.end() ? tmpl::Value::Nil() : tmpl::Value::FromJson(*it);
  }
  return tmpl::GoJson(tmpl::Value::MakeMap(std::move(m)), false);
}

}  // namespace

Result<std::vector<Json>> GenerateMatrix(const Json& spec, const GeneratorEnv& env, int depth) {
  const Json& children = spec.value("generators", Json::array());
  if (!children.is_array() || children.size() < 2) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "found less than two generators, Matrix support only two");
  }
  if (children.size() > 2)
    return MakeError(ErrorCode::kInvalidArgument,
                     "found more than two generators, Matrix support only two");
  auto first = Child(children, 0, env, depth, nullptr, "matrix");
  if (!first) return first;
  std::vector<Json> out;
  for (std::size_t ai = 0; ai < first->size(); ++ai) {
    const Json& a = (*first)[ai];
    auto second = Child(children, 1, env, depth, &a, "matrix");
    if (!second) return second;
    for (const auto& b : *second) {
      Json combined;
      if (env.go_template) {
        combined = b;
        DeepMergeOverride(combined, a);
      } else {
        combined = Json::object();
        for (const auto& [k, v] : a.items()) combined[k] = AsGoString(v);
        for (const auto& [k, v] : b.items()) {
          std::string bv = AsGoString(v);
          auto it = combined.find(k);
          if (it != combined.end() && it->get<std::string>() != bv) {
            return MakeError(
                ErrorCode::kInvalidArgument,
                fmt::format("found duplicate key {} with different value, a: {} ,b: {}", k,
                            it->get<std::string>(), bv));
          }
          combined[k] = bv;
        }
      }
      out.push_back(std::move(combined));
      if (out.size() > env.inputs.max_param_sets) {
        return MakeError(ErrorCode::kResourceExhausted,
                         "matrix generator produced more than " +
                             std::to_string(env.inputs.max_param_sets) + " parameter sets");
      }
    }
  }
  return out;
}

Result<std::vector<Json>> GenerateMerge(const Json& spec, const GeneratorEnv& env, int depth) {
  const Json& children = spec.value("generators", Json::array());
  if (!children.is_array() || children.size() < 2) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "found less than two generators, Merge requires two or more");
  }
  std::vector<std::string> keys;
  for (const auto& k : spec.value("mergeKeys", Json::array())) {
    if (!k.is_string())
      return MakeError(ErrorCode::kInvalidArgument, "merge.mergeKeys must be strings");
    keys.push_back(k.get<std::string>());
  }
  if (keys.empty())
    return MakeError(ErrorCode::kInvalidArgument,
                     "no merge keys were specified, Merge requires at least one");
  std::vector<Json> base;
  std::map<std::string, std::size_t> base_index;
  for (std::size_t i = 0; i < children.size(); ++i) {
    auto sets = Child(children, i, env, depth, nullptr, "merge");
    if (!sets) return sets;
    std::map<std::string, const Json*> by_key;
    for (const auto& p : *sets) {
      std::string key = MergeKey(keys, p);
      if (!by_key.emplace(key, &p).second) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "merge child " + std::to_string(i) +
                             ": the parameters from a generator were not unique by the given "
                             "mergeKeys, Merge requires "
                             "all param sets to be unique. Duplicate key was " +
                             key);
      }
    }
    if (i == 0) {
      for (const auto& p : *sets) {
        base_index[MergeKey(keys, p)] = base.size();
        base.push_back(p);
      }
      continue;
    }
    for (const auto& [key, p] : by_key) {
      auto it = base_index.find(key);
      if (it == base_index.end()) continue;
      Json& target = base[it->second];
      if (env.go_template) {
        DeepMergeOverride(target, *p);
      } else {
        for (const auto& [k, v] : p->items()) target[k] = AsGoString(v);
      }
    }
  }
  return base;
}

}  // namespace cellgate::appset

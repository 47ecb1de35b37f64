#include "argo/application_fields.h"

#include <limits>
#include <utility>

namespace cellgate::argo::internal {

std::unexpected<Error> FieldError(std::string_view path, std::string_view what) {
  return MakeError(ErrorCode::kInvalidArgument, std::string(path) + ": " + std::string(what));
}

std::string TypeName(const Json& v) {
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number()) return "a number";
  if (v.is_array()) return "a list";
  if (v.is_object()) return "a map";
  return "null";
}

std::string Fields::Path(std::string_view key) const {
  return where_.empty() ? std::string(key) : where_ + "." + std::string(key);
}

std::string Fields::Item(std::string_view key, std::size_t index) const {
  return Path(key) + "[" + std::to_string(index) + "]";
}

const Json* Fields::Find(std::string_view key) const {
  if (!obj_.is_object()) return nullptr;
  auto it = obj_.find(key);
  if (it == obj_.end() || it->is_null()) return nullptr;
  return &*it;
}

Result<std::string> Fields::String(std::string_view key) const {
  const Json* v = Find(key);
  if (v == nullptr) return std::string();
  if (!v->is_string()) return FieldError(Path(key), "must be a string, got " + TypeName(*v));
  return v->get<std::string>();
}

Result<std::optional<bool>> Fields::OptionalBool(std::string_view key) const {
  const Json* v = Find(key);
  if (v == nullptr) return std::optional<bool>();
  if (!v->is_boolean()) return FieldError(Path(key), "must be a boolean, got " + TypeName(*v));
  return std::optional<bool>(v->get<bool>());
}

Result<bool> Fields::Bool(std::string_view key, bool absent) const {
  CG_ASSIGN_OR_RETURN(std::optional<bool> v, OptionalBool(key));
  return v.value_or(absent);
}

Result<std::optional<std::int64_t>> Fields::Int(std::string_view key) const {
  const Json* v = Find(key);
  if (v == nullptr) return std::optional<std::int64_t>();
  if (v->is_number_unsigned()) {
    if (v->get<std::uint64_t>() >
        static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return FieldError(Path(key), "is out of range for a 64-bit integer");
    }
    return std::optional<std::int64_t>(static_cast<std::int64_t>(v->get<std::uint64_t>()));
  }
  if (!v->is_number_integer()) {
    return FieldError(Path(key), "must be an integer, got " +
                                     (v->is_number() ? std::string("a fraction") : TypeName(*v)));
  }
  return std::optional<std::int64_t>(v->get<std::int64_t>());
}

Result<std::vector<std::string>> Fields::StringList(std::string_view key) const {
  std::vector<std::string> out;
  const Json* v = nullptr;
  CG_ASSIGN(v, List(key));
  if (v == nullptr) return out;
  for (std::size_t i = 0; i < v->size(); ++i) {
    const Json& item = (*v)[i];
    if (!item.is_string())
      return FieldError(Item(key, i), "must be a string, got " + TypeName(item));
    out.push_back(item.get<std::string>());
  }
  return out;
}

Result<std::map<std::string, std::string>> Fields::StringMap(std::string_view key) const {
  std::map<std::string, std::string> out;
  const Json* v = nullptr;
  CG_ASSIGN(v, Object(key));
  if (v == nullptr) return out;
  for (auto it = v->begin(); it != v->end(); ++it) {
    if (!it.value().is_string()) {
      return FieldError(Path(key) + "." + it.key(),
                        "must be a string (quote it), got " + TypeName(it.value()));
    }
    out[it.key()] = it.value().get<std::string>();
  }
  return out;
}

Result<const Json*> Fields::Object(std::string_view key) const {
  const Json* v = Find(key);
  if (v != nullptr && !v->is_object()) {
    return FieldError(Path(key), "must be a map, got " + TypeName(*v));
  }
  return v;
}

Result<const Json*> Fields::List(std::string_view key) const {
  const Json* v = Find(key);
  if (v != nullptr && !v->is_array()) {
    return FieldError(Path(key), "must be a list, got " + TypeName(*v));
  }
  return v;
}

}  // namespace cellgate::argo::internal

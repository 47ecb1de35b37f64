#include "core/object.h"

#include <string>

namespace cellgate {

std::string ObjectKey::ToString() const {
  std::string s;
  if (!group.empty()) {
    s += group;
    s += '/';
  }
  s += kind;
  s += ' ';
  if (!ns.empty()) {
    s += ns;
    s += '/';
  }
  s += name;
  return s;
}

std::string Origin::ToString() const {
  if (file.empty()) return {};
  if (line > 0) return file + ":" + std::to_string(line);
  if (document > 0) return file + " (document " + std::to_string(document + 1) + ")";
  return file;
}

std::pair<std::string, std::string> SplitApiVersion(std::string_view api_version) {
  auto slash = api_version.find('/');
  if (slash == std::string_view::npos) return {"", std::string(api_version)};
  return {std::string(api_version.substr(0, slash)), std::string(api_version.substr(slash + 1))};
}

std::string StringAt(const Json& j, std::initializer_list<std::string_view> path) {
  const Json* cur = &j;
  for (auto key : path) {
    if (!cur->is_object()) return {};
    auto it = cur->find(key);
    if (it == cur->end()) return {};
    cur = &*it;
  }
  return cur->is_string() ? cur->get<std::string>() : std::string();
}

void EraseManagedFields(Json& object) {
  if (!object.is_object()) return;
  if (auto meta = object.find("metadata"); meta != object.end() && meta->is_object()) {
    meta->erase("managedFields");
  }
}

Result<Object> Object::FromJson(Json body, Origin origin) {
  auto where = [&] {
    auto o = origin.ToString();
    return o.empty() ? std::string("manifest") : o;
  };
  if (!body.is_object()) {
    return MakeError(ErrorCode::kInvalidArgument, where() + ": manifest is not a mapping");
  }
  for (const char* field : {"apiVersion", "kind"}) {
    auto it = body.find(field);
    if (it == body.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       where() + ": manifest has no " + std::string(field));
    }
  }
  auto meta = body.find("metadata");
  if (meta == body.end() || !meta->is_object()) {
    return MakeError(ErrorCode::kInvalidArgument, where() + ": manifest has no metadata");
  }
  auto name = meta->find("name");
  bool has_generate_name = meta->contains("generateName");
  if ((name == meta->end() || !name->is_string() || name->get_ref<const std::string&>().empty()) &&
      !has_generate_name) {
    return MakeError(ErrorCode::kInvalidArgument, where() + ": manifest has no metadata.name");
  }
  return Object(std::move(body), std::move(origin));
}

std::string Object::ApiVersion() const { return StringAt(body_, {"apiVersion"}); }
std::string Object::Group() const { return SplitApiVersion(ApiVersion()).first; }
std::string Object::Version() const { return SplitApiVersion(ApiVersion()).second; }
std::string Object::Kind() const { return StringAt(body_, {"kind"}); }
std::string Object::Name() const { return StringAt(body_, {"metadata", "name"}); }
std::string Object::Namespace() const { return StringAt(body_, {"metadata", "namespace"}); }

ObjectKey Object::Key() const { return ObjectKey{Group(), Kind(), Namespace(), Name()}; }

std::string Object::Label(std::string_view key) const {
  return StringAt(body_, {"metadata", "labels", key});
}
std::string Object::Annotation(std::string_view key) const {
  return StringAt(body_, {"metadata", "annotations", key});
}

void Object::SetLabel(std::string_view key, std::string_view value) {
  body_["metadata"]["labels"][std::string(key)] = std::string(value);
}
void Object::SetAnnotation(std::string_view key, std::string_view value) {
  body_["metadata"]["annotations"][std::string(key)] = std::string(value);
}
void Object::SetNamespace(std::string_view ns) { body_["metadata"]["namespace"] = std::string(ns); }

}  // namespace cellgate

// The object model: an unstructured Kubernetes object, as the API server sees it.
//
// Json is nlohmann::ordered_json, chosen so that rendered manifests keep their key order
// (diffs and `cellgate render` output read like the user's YAML) and because it brings
// JSON Pointer, RFC 6902 diff and merge patch that sync needs. An Object is a Json body
// plus where it came from (file, document index, line) so every error can point at the
// user's source.
//
// ObjectKey identifies an object the way Argo CD does: group, kind, namespace, name
// (the version is not part of identity). Cluster-scoped objects have an empty namespace.
//
// Thread-safety: values; no shared state.
#pragma once

#include <compare>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace cellgate {

using Json = nlohmann::ordered_json;

struct ObjectKey {
  std::string group;
  std::string kind;
  std::string ns;
  std::string name;

  auto operator<=>(const ObjectKey&) const = default;
  bool operator==(const ObjectKey&) const = default;

  // "apps/Deployment default/api"; core group prints as "Deployment", cluster-scoped
  // objects print without a namespace: "Namespace shop".
  std::string ToString() const;
};

// Where an object was read from. file is relative to the source root ("apps/web/a.yaml");
// document is the 0-based index of the YAML document in that file; line is 1-based.
struct Origin {
  std::string file;
  int document = 0;
  int line = 0;

  // "apps/web/a.yaml:12" or "apps/web/a.yaml (document 2)"; empty when unknown.
  std::string ToString() const;
};

class Object {
 public:
  Object() = default;
  explicit Object(Json body, Origin origin = {})
      : body_(std::move(body)), origin_(std::move(origin)) {}

  // Validates the minimum every manifest needs: a JSON object with string apiVersion,
  // kind and metadata.name. The error names the origin.
  static Result<Object> FromJson(Json body, Origin origin = {});

  const Json& body() const { return body_; }
  Json& mutable_body() { return body_; }
  const Origin& origin() const { return origin_; }

  std::string ApiVersion() const;
  std::string Group() const;    // "" for the core group ("v1")
  std::string Version() const;  // "v1" from "apps/v1"
  std::string Kind() const;
  std::string Name() const;
  std::string Namespace() const;
  ObjectKey Key() const;

  // Metadata helpers; missing maps read as empty.
  std::string Label(std::string_view key) const;
  std::string Annotation(std::string_view key) const;
  void SetLabel(std::string_view key, std::string_view value);
  void SetAnnotation(std::string_view key, std::string_view value);
  void SetNamespace(std::string_view ns);

 private:
  Json body_;
  Origin origin_;
};

// Splits "apps/v1" into ("apps", "v1") and "v1" into ("", "v1").
std::pair<std::string, std::string> SplitApiVersion(std::string_view api_version);

// Reads a string field at a JSON pointer-like path of object keys; "" when missing or not a
// string. Used for the many optional fields of manifests.
std::string StringAt(const Json& j, std::initializer_list<std::string_view> path);

// Removes metadata.managedFields from an object's JSON; a no-op when it has none. For what
// cellgate keeps, sends in an apply or shows: the server's bookkeeping, often half the object.
void EraseManagedFields(Json& object);

}  // namespace cellgate

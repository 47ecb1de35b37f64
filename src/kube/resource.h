// Names of Kubernetes resource types and the REST paths that address them.
//
// A GroupVersionKind names a type as manifests do ("apps/v1" + "Deployment"); the API
// server addresses it by resource plural ("deployments") under /api/v1 (core group) or
// /apis/<group>/<version>. A ResourceMapping, produced by discovery (rest_mapper.h), holds
// what URL building needs: plural and whether the type is namespaced.
//
// Everything here is pure: values and functions over strings, no I/O.
//
// Thread-safety: values; no shared state.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/object.h"

namespace cellgate::kube {

struct GroupVersionKind {
  std::string group;  // "" for the core group
  std::string version;
  std::string kind;

  auto operator<=>(const GroupVersionKind&) const = default;
  bool operator==(const GroupVersionKind&) const = default;

  // The type of an object: from its apiVersion and kind.
  static GroupVersionKind Of(const Object& object);
  std::string ApiVersion() const;  // "apps/v1", or "v1" for the core group
  std::string ToString() const;    // "apps/v1 Deployment", "v1 ConfigMap"
};

struct ResourceMapping {
  GroupVersionKind gvk;
  std::string resource;  // plural: "deployments"
  bool namespaced = false;
  std::vector<std::string> verbs;  // "get", "list", "watch", "patch", ...

  bool Supports(std::string_view verb) const;
};

// "/api/v1" or "/apis/apps/v1".
std::string GroupVersionPath(std::string_view group, std::string_view version);

// The collection or object path for a mapping. For namespaced types with a non-empty `ns`
// the path is under /namespaces/<ns>/; an empty `ns` addresses all namespaces (list and
// watch only). For cluster-scoped types `ns` is ignored. An empty `name` gives the
// collection. Path segments are percent-escaped.
//   /apis/apps/v1/namespaces/default/deployments/api
//   /api/v1/namespaces/shop          (Namespace "shop", cluster-scoped)
std::string ResourcePath(const ResourceMapping& mapping, std::string_view ns,
                         std::string_view name = {});

// Percent-escapes everything except RFC 3986 unreserved characters.
std::string UrlEscape(std::string_view s);

// "?a=1&b=x%3Dy" from ordered pairs; pairs with an empty value are skipped; "" if none.
std::string QueryString(const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace cellgate::kube

#include "kube/resource.h"

#include <algorithm>

namespace cellgate::kube {

GroupVersionKind GroupVersionKind::Of(const Object& object) {
  auto [group, version] = SplitApiVersion(object.ApiVersion());
  return {std::move(group), std::move(version), object.Kind()};
}

std::string GroupVersionKind::ApiVersion() const {
  return group.empty() ? version : group + "/" + version;
}

std::string GroupVersionKind::ToString() const { return ApiVersion() + " " + kind; }

bool ResourceMapping::Supports(std::string_view verb) const {
  return std::find(verbs.begin(), verbs.end(), verb) != verbs.end();
}

std::string GroupVersionPath(std::string_view group, std::string_view version) {
  if (group.empty()) return "/api/" + UrlEscape(version);
  return "/apis/" + UrlEscape(group) + "/" + UrlEscape(version);
}

std::string ResourcePath(const ResourceMapping& mapping, std::string_view ns,
                         std::string_view name) {
  std::string path = GroupVersionPath(mapping.gvk.group, mapping.gvk.version);
  if (mapping.namespaced && !ns.empty()) {
    path += "/namespaces/";
    path += UrlEscape(ns);
  }
  path += '/';
  path += UrlEscape(mapping.resource);
  if (!name.empty()) {
    path += '/';
    path += UrlEscape(name);
  }
  return path;
}

std::string UrlEscape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string QueryString(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string q;
  for (const auto& [key, value] : params) {
    if (value.empty()) continue;
    q += q.empty() ? '?' : '&';
    q += UrlEscape(key);
    q += '=';
    q += UrlEscape(value);
  }
  return q;
}

}  // namespace cellgate::kube

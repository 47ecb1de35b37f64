#include "kube/rest_mapper.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

#include "core/mutex.h"
#include "kube/api_error.h"

namespace cellgate::kube {
namespace {

constexpr std::string_view kAggregatedAccept =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,"
    "application/json";

std::vector<std::string> Strings(const Json& j) {
  std::vector<std::string> out;
  if (!j.is_array()) return out;
  for (const auto& s : j) {
    if (s.is_string()) out.push_back(s.get<std::string>());
  }
  return out;
}

Result<HttpResponse> Get(Transport& t, std::string path, std::string_view accept) {
  return t.Do({.verb = "discovery",
               .path = std::move(path),
               .accept = std::string(accept),
               .idempotent = true});
}

}  // namespace

Status ParseAggregatedDiscovery(const Json& list, DiscoverySnapshot& into) {
  if (!list.is_object() || !list.contains("items") || !list["items"].is_array()) {
    return MakeError(ErrorCode::kInternal, "aggregated discovery: no items");
  }
  for (const auto& group : list["items"]) {
    std::string name = StringAt(group, {"metadata", "name"});
    auto versions = group.find("versions");
    if (versions == group.end() || !versions->is_array()) continue;
    auto& order = into.group_versions[name];
    for (const auto& v : *versions) {
      std::string version = StringAt(v, {"version"});
      if (version.empty()) continue;
      order.push_back(version);
      auto resources = v.find("resources");
      if (resources == v.end() || !resources->is_array()) continue;
      for (const auto& r : *resources) {
        ResourceMapping m;
        m.gvk = {name, version, StringAt(r, {"responseKind", "kind"})};
        m.resource = StringAt(r, {"resource"});
        m.namespaced = StringAt(r, {"scope"}) == "Namespaced";
        m.verbs = Strings(r.value("verbs", Json::array()));
        if (m.gvk.kind.empty() || m.resource.empty()) continue;
        into.by_gvk.emplace(m.gvk, std::move(m));
      }
    }
  }
  return Ok();
}

Status ParseResourceList(const Json& list, std::string_view group, std::string_view version,
                         DiscoverySnapshot& into) {
  auto resources = list.find("resources");
  if (!list.is_object() || resources == list.end() || !resources->is_array()) {
    return MakeError(ErrorCode::kInternal,
                     "discovery " + GroupVersionPath(group, version) + ": no resources");
  }
  for (const auto& r : *resources) {
    std::string name = StringAt(r, {"name"});
    if (name.empty() || name.find('/') != std::string::npos) continue;  // subresource
    ResourceMapping m;
    m.gvk = {std::string(group), std::string(version), StringAt(r, {"kind"})};
    m.resource = std::move(name);
    m.namespaced = r.value("namespaced", false);
    m.verbs = Strings(r.value("verbs", Json::array()));
    if (m.gvk.kind.empty()) continue;
    into.by_gvk.insert_or_assign(m.gvk, std::move(m));
  }
  return Ok();
}

RestMapper::RestMapper(Transport& transport, MapperOptions options)
    : transport_(transport), options_(options) {}

Result<DiscoverySnapshot> RestMapper::Discover() {
  const std::string context = "discovery on " + transport_.config().Describe();
  std::string_view accept = options_.aggregated_discovery ? kAggregatedAccept : "application/json";
  DiscoverySnapshot snap;
  // Group versions to read one by one (legacy discovery).
  std::vector<std::pair<std::string, std::string>> legacy;
  for (const char* root : {"/api", "/apis"}) {
    auto body = JsonResponse(Get(transport_, root, accept), context);
    CG_TRY(body);
    if (StringAt(*body, {"kind"}) == "APIGroupDiscoveryList") {
      CG_TRY_WRAP(ParseAggregatedDiscovery(*body, snap), context);
    } else if (std::string_view(root) == "/api") {
      for (const auto& v : Strings(body->value("versions", Json::array()))) {
        snap.group_versions[""].push_back(v);
        legacy.emplace_back("", v);
      }
    } else {
      for (const auto& g : body->value("groups", Json::array())) {
        std::string name = StringAt(g, {"name"});
        std::string preferred = StringAt(g, {"preferredVersion", "version"});
        auto& order = snap.group_versions[name];
        if (!preferred.empty()) order.push_back(preferred);
        for (const auto& v : g.value("versions", Json::array())) {
          std::string version = StringAt(v, {"version"});
          if (version.empty()) continue;
          if (version != preferred) order.push_back(version);
          legacy.emplace_back(name, version);
        }
      }
    }
  }
  for (const auto& [group, version] : legacy) {
    auto body = JsonResponse(Get(transport_, GroupVersionPath(group, version), "application/json"),
                             context);
    Status parsed = body ? ParseResourceList(*body, group, version, snap)
                         : Status(std::unexpected(body.error()));
    if (!parsed) {
      // Keep what we knew about this group version (kubectl tolerates partial discovery).
      spdlog::warn("{}", parsed.error().message());
      core::ReaderLock lock(mu_);
      for (const auto& [gvk, m] : snapshot_.by_gvk) {
        if (gvk.group == group && gvk.version == version) snap.by_gvk.emplace(gvk, m);
      }
    }
  }
  return snap;
}

Status RestMapper::RefreshAfter(Clock::TimePoint miss) {
  const Clock& clock = transport_.clock();
  core::MutexLock refresh_lock(refresh_mu_);
  if (refreshed_ && last_refresh_start_ >= miss) return last_status_;  // someone refreshed since
  if (refreshed_) {
    auto next = last_refresh_start_ + options_.min_refresh_interval;
    if (auto wait = next - clock.Now(); wait.count() > 0) std::this_thread::sleep_for(wait);
  }
  last_refresh_start_ = clock.Now();
  refreshed_ = true;
  auto snap = Discover();
  if (!snap) {
    last_status_ = std::unexpected(snap.error());
    return last_status_;
  }
  last_status_ = Ok();
  core::WriterLock lock(mu_);
  snapshot_ = std::move(*snap);
  return Ok();
}

Status RestMapper::Refresh() { return RefreshAfter(transport_.clock().Now()); }

Status RestMapper::RefreshGroupVersion(std::string_view group, std::string_view version) {
  std::string context = "discovery on " + transport_.config().Describe();
  auto body =
      JsonResponse(Get(transport_, GroupVersionPath(group, version), "application/json"), context);
  CG_TRY(body);
  DiscoverySnapshot part;
  if (auto s = ParseResourceList(*body, group, version, part); !s) return s;
  core::WriterLock lock(mu_);
  for (auto& [gvk, m] : part.by_gvk) snapshot_.by_gvk.insert_or_assign(gvk, std::move(m));
  auto& order = snapshot_.group_versions[std::string(group)];
  if (std::find(order.begin(), order.end(), version) == order.end()) {
    order.emplace_back(version);
  }
  return Ok();
}

std::optional<ResourceMapping> RestMapper::Lookup(const GroupVersionKind& gvk) const {
  core::ReaderLock lock(mu_);
  auto it = snapshot_.by_gvk.find(gvk);
  if (it == snapshot_.by_gvk.end()) return std::nullopt;
  return it->second;
}

std::optional<ResourceMapping> RestMapper::LookupGroupKind(std::string_view group,
                                                           std::string_view kind) const {
  core::ReaderLock lock(mu_);
  auto versions = snapshot_.group_versions.find(std::string(group));
  if (versions == snapshot_.group_versions.end()) return std::nullopt;
  for (const auto& v : versions->second) {
    auto it = snapshot_.by_gvk.find({std::string(group), v, std::string(kind)});
    if (it != snapshot_.by_gvk.end()) return it->second;
  }
  return std::nullopt;
}

Result<ResourceMapping> RestMapper::Map(const GroupVersionKind& gvk) {
  auto miss = transport_.clock().Now();
  if (auto m = Lookup(gvk)) return *m;
  CG_TRY(RefreshAfter(miss));
  if (auto m = Lookup(gvk)) return *m;
  return MakeError(ErrorCode::kNotFound,
                   transport_.config().Describe() + ": no resource serves " + gvk.ToString());
}

Result<ResourceMapping> RestMapper::MapGroupKind(std::string_view group, std::string_view kind) {
  auto miss = transport_.clock().Now();
  if (auto m = LookupGroupKind(group, kind)) return *m;
  CG_TRY(RefreshAfter(miss));
  if (auto m = LookupGroupKind(group, kind)) return *m;
  std::string gk = group.empty() ? std::string(kind) : std::string(kind) + "." + std::string(group);
  return MakeError(ErrorCode::kNotFound,
                   transport_.config().Describe() + ": no resource serves kind " + gk);
}

std::vector<ResourceMapping> RestMapper::Mappings() const {
  core::ReaderLock lock(mu_);
  std::vector<ResourceMapping> out;
  out.reserve(snapshot_.by_gvk.size());
  for (const auto& [gvk, m] : snapshot_.by_gvk) out.push_back(m);
  return out;
}

}  // namespace cellgate::kube

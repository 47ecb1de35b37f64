#include "argo/app_project.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "argo/repository_secret.h"
#include "core/glob.h"
#include "core/regex.h"

namespace cellgate::argo {
namespace {

bool IsDeny(std::string_view pattern) { return !pattern.empty() && pattern.front() == '!'; }

// Argo CD's globMatch: "!" negates when allowed, "*" matches anything, a malformed pattern
// matches nothing.
bool Glob(std::string_view pattern, std::string_view value, char separator = 0) {
  if (IsDeny(pattern)) {
    return !GlobMatch(pattern.substr(1), value, {.separator = static_cast<char32_t>(separator)})
                .value_or(false);
  }
  if (pattern == "*") return true;
  return GlobMatch(pattern, value, {.separator = static_cast<char32_t>(separator)}).value_or(false);
}

// Argo CD's isResourceInList and, with `name` (cluster-scoped lists only),
// isNamedResourceInList: an entry without a name matches every object of its group/kind.
bool InList(std::string_view group, std::string_view kind,
            const std::vector<GroupKindPattern>& list, const GroupKindPattern** hit,
            std::optional<std::string_view> name = std::nullopt) {
  for (const auto& item : list) {
    if (GlobMatch(item.kind, kind, {.dialect = GlobDialect::kGoPath}).value_or(false) &&
        GlobMatch(item.group, group, {.dialect = GlobDialect::kGoPath}).value_or(false) &&
        (!name || item.name.empty() ||
         GlobMatch(item.name, *name, {.dialect = GlobDialect::kGoPath}).value_or(false))) {
      if (hit != nullptr) *hit = &item;
      return true;
    }
  }
  return false;
}

// Why a group/kind is refused; "" when permitted.
std::string GroupKindRefusal(const AppProject& p, std::string_view group, std::string_view kind,
                             std::string_view name, bool namespaced, std::string* rule) {
  const GroupKindPattern* hit = nullptr;
  if (namespaced) {
    if (p.namespace_resource_whitelist) {
      if (p.namespace_resource_whitelist->empty()) {
        *rule = "namespaceResourceWhitelist";
        return "namespaceResourceWhitelist is empty";
      }
      if (!InList(group, kind, *p.namespace_resource_whitelist, nullptr)) {
        *rule = "namespaceResourceWhitelist";
        return "not in namespaceResourceWhitelist";
      }
    }
    if (InList(group, kind, p.namespace_resource_blacklist, &hit)) {
      *rule = "namespaceResourceBlacklist";
      return "namespaceResourceBlacklist entry " + hit->ToString();
    }
    return "";
  }
  if (p.cluster_resource_whitelist.empty()) {
    *rule = "clusterResourceWhitelist";
    return "clusterResourceWhitelist is empty (no cluster-scoped resources allowed)";
  }
  if (!InList(group, kind, p.cluster_resource_whitelist, nullptr, name)) {
    *rule = "clusterResourceWhitelist";
    return "not in clusterResourceWhitelist";
  }
  if (InList(group, kind, p.cluster_resource_blacklist, &hit, name)) {
    *rule = "clusterResourceBlacklist";
    return "clusterResourceBlacklist entry " + hit->ToString();
  }
  return "";
}

std::string DestinationString(const ProjectDestination& d) {
  std::string out = "{";
  if (!d.server.empty()) out += "server " + d.server;
  if (!d.name.empty()) out += std::string(out.size() > 1 ? ", " : "") + "name " + d.name;
  out += std::string(out.size() > 1 ? ", " : "") + "namespace " + d.ns + "}";
  return out;
}

// Argo CD's isDestinationMatched; `denier` gets the entry whose "!" part denied. An entry
// that does not match denies when its "!name" fails, when its "!server" fails while its
// namespace matches, or when its "!namespace" fails while its server matches; the first
// such entry ends the search.
bool DestinationMatched(const AppProject& p, const ResolvedDestination& dst,
                        const ProjectDestination** denier) {
  bool any = false;
  for (const auto& item : p.destinations) {
    bool name = !dst.name.empty() && Glob(item.name, dst.name);
    bool server = !dst.server.empty() && Glob(item.server, dst.server);
    bool ns = Glob(item.ns, dst.ns);
    if ((server || name) && ns) {
      any = true;
    } else if ((!name && IsDeny(item.name)) || (!server && IsDeny(item.server) && ns) ||
               (!ns && IsDeny(item.ns) && server)) {
      if (denier != nullptr) *denier = &item;
      return false;
    }
  }
  return any;
}

// Argo CD's IsSourcePermitted; `denier` gets the "!" entry that excluded the repo.
bool SourcePermitted(const AppProject& p, std::string_view repo, const std::string** denier) {
  const std::string src = NormalizeGitUrl(repo);
  bool any = false;
  for (const auto& entry : p.source_repos) {
    std::string normalized = IsDeny(entry)
                                 ? "!" + NormalizeGitUrl(std::string_view(entry).substr(1))
                                 : NormalizeGitUrl(entry);
    if (Glob(normalized, src, '/')) {
      any = true;
    } else if (IsDeny(normalized)) {
      if (denier != nullptr) *denier = &entry;
      return false;
    }
  }
  return any;
}

class FieldReader {
 public:
  explicit FieldReader(std::string where) : where_(std::move(where)) {}
  std::unexpected<Error> Fail(const std::string& path, const std::string& what) const {
    return MakeError(ErrorCode::kInvalidArgument, where_ + ": " + path + ": " + what);
  }
  Result<std::string> Str(const Json& obj, const char* key, const std::string& path) const {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return std::string();
    if (!it->is_string()) return Fail(path + "." + key, "must be a string");
    return it->get<std::string>();
  }
  // nullptr when absent or null.
  Result<const Json*> List(const Json& obj, const char* key, const std::string& path) const {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return static_cast<const Json*>(nullptr);
    if (!it->is_array()) return Fail(path + "." + key, "must be a list");
    return &*it;
  }

 private:
  std::string where_;
};

Result<std::vector<std::string>> Strings(const FieldReader& r, const Json& spec, const char* key) {
  auto list = r.List(spec, key, "spec");
  CG_TRY(list);
  std::vector<std::string> out;
  if (*list == nullptr) return out;
  const Json& items = **list;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Json& v = items[i];
    if (!v.is_string()) {
      return r.Fail("spec." + std::string(key) + "[" + std::to_string(i) + "]", "must be a string");
    }
    out.push_back(v.get<std::string>());
  }
  return out;
}

// `with_name`: the cluster-scoped lists, whose entries may name objects (Argo CD's
// ClusterResourceRestrictionItem); namespaced entries are plain GroupKinds.
Result<std::optional<std::vector<GroupKindPattern>>> GroupKinds(const FieldReader& r,
                                                                const Json& spec, const char* key,
                                                                bool with_name) {
  auto list = r.List(spec, key, "spec");
  CG_TRY(list);
  if (*list == nullptr) return std::optional<std::vector<GroupKindPattern>>();
  std::vector<GroupKindPattern> out;
  const Json& items = **list;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Json& v = items[i];
    std::string path = "spec." + std::string(key) + "[" + std::to_string(i) + "]";
    if (!v.is_object()) return r.Fail(path, "must be an object with group and kind");
    auto group = r.Str(v, "group", path);
    CG_TRY(group);
    auto kind = r.Str(v, "kind", path);
    CG_TRY(kind);
    GroupKindPattern pattern{.group = std::move(*group), .kind = std::move(*kind)};
    if (with_name) CG_ASSIGN(pattern.name, r.Str(v, "name", path));
    out.push_back(std::move(pattern));
  }
  return std::optional<std::vector<GroupKindPattern>>(std::move(out));
}

}  // namespace

std::string GroupKindPattern::ToString() const {
  std::string out = group.empty() ? kind : group + "/" + kind;
  if (!name.empty()) out += " name " + name;
  return out;
}

Result<AppProject> ParseAppProject(const Json& manifest) {
  const std::string name = StringAt(manifest, {"metadata", "name"});
  FieldReader r("AppProject " + name);
  if (!manifest.is_object()) return r.Fail("manifest", "must be an object");
  if (StringAt(manifest, {"kind"}) != "AppProject") return r.Fail("kind", "must be AppProject");
  AppProject p;
  p.name = name;
  auto spec_it = manifest.find("spec");
  const Json spec = spec_it != manifest.end() && spec_it->is_object() ? *spec_it : Json::object();
  if (spec_it != manifest.end() && !spec_it->is_null() && !spec_it->is_object()) {
    return r.Fail("spec", "must be an object");
  }
  auto repos = Strings(r, spec, "sourceRepos");
  CG_TRY(repos);
  p.source_repos = std::move(*repos);
  auto source_namespaces = Strings(r, spec, "sourceNamespaces");
  CG_TRY(source_namespaces);
  p.source_namespaces = std::move(*source_namespaces);

  auto destinations = r.List(spec, "destinations", "spec");
  CG_TRY(destinations);
  if (*destinations != nullptr) {
    const Json& items = **destinations;
    for (std::size_t i = 0; i < items.size(); ++i) {
      const Json& d = items[i];
      std::string path = "spec.destinations[" + std::to_string(i) + "]";
      if (!d.is_object()) return r.Fail(path, "must be an object");
      ProjectDestination pd;
      for (auto [key, field] : {std::pair{"server", &pd.server}, std::pair{"name", &pd.name},
                                std::pair{"namespace", &pd.ns}}) {
        auto v = r.Str(d, key, path);
        CG_TRY(v);
        *field = std::move(*v);
      }
      p.destinations.push_back(std::move(pd));
    }
  }
  auto cw = GroupKinds(r, spec, "clusterResourceWhitelist", true);
  CG_TRY(cw);
  p.cluster_resource_whitelist = cw->value_or(std::vector<GroupKindPattern>{});
  auto cb = GroupKinds(r, spec, "clusterResourceBlacklist", true);
  CG_TRY(cb);
  p.cluster_resource_blacklist = cb->value_or(std::vector<GroupKindPattern>{});
  auto nw = GroupKinds(r, spec, "namespaceResourceWhitelist", false);
  CG_TRY(nw);
  p.namespace_resource_whitelist = std::move(*nw);
  auto nb = GroupKinds(r, spec, "namespaceResourceBlacklist", false);
  CG_TRY(nb);
  p.namespace_resource_blacklist = nb->value_or(std::vector<GroupKindPattern>{});
  if (auto scoped = spec.find("permitOnlyProjectScopedClusters");
      scoped != spec.end() && !scoped->is_null()) {
    if (!scoped->is_boolean()) {
      return r.Fail("spec.permitOnlyProjectScopedClusters", "must be a boolean");
    }
    p.permit_only_project_scoped_clusters = scoped->get<bool>();
  }
  return p;
}

AppProject DefaultProject() {
  AppProject p;
  p.name = std::string(kDefaultProject);
  p.source_repos = {"*"};
  p.destinations = {{.server = "*", .name = "", .ns = "*"}};
  p.cluster_resource_whitelist = {{"*", "*"}};
  return p;
}

Result<AppProject> FindProject(std::span<const AppProject> projects, std::string_view name,
                               FindProjectOptions options) {
  std::string_view want = name.empty() ? kDefaultProject : name;
  for (const auto& p : projects) {
    if (p.name == want) return p;
  }
  if (want == kDefaultProject && options.implicit_default) return DefaultProject();
  return MakeError(ErrorCode::kNotFound,
                   "application references project " + std::string(want) + " which does not exist");
}

bool IsSourcePermitted(const AppProject& project, std::string_view repo_url) {
  return SourcePermitted(project, repo_url, nullptr);
}

bool IsDestinationPermitted(const AppProject& project, const ResolvedDestination& destination) {
  if (!DestinationMatched(project, destination, nullptr)) return false;
  return !project.permit_only_project_scoped_clusters || destination.cell_project == project.name;
}

bool IsGroupKindPermitted(const AppProject& project, std::string_view group, std::string_view kind,
                          bool namespaced, std::string_view name) {
  std::string rule;
  return GroupKindRefusal(project, group, kind, name, namespaced, &rule).empty();
}

bool IsAppNamespacePermitted(const AppProject& project, std::string_view app_namespace,
                             std::string_view controller_namespace) {
  if (app_namespace.empty() || app_namespace == controller_namespace) return true;
  const std::string ns(app_namespace);
  for (const auto& entry : project.source_namespaces) {
    if (entry.size() >= 2 && entry.front() == '/' && entry.back() == '/') {
      // PCRE2 with a match limit (core/regex.h): a pattern that would backtrack
      // for ever stops with an error. An invalid or over-limit expression matches nothing,
      // as an invalid one (or a regexp2 match error) does in Argo CD's util/regex Match.
      auto pattern = std::string_view(entry).substr(1, entry.size() - 2);
      if (RegexMatch(pattern, ns).value_or(false)) return true;
    }
    if (GlobMatch(entry, ns).value_or(false)) return true;
  }
  return false;
}

std::vector<ProjectViolation> CheckApplication(const AppProject& project, const AppPlacement& app,
                                               std::string_view controller_namespace) {
  std::vector<ProjectViolation> out;
  const std::string in_project = " is not permitted in project " + project.name + ": ";
  if (!IsAppNamespacePermitted(project, app.ns, controller_namespace)) {
    out.push_back({"sourceNamespaces", "application " + app.ns + "/" + app.name + in_project +
                                           "sourceNamespaces does not include namespace " +
                                           app.ns});
  }
  for (const auto& repo : app.repo_urls) {
    const std::string* denier = nullptr;
    if (SourcePermitted(project, repo, &denier)) continue;
    std::string message = "application repo " + repo;
    message += in_project;
    message += denier != nullptr ? "sourceRepos entry " + *denier + " excludes it"
                                 : "no sourceRepos entry matches it";
    out.push_back({"sourceRepos", std::move(message)});
  }
  const ResolvedDestination& d = app.destination;
  std::string where = "application destination server " + d.server;
  if (!d.name.empty()) where += " (" + d.name + ")";
  where += " namespace " + d.ns;
  const ProjectDestination* denier = nullptr;
  if (!DestinationMatched(project, d, &denier)) {
    out.push_back({"destinations",
                   where + in_project +
                       (denier != nullptr
                            ? "destinations entry " + DestinationString(*denier) + " excludes it"
                            : "no destinations entry matches it")});
  } else if (project.permit_only_project_scoped_clusters && d.cell_project != project.name) {
    out.push_back({"permitOnlyProjectScopedClusters", where + in_project + "cell " +
                                                          (d.name.empty() ? d.server : d.name) +
                                                          " is not scoped to the project"});
  }
  return out;
}

std::vector<ProjectViolation> CheckResources(
    const AppProject& project, std::span<const Object> objects,
    const std::function<bool(const Object&)>& is_namespaced,
    const ResolvedDestination& destination) {
  std::vector<ProjectViolation> out;
  for (const auto& o : objects) {
    const bool namespaced = is_namespaced(o);
    ObjectKey key = o.Key();
    if (!namespaced) key.ns.clear();
    if (namespaced && key.ns.empty()) key.ns = destination.ns;
    const std::string prefix =
        "resource " + key.ToString() + " is not permitted in project " + project.name + ": ";
    std::string rule;
    std::string why = GroupKindRefusal(project, key.group, key.kind, key.name, namespaced, &rule);
    if (!why.empty()) {
      out.push_back({rule, prefix + why});
      continue;
    }
    if (!namespaced) continue;
    ResolvedDestination in_ns = destination;
    in_ns.ns = key.ns;
    if (!IsDestinationPermitted(project, in_ns)) {
      out.push_back(
          {"destinations", prefix + "namespace " + key.ns + " is not a permitted destination"});
    }
  }
  return out;
}

}  // namespace cellgate::argo

#include "fleet/controller/home_cluster.h"

#include <array>

namespace cellgate::fleet::controller {
namespace {

std::set<std::string> ProjectNamespaces(const HomeClusterOptions& o) {
  std::set<std::string> out = o.app_namespaces;
  out.insert(o.controller_namespace);
  out.insert("argocd");
  return out;
}

CacheListener Forward(const HomeObjectListener& listener, const std::string& home) {
  if (!listener) return {};
  return [listener, home](const std::string& key, const ObjectPtr& before, const ObjectPtr& after) {
    listener(home, key, before, after);
  };
}

}  // namespace

HomeCluster::HomeCluster(HomeClusterOptions options, HomeClusterClients clients, const Clock& clock,
                         HomeObjectListener on_app, HomeObjectListener on_project)
    : options_(std::move(options)),
      clients_(std::move(clients)),
      events_(clients_.events != nullptr ? *clients_.events : clients_.applier, clock,
              options_.events),
      apps_(clients_.watcher, kApplicationGvk, {.namespaces = options_.app_namespaces},
            Forward(on_app, options_.name)),
      projects_(clients_.watcher, kAppProjectGvk, {.namespaces = ProjectNamespaces(options_)},
                Forward(on_project, options_.name)) {}

HomeCluster::~HomeCluster() { Stop(); }

Status HomeCluster::Start() {
  std::string where = options_.name.empty() ? "hub" : "cell " + options_.name;
  if (auto s = projects_.Start(); !s) return std::unexpected(s.error().Wrap(where));
  if (auto s = apps_.Start(); !s) {
    projects_.Stop();
    return std::unexpected(s.error().Wrap(where));
  }
  return Ok();
}

void HomeCluster::Stop() {
  apps_.Stop();
  projects_.Stop();
}

bool HomeCluster::WaitForSync(std::chrono::milliseconds timeout) const {
  return apps_.WaitForSync(timeout) && projects_.WaitForSync(timeout);
}

bool HomeCluster::ServesNamespace(std::string_view ns) const {
  return options_.app_namespaces.contains(std::string(ns));
}

Result<AppProject> HomeCluster::Project(std::string_view name,
                                        std::string_view app_namespace) const {
  std::string wanted = name.empty() ? std::string(kDefaultProject) : std::string(name);
  const std::array<std::string_view, 3> order = {options_.controller_namespace, app_namespace,
                                                 "argocd"};
  for (std::string_view ns : order) {
    ObjectPtr found = projects_.Get(ns, wanted);
    if (!found) continue;
    auto parsed = ParseAppProject(found->body());
    if (!parsed) {
      return std::unexpected(parsed.error().Wrap("AppProject " + std::string(ns) + "/" + wanted));
    }
    return parsed;
  }
  return FindProject({}, wanted);
}

}  // namespace cellgate::fleet::controller

#include "controller/home_cluster.h"

namespace cellgate::controller {
namespace {

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
      projects_(clients_.watcher, kAppProjectGvk, {.namespaces = {options_.controller_namespace}},
                Forward(on_project, options_.name)) {}

HomeCluster::~HomeCluster() { Stop(); }

Status HomeCluster::Start() {
  std::string where = options_.name.empty() ? "hub" : "cell " + options_.name;
  CG_TRY_WRAP(projects_.Start(), where);
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

Result<argo::AppProject> HomeCluster::Project(std::string_view name) const {
  std::string wanted = name.empty() ? std::string(argo::kDefaultProject) : std::string(name);
  std::vector<argo::AppProject> listed;
  if (ObjectPtr found = projects_.Get(options_.controller_namespace, wanted)) {
    auto parsed = argo::ParseAppProject(found->body());
    if (!parsed) {
      return std::unexpected(
          parsed.error().Wrap("AppProject " + options_.controller_namespace + "/" + wanted));
    }
    listed.push_back(std::move(*parsed));
  }
  return argo::FindProject(listed, wanted, {.implicit_default = is_hub()});
}

}  // namespace cellgate::controller

#include "controller/app_routing.h"

#include <nlohmann/json.hpp>

#include "core/mutex.h"
#include "sync/tracking.h"

namespace cellgate::controller {
namespace {

nlohmann::json Part(const Json& body, std::initializer_list<const char*> path) {
  const Json* j = &body;
  for (const char* k : path) {
    if (!j->is_object()) return nullptr;
    auto it = j->find(k);
    if (it == j->end()) return nullptr;
    j = &*it;
  }
  return nlohmann::json::parse(j->dump());
}

}  // namespace

std::string HomeQueueName(std::string_view home) {
  return home.empty() ? "home:hub" : "home:" + std::string(home);
}

bool RelevantChange(const Object& before, const Object& after) {
  const Json& a = before.body();
  const Json& b = after.body();
  for (auto path : {std::initializer_list<const char*>{"spec"},
                    {"operation"},
                    {"metadata", "annotations"},
                    {"metadata", "labels"},
                    {"metadata", "finalizers"},
                    {"metadata", "deletionTimestamp"}}) {
    if (Part(a, path) != Part(b, path)) return true;
  }
  return false;
}

bool StatusSummaryChanged(const Object& before, const Object& after) {
  return StringAt(before.body(), {"status", "sync", "status"}) !=
             StringAt(after.body(), {"status", "sync", "status"}) ||
         StringAt(before.body(), {"status", "health", "status"}) !=
             StringAt(after.body(), {"status", "health", "status"});
}

std::string AppRouting::QueueFor(const AppRef& ref) {
  auto home = homes_.Get(ref.home);
  ObjectPtr obj = home ? home->apps().Get(ref.ns, ref.name) : nullptr;
  if (!obj) return HomeQueueName(ref.home);
  const Json& body = obj->body();
  render::ApplicationDestination dest{.server = StringAt(body, {"spec", "destination", "server"}),
                                      .name = StringAt(body, {"spec", "destination", "name"})};
  auto cell = cells_.ResolveName(ref.home, dest);
  std::string queue = HomeQueueName(ref.home);
  if (cell) {
    auto handle = registry_.FindByName(*cell);
    if (handle && handle->info.connection.state != cells::CellState::kUnreachable &&
        handle->info.connection.state != cells::CellState::kInvalid) {
      queue = *cell;
    }
  }
  core::MutexLock lock(mu_);
  destination_[ref] = cell ? *cell : "";
  return queue;
}

std::vector<AppRef> AppRouting::AppsOf(std::string_view cell) const {
  std::vector<AppRef> out;
  core::MutexLock lock(mu_);
  for (const auto& [ref, dest] : destination_) {
    if (dest == cell || dest.empty()) out.push_back(ref);
  }
  return out;
}

void AppRouting::Forget(const AppRef& ref) {
  core::MutexLock lock(mu_);
  destination_.erase(ref);
}

std::optional<AppRef> AppRouting::ParentOf(const AppRef& child, const Object& object) const {
  std::string parent = sync::TrackedApp(object);
  if (parent.empty()) return std::nullopt;
  auto home = homes_.Get(child.home);
  if (!home) return std::nullopt;
  // Instance names: plain for the controller namespace, else "<namespace>_<name>".
  if (home->apps().Get(controller_namespace_, parent)) {
    AppRef ref{child.home, controller_namespace_, parent};
    if (ref != child) return ref;
  }
  if (auto us = parent.find('_'); us != std::string::npos) {
    AppRef ref{child.home, parent.substr(0, us), parent.substr(us + 1)};
    if (ref != child && home->apps().Get(ref.ns, ref.name)) return ref;
  }
  return std::nullopt;
}

}  // namespace cellgate::controller

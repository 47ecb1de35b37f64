// What the watches, the registry listener and the controller's own writes tell the
// ApplicationSet controller, and which keys that enqueues (change_detection.h has the
// rules). These run on watch, registry and worker threads: they touch only the maps under
// mu_ and the queue, and never block.
#include <spdlog/spdlog.h>

#include "appset_controller/appset_controller.h"
#include "appset_controller/change_detection.h"
#include "core/mutex.h"

namespace cellgate::appset_controller {
namespace {

std::string AppKey(const Object& app) { return AppSetKey(app.Namespace(), app.Name()); }

bool InNamespace(const std::string& key, const std::string& ns) {
  return ns.empty() || key.starts_with(ns + "/");
}

}  // namespace

bool ApplicationSetController::SeeAppSetLocked(const Object& appset) {
  const Json& body = appset.body();
  std::string key = AppSetKeyOf(appset);
  auto [it, fresh] = appsets_.try_emplace(key);
  AppSetState& st = it->second;
  std::uint64_t fingerprint = AppSetSpecFingerprint(body);
  bool refresh = RefreshRequested(body);
  bool full = fresh || st.gone || fingerprint != st.fingerprint || (refresh && !st.refresh) ||
              BeingDeleted(body);
  st.uid = StringAt(body, {"metadata", "uid"});
  st.fingerprint = fingerprint;
  st.refresh = refresh;
  st.gone = false;
  const Json& spec = body.contains("spec") ? body["spec"] : Json();
  const Json& policy = spec.is_object() ? spec.value("syncPolicy", Json()) : Json();
  st.preserve_resources =
      policy.is_object() && policy.value("preserveResourcesOnDeletion", Json()) == true;
  st.uses_clusters = spec.is_object() && UsesClustersGenerator(spec.value("generators", Json()));
  st.literal_repos = LiteralRepos(spec);
  return full;
}

void ApplicationSetController::OnAppSetEvent(const std::string& ns, const kube::WatchEvent& e) {
  std::vector<std::string> full;
  {
    core::MutexLock lock(mu_);
    switch (e.type) {
      case kube::WatchEventType::kReplace: {
        std::set<std::string> listed;
        for (const auto& o : e.objects) {
          listed.insert(AppSetKeyOf(o));
          if (SeeAppSetLocked(o)) full.push_back(AppSetKeyOf(o));
        }
        for (auto& [key, st] : appsets_) {
          if (InNamespace(key, ns) && !listed.contains(key) && !st.gone) {
            st.gone = true;
            full.push_back(key);
          }
        }
        break;
      }
      case kube::WatchEventType::kAdded:
      case kube::WatchEventType::kModified:
        if (SeeAppSetLocked(e.object)) full.push_back(AppSetKeyOf(e.object));
        break;
      case kube::WatchEventType::kDeleted: {
        std::string key = AppSetKeyOf(e.object);
        SeeAppSetLocked(e.object);  // the last word on uid and preserveResourcesOnDeletion
        appsets_[key].gone = true;
        full.push_back(key);
        break;
      }
      case kube::WatchEventType::kError:
        spdlog::warn("ApplicationSet watch {}: {}", ns.empty() ? "(all namespaces)" : ns,
                     StringAt(e.object.body(), {"message"}));
        break;
      case kube::WatchEventType::kBookmark:
        break;
    }
    for (const auto& k : full) full_pending_.insert(k);
  }
  for (const auto& k : full) queue_.Add(k);
}

void ApplicationSetController::SeeAppLocked(const Object& app, std::vector<std::string>& full,
                                            std::vector<std::string>& status) {
  std::string key = AppKey(app);
  std::string owner = OwnerKey(app);
  auto it = apps_.find(key);
  if (owner.empty()) {
    if (it != apps_.end()) {  // no longer controlled by its ApplicationSet
      full.push_back(it->second.owner);
      apps_.erase(it);
    }
    return;
  }
  AppState next{.owner = owner,
                .spec = AppSpecFingerprint(app.body()),
                .status = AppStatusFingerprint(app.body()),
                .deleting = it != apps_.end() && it->second.deleting};
  if (it == apps_.end() || it->second.owner != owner || it->second.spec != next.spec) {
    full.push_back(owner);
    if (it != apps_.end() && it->second.owner != owner) full.push_back(it->second.owner);
  } else if (it->second.status != next.status) {
    status.push_back(owner);
  }
  apps_[key] = next;
}

void ApplicationSetController::OnAppEvent(const std::string& ns, const kube::WatchEvent& e) {
  std::vector<std::string> full;
  std::vector<std::string> status;
  {
    core::MutexLock lock(mu_);
    switch (e.type) {
      case kube::WatchEventType::kReplace: {
        std::set<std::string> listed;
        for (const auto& o : e.objects) {
          listed.insert(AppKey(o));
          SeeAppLocked(o, full, status);
        }
        for (auto it = apps_.begin(); it != apps_.end();) {
          if (InNamespace(it->first, ns) && !listed.contains(it->first)) {
            if (!it->second.deleting) full.push_back(it->second.owner);
            it = apps_.erase(it);
          } else {
            ++it;
          }
        }
        break;
      }
      case kube::WatchEventType::kAdded:
      case kube::WatchEventType::kModified:
        SeeAppLocked(e.object, full, status);
        break;
      case kube::WatchEventType::kDeleted: {
        auto it = apps_.find(AppKey(e.object));
        if (it != apps_.end()) {
          if (!it->second.deleting) full.push_back(it->second.owner);
          apps_.erase(it);
        } else if (std::string owner = OwnerKey(e.object); !owner.empty()) {
          full.push_back(owner);
        }
        break;
      }
      case kube::WatchEventType::kError:
        spdlog::warn("Application watch {}: {}", ns.empty() ? "(all namespaces)" : ns,
                     StringAt(e.object.body(), {"message"}));
        break;
      case kube::WatchEventType::kBookmark:
        break;
    }
    // Only ApplicationSets this controller knows are reconciled (owners outside the
    // watched namespaces, or already deleted, are not ours to act on).
    std::erase_if(full, [&](const std::string& k) REQUIRES(mu_) {
      auto st = appsets_.find(k);
      return st == appsets_.end() || st->second.gone;
    });
    std::erase_if(status,
                  [&](const std::string& k) REQUIRES(mu_) { return !appsets_.contains(k); });
    for (const auto& k : full) full_pending_.insert(k);
  }
  for (const auto& k : full) queue_.Add(k);
  for (const auto& k : status) queue_.Add(k);
}

void ApplicationSetController::OnCellChange(const cells::CellChange& change) {
  // Connection state is not a generator input: an unreachable cell keeps its Applications.
  if (change.kind == cells::CellChangeKind::kStateChanged) return;
  std::vector<std::string> full;
  {
    core::MutexLock lock(mu_);
    for (const auto& [key, st] : appsets_) {
      if (st.uses_clusters && !st.gone) full.push_back(key);
    }
    for (const auto& k : full) full_pending_.insert(k);
  }
  for (const auto& k : full) queue_.Add(k);
}

void ApplicationSetController::WillWrite(const Object& app) {
  core::MutexLock lock(mu_);
  std::string owner = OwnerKey(app);
  if (owner.empty()) {
    apps_.erase(AppKey(app));
    return;
  }
  apps_[AppKey(app)] = AppState{.owner = owner,
                                .spec = AppSpecFingerprint(app.body()),
                                .status = AppStatusFingerprint(app.body())};
}

void ApplicationSetController::WillDelete(const Object& app) {
  core::MutexLock lock(mu_);
  AppState& st = apps_[AppKey(app)];
  if (st.owner.empty()) st.owner = OwnerKey(app);
  st.deleting = true;
}

}  // namespace cellgate::appset_controller

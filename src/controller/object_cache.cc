#include "controller/object_cache.h"

#include <spdlog/spdlog.h>

#include "core/mutex.h"

namespace cellgate::controller {
namespace {

// Equal resourceVersions mean the same object (a re-list repeats what we have).
bool SameVersion(const Object& a, const Object& b) {
  std::string va = StringAt(a.body(), {"metadata", "resourceVersion"});
  return !va.empty() && va == StringAt(b.body(), {"metadata", "resourceVersion"});
}

}  // namespace

ObjectCache::ObjectCache(kube::Watcher& watcher, kube::GroupVersionKind gvk,
                         ObjectCacheOptions options, CacheListener listener)
    : watcher_(watcher),
      gvk_(std::move(gvk)),
      options_(std::move(options)),
      listener_(std::move(listener)) {}

ObjectCache::~ObjectCache() { Stop(); }

Status ObjectCache::Start() {
  core::MutexLock lifecycle(lifecycle_mu_);
  if (watch_) return Ok();
  auto handle = watcher_.Watch(gvk_, "", options_.watch,
                               [this](const kube::WatchEvent& event) { OnEvent(event); });
  CG_TRY_WRAP(handle, "watch " + gvk_.ToString());
  watch_ = std::move(*handle);
  return Ok();
}

void ObjectCache::Stop() {
  std::unique_ptr<kube::WatchHandle> watch;
  {
    core::MutexLock lifecycle(lifecycle_mu_);
    watch = std::move(watch_);
  }
  watch.reset();  // joins the watch thread, outside our locks
}

bool ObjectCache::HasSynced() const {
  core::MutexLock lock(mu_);
  return synced_;
}

bool ObjectCache::WaitForSync(std::chrono::milliseconds timeout) const {
  core::MutexLock lock(mu_);
  return synced_cv_.wait_for(lock, timeout, [&]() REQUIRES(mu_) { return synced_; });
}

ObjectPtr ObjectCache::Get(std::string_view ns, std::string_view name) const {
  std::string key = std::string(ns) + "/" + std::string(name);
  core::MutexLock lock(mu_);
  auto it = objects_.find(key);
  return it == objects_.end() ? nullptr : it->second;
}

std::vector<ObjectPtr> ObjectCache::List() const {
  core::MutexLock lock(mu_);
  std::vector<ObjectPtr> out;
  out.reserve(objects_.size());
  for (const auto& [key, object] : objects_) out.push_back(object);
  return out;
}

std::size_t ObjectCache::Size() const {
  core::MutexLock lock(mu_);
  return objects_.size();
}

std::string ObjectCache::LastError() const {
  core::MutexLock lock(mu_);
  return last_error_;
}

bool ObjectCache::Keeps(const Object& object) const {
  return options_.namespaces.empty() || options_.namespaces.contains(object.Namespace());
}

std::string ObjectCache::KeyOf(const Object& object) {
  return object.Namespace() + "/" + object.Name();
}

void ObjectCache::OnEvent(const kube::WatchEvent& event) {
  std::vector<Change> changes;
  {
    core::MutexLock lock(mu_);
    auto put = [&](const Object& object) REQUIRES(mu_) {
      if (!Keeps(object)) return;
      std::string key = KeyOf(object);
      auto& slot = objects_[key];
      if (slot && SameVersion(*slot, object)) return;
      ObjectPtr before = slot;
      auto stored = std::make_shared<Object>(object);
      EraseManagedFields(stored->mutable_body());
      slot = std::move(stored);
      changes.push_back({std::move(key), std::move(before), slot});
    };
    switch (event.type) {
      case kube::WatchEventType::kReplace: {
        std::set<std::string, std::less<>> seen;
        for (const auto& object : event.objects) {
          if (!Keeps(object)) continue;
          seen.insert(KeyOf(object));
          put(object);
        }
        for (auto it = objects_.begin(); it != objects_.end();) {
          if (seen.contains(it->first)) {
            ++it;
            continue;
          }
          changes.push_back({it->first, it->second, nullptr});
          it = objects_.erase(it);
        }
        if (!synced_) {
          synced_ = true;
          synced_cv_.notify_all();
        }
        break;
      }
      case kube::WatchEventType::kAdded:
      case kube::WatchEventType::kModified:
        put(event.object);
        break;
      case kube::WatchEventType::kDeleted: {
        auto it = objects_.find(KeyOf(event.object));
        if (it != objects_.end()) {
          changes.push_back({it->first, it->second, nullptr});
          objects_.erase(it);
        }
        break;
      }
      case kube::WatchEventType::kError:
        last_error_ = StringAt(event.object.body(), {"message"});
        spdlog::warn("watch {}: {}", gvk_.ToString(), last_error_);
        break;
      case kube::WatchEventType::kBookmark:
        break;
    }
  }
  if (!listener_) return;
  for (const auto& c : changes) listener_(c.key, c.before, c.after);
}

}  // namespace cellgate::controller

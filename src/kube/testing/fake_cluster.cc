#include "kube/testing/fake_cluster.h"

#include <utility>

#include "core/mutex.h"

namespace cellgate::kube::testing {
namespace {

class FakeWatchHandle final : public kube::WatchHandle {
 public:
  explicit FakeWatchHandle(std::shared_ptr<std::atomic<bool>> stopped)
      : stopped_(std::move(stopped)) {}
  ~FakeWatchHandle() override { Stop(); }
  void Stop() override { stopped_->store(true); }

 private:
  std::shared_ptr<std::atomic<bool>> stopped_;
};

bool LabelsMatch(const Object& o, std::string_view selector) {
  std::string_view rest = selector;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string_view term = rest.substr(0, comma);
    auto eq = term.find('=');
    if (eq == std::string_view::npos) return false;
    if (o.Label(term.substr(0, eq)) != term.substr(eq + 1)) return false;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return true;
}

Error NotFound(const Object& o) {
  return Error(ErrorCode::kNotFound, "404 Not Found: " + o.Key().ToString() + " not found");
}

}  // namespace

FakeCluster::Key FakeCluster::KeyOf(const Object& o) {
  return {o.Group(), o.Kind(), o.Namespace(), o.Name()};
}

void FakeCluster::SetFailHook(FailHook hook) {
  core::MutexLock lock(mu_);
  fail_ = std::move(hook);
}

int FakeCluster::Calls(std::string_view verb) const {
  core::MutexLock lock(mu_);
  auto it = calls_.find(verb);
  return it == calls_.end() ? 0 : it->second;
}

std::vector<Object> FakeCluster::Objects(std::string_view kind) const {
  core::MutexLock lock(mu_);
  std::vector<Object> out;
  for (const auto& [key, o] : objects_) {
    if (std::get<1>(key) == kind) out.push_back(o);
  }
  return out;
}

std::optional<Error> FakeCluster::Injected(std::string_view verb, const Object& o) {
  FailHook hook;
  {
    core::MutexLock lock(mu_);
    ++calls_[std::string(verb)];
    hook = fail_;
  }
  if (!hook) return std::nullopt;
  return hook(verb, o);
}

Object FakeCluster::StoreLocked(Object o) {
  auto& meta = o.mutable_body()["metadata"];
  meta["resourceVersion"] = std::to_string(++version_);
  if (!meta.contains("uid")) meta["uid"] = "uid-" + std::to_string(++uid_);
  if (!meta.contains("creationTimestamp")) meta["creationTimestamp"] = "2024-01-01T00:00:00Z";
  objects_[KeyOf(o)] = o;
  return o;
}

void FakeCluster::Notify(kube::WatchEventType type, const Object& o) {
  std::vector<WatchEntry> targets;
  {
    core::MutexLock lock(mu_);
    for (const auto& w : watches_) {
      if (w.stopped->load() || w.group != o.Group() || w.kind != o.Kind()) continue;
      if (!w.ns.empty() && w.ns != o.Namespace()) continue;
      if (!LabelsMatch(o, w.selector)) continue;
      targets.push_back(w);
    }
  }
  for (const auto& w : targets) {
    w.callback({.type = type,
                .object = o,
                .resource_version = StringAt(o.body(), {"metadata", "resourceVersion"})});
  }
}

void FakeCluster::Emit(const kube::WatchEvent& event) {
  std::vector<WatchEntry> targets;
  {
    core::MutexLock lock(mu_);
    for (const auto& w : watches_) {
      if (!w.stopped->load()) targets.push_back(w);
    }
  }
  for (const auto& w : targets) w.callback(event);
}

Result<Object> FakeCluster::Get(const kube::GroupVersionKind& gvk, std::string_view ns,
                                std::string_view name) {
  Object probe(Json{{"apiVersion", gvk.ApiVersion()},
                    {"kind", gvk.kind},
                    {"metadata", {{"name", name}, {"namespace", ns}}}});
  if (auto e = Injected("get", probe)) return std::unexpected(*e);
  core::MutexLock lock(mu_);
  auto it = objects_.find(KeyOf(probe));
  if (it == objects_.end()) return std::unexpected(NotFound(probe).Wrap("get"));
  return it->second;
}

Result<kube::ObjectList> FakeCluster::List(const kube::GroupVersionKind& gvk, std::string_view ns,
                                           const kube::ListOptions& options) {
  Object probe(Json{{"apiVersion", gvk.ApiVersion()}, {"kind", gvk.kind}, {"metadata", {}}});
  if (auto e = Injected("list", probe)) return std::unexpected(*e);
  core::MutexLock lock(mu_);
  kube::ObjectList list;
  for (const auto& [key, o] : objects_) {
    if (std::get<0>(key) != gvk.group || std::get<1>(key) != gvk.kind) continue;
    if (!ns.empty() && std::get<2>(key) != ns) continue;
    if (!LabelsMatch(o, options.label_selector)) continue;
    list.items.push_back(o);
  }
  list.resource_version = std::to_string(version_);
  return list;
}

Result<Object> FakeCluster::Apply(const Object& object, const kube::ApplyOptions& options) {
  if (auto e = Injected("apply", object)) return std::unexpected(*e);
  Object stored;
  bool existed = false;
  {
    core::MutexLock lock(mu_);
    auto it = objects_.find(KeyOf(object));
    existed = it != objects_.end();
    std::string want = StringAt(object.body(), {"metadata", "resourceVersion"});
    if (!want.empty() &&
        (!existed || StringAt(it->second.body(), {"metadata", "resourceVersion"}) != want)) {
      return MakeError(ErrorCode::kConflict, "apply " + object.Key().ToString() +
                                                 ": 409 Conflict: the object has been modified");
    }
    Object next = object;
    if (existed) {
      next.mutable_body()["metadata"]["uid"] = it->second.body()["metadata"]["uid"];
    }
    if (options.dry_run) return next;
    stored = StoreLocked(std::move(next));
  }
  Notify(existed ? kube::WatchEventType::kModified : kube::WatchEventType::kAdded, stored);
  return stored;
}

Result<Object> FakeCluster::Create(const Object& object, const kube::WriteOptions& options) {
  if (auto e = Injected("create", object)) return std::unexpected(*e);
  Object stored;
  {
    core::MutexLock lock(mu_);
    if (objects_.contains(KeyOf(object))) {
      return MakeError(ErrorCode::kAlreadyExists,
                       "create " + object.Key().ToString() + ": 409 Conflict: already exists");
    }
    Object next = object;
    next.mutable_body()["metadata"].erase("resourceVersion");
    if (options.dry_run) return next;
    stored = StoreLocked(std::move(next));
  }
  Notify(kube::WatchEventType::kAdded, stored);
  return stored;
}

Result<Object> FakeCluster::Update(const Object& object, const kube::WriteOptions& options) {
  if (auto e = Injected("update", object)) return std::unexpected(*e);
  Object stored;
  {
    core::MutexLock lock(mu_);
    auto it = objects_.find(KeyOf(object));
    if (it == objects_.end()) return std::unexpected(NotFound(object).Wrap("update"));
    std::string want = StringAt(object.body(), {"metadata", "resourceVersion"});
    if (!want.empty() && StringAt(it->second.body(), {"metadata", "resourceVersion"}) != want) {
      return MakeError(ErrorCode::kConflict, "update " + object.Key().ToString() +
                                                 ": 409 Conflict: the object has been modified");
    }
    Object next = object;
    next.mutable_body()["metadata"]["uid"] = it->second.body()["metadata"]["uid"];
    if (options.dry_run) return next;
    stored = StoreLocked(std::move(next));
  }
  Notify(kube::WatchEventType::kModified, stored);
  return stored;
}

Status FakeCluster::Delete(const Object& object, const kube::DeleteOptions& options) {
  if (auto e = Injected("delete", object)) return std::unexpected(*e);
  Object gone;
  {
    core::MutexLock lock(mu_);
    auto it = objects_.find(KeyOf(object));
    if (it == objects_.end()) return std::unexpected(NotFound(object).Wrap("delete"));
    if (options.dry_run) return Ok();
    gone = it->second;
    objects_.erase(it);
  }
  Notify(kube::WatchEventType::kDeleted, gone);
  return Ok();
}

Result<std::unique_ptr<kube::WatchHandle>> FakeCluster::Watch(const kube::GroupVersionKind& gvk,
                                                              std::string_view ns,
                                                              const kube::WatchOptions& options,
                                                              kube::WatchCallback on_event) {
  auto stopped = std::make_shared<std::atomic<bool>>(false);
  kube::WatchEvent replace{.type = kube::WatchEventType::kReplace};
  {
    core::MutexLock lock(mu_);
    ++calls_["watch"];
    for (const auto& [key, o] : objects_) {
      if (std::get<0>(key) != gvk.group || std::get<1>(key) != gvk.kind) continue;
      if (!ns.empty() && std::get<2>(key) != ns) continue;
      if (!LabelsMatch(o, options.label_selector)) continue;
      replace.objects.push_back(o);
    }
    replace.resource_version = std::to_string(version_);
    watches_.push_back(
        {gvk.group, gvk.kind, std::string(ns), options.label_selector, on_event, stopped});
  }
  on_event(replace);
  return std::unique_ptr<kube::WatchHandle>(new FakeWatchHandle(stopped));
}

}  // namespace cellgate::kube::testing

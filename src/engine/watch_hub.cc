#include "engine/watch_hub.h"

#include <atomic>
#include <charconv>
#include <vector>

#include "core/mutex.h"
#include "sync/tracking.h"

namespace cellgate::engine {
namespace {

std::string LabelOf(const Object& o) { return o.Label(sync::kInstanceLabel); }

// Process-wide, so versions of a hub, a kind or a label never repeat.
std::uint64_t NextVersion() {
  static std::atomic<std::uint64_t> next{0};
  return ++next;
}

}  // namespace

WatchHub::Subscription::~Subscription() { hub_.Unsubscribe(gvk_, id_); }

WatchHub::~WatchHub() {
  std::vector<std::unique_ptr<kube::WatchHandle>> handles;
  {
    core::MutexLock lock(mu_);
    for (auto& [gvk, kind] : kinds_) {
      kind->closed = true;
      handles.push_back(std::move(kind->handle));
    }
    kinds_.clear();
  }
  handles.clear();  // joins the watch threads, outside mu_ (they may be waiting for it)
}

std::size_t WatchHub::WatchCount() const {
  core::MutexLock lock(mu_);
  return kinds_.size();
}

bool NotNewerVersion(std::string_view rv, std::string_view ours) {
  if (rv.empty() || ours.empty()) return false;
  std::uint64_t a = 0, b = 0;
  auto [pa, ea] = std::from_chars(rv.data(), rv.data() + rv.size(), a);
  auto [pb, eb] = std::from_chars(ours.data(), ours.data() + ours.size(), b);
  if (ea == std::errc() && eb == std::errc() && pa == rv.data() + rv.size() &&
      pb == ours.data() + ours.size()) {
    return a <= b;
  }
  return rv == ours;
}

bool WatchHub::WaitForWrites(const std::vector<WrittenObject>& writes,
                             std::chrono::milliseconds timeout) {
  core::MutexLock lock(mu_);
  bool unwatched = false;
  auto caught_up = [&]() REQUIRES(mu_) {
    for (const auto& w : writes) {
      auto it = kinds_.find(w.gvk);
      if (it == kinds_.end() || it->second->closed || !it->second->current) {
        unwatched = true;
        return true;
      }
      const Kind& kind = *it->second;
      if (!kind.listed) return false;
      auto obj = kind.objects.find(w.key);
      if (w.resource_version.empty()) {
        if (obj != kind.objects.end()) return false;
      } else if (obj == kind.objects.end() ||
                 !NotNewerVersion(w.resource_version, obj->second.resource_version)) {
        return false;
      }
    }
    return true;
  };
  bool done = changed_.wait_for(lock, timeout, caught_up);
  return done && !unwatched;
}

std::optional<std::string> WatchHub::VersionOf(const kube::GroupVersionKind& gvk,
                                               const std::string& label_value) const {
  auto it = kinds_.find(gvk);
  if (it == kinds_.end()) return std::nullopt;
  const Kind& kind = *it->second;
  if (!kind.listed || !kind.current || kind.closed) return std::nullopt;
  auto v = kind.label_versions.find(label_value);
  return std::to_string(kind.epoch) + "." +
         std::to_string(v == kind.label_versions.end() ? 0 : v->second);
}

std::optional<CachedObjects> WatchHub::Cached(const kube::GroupVersionKind& gvk,
                                              const std::string& label_value) {
  core::MutexLock lock(mu_);
  auto version = VersionOf(gvk, label_value);
  if (!version) return std::nullopt;
  return CachedObjects{.objects = Labelled(*kinds_.at(gvk), label_value),
                       .version = std::move(*version)};
}

std::optional<std::string> WatchHub::CachedVersion(const kube::GroupVersionKind& gvk,
                                                   const std::string& label_value) {
  core::MutexLock lock(mu_);
  return VersionOf(gvk, label_value);
}

WatchHub::Stored WatchHub::Pack(const Object& obj) {
  Stored stored{.label = LabelOf(obj),
                .resource_version = StringAt(obj.body(), {"metadata", "resourceVersion"}),
                .cbor = Json::to_cbor(obj.body())};
  stored.cbor.shrink_to_fit();
  return stored;
}

Object WatchHub::Unpack(const Stored& stored) { return Object(Json::from_cbor(stored.cbor)); }

void WatchHub::Put(Kind& kind, const Object& obj) {
  ObjectKey key = obj.Key();
  Remove(kind, key);
  Stored stored = Pack(obj);
  kind.label_versions[stored.label] = NextVersion();
  kind.by_label[stored.label].insert(key);
  kind.objects.emplace(std::move(key), std::move(stored));
}

void WatchHub::Remove(Kind& kind, const ObjectKey& key) {
  auto it = kind.objects.find(key);
  if (it == kind.objects.end()) return;
  const std::string value = it->second.label;
  kind.label_versions[value] = NextVersion();
  auto label = kind.by_label.find(value);
  if (label != kind.by_label.end()) {
    label->second.erase(key);
    if (label->second.empty()) kind.by_label.erase(label);
  }
  kind.objects.erase(it);
}

std::vector<Object> WatchHub::Labelled(const Kind& kind, const std::string& label_value) {
  std::vector<Object> out;
  auto label = kind.by_label.find(label_value);
  if (label == kind.by_label.end()) return out;
  out.reserve(label->second.size());
  for (const auto& key : label->second) out.push_back(Unpack(kind.objects.at(key)));
  return out;
}

Result<std::unique_ptr<WatchHub::Subscription>> WatchHub::Subscribe(
    const kube::GroupVersionKind& gvk, const std::string& label_value,
    kube::WatchCallback callback) {
  core::MutexLock lock(mu_);
  int id = next_id_++;
  auto it = kinds_.find(gvk);
  if (it != kinds_.end()) {
    Kind& kind = *it->second;
    kind.subscribers[id] = Subscriber{label_value, std::move(callback)};
    if (kind.listed) {
      kube::WatchEvent replace{.type = kube::WatchEventType::kReplace,
                               .objects = Labelled(kind, label_value)};
      kind.subscribers[id].callback(replace);
    }
    return std::unique_ptr<Subscription>(new Subscription(*this, gvk, id));
  }
  auto kind = std::make_shared<Kind>();
  kind->gvk = gvk;
  kind->epoch = NextVersion();
  kind->subscribers[id] = Subscriber{label_value, std::move(callback)};
  kinds_[gvk] = kind;
  // The watcher lists on its own thread and calls back there; that callback waits for mu_,
  // which Watch() does not need, so starting it while holding mu_ is safe.
  auto handle = watcher_.Watch(gvk, "", {.label_selector = std::string(sync::kInstanceLabel)},
                               [this, kind](const kube::WatchEvent& e) {
                                 core::MutexLock event_lock(mu_);
                                 if (!kind->closed) OnEvent(kind, e);
                               });
  if (!handle) {
    kinds_.erase(gvk);
    return std::unexpected(handle.error());
  }
  kind->handle = std::move(*handle);
  return std::unique_ptr<Subscription>(new Subscription(*this, gvk, id));
}

void WatchHub::OnEvent(const std::shared_ptr<Kind>& kind, const kube::WatchEvent& event) {
  struct Notify {
    core::CondVar& cv;
    ~Notify() { cv.notify_all(); }
  } notify{changed_};
  auto deliver = [&](const std::string& label, const kube::WatchEvent& e) {
    for (auto& [id, s] : kind->subscribers) {
      if (s.label_value == label) s.callback(e);
    }
  };
  kind->current = event.type != kube::WatchEventType::kError;
  switch (event.type) {
    case kube::WatchEventType::kBookmark:
      return;
    case kube::WatchEventType::kError:
      kind->epoch = NextVersion();  // events may have been missed
      for (auto& [id, s] : kind->subscribers) s.callback(event);
      return;
    case kube::WatchEventType::kReplace: {
      kind->objects.clear();
      kind->by_label.clear();
      kind->epoch = NextVersion();
      std::map<std::string, kube::WatchEvent> per_label;
      for (auto& [id, s] : kind->subscribers) {
        per_label.emplace(s.label_value,
                          kube::WatchEvent{.type = kube::WatchEventType::kReplace,
                                           .resource_version = event.resource_version});
      }
      for (const auto& o : event.objects) {
        Put(*kind, o);
        auto it = per_label.find(LabelOf(o));
        if (it != per_label.end()) it->second.objects.push_back(o);
      }
      kind->listed = true;
      for (auto& [id, s] : kind->subscribers) s.callback(per_label.at(s.label_value));
      return;
    }
    case kube::WatchEventType::kAdded:
    case kube::WatchEventType::kModified: {
      ObjectKey key = event.object.Key();
      auto old = kind->objects.find(key);
      if (old != kind->objects.end() && old->second.label != LabelOf(event.object)) {
        deliver(old->second.label, kube::WatchEvent{.type = kube::WatchEventType::kDeleted,
                                                    .object = Unpack(old->second),
                                                    .resource_version = event.resource_version});
      }
      Put(*kind, event.object);
      deliver(LabelOf(event.object), event);
      return;
    }
    case kube::WatchEventType::kDeleted:
      Remove(*kind, event.object.Key());
      deliver(LabelOf(event.object), event);
      return;
  }
}

void WatchHub::Unsubscribe(const kube::GroupVersionKind& gvk, int id) {
  std::unique_ptr<kube::WatchHandle> stopped;
  {
    core::MutexLock lock(mu_);
    auto it = kinds_.find(gvk);
    if (it == kinds_.end()) return;
    it->second->subscribers.erase(id);
    if (!it->second->subscribers.empty()) return;
    it->second->closed = true;
    stopped = std::move(it->second->handle);
    kinds_.erase(it);
  }
  stopped.reset();  // outside mu_: the watch thread may be waiting for it
}

}  // namespace cellgate::engine

#include "engine/testing/fake_cell.h"

#include <gtest/gtest.h>

#include "core/mutex.h"
#include "core/yaml.h"

namespace cellgate::engine::testing {
namespace {

bool MatchesSelector(const Object& obj, const std::string& selector) {
  std::size_t start = 0;
  while (start < selector.size()) {
    std::size_t end = selector.find(',', start);
    if (end == std::string::npos) end = selector.size();
    std::string term = selector.substr(start, end - start);
    start = end + 1;
    auto eq = term.find('=');
    if (eq == std::string::npos) {
      // "key": the label exists.
      const Json& meta = obj.body().value("metadata", Json::object());
      if (!meta.contains("labels") || !meta["labels"].contains(term)) return false;
      continue;
    }
    if (obj.Label(term.substr(0, eq)) != term.substr(eq + 1)) return false;
  }
  return true;
}

Json WithoutMetaAndStatus(const Json& body) {
  Json copy = body;
  copy.erase("metadata");
  copy.erase("status");
  return copy;
}

std::string KeyText(const ObjectKey& k) { return k.ToString(); }

// The member order the real API server uses: writes answer "kind" first, lists and gets (as
// kube::WithTypeMeta rebuilds them) "apiVersion" first. Sync must not depend on either.
Object Ordered(const Object& obj, bool kind_first) {
  Json out = Json::object();
  const Json& body = obj.body();
  static constexpr const char* kKindFirst[] = {"kind", "apiVersion"};
  static constexpr const char* kApiVersionFirst[] = {"apiVersion", "kind"};
  for (const char* k : kind_first ? kKindFirst : kApiVersionFirst) {
    if (body.contains(k)) out[k] = body[k];
  }
  for (auto it = body.begin(); it != body.end(); ++it) {
    if (it.key() != "kind" && it.key() != "apiVersion") out[it.key()] = *it;
  }
  return Object(std::move(out), obj.origin());
}

}  // namespace

struct FakeCell::WatchState {
  kube::GroupVersionKind gvk;
  std::string ns;
  std::string selector;
  kube::WatchCallback callback;
  core::Mutex mu;
  core::CondVar cv;
  std::deque<kube::WatchEvent> queue;
  bool stopped = false;
  bool delivering = false;  // a callback is running
  std::thread thread;

  void Push(kube::WatchEvent e) {
    core::MutexLock lock(mu);
    queue.push_back(std::move(e));
    cv.notify_all();
  }
  void Loop() {
    while (true) {
      kube::WatchEvent e;
      {
        core::MutexLock lock(mu);
        cv.wait(lock, [&] { return stopped || !queue.empty(); });
        if (stopped) return;
        e = std::move(queue.front());
        queue.pop_front();
        delivering = true;
      }
      callback(e);
      core::MutexLock lock(mu);
      delivering = false;
      cv.notify_all();
    }
  }
  void WaitUntilDelivered() {
    core::MutexLock lock(mu);
    cv.wait(lock, [&] { return stopped || (queue.empty() && !delivering); });
  }
  bool Wants(const Object& obj) const {
    return kube::GroupVersionKind::Of(obj).group == gvk.group &&
           kube::GroupVersionKind::Of(obj).kind == gvk.kind &&
           (ns.empty() || obj.Namespace() == ns) && MatchesSelector(obj, selector);
  }
};

class FakeCell::Handle final : public kube::WatchHandle {
 public:
  Handle(FakeCell& cell, std::shared_ptr<WatchState> state)
      : cell_(cell), state_(std::move(state)) {}
  ~Handle() override {
    Stop();
    if (state_->thread.joinable()) state_->thread.join();
    core::MutexLock lock(cell_.mu_);
    std::erase(cell_.watches_, state_);
  }
  void Stop() override {
    core::MutexLock lock(state_->mu);
    state_->stopped = true;
    state_->cv.notify_all();
  }

 private:
  FakeCell& cell_;
  std::shared_ptr<WatchState> state_;
};

FakeCell::FakeCell() {
  Serve({"", "v1", "Namespace"}, false, "namespaces");
  Serve({"", "v1", "ConfigMap"}, true, "configmaps");
  Serve({"", "v1", "Secret"}, true, "secrets");
  Serve({"", "v1", "Service"}, true, "services");
  Serve({"", "v1", "Pod"}, true, "pods");
  Serve({"apps", "v1", "Deployment"}, true, "deployments");
  Serve({"batch", "v1", "Job"}, true, "jobs");
  Serve({"apiextensions.k8s.io", "v1", "CustomResourceDefinition"}, false,
        "customresourcedefinitions");
}

FakeCell::~FakeCell() = default;

void FakeCell::Serve(const kube::GroupVersionKind& gvk, bool namespaced, std::string resource) {
  core::MutexLock lock(mu_);
  kinds_[gvk] = kube::ResourceMapping{
      .gvk = gvk,
      .resource = resource.empty() ? gvk.kind + "s" : resource,
      .namespaced = namespaced,
      .verbs = {"get", "list", "watch", "create", "update", "patch", "delete"}};
}

std::optional<kube::ResourceMapping> FakeCell::Lookup(const kube::GroupVersionKind& gvk) const {
  auto it = kinds_.find(gvk);
  if (it == kinds_.end()) return std::nullopt;
  return it->second;
}

void FakeCell::Record(const std::string& entry) { log_.push_back(entry); }

std::vector<std::string> FakeCell::Log() const {
  core::MutexLock lock(mu_);
  return log_;
}

void FakeCell::ClearLog() {
  core::MutexLock lock(mu_);
  log_.clear();
}

std::vector<std::string> FakeCell::LogWith(const std::string& prefix) const {
  std::vector<std::string> out;
  for (auto& e : Log()) {
    if (e.starts_with(prefix)) out.push_back(e);
  }
  return out;
}

void FakeCell::FailWhen(Injector injector) {
  core::MutexLock lock(mu_);
  injectors_.push_back(std::move(injector));
}

void FakeCell::SetReactor(Reactor reactor) {
  core::MutexLock lock(mu_);
  reactor_ = std::move(reactor);
}

std::optional<Error> FakeCell::Check(const std::string& verb, const ObjectKey& key, bool dry_run) {
  Record(verb + (dry_run ? "(dry-run) " : " ") + KeyText(key));
  for (auto& inject : injectors_) {
    if (auto e = inject(Request{verb, key, dry_run})) return e;
  }
  return std::nullopt;
}

void FakeCell::Notify(kube::WatchEventType type, const Object& obj) {
  for (auto& w : watches_) {
    if (!w->Wants(obj)) continue;
    w->Push(kube::WatchEvent{
        .type = type,
        .object = obj,
        .resource_version = StringAt(obj.body(), {"metadata", "resourceVersion"})});
  }
}

Object FakeCell::Put(Object obj) {
  core::MutexLock lock(mu_);
  Json& meta = obj.mutable_body()["metadata"];
  if (!meta.contains("uid")) meta["uid"] = "uid-" + std::to_string(++uid_);
  meta["resourceVersion"] = std::to_string(++version_);
  if (!meta.contains("generation")) meta["generation"] = 1;
  objects_[obj.Key()] = obj;
  Notify(kube::WatchEventType::kAdded, obj);
  return obj;
}

std::optional<Object> FakeCell::Find(const ObjectKey& key) const {
  core::MutexLock lock(mu_);
  auto it = objects_.find(key);
  if (it == objects_.end()) return std::nullopt;
  return it->second;
}

std::vector<Object> FakeCell::All() const {
  core::MutexLock lock(mu_);
  std::vector<Object> out;
  for (auto& [k, v] : objects_) out.push_back(v);
  return out;
}

void FakeCell::Edit(const ObjectKey& key, const std::function<void(Json&)>& edit) {
  core::MutexLock lock(mu_);
  auto it = objects_.find(key);
  if (it == objects_.end()) return;
  Json before = WithoutMetaAndStatus(it->second.body());
  edit(it->second.mutable_body());
  Json& meta = it->second.mutable_body()["metadata"];
  meta["resourceVersion"] = std::to_string(++version_);
  if (WithoutMetaAndStatus(it->second.body()) != before) {
    meta["generation"] = meta.value("generation", 1) + 1;
  }
  Record("external " + KeyText(key));
  Notify(kube::WatchEventType::kModified, it->second);
}

void FakeCell::Erase(const ObjectKey& key) {
  core::MutexLock lock(mu_);
  auto it = objects_.find(key);
  if (it == objects_.end()) return;
  Object gone = it->second;
  objects_.erase(it);
  Record("external-delete " + KeyText(key));
  Notify(kube::WatchEventType::kDeleted, gone);
}

Result<Object> FakeCell::Get(const kube::GroupVersionKind& gvk, std::string_view ns,
                             std::string_view name) {
  core::MutexLock lock(mu_);
  auto mapping = Lookup(gvk);
  ObjectKey key{gvk.group, gvk.kind, mapping && !mapping->namespaced ? "" : std::string(ns),
                std::string(name)};
  if (auto e = Check("get", key, false)) return std::unexpected(*e);
  if (!mapping) return MakeError(ErrorCode::kNotFound, "no resource serves " + gvk.ToString());
  auto it = objects_.find(key);
  if (it == objects_.end()) {
    return MakeError(ErrorCode::kNotFound, "get " + KeyText(key) + ": 404 Not Found");
  }
  if (reactor_) reactor_("get", it->second.mutable_body());
  return Ordered(it->second, /*kind_first=*/false);
}

Result<kube::ObjectList> FakeCell::List(const kube::GroupVersionKind& gvk, std::string_view ns,
                                        const kube::ListOptions& options) {
  core::MutexLock lock(mu_);
  if (auto e = Check("list", ObjectKey{gvk.group, gvk.kind, std::string(ns), ""}, false)) {
    return std::unexpected(*e);
  }
  if (!Lookup(gvk)) return MakeError(ErrorCode::kNotFound, "no resource serves " + gvk.ToString());
  kube::ObjectList out;
  for (auto& [k, v] : objects_) {
    if (k.group != gvk.group || k.kind != gvk.kind) continue;
    if (!ns.empty() && k.ns != ns) continue;
    if (!MatchesSelector(v, options.label_selector)) continue;
    out.items.push_back(Ordered(v, /*kind_first=*/false));
  }
  out.resource_version = std::to_string(version_);
  return out;
}

Result<Object> FakeCell::Store(const std::string& verb, Object obj, bool dry_run, bool must_exist,
                               bool must_not_exist) {
  core::MutexLock lock(mu_);
  auto gvk = kube::GroupVersionKind::Of(obj);
  auto mapping = Lookup(gvk);
  if (mapping && !mapping->namespaced) obj.mutable_body()["metadata"].erase("namespace");
  ObjectKey key = obj.Key();
  if (auto e = Check(verb, key, dry_run)) return std::unexpected(*e);
  if (!mapping) {
    return MakeError(ErrorCode::kNotFound,
                     verb + " " + KeyText(key) + ": no resource serves " + gvk.ToString());
  }
  if (mapping->namespaced && !key.ns.empty() && key.ns != "default" &&
      !objects_.contains(ObjectKey{"", "Namespace", "", key.ns})) {
    return MakeError(
        ErrorCode::kNotFound,
        verb + " " + KeyText(key) + ": 404 Not Found: namespaces \"" + key.ns + "\" not found");
  }
  auto it = objects_.find(key);
  if (must_exist && it == objects_.end()) {
    return MakeError(ErrorCode::kNotFound, verb + " " + KeyText(key) + ": 404 Not Found");
  }
  if (must_not_exist && it != objects_.end()) {
    return MakeError(ErrorCode::kAlreadyExists, verb + " " + KeyText(key) + ": 409 AlreadyExists");
  }
  // Status is the server's: keep it. (Done first: inserting a key into an ordered_json object
  // invalidates references to its members.)
  if (it != objects_.end() && it->second.body().contains("status") &&
      !obj.body().contains("status")) {
    obj.mutable_body()["status"] = it->second.body()["status"];
  }
  Json& meta = obj.mutable_body()["metadata"];
  if (it != objects_.end()) {
    const Json& old_meta = it->second.body()["metadata"];
    std::string rv = StringAt(obj.body(), {"metadata", "resourceVersion"});
    if (!rv.empty() && rv != StringAt(old_meta, {"resourceVersion"})) {
      return MakeError(ErrorCode::kConflict, verb + " " + KeyText(key) + ": 409 Conflict");
    }
    meta["uid"] = old_meta.value("uid", "");
    meta["creationTimestamp"] = old_meta.value("creationTimestamp", "");
    std::int64_t generation = old_meta.value("generation", 1);
    if (WithoutMetaAndStatus(obj.body()) != WithoutMetaAndStatus(it->second.body())) {
      ++generation;
    }
    meta["generation"] = generation;
    if (old_meta.contains("deletionTimestamp")) {
      meta["deletionTimestamp"] = old_meta["deletionTimestamp"];
    }
    meta["resourceVersion"] = StringAt(old_meta, {"resourceVersion"});
    // A dry run answers with the version it was computed on, as the API server does.
    bool changed = obj.body() != it->second.body();
    if (changed && !dry_run) meta["resourceVersion"] = std::to_string(++version_);
  } else {
    meta["uid"] = "uid-" + std::to_string(dry_run ? uid_ + 1 : ++uid_);
    meta["creationTimestamp"] = "2024-01-01T00:00:" + std::to_string(10 + version_ % 50) + "Z";
    meta["generation"] = 1;
    meta["resourceVersion"] = dry_run ? std::string() : std::to_string(++version_);
  }
  meta.erase("managedFields");
  if (dry_run) return Ordered(obj, /*kind_first=*/true);
  bool existed = it != objects_.end();
  std::string rv_before =
      existed ? StringAt(it->second.body(), {"metadata", "resourceVersion"}) : "";
  if (reactor_) reactor_(verb, obj.mutable_body());
  objects_[key] = obj;
  if (!existed) {
    Notify(kube::WatchEventType::kAdded, obj);
  } else if (StringAt(obj.body(), {"metadata", "resourceVersion"}) != rv_before) {
    Notify(kube::WatchEventType::kModified, obj);
  }
  return Ordered(obj, /*kind_first=*/true);
}

Result<Object> FakeCell::Apply(const Object& object, const kube::ApplyOptions& options) {
  return Store("apply", object, options.dry_run, false, false);
}

Result<Object> FakeCell::Create(const Object& object, const kube::WriteOptions& options) {
  return Store("create", object, options.dry_run, false, true);
}

Result<Object> FakeCell::Update(const Object& object, const kube::WriteOptions& options) {
  return Store("update", object, options.dry_run, true, false);
}

Status FakeCell::Delete(const Object& object, const kube::DeleteOptions& options) {
  core::MutexLock lock(mu_);
  auto mapping = Lookup(kube::GroupVersionKind::Of(object));
  ObjectKey key = object.Key();
  if (mapping && !mapping->namespaced) key.ns.clear();
  if (auto e = Check("delete", key, options.dry_run)) return std::unexpected(*e);
  auto it = objects_.find(key);
  if (it == objects_.end()) {
    return MakeError(ErrorCode::kNotFound, "delete " + KeyText(key) + ": 404 Not Found");
  }
  if (!options.precondition_uid.empty() &&
      StringAt(it->second.body(), {"metadata", "uid"}) != options.precondition_uid) {
    return MakeError(ErrorCode::kConflict, "delete " + KeyText(key) + ": 409 Conflict (uid)");
  }
  if (options.dry_run) return Ok();
  Json& meta = it->second.mutable_body()["metadata"];
  auto finalizers = meta.find("finalizers");
  if (finalizers != meta.end() && finalizers->is_array() && !finalizers->empty()) {
    if (!meta.contains("deletionTimestamp")) {
      meta["deletionTimestamp"] = "2024-01-01T00:01:00Z";
      meta["resourceVersion"] = std::to_string(++version_);
      Notify(kube::WatchEventType::kModified, it->second);
    }
    return Ok();
  }
  Object gone = it->second;
  objects_.erase(it);
  Notify(kube::WatchEventType::kDeleted, gone);
  return Ok();
}

Result<std::unique_ptr<kube::WatchHandle>> FakeCell::Watch(const kube::GroupVersionKind& gvk,
                                                           std::string_view ns,
                                                           const kube::WatchOptions& options,
                                                           kube::WatchCallback on_event) {
  core::MutexLock lock(mu_);
  Record("watch " + gvk.ToString());
  if (!Lookup(gvk)) return MakeError(ErrorCode::kNotFound, "no resource serves " + gvk.ToString());
  auto state = std::make_shared<WatchState>();
  state->gvk = gvk;
  state->ns = std::string(ns);
  state->selector = options.label_selector;
  state->callback = std::move(on_event);
  kube::WatchEvent replace{.type = kube::WatchEventType::kReplace,
                           .resource_version = std::to_string(version_)};
  for (auto& [k, v] : objects_) {
    if (state->Wants(v)) replace.objects.push_back(v);
  }
  state->Push(std::move(replace));
  state->thread = std::thread([s = state.get()] { s->Loop(); });
  watches_.push_back(state);
  return std::unique_ptr<kube::WatchHandle>(new Handle(*this, state));
}

void FakeCell::WaitForWatchDeliveries() {
  std::vector<std::shared_ptr<WatchState>> watches;
  {
    core::MutexLock lock(mu_);
    watches = watches_;
  }
  for (const auto& w : watches) w->WaitUntilDelivered();
}

std::size_t FakeCell::WatchCount() const {
  core::MutexLock lock(mu_);
  return watches_.size();
}

Result<kube::ResourceMapping> FakeCell::Map(const kube::GroupVersionKind& gvk) {
  core::MutexLock lock(mu_);
  if (auto m = Lookup(gvk)) return *m;
  return MakeError(ErrorCode::kNotFound, "no resource serves " + gvk.ToString());
}

Result<kube::ResourceMapping> FakeCell::MapGroupKind(std::string_view group,
                                                     std::string_view kind) {
  core::MutexLock lock(mu_);
  for (auto& [gvk, m] : kinds_) {
    if (gvk.group == group && gvk.kind == kind) return m;
  }
  return MakeError(ErrorCode::kNotFound,
                   "no resource serves " + std::string(group) + " " + std::string(kind));
}

Result<std::vector<kube::ResourceMapping>> FakeCell::ListableKinds() {
  core::MutexLock lock(mu_);
  Record("discovery");
  std::vector<kube::ResourceMapping> out;
  for (auto& [gvk, m] : kinds_) out.push_back(m);
  return out;
}

Status FakeCell::WaitForCRDEstablished(std::string_view name, std::chrono::milliseconds) {
  core::MutexLock lock(mu_);
  Record("wait-crd " + std::string(name));
  auto it = objects_.find(
      ObjectKey{"apiextensions.k8s.io", "CustomResourceDefinition", "", std::string(name)});
  if (it == objects_.end()) {
    return MakeError(ErrorCode::kNotFound,
                     "CustomResourceDefinition " + std::string(name) + " not found");
  }
  it->second.mutable_body()["status"] = {
      {"conditions", {{{"type", "Established"}, {"status", "True"}}}}};
  const Json& spec = it->second.body()["spec"];
  std::string group = StringAt(spec, {"group"});
  std::string kind = StringAt(spec, {"names", "kind"});
  std::string plural = StringAt(spec, {"names", "plural"});
  bool namespaced = StringAt(spec, {"scope"}) != "Cluster";
  for (const auto& v : spec.value("versions", Json::array())) {
    kube::GroupVersionKind gvk{group, StringAt(v, {"name"}), kind};
    kinds_[gvk] = kube::ResourceMapping{
        .gvk = gvk,
        .resource = plural,
        .namespaced = namespaced,
        .verbs = {"get", "list", "watch", "create", "update", "patch", "delete"}};
  }
  return Ok();
}

}  // namespace cellgate::engine::testing

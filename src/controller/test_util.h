// Fakes for the controller's unit tests: a hub (fleet's FakeCluster with server-side apply's
// "replace the fields you send" behaviour for top-level fields), destination cells (sync's
// FakeCell behind a CellClient), a git Source of in-memory snapshots, and helpers to build
// the registry, homes and reconciler around them. The e2e tests use real API servers and
// repositories; these exist so the controller's decisions are tested fast and exactly.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "argo/cluster_secret.h"
#include "cells/cell_registry.h"
#include "cells/cell_secret.h"
#include "controller/cell_targets.h"
#include "core/mutex.h"
#include "core/yaml.h"
#include "engine/testing/fake_cell.h"
#include "git/source.h"
#include "kube/testing/fake_cluster.h"
#include "render/testing/memory_snapshot.h"

namespace cellgate::controller::testing {

inline bool Eventually(const std::function<bool()>& done,
                       std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return done();
}

inline Object ParseOne(const std::string& yaml) {
  auto docs = ParseYamlDocuments(yaml, "test.yaml");
  EXPECT_TRUE(docs && !docs->empty()) << yaml;
  auto o = Object::FromJson(docs->front().value);
  EXPECT_TRUE(o) << (o ? "" : o.error().message());
  return o ? *o : Object();
}

// The hub: FakeCluster, except that Apply keeps what it is not sent (top-level fields are
// replaced one by one, labels and annotations merged), as server-side apply keeps fields of
// other managers. Enough for status writes next to a spec someone else owns.
class FakeHub final : public kube::Reader, public kube::Applier, public kube::Watcher {
 public:
  Result<Object> Get(const kube::GroupVersionKind& gvk, std::string_view ns,
                     std::string_view name) override {
    return cluster_.Get(gvk, ns, name);
  }
  Result<kube::ObjectList> List(const kube::GroupVersionKind& gvk, std::string_view ns,
                                const kube::ListOptions& options) override {
    return cluster_.List(gvk, ns, options);
  }
  Result<Object> Apply(const Object& object, const kube::ApplyOptions& options) override {
    {
      core::MutexLock lock(mu_);
      ++applies_by_kind_[object.Kind()];
      applied_[object.Kind()].push_back(object);
    }
    auto [g, v] = SplitApiVersion(object.ApiVersion());
    auto existing = cluster_.Get({g, v, object.Kind()}, object.Namespace(), object.Name());
    if (!existing) return cluster_.Apply(object, options);
    Json merged = existing->body();
    for (const auto& [k, val] : object.body().items()) {
      if (k != "metadata") merged[k] = val;
    }
    for (const char* m : {"labels", "annotations"}) {
      if (object.body()["metadata"].contains(m)) {
        for (const auto& [k, val] : object.body()["metadata"][m].items()) {
          merged["metadata"][m][k] = val;
        }
      }
    }
    merged["metadata"].erase("resourceVersion");
    return cluster_.Apply(Object(std::move(merged)), options);
  }
  Result<Object> Create(const Object& object, const kube::WriteOptions& options) override {
    return cluster_.Create(object, options);
  }
  Result<Object> Update(const Object& object, const kube::WriteOptions& options) override {
    return cluster_.Update(object, options);
  }
  Status Delete(const Object& object, const kube::DeleteOptions& options) override {
    return cluster_.Delete(object, options);
  }
  Result<std::unique_ptr<kube::WatchHandle>> Watch(const kube::GroupVersionKind& gvk,
                                                   std::string_view ns,
                                                   const kube::WatchOptions& options,
                                                   kube::WatchCallback on_event) override {
    return cluster_.Watch(gvk, ns, options, std::move(on_event));
  }

  kube::testing::FakeCluster& cluster() { return cluster_; }
  int Applies(const std::string& kind) const {
    core::MutexLock lock(mu_);
    auto it = applies_by_kind_.find(kind);
    return it == applies_by_kind_.end() ? 0 : it->second;
  }
  // Every object applied of `kind`, in order, as sent.
  std::vector<Object> Applied(const std::string& kind) const {
    core::MutexLock lock(mu_);
    auto it = applied_.find(kind);
    return it == applied_.end() ? std::vector<Object>{} : it->second;
  }
  Object MustGet(const std::string& kind, const std::string& ns, const std::string& name) {
    std::string api = kind == "Secret" || kind == "Event" ? "v1" : "argoproj.io/v1alpha1";
    auto [g, v] = SplitApiVersion(api);
    auto o = cluster_.Get({g, v, kind}, ns, name);
    EXPECT_TRUE(o) << kind << " " << ns << "/" << name;
    return o ? *o : Object();
  }

 private:
  kube::testing::FakeCluster cluster_;
  mutable core::Mutex mu_;
  std::map<std::string, int> applies_by_kind_ GUARDED_BY(mu_);
  std::map<std::string, std::vector<Object>> applied_ GUARDED_BY(mu_);
};

// A cell: sync's FakeCell behind a CellClient; probes answer unless `up` is false.
class FakeCellClient final : public cells::CellClient {
 public:
  explicit FakeCellClient(std::shared_ptr<engine::testing::FakeCell> cell)
      : cell_(std::move(cell)) {}
  kube::Reader& reader() override { return *cell_; }
  kube::Applier& applier() override { return *cell_; }
  kube::Watcher& watcher() override { return *cell_; }
  kube::ClusterClient* cluster() override { return nullptr; }
  Result<std::string> Probe() override {
    if (!up) return MakeError(ErrorCode::kUnavailable, "connection refused");
    return std::string("v1.32.2");
  }
  std::atomic<bool> up{true};
  engine::testing::FakeCell& cell() { return *cell_; }

 private:
  std::shared_ptr<engine::testing::FakeCell> cell_;
};

// Hands out one FakeCellClient per server (the same one for every Connect of that server).
class FakeConnector final : public cells::CellConnector {
 public:
  Result<std::shared_ptr<cells::CellClient>> Connect(const kube::ClusterConfig& config) override {
    core::MutexLock lock(mu_);
    auto& client = clients_[config.server];
    if (!client)
      client = std::make_shared<FakeCellClient>(std::make_shared<engine::testing::FakeCell>());
    return std::shared_ptr<cells::CellClient>(client);
  }
  std::shared_ptr<FakeCellClient> For(const std::string& server) {
    core::MutexLock lock(mu_);
    auto& client = clients_[server];
    if (!client)
      client = std::make_shared<FakeCellClient>(std::make_shared<engine::testing::FakeCell>());
    return client;
  }

 private:
  core::Mutex mu_;
  std::map<std::string, std::shared_ptr<FakeCellClient>> clients_;
};

// A KindCatalog borrowed from a FakeCell (CellTargets' factory for fakes).
class BorrowedKinds final : public engine::KindCatalog {
 public:
  explicit BorrowedKinds(engine::KindCatalog& kinds) : kinds_(kinds) {}
  Result<kube::ResourceMapping> Map(const kube::GroupVersionKind& gvk) override {
    return kinds_.Map(gvk);
  }
  Result<kube::ResourceMapping> MapGroupKind(std::string_view g, std::string_view k) override {
    return kinds_.MapGroupKind(g, k);
  }
  Result<std::vector<kube::ResourceMapping>> ListableKinds() override {
    return kinds_.ListableKinds();
  }
  Status WaitForCRDEstablished(std::string_view name, std::chrono::milliseconds t) override {
    return kinds_.WaitForCRDEstablished(name, t);
  }

 private:
  engine::KindCatalog& kinds_;
};

inline KindCatalogFactory FakeKinds() {
  return [](cells::CellClient& client) -> Result<std::unique_ptr<engine::KindCatalog>> {
    auto* fake = dynamic_cast<FakeCellClient*>(&client);
    if (fake == nullptr) return MakeError(ErrorCode::kInternal, "not a fake cell");
    return std::unique_ptr<engine::KindCatalog>(new BorrowedKinds(fake->cell()));
  };
}

// A git Source whose repositories are in-memory snapshots; Publish makes a new commit.
class FakeSource final : public git::Source {
 public:
  std::string Publish(const std::string& repo, const std::map<std::string, std::string>& files) {
    core::MutexLock lock(mu_);
    std::string commit(40, static_cast<char>('a' + (commits_++ % 26)));
    commit[0] = static_cast<char>('0' + commits_ % 10);
    auto snap = std::make_shared<render::testing::MemorySnapshot>(commit);
    for (const auto& [path, text] : files) snap->AddFile(path, text);
    head_[repo] = commit;
    snapshots_[commit] = snap;
    return commit;
  }
  // While held, Resolve calls that would reach the remote (not offline) wait for Release, as
  // they would on a slow Git server.
  void Hold() {
    core::MutexLock lock(mu_);
    held_ = true;
  }
  void Release() {
    {
      core::MutexLock lock(mu_);
      held_ = false;
    }
    released_.notify_all();
  }
  Result<std::string> Resolve(const std::string& repo, const std::string& revision,
                              const git::ResolveOptions& options) override {
    core::MutexLock lock(mu_);
    if (!options.offline) {
      ++waiting_;
      changed_.notify_all();
      released_.wait(lock, [&] { return !held_; });
      --waiting_;
      ++remote_;
    }
    ++resolves_;
    last_options_ = options;
    if (options.max_staleness.count() == 0) ++forced_;
    if (snapshots_.contains(revision)) return revision;
    auto it = head_.find(repo);
    if (it == head_.end())
      return MakeError(ErrorCode::kUnavailable, "ls-remote " + repo + ": down");
    return it->second;
  }
  Result<std::shared_ptr<const git::Snapshot>> Open(const std::string&,
                                                    const std::string& commit) override {
    core::MutexLock lock(mu_);
    ++opens_;
    auto it = snapshots_.find(commit);
    if (it == snapshots_.end()) return MakeError(ErrorCode::kNotFound, "no commit " + commit);
    return std::shared_ptr<const git::Snapshot>(it->second);
  }
  int resolves() const {
    core::MutexLock lock(mu_);
    return resolves_;
  }
  int forced() const {
    core::MutexLock lock(mu_);
    return forced_;
  }
  git::ResolveOptions last_options() const {
    core::MutexLock lock(mu_);
    return last_options_;
  }
  // Resolves that were not offline (reached the "remote"), once they returned from Hold.
  int remote() const {
    core::MutexLock lock(mu_);
    return remote_;
  }
  // Waits until `n` callers are inside a remote Resolve (held, or about to pass).
  void WaitForWaiting(int n) {
    core::MutexLock lock(mu_);
    changed_.wait(lock, [&] { return waiting_ >= n; });
  }
  int opens() const {
    core::MutexLock lock(mu_);
    return opens_;
  }

 private:
  mutable core::Mutex mu_;
  int commits_ = 0;
  int resolves_ = 0;
  int forced_ = 0;
  int remote_ = 0;
  git::ResolveOptions last_options_;
  int waiting_ = 0;
  int opens_ = 0;
  bool held_ = false;
  core::CondVar released_;
  core::CondVar changed_;
  std::map<std::string, std::string> head_;
  std::map<std::string, std::shared_ptr<render::testing::MemorySnapshot>> snapshots_;
};

// A cluster Secret for a fake cell at `server`.
inline Object CellSecret(const std::string& name, const std::string& server,
                         const std::map<std::string, std::string>& labels = {},
                         const std::string& ns = "cellgate") {
  kube::ClusterConfig config{.name = name, .server = server, .token = "t0ken"};
  auto secret = argo::MakeClusterSecret(config, name, labels, ns);
  EXPECT_TRUE(secret) << (secret ? "" : secret.error().message());
  return secret ? *secret : Object();
}

inline std::string AppYaml(const std::string& name, const std::string& dest,
                           const std::string& extra_spec = "", const std::string& ns = "argocd",
                           const std::string& path = "app") {
  return "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: " + name +
         "\n  namespace: " + ns +
         "\nspec:\n  project: default\n  source:\n    repoURL: https://git.example/fleet.git\n"
         "    path: " +
         path + "\n    targetRevision: HEAD\n  destination:\n" + dest + "    namespace: shop\n" +
         extra_spec;
}

inline const char* const kRepo = "https://git.example/fleet.git";

}  // namespace cellgate::controller::testing

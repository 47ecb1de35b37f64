// The controller's lifecycle, queue and workers. What the watches and the registry listener
// enqueue is in appset_controller_events.cc.
#include "appset_controller/appset_controller.h"

#include <spdlog/spdlog.h>

#include <utility>

#include "appset_controller/change_detection.h"
#include "core/mutex.h"
#include "git/url.h"

namespace cellgate::appset_controller {

using Next = ReconcileResult::Next;

ApplicationSetController::ApplicationSetController(
    ApplicationSetHub hub, cells::CellRegistry& cells, appset::SnapshotResolver resolve,
    runtime::EventRecorder* events, const Clock& clock, ApplicationSetControllerOptions options)
    : hub_(hub),
      cells_(cells),
      clock_(clock),
      options_(std::move(options)),
      queue_(clock, options_.queue),
      reconciler_(ReconcilerDeps{.reader = hub.reader,
                                 .applier = hub.applier,
                                 .status = hub.status,
                                 .cells = cells,
                                 .resolve = std::move(resolve),
                                 .events = events,
                                 .clock = clock,
                                 .observer = this},
                  ReconcilerOptions{.controller_namespace = options_.controller_namespace,
                                    .field_manager = options_.field_manager,
                                    .new_git_file_globbing = options_.new_git_file_globbing,
                                    .max_status_resources = options_.max_status_resources}) {}

ApplicationSetController::~ApplicationSetController() { Stop(); }

Status ApplicationSetController::Start() {
  core::MutexLock lifecycle(lifecycle_mu_);
  if (started_ || stopped_) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "ApplicationSet controller: Start may be called once");
  }
  started_ = true;
  gate_ = std::make_shared<ListenerGate>();
  listener_id_ = cells_.AddListener([gate = gate_, this](const cells::CellChange& change) {
    core::MutexLock open(gate->mu);
    if (gate->open) OnCellChange(change);
  });
  for (const auto& ns : options_.namespaces) {
    auto appsets =
        hub_.watcher.Watch(kApplicationSetGvk, ns, {},
                           [this, ns](const kube::WatchEvent& e) { OnAppSetEvent(ns, e); });
    auto apps =
        appsets ? hub_.watcher.Watch(kApplicationGvk, ns, {},
                                     [this, ns](const kube::WatchEvent& e) { OnAppEvent(ns, e); })
                : Result<std::unique_ptr<kube::WatchHandle>>(std::unexpected(appsets.error()));
    if (!appsets || !apps) {
      Error e = (appsets ? apps.error() : appsets.error())
                    .Wrap("ApplicationSet controller: watch " +
                          (ns.empty() ? std::string("all namespaces") : ns));
      if (appsets) watches_.push_back(std::move(*appsets));
      StopLocked();
      return std::unexpected(e);
    }
    watches_.push_back(std::move(*appsets));
    watches_.push_back(std::move(*apps));
  }
  for (int i = 0; i < options_.workers; ++i) workers_.emplace_back([this] { Work(); });
  return Ok();
}

void ApplicationSetController::Stop() {
  core::MutexLock lifecycle(lifecycle_mu_);
  StopLocked();
}

void ApplicationSetController::StopLocked() {
  if (stopped_) return;
  stopped_ = true;
  if (gate_) {
    core::MutexLock closing(gate_->mu);  // waits for a listener call in flight
    gate_->open = false;
  }
  if (listener_id_ >= 0) cells_.RemoveListener(listener_id_);
  queue_.ShutDown();
  for (auto& t : workers_) t.join();
  workers_.clear();
  watches_.clear();  // each handle stops its watch and joins its thread
}

int ApplicationSetController::Refresh(std::string_view repo_url) {
  const std::string url(repo_url);
  return Refresh(std::span<const std::string>(&url, 1));
}

int ApplicationSetController::Refresh(std::span<const std::string> repo_urls) {
  std::set<std::string> wanted;
  for (const std::string& url : repo_urls) wanted.insert(git::NormaliseRepoUrl(url));
  std::vector<std::string> keys;
  {
    core::MutexLock lock(mu_);
    for (const auto& [key, st] : appsets_) {
      if (st.gone) continue;
      for (const std::string& want : wanted) {
        if (st.literal_repos.contains(want) || st.used_repos.contains(want)) {
          keys.push_back(key);
          break;
        }
      }
    }
  }
  for (const auto& k : keys) RequestFull(k);
  return static_cast<int>(keys.size());
}

int ApplicationSetController::RefreshAll() {
  std::vector<std::string> keys;
  {
    core::MutexLock lock(mu_);
    for (const auto& [key, st] : appsets_) {
      if (!st.gone) keys.push_back(key);
    }
  }
  for (const auto& k : keys) RequestFull(k);
  return static_cast<int>(keys.size());
}

ApplicationSetControllerStats ApplicationSetController::Stats() const {
  core::MutexLock lock(mu_);
  return stats_;
}

void ApplicationSetController::RequestFull(const std::string& key) {
  {
    core::MutexLock lock(mu_);
    full_pending_.insert(key);
  }
  queue_.Add(key);
}

bool ApplicationSetController::ProcessNextReady() {
  auto key = queue_.TryGet();
  if (!key) return false;
  Process(*key);
  queue_.Done(*key);
  return true;
}

void ApplicationSetController::Work() {
  while (true) {
    std::optional<std::string> key = queue_.Get();
    if (!key.has_value()) return;
    Process(*key);
    queue_.Done(*key);
  }
}

void ApplicationSetController::Process(const std::string& key) {
  bool full = false;
  std::optional<GoneApplicationSet> gone;
  {
    core::MutexLock lock(mu_);
    full = full_pending_.erase(key) > 0;
    auto it = appsets_.find(key);
    if (it == appsets_.end() || !it->second.generated || clock_.Now() >= it->second.next_full) {
      full = true;
    }
    if (it != appsets_.end() && it->second.gone) {
      gone = GoneApplicationSet{.uid = it->second.uid,
                                .preserve_resources_on_deletion = it->second.preserve_resources};
    }
  }
  auto [ns, name] = SplitAppSetKey(key);
  ReconcileResult result = reconciler_.Reconcile(
      ns, name, full ? ReconcileMode::kFull : ReconcileMode::kStatusOnly, gone ? &*gone : nullptr);
  if (!result.error.empty()) {
    spdlog::warn("ApplicationSet {}: {}", key, result.error);
  }
  core::MutexLock lock(mu_);
  ++(full ? stats_.full_reconciles : stats_.status_reconciles);
  if (!result.error.empty()) ++stats_.failures;
  switch (result.next) {
    case Next::kForget: {
      auto it = appsets_.find(key);
      if (it != appsets_.end() && it->second.gone) appsets_.erase(it);
      queue_.Forget(key);
      return;
    }
    case Next::kRetry:
      if (full) full_pending_.insert(key);
      queue_.AddRateLimited(key);
      return;
    case Next::kRequeue:
      break;
  }
  AppSetState& st = appsets_[key];
  Clock::TimePoint now = clock_.Now();
  if (full) {
    st.generated = true;
    st.next_full = now + options_.requeue_interval;
    st.used_repos = std::move(result.repos);
    st.uses_clusters = st.uses_clusters || result.uses_clusters;
  }
  queue_.Forget(key);
  // Keeps the periodic full reconcile going whatever else woke this key.
  queue_.AddAfter(key, st.next_full > now ? st.next_full - now : options_.requeue_interval);
}

}  // namespace cellgate::appset_controller

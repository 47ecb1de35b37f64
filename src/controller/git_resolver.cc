#include "controller/git_resolver.h"

#include <spdlog/spdlog.h>

#include "core/mutex.h"
#include "git/url.h"

namespace cellgate::controller {

GitResolver::GitResolver(git::Source& source, FetchStatsReader stats, ControllerMetrics* metrics,
                         const Clock& clock, std::chrono::milliseconds poll_interval,
                         int fetch_threads)
    : source_(source),
      stats_(std::move(stats)),
      metrics_(metrics),
      clock_(clock),
      poll_interval_(poll_interval),
      background_(fetch_threads > 0) {
  for (int i = 0; i < fetch_threads; ++i) threads_.emplace_back([this] { RunFetches(); });
}

GitResolver::~GitResolver() { Stop(); }

std::unique_ptr<GitResolver> GitResolver::ForMirror(git::MirrorSource& mirror,
                                                    ControllerMetrics* metrics, const Clock& clock,
                                                    std::chrono::milliseconds poll_interval,
                                                    int fetch_threads) {
  return std::make_unique<GitResolver>(
      mirror, [&mirror](const std::string& url) { return mirror.Stats(url); }, metrics, clock,
      poll_interval, fetch_threads);
}

void GitResolver::Stop() {
  {
    core::MutexLock lock(mu_);
    stopping_ = true;
    listener_ = nullptr;
  }
  cv_.notify_all();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void GitResolver::SetRefreshListener(RefreshListener listener) {
  core::MutexLock lock(mu_);
  if (!stopping_) listener_ = std::move(listener);
}

Result<std::string> GitResolver::Timed(const std::string& repo_url, const std::string& revision,
                                       const git::ResolveOptions& options, bool* fetched) {
  git::FetchStats before;
  if (stats_) before = stats_(repo_url);
  const auto start = clock_.Now();
  auto commit = source_.Resolve(repo_url, revision, options);
  if (stats_) {
    git::FetchStats after = stats_(repo_url);
    const bool did_fetch = after.fetches > before.fetches;
    if (fetched != nullptr) *fetched = did_fetch;
    const char* kind = did_fetch                              ? "fetch"
                       : after.ls_remotes > before.ls_remotes ? "ls-remote"
                                                              : nullptr;
    if (kind != nullptr && metrics_ != nullptr)
      metrics_->ObserveGit(git::NormaliseRepoUrl(repo_url), kind, clock_.Now() - start);
  } else if (fetched != nullptr) {
    *fetched = true;  // no counters: assume anything may have changed
  }
  return commit;
}

Result<std::string> GitResolver::Resolve(const std::string& repo_url, const std::string& revision,
                                         bool force) {
  if (!background_) {
    // Unforced: while another worker refreshes this repository, answer from the mirror (the
    // last good state) rather than wait, so one slow server holds at most one worker.
    return Timed(repo_url, revision,
                 {.max_staleness = force ? std::chrono::milliseconds(0) : poll_interval_,
                  .stale_while_refreshing = !force},
                 nullptr);
  }
  // Read before scheduling: a refresh this call queues never turns this call's answer from
  // "waiting for the first fetch" into a commit halfway.
  const bool fetched = Fetched(repo_url);
  Schedule(repo_url, revision, force);
  if (!fetched) {
    return MakeError(ErrorCode::kUnavailable,
                     "waiting for the first fetch of " + git::RedactUrl(repo_url));
  }
  return source_.Resolve(repo_url, revision, {.offline = true});
}

Result<std::shared_ptr<const git::Snapshot>> GitResolver::Open(const std::string& repo_url,
                                                               const std::string& commit) {
  return source_.Open(repo_url, commit);
}

Status GitResolver::Refresh(const std::string& repo_url) {
  auto r = Timed(repo_url, "HEAD", {.max_staleness = std::chrono::milliseconds(0)}, nullptr);
  CG_TRY(r);
  return Ok();
}

bool GitResolver::Fetched(const std::string& repo_url) const {
  if (!background_) return true;
  core::MutexLock lock(mu_);
  auto it = repos_.find(git::NormaliseRepoUrl(repo_url));
  return it != repos_.end() && it->second.completed;
}

void GitResolver::Schedule(const std::string& repo_url, const std::string& revision, bool force) {
  const std::string key = git::NormaliseRepoUrl(repo_url);
  core::MutexLock lock(mu_);
  if (stopping_) return;
  Repo& repo = repos_[key];
  if (repo.url.empty()) repo.url = repo_url;
  repo.revision = revision;
  if (repo.queued) {
    repo.force = repo.force || force;
    return;
  }
  if (repo.running) {
    if (force) repo.force_again = true;
    return;
  }
  const bool due =
      force || !repo.last_started || clock_.Now() - *repo.last_started >= poll_interval_;
  if (due) Enqueue(key, repo, force);
}

void GitResolver::Enqueue(const std::string& key, Repo& repo, bool force) {
  repo.queued = true;
  repo.force = force;
  queue_.push_back(key);
  cv_.notify_one();
}

void GitResolver::RunFetches() {
  for (;;) {
    std::string key;
    std::string url;
    std::string revision;
    bool force = false;
    {
      core::MutexLock lock(mu_);
      cv_.wait(lock, [&]() REQUIRES(mu_) { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      key = std::move(queue_.front());
      queue_.pop_front();
      Repo& repo = repos_[key];
      repo.queued = false;
      repo.running = true;
      repo.last_started = clock_.Now();
      url = repo.url;
      revision = repo.revision;
      force = repo.force;
    }
    bool fetched = false;
    auto result =
        Timed(url, revision,
              {.max_staleness = force ? std::chrono::milliseconds(0) : poll_interval_}, &fetched);
    // A revision the repository lacks is the app's problem, not the repository's.
    const bool ok = result.has_value() || result.error().code() == ErrorCode::kNotFound;
    RefreshListener listener;
    {
      core::MutexLock lock(mu_);
      Repo& repo = repos_[key];
      repo.running = false;
      const bool changed = !repo.completed || fetched || ok != repo.last_ok;
      repo.completed = true;
      repo.last_ok = ok;
      if (repo.force_again) {
        repo.force_again = false;
        Enqueue(key, repo, true);
      }
      if (changed) listener = listener_;
    }
    if (!ok) {
      spdlog::debug("git: background refresh of {}: {}", git::RedactUrl(url),
                    result.error().message());
    }
    if (listener) listener(url);
  }
}

}  // namespace cellgate::controller

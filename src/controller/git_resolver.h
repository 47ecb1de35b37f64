// GitResolver: how the controller turns an Application's repoURL and targetRevision into a
// commit, so that repositories are polled per repository, not per application, and so that no
// cell's reconcile worker ever waits on a Git server.
//
// Polling: a repository is refreshed at most once per poll interval, however many applications
// use it (the mirror's max_staleness, git/mirror_source.h); a forced resolve (the
// argocd.argoproj.io/refresh annotation) refreshes at once.
//
// Two modes:
//   - Synchronous (fetch_threads == 0; tests and tools): Resolve refreshes on the caller's
//     thread when a refresh is due. Unforced resolves that arrive while another caller
//     refreshes the repository are answered from the mirror (stale_while_refreshing).
//   - Background (fetch_threads > 0; the controller): Resolve never touches the network. When
//     a refresh is due (or forced) it queues one for the repository, coalesced with any queued
//     or running one, and answers from the mirror as the last refresh left it
//     (ResolveOptions::offline). Until the first refresh of a repository completes, Resolve
//     gives kUnavailable and Fetched() is false: the caller leaves the app as it is and the
//     refresh listener brings it back. When a refresh completes and something may have changed
//     (the first refresh, a fetch that moved a ref, or success turning into failure or back),
//     the listener is called with the repository URL, so the apps of that repository are
//     re-queued. A stalled server therefore holds one fetch thread for at most the fetch
//     timeout, and cell workers keep serving the last good state meanwhile.
//
// Refresh() is always synchronous: the webhook thread refreshes before it re-queues.
//
// Each refresh that reached the remote is timed into cellgate_git_request_duration_seconds
// (kind "fetch" when it fetched, else "ls-remote"), attributed by comparing the mirror's
// counters before and after; a resolve answered from the mirror is not a request.
//
// Thread-safety: thread-safe. The listener runs on a fetch thread; Stop() (or destruction)
// joins the fetch threads, after which the listener is never called again.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "controller/controller_metrics.h"
#include "core/clock.h"
#include "core/mutex.h"
#include "core/result.h"
#include "git/mirror_source.h"
#include "git/source.h"

namespace cellgate::controller {

// Per-repository counters; MirrorSource::Stats in production, empty for fakes.
using FetchStatsReader = std::function<git::FetchStats(const std::string& repo_url)>;
// Called with the repository URL (as an app spelled it) after a refresh that may have changed
// what Resolve answers.
using RefreshListener = std::function<void(const std::string& repo_url)>;

class GitResolver {
 public:
  GitResolver(git::Source& source, FetchStatsReader stats, ControllerMetrics* metrics,
              const Clock& clock, std::chrono::milliseconds poll_interval, int fetch_threads = 0);
  ~GitResolver();
  GitResolver(const GitResolver&) = delete;
  GitResolver& operator=(const GitResolver&) = delete;

  // For a MirrorSource: its Stats feed the metrics.
  static std::unique_ptr<GitResolver> ForMirror(git::MirrorSource& mirror,
                                                ControllerMetrics* metrics, const Clock& clock,
                                                std::chrono::milliseconds poll_interval,
                                                int fetch_threads = 0);

  Result<std::string> Resolve(const std::string& repo_url, const std::string& revision, bool force);
  Result<std::shared_ptr<const git::Snapshot>> Open(const std::string& repo_url,
                                                    const std::string& commit);
  // A forced refresh of the repository on the caller's thread, in either mode.
  Status Refresh(const std::string& repo_url);

  // Background mode: whether a refresh of `repo_url` has completed since this resolver
  // started (successfully or not). Always true in synchronous mode.
  bool Fetched(const std::string& repo_url) const;

  void SetRefreshListener(RefreshListener listener);
  // Stops the fetch threads (a refresh in flight finishes first) and drops the listener.
  void Stop();

  std::chrono::milliseconds poll_interval() const { return poll_interval_; }

 private:
  struct Repo {
    std::string url;       // as the first app spelled it
    std::string revision;  // the latest revision asked for
    bool queued = false;
    bool running = false;
    bool force = false;        // the queued refresh is forced
    bool force_again = false;  // forced while running: refresh again when it ends
    bool completed = false;    // a refresh has completed
    bool last_ok = false;
    std::optional<Clock::TimePoint> last_started;
  };

  // Resolves through the source, timing the request into the metrics; returns whether the
  // mirror fetched.
  Result<std::string> Timed(const std::string& repo_url, const std::string& revision,
                            const git::ResolveOptions& options, bool* fetched);
  void Schedule(const std::string& repo_url, const std::string& revision, bool force);
  void Enqueue(const std::string& key, Repo& repo, bool force) REQUIRES(mu_);
  void RunFetches();

  git::Source& source_;
  const FetchStatsReader stats_;
  ControllerMetrics* const metrics_;
  const Clock& clock_;
  const std::chrono::milliseconds poll_interval_;
  const bool background_;

  mutable core::Mutex mu_;
  core::CondVar cv_;
  std::map<std::string, Repo> repos_ GUARDED_BY(mu_);  // by normalised URL
  std::deque<std::string> queue_ GUARDED_BY(mu_);
  bool stopping_ GUARDED_BY(mu_) = false;
  RefreshListener listener_ GUARDED_BY(mu_);
  std::vector<std::thread> threads_;  // started last
};

}  // namespace cellgate::controller

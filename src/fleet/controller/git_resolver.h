// GitResolver: how the controller turns an Application's repoURL and targetRevision into a
// commit, so that repositories are polled per repository, not per application.
//
// Every reconcile resolves its revision with max_staleness = the poll interval: the first
// application of a repository to reconcile after the interval pays one ls-remote (and a fetch
// only when a branch or tag moved, git/mirror_source.h); every other application of that
// repository within the interval is answered from the mirror. N applications on one repo
// therefore cost one ls-remote per interval, whatever N is. A forced resolve (the
// argocd.argoproj.io/refresh annotation, a webhook push) refreshes at once.
//
// A slow or stalled repository server holds at most one reconcile worker per repository,
// for at most the fetch timeout: unforced resolves that arrive during a refresh are answered
// from the mirror (its last good state, ResolveOptions::stale_while_refreshing), and for a
// while after a failed refresh they get that failure without asking the server again
// (MirrorSourceOptions::failure_backoff). Fetches still run on the worker that needs them.
//
// Each resolve that reached the remote is timed into cellgate_git_request_duration_seconds
// (kind "fetch" when it fetched, else "ls-remote"), attributed by comparing the mirror's
// counters before and after; a resolve answered from the mirror is not a request.
//
// Thread-safety: thread-safe (MirrorSource is).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "fleet/controller/controller_metrics.h"
#include "git/mirror_source.h"
#include "git/source.h"

namespace cellgate::fleet::controller {

// Per-repository counters; MirrorSource::Stats in production, empty for fakes.
using FetchStatsReader = std::function<git::FetchStats(const std::string& repo_url)>;

class GitResolver {
 public:
  GitResolver(git::Source& source, FetchStatsReader stats, ControllerMetrics* metrics,
              const Clock& clock, std::chrono::milliseconds poll_interval);

  // For a MirrorSource: its Stats feed the metrics.
  static std::unique_ptr<GitResolver> ForMirror(git::MirrorSource& mirror,
                                                ControllerMetrics* metrics, const Clock& clock,
                                                std::chrono::milliseconds poll_interval);

  Result<std::string> Resolve(const std::string& repo_url, const std::string& revision, bool force);
  Result<std::shared_ptr<const git::Snapshot>> Open(const std::string& repo_url,
                                                    const std::string& commit);

  std::chrono::milliseconds poll_interval() const { return poll_interval_; }

 private:
  git::Source& source_;
  const FetchStatsReader stats_;
  ControllerMetrics* const metrics_;
  const Clock& clock_;
  const std::chrono::milliseconds poll_interval_;
};

}  // namespace cellgate::fleet::controller

#include "fleet/controller/git_resolver.h"

#include "git/url.h"

namespace cellgate::fleet::controller {

GitResolver::GitResolver(git::Source& source, FetchStatsReader stats, ControllerMetrics* metrics,
                         const Clock& clock, std::chrono::milliseconds poll_interval)
    : source_(source),
      stats_(std::move(stats)),
      metrics_(metrics),
      clock_(clock),
      poll_interval_(poll_interval) {}

std::unique_ptr<GitResolver> GitResolver::ForMirror(git::MirrorSource& mirror,
                                                    ControllerMetrics* metrics, const Clock& clock,
                                                    std::chrono::milliseconds poll_interval) {
  return std::make_unique<GitResolver>(
      mirror, [&mirror](const std::string& url) { return mirror.Stats(url); }, metrics, clock,
      poll_interval);
}

Result<std::string> GitResolver::Resolve(const std::string& repo_url, const std::string& revision,
                                         bool force) {
  // Unforced: while another worker refreshes this repository, answer from the mirror (the
  // last good state) rather than wait, so one slow server holds at most one worker.
  git::ResolveOptions options{
      .max_staleness = force ? std::chrono::milliseconds(0) : poll_interval_,
      .stale_while_refreshing = !force};
  git::FetchStats before;
  if (stats_) before = stats_(repo_url);
  const auto start = clock_.Now();
  auto commit = source_.Resolve(repo_url, revision, options);
  if (stats_ && metrics_ != nullptr) {
    git::FetchStats after = stats_(repo_url);
    const char* kind = after.fetches > before.fetches         ? "fetch"
                       : after.ls_remotes > before.ls_remotes ? "ls-remote"
                                                              : nullptr;
    if (kind != nullptr)
      metrics_->ObserveGit(git::NormaliseRepoUrl(repo_url), kind, clock_.Now() - start);
  }
  return commit;
}

Result<std::shared_ptr<const git::Snapshot>> GitResolver::Open(const std::string& repo_url,
                                                               const std::string& commit) {
  return source_.Open(repo_url, commit);
}

}  // namespace cellgate::fleet::controller

#include "git/mirror_source.h"

#include <spdlog/spdlog.h>

#include <optional>

#include "core/mutex.h"
#include "git/libgit2.h"
#include "git/remote_sync.h"
#include "git/revision.h"
#include "git/tree_snapshot.h"
#include "git/url.h"

namespace cellgate::git {
namespace fs = std::filesystem;

struct MirrorSource::RepoState {
  explicit RepoState(fs::path d) : dir(std::move(d)) {}

  const fs::path dir;
  core::Mutex mu;
  core::CondVar refreshed;  // signalled when a refresh completes
  bool refreshing GUARDED_BY(mu) = false;
  std::uint64_t generation GUARDED_BY(mu) = 0;             // completed refreshes
  Status last_status GUARDED_BY(mu);                       // of the latest refresh
  std::optional<Clock::TimePoint> last_ok GUARDED_BY(mu);  // start of the latest good refresh
  // End of the latest refresh if it failed (reset by a good one).
  std::optional<Clock::TimePoint> last_failed GUARDED_BY(mu);
  FetchStats stats GUARDED_BY(mu);
  // Revisions resolved against the mirror as it was after refresh number `memo_generation`;
  // any completed refresh (good or bad) empties it.
  std::map<std::string, std::string, std::less<>> memo GUARDED_BY(mu);
  std::uint64_t memo_generation GUARDED_BY(mu) = 0;
};

MirrorSource::MirrorSource(MirrorSourceOptions options)
    : options_(std::move(options)),
      clock_(options_.clock != nullptr ? *options_.clock : system_clock_) {}

MirrorSource::~MirrorSource() = default;

Result<std::unique_ptr<MirrorSource>> MirrorSource::Create(MirrorSourceOptions options) {
  if (options.work_dir.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "git source: work_dir is required");
  }
  std::error_code ec;
  for (const char* sub : {"mirrors", "checkouts"}) {
    fs::create_directories(options.work_dir / sub, ec);
    if (ec) {
      return MakeError(
          ErrorCode::kFailedPrecondition,
          "git source: create " + (options.work_dir / sub).string() + ": " + ec.message());
    }
  }
  EnsureLibgit2();
  return std::unique_ptr<MirrorSource>(new MirrorSource(std::move(options)));
}

fs::path MirrorSource::MirrorDir(const std::string& repo_url) const {
  return options_.work_dir / "mirrors" / MirrorDirName(repo_url);
}

MirrorSource::RepoState& MirrorSource::State(const std::string& repo_url) {
  std::string key = NormaliseRepoUrl(repo_url);
  core::MutexLock lock(mu_);
  auto& slot = repos_[key];
  if (!slot) slot = std::make_unique<RepoState>(MirrorDir(repo_url));
  return *slot;
}

Status MirrorSource::Sync(RepoState& state, const std::string& repo_url,
                          const ResolveOptions& options, SyncCounts& counts) {
  git_repository* raw = nullptr;
  git_repository_init_options init = GIT_REPOSITORY_INIT_OPTIONS_INIT;
  init.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH;
  std::error_code ec;
  int rc = fs::exists(state.dir / "HEAD", ec)
               ? git_repository_open_bare(&raw, state.dir.c_str())
               : git_repository_init_ext(&raw, state.dir.c_str(), &init);
  if (rc != 0) {
    return std::unexpected(GitError(ErrorCode::kInternal, "open mirror of " + RedactUrl(repo_url)));
  }
  RepositoryPtr repo(raw);
  RemoteAccess access{
      .url = repo_url,
      .credentials = &options.credentials,
      .known_hosts = options_.ssh_known_hosts,
      .deadline = std::chrono::steady_clock::now() + options_.fetch_timeout,
  };
  return SyncMirror(repo.get(), access, counts);
}

Status MirrorSource::Refresh(RepoState& state, const std::string& repo_url,
                             const ResolveOptions& options) {
  core::MutexLock lock(state.mu);
  if (options.offline) {
    ++state.stats.offline_hits;
    if (state.last_failed) return state.last_status;
    if (!state.last_ok) {
      return MakeError(ErrorCode::kUnavailable,
                       "no refresh of " + RedactUrl(repo_url) + " has completed yet");
    }
    return Ok();
  }
  const Clock::TimePoint started = clock_.Now();
  if (options.max_staleness.count() > 0 && state.last_ok &&
      started - *state.last_ok < options.max_staleness) {
    ++state.stats.fresh_hits;
    return Ok();
  }
  if (options.max_staleness.count() > 0 && state.last_failed &&
      started - *state.last_failed < options_.failure_backoff) {
    ++state.stats.backoff_hits;  // the remote failed a moment ago: do not ask it again yet
    return state.last_status;
  }
  if (state.refreshing && options.stale_while_refreshing && options.max_staleness.count() > 0 &&
      state.last_ok) {
    ++state.stats.stale_hits;
    return Ok();
  }
  if (state.refreshing) {
    ++state.stats.coalesced;
    const std::uint64_t generation = state.generation;
    state.refreshed.wait(lock, [&]() REQUIRES(state.mu) { return state.generation != generation; });
    return state.last_status;
  }
  state.refreshing = true;
  lock.unlock();

  SyncCounts counts;
  Status status = Sync(state, repo_url, options, counts);
  if (!status) {
    spdlog::warn("git: refresh failed: {}", status.error().message());
  } else if (counts.fetches > 0) {
    spdlog::info("git: fetched {}", RedactUrl(repo_url));
  }

  lock.lock();
  state.stats.ls_remotes += static_cast<std::uint64_t>(counts.ls_remotes);
  state.stats.fetches += static_cast<std::uint64_t>(counts.fetches);
  if (status) {
    state.last_ok = started;
    state.last_failed.reset();
  } else {
    ++state.stats.failures;
    state.last_failed = clock_.Now();
  }
  state.last_status = status;
  state.refreshing = false;
  ++state.generation;
  state.refreshed.notify_all();
  return status;
}

Status MirrorSource::CheckAllowed(const std::string& repo_url) const {
  if (options_.allow_local_repos || !IsLocalUrl(repo_url)) return Ok();
  return MakeError(ErrorCode::kPermissionDenied,
                   "repository '" + RedactUrl(repo_url) +
                       "': local paths and file:// URLs are not allowed here "
                       "(the controller's --allow-local-repos allows them)");
}

Result<std::string> MirrorSource::Resolve(const std::string& repo_url, const std::string& revision,
                                          const ResolveOptions& options) {
  CG_TRY(CheckAllowed(repo_url));
  RepoState& state = State(repo_url);
  CG_TRY(Refresh(state, repo_url, options));
  std::uint64_t generation = 0;
  {
    core::MutexLock lock(state.mu);
    generation = state.generation;
    if (state.memo_generation != generation) {
      state.memo.clear();
      state.memo_generation = generation;
    }
    if (auto it = state.memo.find(revision); it != state.memo.end()) {
      ++state.stats.memo_hits;
      return it->second;
    }
  }
  auto repo = OpenBare(state.dir);
  CG_TRY(repo);
  auto commit = ResolveRevision(repo->get(), revision, RedactUrl(repo_url));
  if (commit) {
    core::MutexLock lock(state.mu);
    // Only while no refresh completed meanwhile: the answer may predate it.
    if (state.generation == generation) {
      state.memo.emplace(revision, *commit);
    }
  }
  return commit;
}

Result<std::shared_ptr<const Snapshot>> MirrorSource::Open(const std::string& repo_url,
                                                           const std::string& commit) {
  CG_TRY(CheckAllowed(repo_url));
  fs::path dir = MirrorDir(repo_url);
  std::error_code ec;
  if (!fs::exists(dir / "HEAD", ec)) {
    return MakeError(ErrorCode::kNotFound,
                     "no mirror of " + RedactUrl(repo_url) + ": resolve a revision first");
  }
  auto snapshot = TreeSnapshot::Open(
      TreeSnapshot::Options{.mirror_dir = dir,
                            .checkouts_dir = options_.work_dir / "checkouts",
                            .limits =
                                {
                                    .max_blob_bytes = options_.max_blob_bytes,
                                    .max_total_bytes = options_.max_checkout_bytes,
                                    .max_files = options_.max_checkout_files,
                                }},
      commit);
  CG_TRY_WRAP(snapshot, "open " + RedactUrl(repo_url));
  return std::shared_ptr<const Snapshot>(std::move(*snapshot));
}

FetchStats MirrorSource::Stats(const std::string& repo_url) const {
  std::string key = NormaliseRepoUrl(repo_url);
  RepoState* state = nullptr;
  {
    core::MutexLock lock(mu_);
    auto it = repos_.find(key);
    if (it == repos_.end()) return {};
    state = it->second.get();
  }
  core::MutexLock lock(state->mu);
  return state->stats;
}

std::map<std::string, FetchStats> MirrorSource::AllStats() const {
  std::map<std::string, FetchStats> out;
  core::MutexLock lock(mu_);
  for (const auto& [key, state] : repos_) {
    core::MutexLock state_lock(state->mu);
    out.emplace(key, state->stats);
  }
  return out;
}

Result<int> MirrorSource::CleanupCheckouts(const CheckoutCleanup& cleanup) {
  return RemoveCheckouts(options_.work_dir / "checkouts", cleanup);
}

}  // namespace cellgate::git

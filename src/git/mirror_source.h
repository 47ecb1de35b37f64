// MirrorSource: the Source that keeps bare libgit2 mirrors on local disk.
//
// Layout under `work_dir`:
//   mirrors/<sha256(normalised url)>/   one bare mirror per repository (see url.h)
//   checkouts/<commit>/                 trees written by Snapshot::Materialize
//
// Resolve refreshes the mirror, then resolves the revision locally (revision.h). A refresh
// is an ls-remote that fetches only if a branch or tag moved (remote_sync.h), skipped
// entirely while the last successful refresh is younger than ResolveOptions::max_staleness.
// Refreshes are coalesced per repository: callers that arrive while one is in flight wait
// for it and share its result, whatever credentials they passed (the credentials of the
// caller that started it are used), unless they asked for stale_while_refreshing and the
// mirror has been fetched before: then they are answered from the mirror at once. Different
// repositories refresh in parallel. A failed refresh leaves the mirror as it was, so commits
// resolved earlier stay readable via Open; unforced Resolve calls get its error again for
// failure_backoff, and the next one after that tries the remote again. Resolved revisions are
// remembered until the next refresh completes, so N applications on one revision open the mirror
// once per refresh, not N times. An offline Resolve (ResolveOptions::offline) never refreshes:
// callers that keep fetches off their own threads (controller/git_resolver.h) use it.
//
// One process per work_dir: mirrors are not locked against other processes.
//
// Thread-safety: all methods are thread-safe. Snapshots may outlive the MirrorSource.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/mutex.h"
#include "git/checkout.h"
#include "git/source.h"

namespace cellgate::git {

struct SyncCounts;

struct MirrorSourceOptions {
  std::filesystem::path work_dir;  // required
  // Bound on one refresh (ls-remote + fetch), connecting included: every socket libgit2
  // opens gives up at it, even against a server that accepts and never answers
  // (net_deadline.h); kDeadlineExceeded.
  std::chrono::seconds fetch_timeout{120};
  // After a failed refresh, Resolve calls with a non-zero max_staleness get that failure
  // again without asking the remote for this long, so a stalled or broken server costs one
  // fetch_timeout per interval rather than one per caller. A forced Resolve (max_staleness
  // zero) always asks.
  std::chrono::seconds failure_backoff{30};
  // Files larger than this are refused (ReadFile, Materialize) with kResourceExhausted.
  std::uint64_t max_blob_bytes = 64u << 20;
  // Materialize refuses (kResourceExhausted) a checkout whose files add up to more bytes
  // than this, or that holds more files, directories and symlinks than max_checkout_files.
  std::uint64_t max_checkout_bytes = 256u << 20;
  std::uint64_t max_checkout_files = 20'000;
  // SSH host keys accepted for every repository (OpenSSH known_hosts text, as in Argo CD's
  // argocd-ssh-known-hosts-cm). An SSH server whose key is not listed is refused unless the
  // repository's credentials set insecure_skip_tls_verify.
  std::string ssh_known_hosts;
  // Whether local paths and file:// URLs (IsLocalUrl) may be resolved and opened. They read
  // the local disk, including other repositories' mirrors, whose directory names anyone can
  // compute, with none of their credentials: the controller turns this off unless told
  // otherwise (--allow-local-repos); the CLI keeps it on. Refused: kPermissionDenied.
  bool allow_local_repos = true;
  // Measures max_staleness; nullptr means the system clock. Must outlive the source.
  const Clock* clock = nullptr;
};

// Per-repository counters (tests assert on them; metrics export them).
struct FetchStats {
  std::uint64_t ls_remotes = 0;    // ls-remote attempts
  std::uint64_t fetches = 0;       // fetch attempts (an ls-remote saw a change)
  std::uint64_t failures = 0;      // refreshes that failed
  std::uint64_t coalesced = 0;     // Resolve calls that shared another caller's refresh
  std::uint64_t fresh_hits = 0;    // Resolve calls that skipped the refresh (max_staleness)
  std::uint64_t memo_hits = 0;     // Resolve calls answered without opening the mirror
  std::uint64_t backoff_hits = 0;  // Resolve calls given the last failure (failure_backoff)
  std::uint64_t stale_hits = 0;  // Resolve calls answered during a refresh (stale_while_refreshing)
  std::uint64_t offline_hits = 0;  // Resolve calls that asked for ResolveOptions::offline
};

class MirrorSource final : public Source {
 public:
  // Creates work_dir/mirrors and work_dir/checkouts. Existing mirrors are reused.
  static Result<std::unique_ptr<MirrorSource>> Create(MirrorSourceOptions options);
  ~MirrorSource() override;

  Result<std::string> Resolve(const std::string& repo_url, const std::string& revision,
                              const ResolveOptions& options = {}) override;
  Result<std::shared_ptr<const Snapshot>> Open(const std::string& repo_url,
                                               const std::string& commit) override;

  // Counters of the repository `repo_url` (any spelling of it); zero when never resolved.
  FetchStats Stats(const std::string& repo_url) const;
  // Counters of every repository, by normalised URL.
  std::map<std::string, FetchStats> AllStats() const;

  // Removes checkouts under work_dir/checkouts (see checkout.h); returns how many.
  Result<int> CleanupCheckouts(const CheckoutCleanup& cleanup);

  // Where the mirror of `repo_url` lives (whether or not it exists yet).
  std::filesystem::path MirrorDir(const std::string& repo_url) const;

 private:
  struct RepoState;
  explicit MirrorSource(MirrorSourceOptions options);

  RepoState& State(const std::string& repo_url);
  Status CheckAllowed(const std::string& repo_url) const;
  Status Refresh(RepoState& state, const std::string& repo_url, const ResolveOptions& options);
  Status Sync(RepoState& state, const std::string& repo_url, const ResolveOptions& options,
              SyncCounts& counts);

  const MirrorSourceOptions options_;
  const SystemClock system_clock_;
  const Clock& clock_;
  mutable core::Mutex mu_;
  std::map<std::string, std::unique_ptr<RepoState>> repos_ GUARDED_BY(mu_);
};

}  // namespace cellgate::git

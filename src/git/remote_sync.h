// Network half of a mirror: bring one bare mirror up to date with its remote.
//
// A sync first lists the remote's refs (ls-remote: one round trip, no objects) and fetches
// only when a branch or tag differs from the mirror; then the mirror holds exactly the
// remote's branches and tags (force-updated, deleted ones pruned) and its HEAD names the
// remote's default branch.
//
// Credentials are handed to libgit2 only through its credentials callback: HTTP(S) basic
// auth (password or token), SSH private keys from memory. A server is trusted by TLS
// verification (plus the repository's own CA file, see server_identity.h) or, for SSH, by
// a known_hosts entry; `insecure_skip_tls_verify` skips both, as Argo CD's `insecure` does.
//
// Thread-safety: one call per mirror at a time (the caller serialises per repository);
// calls for different mirrors may run in parallel.
#pragma once

#include <git2.h>

#include <chrono>
#include <string>

#include "core/result.h"
#include "git/source.h"

namespace cellgate::git {

struct RemoteAccess {
  std::string url;  // as configured, possibly with userinfo: never put in a message
  const Credentials* credentials = nullptr;
  std::string known_hosts;  // SSH host keys to accept, OpenSSH known_hosts format
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

struct SyncCounts {
  int ls_remotes = 0;
  int fetches = 0;
};

// Errors: kUnavailable (unreachable, transport failure), kPermissionDenied (authentication
// refused, server identity not trusted), kDeadlineExceeded (the deadline passed while
// transferring). Messages name the URL without userinfo and never contain a credential.
Status SyncMirror(git_repository* mirror, const RemoteAccess& access, SyncCounts& counts);

}  // namespace cellgate::git

// Git sources: the narrow interface the rest of cellgate uses to read desired state.
//
// A Source keeps one bare mirror per repository URL (shared by every application that
// uses the repo), resolves revisions to commit SHAs, and opens read-only Snapshots of a
// commit. Everything downstream (render cache, sync, status) keys on the resolved SHA.
//
// Revision rules follow Argo CD's targetRevision: "" and "HEAD" mean the remote's default
// branch; otherwise a branch, a tag, or a full or abbreviated commit SHA. A revision that
// is a semver constraint (Flux's `semver`, e.g. ">=1.2.0 <2", "~1.4", "1.x") selects the
// highest matching tag.
//
// Snapshots read straight from the object database; no working tree is made except by
// Materialize, for tools (kustomize, helm) that need files on disk.
//
// Paths handed to a Snapshot are relative to the repository root, use '/', and may not
// leave it: "..", absolute paths and symlinks that point outside the repository are refused
// with kPermissionDenied.
//
// Thread-safety: Source implementations are thread-safe; concurrent Resolve calls for the
// same URL coalesce into one fetch. A Snapshot is safe for concurrent reads.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"

namespace cellgate::git {

// Credentials for one repository (from an Argo CD repository Secret or CLI flags).
// Never logged; errors mention only the URL (with any userinfo stripped).
struct Credentials {
  std::string username;         // HTTPS basic auth; "git" or empty for SSH
  std::string password;         // HTTPS password or token
  std::string ssh_private_key;  // PEM/OpenSSH private key text
  std::string ca_file;          // extra CA bundle for HTTPS
  bool insecure_skip_tls_verify = false;
};

enum class EntryType { kFile, kDirectory, kSymlink, kSubmodule };

struct TreeEntry {
  std::string path;  // relative to the repository root, '/'-separated
  EntryType type = EntryType::kFile;
  std::string oid;         // blob or tree id (hex)
  std::uint64_t size = 0;  // bytes, for files
};

class Snapshot {
 public:
  virtual ~Snapshot() = default;

  // The commit this snapshot reads.
  virtual const std::string& commit() const = 0;

  // Entries directly under `dir` ("" or "." is the root); with `recursive`, all entries
  // below it, depth first, sorted by path. kNotFound when `dir` does not exist.
  virtual Result<std::vector<TreeEntry>> List(const std::string& dir, bool recursive) const = 0;

  // The content of a file. Symlinks are followed if they stay inside the repository.
  virtual Result<std::string> ReadFile(const std::string& path) const = 0;

  // The git object id of the tree (directory) or blob at `path`. Two commits whose
  // `path` is unchanged give the same id: the render cache keys on this.
  virtual Result<std::string> ObjectId(const std::string& path) const = 0;

  // Writes the whole tree of this commit to a directory (content-addressed by commit under
  // the source's work directory) and returns it; reused while it exists. The caller must
  // not modify it. Symlinks that leave the repository are not written.
  virtual Result<std::filesystem::path> Materialize() const = 0;
};

struct ResolveOptions {
  Credentials credentials;
  // Skip the ls-remote/fetch when the mirror was refreshed less than this long ago.
  std::chrono::milliseconds max_staleness{0};
  // While another caller's refresh of the repository is in flight, answer from the mirror as
  // it is (if a refresh ever succeeded) instead of waiting for it: at most one caller per
  // repository waits on a slow server. Ignored when max_staleness is zero (a forced refresh).
  bool stale_while_refreshing = false;
  // Never contact the remote: answer from the mirror as the last refresh left it. kUnavailable
  // when no refresh has completed in this process yet, and the last refresh's error while the
  // most recent one failed (the caller sees an unreachable repository as it would online).
  // Overrides max_staleness. Sources without a local copy may treat it as a normal Resolve.
  bool offline = false;
};

class Source {
 public:
  virtual ~Source() = default;

  // Resolves `revision` of `repo_url` to a full commit SHA, fetching as needed. A remote
  // whose refs have not changed since the last fetch is not fetched again.
  // Errors: kNotFound (no such revision), kUnavailable (repo unreachable; the mirror and
  // any earlier result are kept), kPermissionDenied (authentication refused).
  virtual Result<std::string> Resolve(const std::string& repo_url, const std::string& revision,
                                      const ResolveOptions& options = {}) = 0;

  // Opens a snapshot of a commit already present in the mirror of `repo_url`.
  virtual Result<std::shared_ptr<const Snapshot>> Open(const std::string& repo_url,
                                                       const std::string& commit) = 0;
};

}  // namespace cellgate::git

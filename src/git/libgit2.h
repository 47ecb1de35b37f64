// Thin C++ glue over libgit2 for this directory only: owning handles, the one-time library
// set-up, and turning libgit2's thread-local error into an Error.
//
// libgit2 objects may be used from one thread at a time; everything here that owns a
// handle is owned by one caller or guarded by its owner's mutex.
#pragma once

#include <git2.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace cellgate::git {

template <typename T, void (*Free)(T*)>
struct GitFree {
  void operator()(T* p) const { Free(p); }
};

using RepositoryPtr = std::unique_ptr<git_repository, GitFree<git_repository, git_repository_free>>;
using RemotePtr = std::unique_ptr<git_remote, GitFree<git_remote, git_remote_free>>;
using ReferencePtr = std::unique_ptr<git_reference, GitFree<git_reference, git_reference_free>>;
using ObjectPtr = std::unique_ptr<git_object, GitFree<git_object, git_object_free>>;
using TreePtr = std::unique_ptr<git_tree, GitFree<git_tree, git_tree_free>>;
using BlobPtr = std::unique_ptr<git_blob, GitFree<git_blob, git_blob_free>>;
using OdbPtr = std::unique_ptr<git_odb, GitFree<git_odb, git_odb_free>>;
using RefIteratorPtr =
    std::unique_ptr<git_reference_iterator,
                    GitFree<git_reference_iterator, git_reference_iterator_free>>;

// Initialises libgit2 once per process (never shut down: Snapshots may outlive a Source).
void EnsureLibgit2();

// The message of this thread's last libgit2 error ("unknown error" when there is none).
std::string LastGitMessage();

// Error(code, "<what>: <libgit2 message>").
Error GitError(ErrorCode code, std::string_view what);

std::string OidHex(const git_oid& oid);

// Opens the bare repository at `dir`.
Result<RepositoryPtr> OpenBare(const std::filesystem::path& dir);

}  // namespace cellgate::git

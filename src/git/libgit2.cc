#include "git/libgit2.h"

#include <mutex>

#include "git/net_deadline.h"

namespace cellgate::git {

void EnsureLibgit2() {
  static std::once_flag once;
  std::call_once(once, [] {
    git_libgit2_init();
    InstallNetDeadlines();
  });
}

std::string LastGitMessage() {
  const git_error* e = git_error_last();
  return e != nullptr && e->message != nullptr ? std::string(e->message) : "unknown error";
}

Error GitError(ErrorCode code, std::string_view what) {
  std::string m(what);
  m += ": ";
  m += LastGitMessage();
  return Error(code, std::move(m));
}

std::string OidHex(const git_oid& oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof(buf), &oid);
  return std::string(buf);
}

Result<RepositoryPtr> OpenBare(const std::filesystem::path& dir) {
  EnsureLibgit2();
  git_repository* repo = nullptr;
  if (git_repository_open_bare(&repo, dir.c_str()) != 0) {
    return std::unexpected(GitError(ErrorCode::kNotFound, "open mirror " + dir.string()));
  }
  return RepositoryPtr(repo);
}

}  // namespace cellgate::git

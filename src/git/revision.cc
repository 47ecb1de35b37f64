#include "git/revision.h"

#include <optional>

#include "git/libgit2.h"
#include "git/semver.h"

namespace cellgate::git {
namespace {

std::optional<std::string> PeelRef(git_repository* repo, const std::string& name) {
  git_reference* raw = nullptr;
  if (git_reference_lookup(&raw, repo, name.c_str()) != 0) return std::nullopt;
  ReferencePtr ref(raw);
  git_object* obj = nullptr;
  if (git_reference_peel(&obj, ref.get(), GIT_OBJECT_COMMIT) != 0) return std::nullopt;
  ObjectPtr commit(obj);
  return OidHex(*git_object_id(commit.get()));
}

bool IsHex(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789abcdefABCDEF") == std::string_view::npos;
}

Error NotFound(std::string_view revision, std::string_view url) {
  return Error(ErrorCode::kNotFound,
               "revision '" + std::string(revision) + "' not found in " + std::string(url));
}

Result<std::string> ResolveSha(git_repository* repo, std::string_view revision,
                               std::string_view url) {
  git_oid oid;
  if (git_oid_fromstrn(&oid, revision.data(), revision.size()) != 0) {
    return std::unexpected(NotFound(revision, url));
  }
  git_object* raw = nullptr;
  int rc = git_object_lookup_prefix(&raw, repo, &oid, revision.size(), GIT_OBJECT_ANY);
  if (rc == GIT_EAMBIGUOUS) {
    return MakeError(ErrorCode::kInvalidArgument, "abbreviated SHA '" + std::string(revision) +
                                                      "' is ambiguous in " + std::string(url));
  }
  if (rc != 0) return std::unexpected(NotFound(revision, url));
  ObjectPtr obj(raw);
  git_object* peeled = nullptr;
  if (git_object_peel(&peeled, obj.get(), GIT_OBJECT_COMMIT) != 0) {
    return std::unexpected(NotFound(revision, url));
  }
  ObjectPtr commit(peeled);
  return OidHex(*git_object_id(commit.get()));
}

Result<std::string> ResolveSemver(git_repository* repo, const SemverConstraint& constraint,
                                  std::string_view revision, std::string_view url) {
  git_strarray tags{};
  if (git_tag_list(&tags, repo) != 0) {
    return std::unexpected(GitError(ErrorCode::kInternal, "list tags"));
  }
  std::optional<SemVersion> best;
  std::string best_tag;
  for (std::size_t i = 0; i < tags.count; ++i) {
    std::string name = tags.strings[i];
    auto v = ParseSemVersion(name);
    if (!v || !constraint.Matches(*v)) continue;
    int c = best ? CompareSemVersions(*v, *best) : 1;
    if (c > 0 || (c == 0 && name > best_tag)) {
      best = std::move(*v);
      best_tag = std::move(name);
    }
  }
  git_strarray_dispose(&tags);
  if (!best) {
    return MakeError(ErrorCode::kNotFound, "no tag matching semver constraint '" +
                                               std::string(revision) + "' in " + std::string(url));
  }
  auto commit = PeelRef(repo, "refs/tags/" + best_tag);
  if (!commit) return std::unexpected(NotFound("refs/tags/" + best_tag, url));
  return *commit;
}

}  // namespace

Result<std::string> ResolveRevision(git_repository* repo, std::string_view revision,
                                    std::string_view url) {
  std::string rev(revision);
  if (rev.empty() || rev == "HEAD") {
    for (const char* name : {"HEAD", "refs/heads/main", "refs/heads/master"}) {
      if (auto c = PeelRef(repo, name)) return *c;
    }
    return std::unexpected(NotFound("HEAD", url));
  }
  if (rev.starts_with("refs/")) {
    if (auto c = PeelRef(repo, rev)) return *c;
    return std::unexpected(NotFound(revision, url));
  }
  for (const char* prefix : {"refs/heads/", "refs/tags/"}) {
    if (auto c = PeelRef(repo, prefix + rev)) return *c;
  }
  if (IsHex(rev) && rev.size() >= 4 && rev.size() <= GIT_OID_HEXSZ) {
    return ResolveSha(repo, rev, url);
  }
  if (auto constraint = SemverConstraint::Parse(rev)) {
    return ResolveSemver(repo, *constraint, revision, url);
  }
  return std::unexpected(NotFound(revision, url));
}

}  // namespace cellgate::git

// Which apps a push refreshes: the rules Argo CD's webhook handler applies to each
// Application source, as pure functions over a PushEvent (webhook.h).
//
// A push touches an app source when all three hold:
//   1. Repository: one of the payload's URLs names the app's repoURL. URLs are compared
//      after git::NormaliseRepoUrl, ignoring scheme, user, port, a leading `ssh.`/`altssh.`
//      host label and letter case, as Argo CD's webhook URL regex does: the web URL
//      `https://github.com/org/repo` matches `git@github.com:org/repo.git`.
//   2. Revision: an empty or `HEAD` targetRevision follows the default branch: it matches a
//      branch push to the payload's default branch, or any branch push when the payload
//      does not name one (Bitbucket). `refs/heads/x` matches only branch x and
//      `refs/tags/x` only tag x (stricter than Argo CD, which ignores the ref kind); a bare
//      name matches a branch or a tag of that name. A commit SHA never matches (a push
//      cannot move it). cellgate extension: a tag push matches a targetRevision that is a
//      semver constraint (`v1.*`, `>=1.2 <2`, `~1.4`), since the new tag may now satisfy it;
//      the refresh resolves it.
//   3. Paths: without the `argocd.argoproj.io/manifest-generate-paths` annotation (or with
//      an empty one) every push that passes 1 and 2 touches the app, as in Argo CD: its
//      manifests may read files anywhere (Kustomize bases, Helm value files). With it, a
//      changed file must lie under one of its `;`-separated paths: relative paths are
//      relative to the app's path (`.` is the app path itself, `..` climbs), paths starting
//      with `/` are from the repository root, and a path may be a glob (`*`, `?`, `[a-z]`,
//      matching within one path segment, as Go's filepath.Match that Argo CD uses). When the
//      payload's file list is unknown or incomplete the app is touched.
//      To refresh only on changes under the app's own path, set the annotation to `.`.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/webhook.h"

namespace cellgate::http {

inline constexpr std::string_view kManifestGeneratePathsAnnotation =
    "argocd.argoproj.io/manifest-generate-paths";

bool PushTouches(const PushEvent& event, std::string_view repo_url,
                 std::string_view target_revision, std::string_view app_path,
                 std::optional<std::string_view> manifest_generate_paths);

// Rule 1 for one pair of URLs.
bool SameRepository(std::string_view a, std::string_view b);
// Rule 2.
bool RevisionMatches(const PushEvent& event, std::string_view target_revision);
// The annotation's paths resolved to clean repository-root paths with a leading '/'; empty
// when it names none (then every change touches the app).
std::vector<std::string> RefreshPaths(std::string_view app_path, std::string_view annotation);
// Rule 3's path test: some file (repository-relative) lies under or matches some path.
bool FilesTouchPaths(const std::vector<std::string>& changed_files,
                     const std::vector<std::string>& refresh_paths);

}  // namespace cellgate::http

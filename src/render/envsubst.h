// Argo CD's build environment and its `$VAR` / `${VAR}` substitution.
//
// Argo CD expands ARGOCD_APP_* variables in Helm parameter values, value file paths, file
// parameter paths, Kustomize images and common labels (and annotations when
// commonAnnotationsEnvsubst is set), with Go's os.Expand rules: `$NAME`, `${NAME}`, `$$` for a
// literal `$`, unknown names expand to "". We expand before hashing options into the render
// cache key, so a value that uses ${ARGOCD_APP_REVISION} makes the key follow the commit.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cellgate::render {

using BuildEnv = std::vector<std::pair<std::string, std::string>>;

struct BuildEnvInput {
  std::string app_name;
  std::string app_namespace;  // destination namespace
  std::string revision;       // resolved commit SHA
  std::string repo_url;
  std::string source_path;
  std::string target_revision;
};

// ARGOCD_APP_NAME, ARGOCD_APP_NAMESPACE, ARGOCD_APP_REVISION, ARGOCD_APP_REVISION_SHORT,
// ARGOCD_APP_SOURCE_REPO_URL, ARGOCD_APP_SOURCE_PATH, ARGOCD_APP_SOURCE_TARGET_REVISION.
BuildEnv MakeBuildEnv(const BuildEnvInput& in);

// Go os.Expand over `s` with Argo CD's mapping.
std::string Envsubst(std::string_view s, const BuildEnv& env);

}  // namespace cellgate::render

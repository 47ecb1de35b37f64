// Kustomize applications: the real `kustomize build`, with Argo CD's app-level overrides.
//
// Argo CD applies spec.source.kustomize by running `kustomize edit` in the app directory of
// its scratch checkout (util/kustomize: nameprefix, namesuffix, image, replicas, label,
// annotation, namespace, then patches appended to the kustomization, then components) and
// then `kustomize build <path>` from the repository root. We run the same commands in the
// same order, but in a scratch copy: the materialized checkout is shared and never modified.
// The copy holds only the directories the build reads (kustomize_deps.h), or the whole tree
// when those could not be pinned down. Without overrides the build reads the checkout
// directly.
//
// Thread-safety: functions are reentrant; the ToolRunner bounds concurrency.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/object.h"
#include "core/result.h"
#include "core/yaml.h"
#include "git/source.h"
#include "render/application.h"
#include "render/kustomize_deps.h"
#include "render/tool_runner.h"

namespace cellgate::render {

struct KustomizeBuild {
  std::filesystem::path binary;            // absolute path of kustomize
  std::vector<std::string> build_options;  // extra `kustomize build` flags (argocd-cm)
  YamlLimits yaml;
};

// The `kustomize edit ...` argument lists (without the binary) Argo CD runs for these
// overrides, in its order. Patches are not an edit command (see ApplyPatches). Labels and
// annotations are sorted, so the commands are deterministic.
std::vector<std::vector<std::string>> KustomizeEditCommands(const KustomizeOptions& overrides);

// Appends `patches` to the `patches` list of the kustomization file at `file`, as Argo CD
// does (there is no `kustomize edit` for it).
Status AppendKustomizePatches(const std::filesystem::path& file, const Json& patches);

// Builds `app_path` of the snapshot. `overrides` may be null (none), and has had Argo CD's
// variable substitution applied already. Objects carry Origin{app_path, document}.
Result<std::vector<Object>> RunKustomize(ToolRunner& runner, const git::Snapshot& snapshot,
                                         const std::string& app_path,
                                         const KustomizeOptions* overrides,
                                         const KustomizeDeps& deps, const KustomizeBuild& build);

// True when the overrides would change anything (Argo CD's IsZero, minus fields that only
// select binaries or versions).
bool HasKustomizeOverrides(const KustomizeOptions& overrides);

}  // namespace cellgate::render

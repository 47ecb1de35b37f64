// Kustomize applications: the real `kustomize build`, with Argo CD's app-level overrides.
//
// Argo CD applies spec.source.kustomize by running `kustomize edit` in the app directory of
// its scratch checkout (util/kustomize: nameprefix, namesuffix, image, replicas, label,
// annotation, namespace, then patches appended to the kustomization, then components) and
// then `kustomize build <path>` from the repository root. We run the same commands in the
// same order, but always in a per-render scratch root: <temp_dir>/cellgate-kustomize-XXXXXX/
// repo, holding only the directories and files the build reads (kustomize_deps.h, which
// checks every reference) copied from the shared checkout, which is never modified nor
// built in. ".." from the repository root reaches only that private, otherwise empty
// directory, never the checkouts of other commits.
//
// Before copying, every reference the walker resolved is resolved again on disk, through
// symlinks; each symlink met while copying is too. One that leads outside the checkout
// refuses the render (kPermissionDenied, naming the kustomization and the entry, or the
// symlink). Symlinks that stay inside are copied as links, with their targets.
//
// Thread-safety: functions are reentrant; the ToolRunner bounds concurrency.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "argo/application_source.h"
#include "core/object.h"
#include "core/result.h"
#include "core/yaml.h"
#include "git/source.h"
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
std::vector<std::vector<std::string>> KustomizeEditCommands(
    const argo::KustomizeOptions& overrides);

// Appends `patches` to the `patches` list of the kustomization file at `file`, as Argo CD
// does (there is no `kustomize edit` for it).
Status AppendKustomizePatches(const std::filesystem::path& file, const Json& patches);

// Builds `app_path` of the snapshot. `overrides` may be null (none), and has had Argo CD's
// variable substitution applied already. Objects carry Origin{app_path, document}.
Result<std::vector<Object>> RunKustomize(ToolRunner& runner, const git::Snapshot& snapshot,
                                         const std::string& app_path,
                                         const argo::KustomizeOptions* overrides,
                                         const KustomizeDeps& deps, const KustomizeBuild& build);

// True when the overrides would change anything (Argo CD's IsZero, minus fields that only
// select binaries or versions).
bool HasKustomizeOverrides(const argo::KustomizeOptions& overrides);

}  // namespace cellgate::render

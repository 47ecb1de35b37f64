// What a `kustomize build` of an app path reads from the repository, found by parsing
// kustomization files through the Snapshot (no tool run), so the render cache can key on
// exactly those trees: a commit that changes an unrelated directory reuses the render, a
// commit that changes a base the overlay points at does not.
//
// Every local path in resources, bases, components, crds, configurations, generators,
// transformers, validators, patches[].path, patchesJson6902[].path, patchesStrategicMerge,
// replacements[].path, openapi.path and the files/envs of configMap/secretGenerator is
// resolved against its kustomization's directory; directories are followed recursively.
//
// When something cannot be pinned to paths in this commit the result falls back to the
// whole repository (whole_repository, keyed on the root tree id): remote resources (URLs,
// github.com/...), helmCharts (kustomize pulls charts), a kustomization that does not parse,
// a referenced path that does not exist, a symlink or submodule inside a referenced tree, or
// more than 256 directories.
//
// A path that leaves the repository ("../../../etc") or is absolute is refused with
// kPermissionDenied before any tool runs.
//
// Thread-safety: a pure function of the snapshot.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "git/source.h"

namespace cellgate::render {

// Kustomization file names, in the order kustomize looks for them.
inline constexpr const char* kKustomizationNames[] = {"kustomization.yaml", "kustomization.yml",
                                                      "Kustomization"};

struct KustomizeDeps {
  // Directories the build reads: the app path first, then the others sorted; none is inside
  // another.
  std::vector<std::string> dirs;
  // Referenced files that lie outside every directory above.
  std::vector<std::string> files;
  bool whole_repository = false;
  std::string reason;  // why whole_repository
};

// `app_path` normalized; `components` are the Application's kustomize.components (relative
// to the app path), which Argo CD adds to the kustomization before building.
Result<KustomizeDeps> FindKustomizeDeps(const git::Snapshot& snapshot, const std::string& app_path,
                                        const std::vector<std::string>& components = {});

}  // namespace cellgate::render

// What a `kustomize build` of an app path reads from the repository, found by parsing
// kustomization files through the Snapshot (no tool run), so the render cache can key on
// exactly those trees: a commit that changes an unrelated directory reuses the render, a
// commit that changes a base the overlay points at does not.
//
// Every kustomization reachable from the app path is read and every local reference in it
// checked: resources, bases, components, crds, configurations, generators, transformers,
// validators (and the path-like keys of the configs they name or inline), patches[].path,
// patchesJson6902[].path, patchesStrategicMerge, replacements[].path, openapi.path, the
// files/envs/env of configMap/secretGenerator, helmCharts' valuesFile,
// additionalValuesFiles and chart directory (helmGlobals.chartHome or "charts"),
// helmChartInflationGenerator's chartHome and values. Each must exist and stay inside the
// repository (lexically here; RunKustomize re-checks after symlinks on disk), or the app is
// refused with an error naming the kustomization file and the entry: kPermissionDenied for an
// absolute path, an escape or a remote reference when remote bases are off, kNotFound for a
// missing path, kInvalidArgument for a kustomization that does not parse, kResourceExhausted
// beyond max_directories. There is no silent cap.
//
// Remote references (URLs, github.com/..., helmCharts with a repo) are refused unless
// allow_remote; when allowed, kustomize fetches them at build time and the cache key falls
// back to the whole repository (whole_repository, keyed on the root tree id), as it does for
// helmCharts and for symlinks or submodules inside a referenced tree.
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

// One local reference: where it was written and where it leads.
struct KustomizeReference {
  std::string kustomization;  // repository path of the kustomization file
  std::string field;          // "resources", "patches", ...
  std::string entry;          // as written
  std::string path;           // resolved repository path
};

struct KustomizeDeps {
  // Directories the build reads: the app path first, then the others sorted; none is inside
  // another.
  std::vector<std::string> dirs;
  // Referenced files that lie outside every directory above.
  std::vector<std::string> files;
  // Every local reference, for the checks after symlinks on disk.
  std::vector<KustomizeReference> references;
  bool whole_repository = false;
  std::string reason;  // why whole_repository
};

struct KustomizeDepsOptions {
  // The Application's kustomize.components (relative to the app path), which Argo CD adds
  // to the kustomization before building; missing ones are skipped when ignore_missing.
  std::vector<std::string> components;
  bool ignore_missing_components = false;
  bool allow_remote = false;  // remote bases and chart repositories
  // Kustomization directories (and referenced directories) one app may reach.
  std::size_t max_directories = 1000;
  // Local references one app may make, summed over its kustomizations.
  std::size_t max_references = 100'000;
};

// `app_path` normalized.
Result<KustomizeDeps> FindKustomizeDeps(const git::Snapshot& snapshot, const std::string& app_path,
                                        const KustomizeDepsOptions& options = {});

}  // namespace cellgate::render

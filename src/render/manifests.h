// Manifest text (a file from Git, or the stdout of kustomize / helm) to validated Objects.
//
// Rules, as Argo CD's repo-server applies them:
//  - YAML streams may hold many documents; empty documents are skipped.
//  - A `.json` file holds exactly one JSON value (jsonnet output may be an array of them).
//  - An object whose kind ends in "List" and that has an `items` list is expanded into its
//    items (kubectl's `kind: List`, `ConfigMapList`, ...); `items: null` expands to nothing.
//  - Every object needs apiVersion, kind and metadata.name (or generateName); errors carry
//    "file:line".
//  - With `skip_unrelated_yaml` (plain directories only), a YAML file that fails to parse or
//    decode and does not contain all of "apiVersion:", "kind:" and "metadata:" is ignored
//    (reported as a note), because Argo CD ignores such files (a values file or CI config
//    next to the manifests). Files that look like manifests still fail loudly.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/object.h"
#include "core/result.h"
#include "core/yaml.h"

namespace cellgate::render {

struct ManifestParseOptions {
  YamlLimits limits;
  bool json = false;  // parse as one JSON value instead of a YAML stream
  // With `json`: a top-level array holds many objects (null elements skipped) and null holds
  // none, as Argo CD reads jsonnet output. Origins record the element index.
  bool json_array = false;
  bool skip_unrelated_yaml = false;
  // Text is a tool's stdout: origins record the document index, not a line (the line of the
  // tool's output means nothing in the repository).
  bool tool_output = false;
  // Tool output from `helm template`: take each document's origin from the preceding
  // "# Source: <chart>/templates/x.yaml" comment; the chart name is replaced by this
  // repository directory so origins read "apps/web/templates/x.yaml".
  bool helm_source_comments = false;
  std::string helm_chart_dir;
};

struct ParsedManifests {
  std::vector<Object> objects;
  std::string note;  // why the file was skipped, when it was
  // Scalar bytes of the parsed documents after YAML alias expansion (0 for JSON).
  std::size_t expanded_bytes = 0;
};

// `file` is the origin recorded on every object (relative to the repository root).
Result<ParsedManifests> ParseManifests(std::string_view text, const std::string& file,
                                       const ManifestParseOptions& options = {});

// kFailedPrecondition naming both origins when two objects share group, kind, namespace and
// name. Objects without a namespace are compared as written (sync fills the destination
// namespace for namespaced kinds later).
Status CheckDuplicates(const std::vector<Object>& objects);

}  // namespace cellgate::render

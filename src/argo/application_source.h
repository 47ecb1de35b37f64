// An Argo CD ApplicationSource (spec.source, spec.sources[i], operation.sync.source) with
// every render option, parsed exactly per Argo CD's Go types
// (pkg/apis/application/v1alpha1/types.go): same field names, same meaning of absent vs
// empty. application.h reads the rest of the Application.
//
// What Argo CD treats as presence matters: a `kustomize: {}`, `helm: {}` or `directory: {}`
// block makes the source type explicit (ApplicationSource.ExplicitType), so each block is a
// std::optional here. Values that the API server's CRD schema would refuse (a number where a
// string belongs) are refused with the field's path in the message.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/object.h"
#include "core/result.h"

namespace cellgate::argo {

// directory.jsonnet.extVars[] / tlas[] (Argo CD's JsonnetVar): a string, or jsonnet code
// when `code`.
struct JsonnetVar {
  std::string name;
  std::string value;
  bool code = false;
};

// directory.jsonnet (Argo CD's ApplicationSourceJsonnet).
struct JsonnetOptions {
  std::vector<JsonnetVar> ext_vars;
  std::vector<JsonnetVar> tlas;
  std::vector<std::string> libs;  // library directories, relative to the repository root
};

struct DirectoryOptions {
  bool recurse = false;
  std::string include;  // glob, see core/glob.h
  std::string exclude;
  JsonnetOptions jsonnet;
};

struct KustomizeReplica {
  std::string name;
  int count = 0;
};

struct KustomizeOptions {
  std::string name_prefix;
  std::string name_suffix;
  std::vector<std::string> images;  // "[old=]name[:tag|@digest]"
  std::map<std::string, std::string> common_labels;
  std::map<std::string, std::string> common_annotations;
  std::string version;  // selects a kustomize binary in Argo CD; not supported
  bool force_common_labels = false;
  bool force_common_annotations = false;
  std::string ns;  // `namespace`
  bool common_annotations_envsubst = false;
  std::vector<KustomizeReplica> replicas;
  Json patches = Json::array();  // KustomizePatch objects, appended to the kustomization
  std::vector<std::string> components;
  bool ignore_missing_components = false;
  bool label_without_selector = false;
  bool label_include_templates = false;
  std::string kube_version;
  std::vector<std::string> api_versions;
};

struct HelmParameter {
  std::string name;
  std::string value;
  bool force_string = false;
};

struct HelmFileParameter {
  std::string name;
  std::string path;
};

struct HelmOptions {
  std::vector<std::string> value_files;
  std::vector<HelmParameter> parameters;
  std::string release_name;
  std::string values;  // a YAML document as a string
  std::vector<HelmFileParameter> file_parameters;
  std::string version;  // "" or "3"
  bool pass_credentials = false;
  bool ignore_missing_value_files = false;
  bool skip_crds = false;
  std::optional<Json> values_object;  // takes precedence over `values`
  std::string ns;                     // `namespace`; defaults to the destination namespace
  std::string kube_version;
  std::vector<std::string> api_versions;
  bool skip_tests = false;
  bool skip_schema_validation = false;
};

struct ApplicationSource {
  std::string repo_url;
  std::string path;
  std::string target_revision;  // "" means HEAD
  std::string chart;            // Helm repository chart: not supported yet
  std::string ref;
  std::string name;
  std::optional<DirectoryOptions> directory;
  std::optional<KustomizeOptions> kustomize;
  std::optional<HelmOptions> helm;
  bool has_plugin = false;  // config management plugins: not supported
};

// Parses an ApplicationSource object. `where` prefixes field paths in errors
// ("spec.source.helm.parameters[2].value: must be a string").
Result<ApplicationSource> ParseApplicationSource(const Json& source,
                                                 std::string_view where = "source");

// The source's options as canonical JSON (only what changes a render; repoURL, path and
// targetRevision excluded). Used to hash options into the render cache key.
Json SourceOptionsJson(const ApplicationSource& source);

}  // namespace cellgate::argo

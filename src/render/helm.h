// Helm applications (a chart in Git): the real `helm template`, with the arguments Argo CD's
// repo-server passes (util/helm/cmd.go template):
//
//   helm template . --name-template <releaseName | app name> --namespace <helm.namespace |
//     destination namespace> --kube-version <v> [--set k=v]... [--set-string k=v]...
//     [--set-file k=path]... [--values <valueFile>]... [--values <values/valuesObject>]
//     [--api-versions v]... [--include-crds unless skipCrds] [--skip-schema-validation]
//     [--skip-tests]
//
// Value files and file parameters resolve like Argo CD's ResolveValueFilePathOrUrl: relative
// to the chart directory, or to the repository root when absolute ("/envs/prod.yaml"); a
// path that leaves the repository is refused (kPermissionDenied); a missing value file is an
// error unless ignoreMissingValueFiles; URLs (remote value files) are not supported yet.
// --set values have unescaped commas escaped, as Argo CD does; parameters are sorted by name
// so the command line is deterministic.
//
// The chart is copied to a scratch directory before helm runs, so nothing helm writes (e.g.
// Chart.lock) can touch the shared checkout; value files are read from the checkout.
// `helm dependency build` is not run: charts must vendor their dependencies in charts/.
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
#include "render/tool_runner.h"

namespace cellgate::render {

// Repository paths of the value files and file parameters an app uses, resolved and checked
// against the snapshot. Missing value files are dropped when ignoreMissingValueFiles.
struct HelmInputs {
  std::vector<std::string> value_files;                          // repo paths, in order
  std::vector<std::pair<std::string, std::string>> file_params;  // name, repo path
  std::vector<std::string> notes;                                // ignored missing files
};

Result<HelmInputs> ResolveHelmInputs(const git::Snapshot& snapshot, const std::string& chart_path,
                                     const argo::HelmOptions& helm);

struct HelmTemplate {
  std::string release_name;
  std::string ns;
  std::string kube_version;
  std::vector<std::string> api_versions;
  std::vector<std::string> value_files;  // paths as helm should see them
  std::string extra_values_file;         // values/valuesObject written out; "" if none
  std::vector<argo::HelmParameter> parameters;
  std::vector<std::pair<std::string, std::string>> file_params;  // name, path for helm
  bool skip_crds = false;
  bool skip_tests = false;
  bool skip_schema_validation = false;
};

// The argument list after the binary; the chart is "." (helm runs in the chart directory).
std::vector<std::string> HelmTemplateArgs(const HelmTemplate& t);

// Argo CD's cleanSetParameters: escape ',' not already escaped, unless the value is a
// {a,b} list.
std::string EscapeHelmSetValue(std::string_view value);

// The values document Argo CD writes for helm.values / helm.valuesObject; "" when none.
std::string HelmExtraValues(const argo::HelmOptions& helm);

struct HelmRun {
  std::filesystem::path binary;
  YamlLimits yaml;
};

// Runs helm template on `chart_path` of the snapshot. `options` has had Argo CD's variable
// substitution applied; `inputs` comes from ResolveHelmInputs. Objects carry the template
// file they came from as origin ("charts/web/templates/deployment.yaml").
Result<std::vector<Object>> RunHelmTemplate(ToolRunner& runner, const git::Snapshot& snapshot,
                                            const std::string& chart_path,
                                            const argo::HelmOptions& options,
                                            const HelmInputs& inputs, HelmTemplate base,
                                            const HelmRun& run);

}  // namespace cellgate::render

#include "render/helm.h"

#include <stdlib.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <system_error>

#include "render/manifests.h"
#include "render/paths.h"
#include "render/scratch_dir.h"

namespace cellgate::render {
namespace {

namespace fs = std::filesystem;

// Go's url.Parse would read "x:" as a scheme; Argo CD allows only http(s) remote files.
std::string UrlScheme(std::string_view s) {
  auto colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0) return {};
  for (std::size_t i = 0; i < colon; ++i) {
    char c = s[i];
    bool ok = std::isalpha(static_cast<unsigned char>(c)) ||
              (i > 0 &&
               (std::isdigit(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.'));
    if (!ok) return {};
  }
  return std::string(s.substr(0, colon));
}

Result<std::string> ResolveOne(const std::string& chart_path, const std::string& file,
                               std::string_view what) {
  if (std::string scheme = UrlScheme(file); !scheme.empty()) {
    if (scheme == "http" || scheme == "https") {
      return MakeError(ErrorCode::kInvalidArgument,
                       std::string(what) + " '" + file + "': remote files are not supported yet");
    }
    return MakeError(
        ErrorCode::kPermissionDenied,
        std::string(what) + " '" + file + "': the URL scheme '" + scheme + "' is not allowed");
  }
  auto path = ResolveRepoPath(chart_path, file);
  if (!path) {
    return MakeError(path.error().code(),
                     std::string(what) + " '" + file + "' resolves outside the repository");
  }
  if (path->empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string(what) + " '" + file + "' resolves to the repository root");
  }
  return path;
}

}  // namespace

Result<HelmInputs> ResolveHelmInputs(const git::Snapshot& snapshot, const std::string& chart_path,
                                     const HelmOptions& helm) {
  HelmInputs in;
  for (const auto& vf : helm.value_files) {
    auto path = ResolveOne(chart_path, vf, "helm.valueFiles entry");
    CG_TRY(path);
    auto oid = snapshot.ObjectId(*path);
    if (!oid) {
      if (oid.error().code() != ErrorCode::kNotFound) return std::unexpected(oid.error());
      if (helm.ignore_missing_value_files) {
        in.notes.push_back("values file " + *path + " does not exist; ignored");
        continue;
      }
      return MakeError(ErrorCode::kNotFound, "values file '" + vf + "' (" + *path +
                                                 ") does not exist at commit " + snapshot.commit());
    }
    in.value_files.push_back(*path);
  }
  for (const auto& fp : helm.file_parameters) {
    auto path = ResolveOne(chart_path, fp.path, "helm.fileParameters path");
    CG_TRY(path);
    CG_TRY_WRAP(snapshot.ObjectId(*path), "helm.fileParameters " + fp.name);
    in.file_params.emplace_back(fp.name, *path);
  }
  return in;
}

std::string EscapeHelmSetValue(std::string_view v) {
  if (v.size() >= 2 && v.front() == '{' && v.back() == '}') return std::string(v);
  std::string out;
  char prev = 0;
  for (char c : v) {
    if (c == ',' && prev != '\\') out += '\\';
    out += c;
    prev = c;
  }
  return out;
}

std::string HelmExtraValues(const HelmOptions& helm) {
  if (helm.values_object && !helm.values_object->empty()) return ToYaml(*helm.values_object);
  return helm.values;
}

std::vector<std::string> HelmTemplateArgs(const HelmTemplate& t) {
  std::vector<std::string> a = {"template", ".", "--name-template", t.release_name};
  if (!t.ns.empty()) a.insert(a.end(), {"--namespace", t.ns});
  if (!t.kube_version.empty()) a.insert(a.end(), {"--kube-version", t.kube_version});
  // Argo CD collects parameters in maps (the last of a name wins); emit them sorted.
  std::map<std::string, std::string> set, set_string, set_file;
  for (const auto& p : t.parameters) (p.force_string ? set_string : set)[p.name] = p.value;
  for (const auto& [name, path] : t.file_params) set_file[name] = path;
  for (const auto& [k, v] : set) a.insert(a.end(), {"--set", k + "=" + EscapeHelmSetValue(v)});
  for (const auto& [k, v] : set_string) {
    a.insert(a.end(), {"--set-string", k + "=" + EscapeHelmSetValue(v)});
  }
  for (const auto& [k, v] : set_file) {
    a.insert(a.end(), {"--set-file", k + "=" + EscapeHelmSetValue(v)});
  }
  for (const auto& f : t.value_files) a.insert(a.end(), {"--values", f});
  if (!t.extra_values_file.empty()) a.insert(a.end(), {"--values", t.extra_values_file});
  for (const auto& v : t.api_versions) a.insert(a.end(), {"--api-versions", v});
  if (!t.skip_crds) a.push_back("--include-crds");
  if (t.skip_schema_validation) a.push_back("--skip-schema-validation");
  if (t.skip_tests) a.push_back("--skip-tests");
  return a;
}

Result<std::vector<Object>> RunHelmTemplate(ToolRunner& runner, const git::Snapshot& snapshot,
                                            const std::string& chart_path,
                                            const HelmOptions& options, const HelmInputs& inputs,
                                            HelmTemplate t, const HelmRun& run) {
  auto checkout = snapshot.Materialize();
  CG_TRY_WRAP(checkout, "materialize");
  const fs::path root = *checkout;
  auto made = ScratchDir::Create(runner.options().temp_dir, "helm");
  CG_TRY(made);
  ScratchDir scratch(std::move(*made));
  const fs::path chart = scratch.path() / "chart";
  std::error_code ec;
  // Symlinks are followed: the chart copy must not point back into the checkout.
  fs::copy(chart_path.empty() ? root : root / chart_path, chart, fs::copy_options::recursive, ec);
  if (ec) return MakeError(ErrorCode::kInternal, "copy chart " + chart_path + ": " + ec.message());

  for (const auto& vf : inputs.value_files) t.value_files.push_back((root / vf).string());
  for (const auto& [name, path] : inputs.file_params) {
    t.file_params.emplace_back(name, (root / path).string());
  }
  if (std::string extra = HelmExtraValues(options); !extra.empty()) {
    fs::path values = scratch.path() / "values-inline.yaml";
    std::ofstream(values, std::ios::binary) << extra;
    t.extra_values_file = values.string();
  }
  std::vector<std::pair<std::string, std::string>> redactions = {
      {chart.string(), chart_path.empty() ? "." : chart_path},
      {scratch.path().string() + "/", ""},
      {root.string() + "/", ""}};
  auto out = runner.Run(
      {.program = run.binary, .args = HelmTemplateArgs(t), .cwd = chart, .redactions = redactions});
  CG_TRY(out);
  ManifestParseOptions parse{.limits = run.yaml,
                             .tool_output = true,
                             .helm_source_comments = true,
                             .helm_chart_dir = chart_path};
  auto parsed = ParseManifests(out->out, chart_path.empty() ? "." : chart_path, parse);
  CG_TRY_WRAP(parsed, "helm template output");
  return std::move(parsed->objects);
}

}  // namespace cellgate::render

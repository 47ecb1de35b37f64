#include "render/jsonnet.h"

extern "C" {
#include <libjsonnet.h>
}
#include <stdlib.h>

#include <fstream>
#include <system_error>

#include "render/jsonnet_eval.h"
#include "render/manifests.h"
#include "render/paths.h"
#include "render/scratch_dir.h"

namespace cellgate::render {
namespace {

namespace fs = std::filesystem;

// The child's stdout: "O" + (output NUL)*, or "E<code>\n<message>" (jsonnet_eval.h).
Result<std::vector<std::string>> ReadChildOutput(const std::string& out, std::size_t files) {
  if (!out.empty() && out[0] == 'E') {
    auto nl = out.find('\n');
    int code = nl == std::string::npos ? 0 : std::atoi(out.substr(1, nl - 1).c_str());
    if (code <= 0 || code > static_cast<int>(ErrorCode::kInternal)) {
      code = static_cast<int>(ErrorCode::kInvalidArgument);
    }
    return MakeError(static_cast<ErrorCode>(code),
                     nl == std::string::npos ? out.substr(1) : out.substr(nl + 1));
  }
  std::vector<std::string> outputs;
  if (out.empty() || out[0] != 'O') {
    return MakeError(ErrorCode::kInternal, "jsonnet evaluator: unexpected output");
  }
  std::size_t pos = 1;
  while (pos < out.size()) {
    auto end = out.find('\0', pos);
    if (end == std::string::npos) break;
    outputs.push_back(out.substr(pos, end - pos));
    pos = end + 1;
  }
  if (pos != out.size() || outputs.size() != files) {
    return MakeError(ErrorCode::kInternal, "jsonnet evaluator: truncated output");
  }
  return outputs;
}

}  // namespace

Result<std::vector<std::string>> ResolveJsonnetLibs(const git::Snapshot& snapshot,
                                                    const std::vector<std::string>& libs) {
  std::vector<std::string> out;
  for (const auto& lib : libs) {
    // Argo CD joins relative and absolute entries alike with the repository root.
    auto path = ResolveRepoPath("", lib.starts_with('/') ? lib.substr(1) : lib);
    if (!path) {
      return MakeError(ErrorCode::kPermissionDenied,
                       "directory.jsonnet.libs entry '" + lib + "' leaves the repository");
    }
    if (auto oid = snapshot.ObjectId(*path); !oid && oid.error().code() != ErrorCode::kNotFound) {
      return std::unexpected(oid.error().Wrap("directory.jsonnet.libs entry '" + lib + "'"));
    }
    out.push_back(*path);
  }
  return out;
}

Result<std::vector<Object>> ParseJsonnetOutput(std::string_view json, const std::string& file,
                                               const YamlLimits& limits) {
  auto parsed = ParseManifests(json, file, {.limits = limits, .json = true, .json_array = true});
  CG_TRY_WRAP(parsed, "jsonnet output");
  return std::move(parsed->objects);
}

Result<std::vector<std::vector<Object>>> EvaluateJsonnet(
    ToolRunner& runner, const git::Snapshot& snapshot, const std::string& app_path,
    const std::vector<std::string>& files, const JsonnetOptions& options, const JsonnetRun& run) {
  auto libs = ResolveJsonnetLibs(snapshot, options.libs);
  CG_TRY(libs);
  JsonnetEvalRequest request{.files = files,
                             .jpaths = {app_path},
                             .ext_vars = options.ext_vars,
                             .tlas = options.tlas,
                             .memory_limit_bytes = runner.options().memory_limit_bytes,
                             .max_stack = run.max_stack};
  request.jpaths.insert(request.jpaths.end(), libs->begin(), libs->end());

  auto checkout = snapshot.Materialize();
  CG_TRY_WRAP(checkout, "materialize");
  auto made = ScratchDir::Create(runner.options().temp_dir, "jsonnet");
  CG_TRY(made);
  ScratchDir scratch(std::move(*made));
  const fs::path request_file = scratch.path() / "request.json";
  {
    std::ofstream f(request_file, std::ios::binary);
    f << JsonnetEvalRequestJson(request).dump();
    if (!f) return MakeError(ErrorCode::kInternal, "write " + request_file.string());
  }
  const std::string command = std::string(kJsonnetEvalCommand);
  auto out = runner.Run({.program = run.program,
                         .args = {command, request_file.string()},
                         .cwd = *checkout,
                         .redactions = {{run.program.filename().string() + " " + command + " " +
                                             request_file.string(),
                                         "cellgate " + command},
                                        {scratch.path().string() + "/", ""},
                                        {checkout->string() + "/", ""}},
                         .memory_limit_in_child = true});
  if (!out) {
    std::string names;
    for (std::size_t i = 0; i < files.size() && i < 5; ++i) {
      names += (i ? ", " : "") + files[i];
    }
    if (files.size() > 5) names += ", ... (" + std::to_string(files.size()) + " files)";
    return std::unexpected(out.error().Wrap("evaluate jsonnet " + names));
  }
  auto texts = ReadChildOutput(out->out, files.size());
  CG_TRY(texts);
  std::vector<std::vector<Object>> objects;
  for (std::size_t i = 0; i < files.size(); ++i) {
    auto parsed = ParseJsonnetOutput((*texts)[i], files[i], run.yaml);
    CG_TRY(parsed);
    objects.push_back(std::move(*parsed));
  }
  return objects;
}

std::string JsonnetVersion() { return jsonnet_version(); }

}  // namespace cellgate::render

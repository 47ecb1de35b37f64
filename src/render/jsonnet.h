// Jsonnet in directory apps, as Argo CD's repo-server does it (reposerver/repository/
// repository.go: findManifests, makeJsonnetVM):
//
//  - Every *.jsonnet file the directory rules select (directory.h: recurse, include, exclude)
//    is evaluated on its own, with directory.jsonnet's extVars and tlas (strings, or code when
//    `code: true`) after $ARGOCD_APP_* substitution (envsubst.h). Jsonnet files do not count
//    against the directory's combined manifest size.
//  - Imports resolve next to the importing file, then in the library paths from the last to
//    the first: the app path, then each directory.jsonnet.libs entry, which is relative to the
//    repository root (a leading '/' too).
//  - The output is an array of objects, one object, or null (nothing); a `*List` object is
//    expanded into its items; every object must be a valid manifest (manifests.h).
//
// The programs never run in this process. One child per app (`cellgate internal-jsonnet-eval`,
// jsonnet_eval.h) evaluates them all through the ToolRunner: the tool timeout (90 s) and
// stdout limit (64 MiB) apply, and the tool memory limit (2 GiB) is applied by the child to
// itself. Everything a program reads is inside the checkout of the commit (jsonnet_eval.h).
//
// Thread-safety: reentrant; the ToolRunner bounds concurrency.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "argo/application_source.h"
#include "core/object.h"
#include "core/result.h"
#include "core/yaml.h"
#include "git/source.h"
#include "render/tool_runner.h"

namespace cellgate::render {

// directory.jsonnet.libs as repository paths. kPermissionDenied naming the entry when it
// leaves the repository (by `..`, or through a symlink); a missing directory is kept (Argo CD
// does not check it either: imports simply find nothing there).
Result<std::vector<std::string>> ResolveJsonnetLibs(const git::Snapshot& snapshot,
                                                    const std::vector<std::string>& libs);

// One program's output to objects. Origins name `file` and, for arrays, the element.
Result<std::vector<Object>> ParseJsonnetOutput(std::string_view json, const std::string& file,
                                               const YamlLimits& limits);

struct JsonnetRun {
  std::filesystem::path program;  // a binary that serves kJsonnetEvalCommand
  YamlLimits yaml;
  unsigned max_stack = 500;
};

// Evaluates `files` (repository paths, in order) of the app at `app_path` in one child
// process; one list of objects per file. Errors name the file, and jsonnet's text carries
// line and column: kInvalidArgument (program error, bad output), kPermissionDenied (an import
// or library leaving the repository), kDeadlineExceeded / kResourceExhausted (limits).
Result<std::vector<std::vector<Object>>> EvaluateJsonnet(ToolRunner& runner,
                                                         const git::Snapshot& snapshot,
                                                         const std::string& app_path,
                                                         const std::vector<std::string>& files,
                                                         const argo::JsonnetOptions& options,
                                                         const JsonnetRun& run);

// The jsonnet library's version, for render cache keys.
std::string JsonnetVersion();

}  // namespace cellgate::render

// Plain-manifest directories, read straight from a git Snapshot (no checkout), with Argo CD's
// rules (reposerver findManifests):
//
//  - Files named *.yaml, *.yml or *.json are manifests; everything else is ignored.
//  - Only files directly in the app path, unless directory.recurse.
//  - directory.exclude / directory.include are gobwas globs (core/glob.h) matched against the path
//    relative to the app path ("sub/a.yaml"); exclude wins.
//  - *.jsonnet files that pass the filters are evaluated by the JsonnetEvaluator (jsonnet.h)
//    in one call, and their objects take the files' places in the output order; without an
//    evaluator they are refused. They do not count against the combined size (Argo CD).
//  - Files are parsed with manifests.h (multi-document YAML, lists, validation); unrelated
//    YAML files are skipped with a note.
//  - The combined size of the manifest files is bounded (Argo CD's
//    reposerver.max.combined.directory.manifests.size, 10 MB by default).
//
// Files reached through a symlink are recorded with a digest of their content, because the
// app path's tree id does not change when a symlink's target does; the render cache checks
// these digests before it reuses a render.
//
// Thread-safety: a pure function of the snapshot.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "argo/application_source.h"
#include "core/object.h"
#include "core/result.h"
#include "core/yaml.h"
#include "git/source.h"

namespace cellgate::render {

struct DirectoryLimits {
  YamlLimits yaml;
  std::size_t max_combined_bytes = 10'000'000;
};

// A file read through a symlink, with the SHA-256 of what it read.
struct ContentDependency {
  std::string path;
  std::string sha256;
};

struct DirectoryRender {
  std::vector<Object> objects;
  std::vector<std::string> notes;  // skipped files
  std::vector<ContentDependency> symlinked_files;
  std::size_t bytes = 0;  // manifest bytes read
};

// Evaluates jsonnet files (repository paths, in order); one list of objects per file.
using JsonnetEvaluator =
    std::function<Result<std::vector<std::vector<Object>>>(const std::vector<std::string>& files)>;

// `app_path` is normalized (paths.h). Errors: kNotFound when the path does not exist,
// kInvalidArgument for bad manifests or patterns, kPermissionDenied for symlinks leaving the
// repository, kResourceExhausted over the size limit.
Result<DirectoryRender> RenderDirectory(const git::Snapshot& snapshot, const std::string& app_path,
                                        const argo::DirectoryOptions& options,
                                        const DirectoryLimits& limits = {},
                                        const JsonnetEvaluator& jsonnet = nullptr);

}  // namespace cellgate::render

// The evaluating side of jsonnet rendering: the C++ jsonnet library (libjsonnet, the reference
// implementation) run over files of one checked-out commit, confined to it.
//
// It runs only in a child process: `cellgate internal-jsonnet-eval <request.json>` (a hidden
// subcommand; any binary that calls RunJsonnetEvalIfRequested first thing in main can serve),
// started by jsonnet.h through the ToolRunner, which applies the time limit, the stdout limit
// and the process-group kill. The child applies the memory limit itself (RLIMIT_DATA = its
// data size at start + the limit) because a sanitizer runtime reserves terabytes of address
// space before main and could not start under a limit set before exec.
//
// Imports, as go-jsonnet's FileImporter resolves them for Argo CD: first relative to the
// importing file's directory, then in each library path from the last to the first (Argo CD
// passes the app path, then directory.jsonnet.libs). Every path is a repository path: an
// absolute import, an import whose `..` leaves the repository, and a file reached through a
// symlink that resolves outside the checkout are refused (kPermissionDenied) naming the import;
// only regular files are read. No native functions are registered, so a program can only
// compute: it cannot run commands, open sockets or read anything outside the commit.
//
// Protocol: the request is a JSON file (JsonnetEvalRequestJson); the child's working directory
// is the checkout root. On stdout the child writes "O" and then each program's JSON output
// followed by a NUL byte (JSON text has no raw NUL), or "E<code>\n<message>" for an error in
// the program or an import (code: ErrorCode's number). It exits 0 in both cases; a non-zero
// exit means the child itself failed (out of memory, killed, bad request).
//
// Thread-safety: EvaluateJsonnetFiles is reentrant (one VM per file); the child is
// single-threaded.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "argo/application_source.h"
#include "core/object.h"
#include "core/result.h"

namespace cellgate::render {

inline constexpr std::string_view kJsonnetEvalCommand = "internal-jsonnet-eval";

struct JsonnetEvalRequest {
  std::vector<std::string> files;   // repository paths of the programs, evaluated in order
  std::vector<std::string> jpaths;  // repository directories ("" is the root)
  std::vector<argo::JsonnetVar> ext_vars;
  std::vector<argo::JsonnetVar> tlas;
  std::uint64_t memory_limit_bytes = 0;  // 0: none
  unsigned max_stack = 500;              // jsonnet's and go-jsonnet's default
};

Json JsonnetEvalRequestJson(const JsonnetEvalRequest& request);
Result<JsonnetEvalRequest> ParseJsonnetEvalRequest(const Json& json);

// A regular file of the checkout at `root` (canonical: absolute, no symlinks), by repository path;
// kNotFound when it does not exist, kPermissionDenied when it resolves outside `root` on disk.
Result<std::string> ReadCheckoutFile(const std::filesystem::path& root, const std::string& path);

struct JsonnetImport {
  std::string path;  // repository path of the file found
  std::string content;
};

// Resolves `import rel` from a file in repository directory `base_dir` (as jsonnet gives it:
// "" or ending in '/'). kNotFound when no candidate exists; kPermissionDenied for absolute
// paths and escapes. `root` is canonical, as for ReadCheckoutFile.
Result<JsonnetImport> ResolveJsonnetImport(const std::filesystem::path& root,
                                           std::string_view base_dir, std::string_view rel,
                                           const std::vector<std::string>& jpaths);

// Evaluates each file in this process; one JSON text per file. Errors carry jsonnet's own
// message (file:line:column and a stack trace) after the file's path. Only for the child and
// for tests: nothing bounds time or memory here.
Result<std::vector<std::string>> EvaluateJsonnetFiles(const std::filesystem::path& root,
                                                      const JsonnetEvalRequest& request);

// Call first thing in main(). When argv[1] is kJsonnetEvalCommand, serves the request named by
// argv[2] and returns the exit status; otherwise returns nullopt and records that this binary
// can serve as the evaluator (JsonnetEvalAvailable).
std::optional<int> RunJsonnetEvalIfRequested(int argc, char** argv);

// True once RunJsonnetEvalIfRequested ran in this process: re-executing /proc/self/exe with the
// subcommand reaches it. A binary without it would not understand the subcommand.
bool JsonnetEvalAvailable();

}  // namespace cellgate::render

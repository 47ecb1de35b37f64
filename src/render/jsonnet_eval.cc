#include "render/jsonnet_eval.h"

extern "C" {
#include <libjsonnet.h>
}
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <new>
#include <sstream>

#include "core/memory_limit.h"
#include "render/paths.h"

namespace cellgate::render {
namespace {

namespace fs = std::filesystem;

std::atomic<bool> g_eval_available{false};

Json VarsJson(const std::vector<JsonnetVar>& vars) {
  Json out = Json::array();
  for (const auto& v : vars)
    out.push_back({{"name", v.name}, {"value", v.value}, {"code", v.code}});
  return out;
}

Result<std::vector<JsonnetVar>> VarsFrom(const Json& j, const char* key) {
  std::vector<JsonnetVar> out;
  auto it = j.find(key);
  if (it == j.end()) return out;
  if (!it->is_array()) return MakeError(ErrorCode::kInvalidArgument, std::string(key) + ": list");
  for (const auto& v : *it) {
    if (!v.is_object() || !v.value("name", Json()).is_string() ||
        !v.value("value", Json()).is_string() || !v.value("code", Json()).is_boolean()) {
      return MakeError(ErrorCode::kInvalidArgument, std::string(key) + ": bad entry");
    }
    out.push_back(
        {v["name"].get<std::string>(), v["value"].get<std::string>(), v["code"].get<bool>()});
  }
  return out;
}

Result<std::vector<std::string>> StringsFrom(const Json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) {
    return MakeError(ErrorCode::kInvalidArgument, std::string(key) + ": list of strings");
  }
  for (const auto& s : *it) {
    if (!s.is_string())
      return MakeError(ErrorCode::kInvalidArgument, std::string(key) + ": string");
    out.push_back(s.get<std::string>());
  }
  return out;
}

// What the import callback refused last, so the evaluation error keeps its code.
struct ImportContext {
  JsonnetVm* vm = nullptr;
  fs::path root;
  const std::vector<std::string>* jpaths = nullptr;
  ErrorCode refused = ErrorCode::kUnknown;
};

char* CopyForJsonnet(JsonnetVm* vm, std::string_view s) {
  char* out = jsonnet_realloc(vm, nullptr, s.size() + 1);
  std::memcpy(out, s.data(), s.size());
  out[s.size()] = '\0';
  return out;
}

char* ImportCallback(void* ctx, const char* base, const char* rel, char** found_here,
                     int* success) {
  auto* c = static_cast<ImportContext*>(ctx);
  JsonnetVm* vm = c->vm;
  auto found = ResolveJsonnetImport(c->root, base, rel, *c->jpaths);
  if (!found) {
    if (found.error().code() == ErrorCode::kPermissionDenied) c->refused = found.error().code();
    *success = 0;
    return CopyForJsonnet(vm, found.error().message());
  }
  if (found->content.find('\0') != std::string::npos) {
    *success = 0;
    return CopyForJsonnet(vm, found->path + ": holds a NUL byte");
  }
  *found_here = CopyForJsonnet(vm, found->path);
  *success = 1;
  return CopyForJsonnet(vm, found->content);
}

struct VmDeleter {
  void operator()(JsonnetVm* vm) const { jsonnet_destroy(vm); }
};

std::string Trimmed(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  constexpr std::size_t kMax = 4000;
  if (s.size() > kMax) s = s.substr(0, kMax) + " ...";
  return s;
}

[[noreturn]] void OutOfMemory() {
  static constexpr char kMsg[] = "jsonnet evaluation ran out of memory\n";
  (void)!::write(2, kMsg, sizeof kMsg - 1);
  ::_exit(3);
}

bool WriteAll(std::string_view s) { return std::fwrite(s.data(), 1, s.size(), stdout) == s.size(); }

int Serve(const char* request_path) {
  std::ifstream in(request_path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  Json json = Json::parse(text.str(), nullptr, false);
  auto request = ParseJsonnetEvalRequest(json);
  if (json.is_discarded() || !request) {
    std::fprintf(stderr, "%s: bad jsonnet evaluation request\n", request_path);
    return 2;
  }
  if (request->memory_limit_bytes > 0) {
    std::set_new_handler(OutOfMemory);
    if (Status limited = LimitDataGrowth(request->memory_limit_bytes); !limited) {
      std::fprintf(stderr, "%s\n", limited.error().message().c_str());
      return 2;
    }
  }
  std::error_code ec;
  fs::path root = fs::current_path(ec);
  if (ec) {
    std::fprintf(stderr, "checkout root: %s\n", ec.message().c_str());
    return 2;
  }
  auto outputs = EvaluateJsonnetFiles(root, *request);
  bool ok = true;
  if (!outputs) {
    ok = WriteAll("E" + std::to_string(static_cast<int>(outputs.error().code())) + "\n" +
                  outputs.error().message());
  } else {
    ok = WriteAll("O");
    for (const auto& o : *outputs) ok = ok && WriteAll(o) && WriteAll(std::string_view("\0", 1));
  }
  if (!ok || std::fflush(stdout) != 0) {
    std::fprintf(stderr, "write output: %s\n", std::strerror(errno));
    return 2;
  }
  return 0;
}

}  // namespace

Json JsonnetEvalRequestJson(const JsonnetEvalRequest& r) {
  return {{"files", r.files},
          {"jpaths", r.jpaths},
          {"extVars", VarsJson(r.ext_vars)},
          {"tlas", VarsJson(r.tlas)},
          {"memoryLimitBytes", r.memory_limit_bytes},
          {"maxStack", r.max_stack}};
}

Result<JsonnetEvalRequest> ParseJsonnetEvalRequest(const Json& j) {
  if (!j.is_object()) return MakeError(ErrorCode::kInvalidArgument, "request: object");
  JsonnetEvalRequest r;
  auto files = StringsFrom(j, "files");
  auto jpaths = StringsFrom(j, "jpaths");
  auto ext_vars = VarsFrom(j, "extVars");
  auto tlas = VarsFrom(j, "tlas");
  CG_TRY(files);
  CG_TRY(jpaths);
  CG_TRY(ext_vars);
  CG_TRY(tlas);
  r.files = std::move(*files);
  r.jpaths = std::move(*jpaths);
  r.ext_vars = std::move(*ext_vars);
  r.tlas = std::move(*tlas);
  auto mem = j.find("memoryLimitBytes");
  auto stack = j.find("maxStack");
  if (mem == j.end() || !mem->is_number_unsigned() || stack == j.end() ||
      !stack->is_number_unsigned()) {
    return MakeError(ErrorCode::kInvalidArgument, "request: limits");
  }
  r.memory_limit_bytes = mem->get<std::uint64_t>();
  r.max_stack = stack->get<unsigned>();
  return r;
}

Result<std::string> ReadCheckoutFile(const fs::path& root, const std::string& path) {
  fs::path full = path.empty() ? root : root / path;
  char* resolved = ::realpath(full.c_str(), nullptr);
  if (resolved == nullptr) {
    if (errno == ENOENT || errno == ENOTDIR) {
      return MakeError(ErrorCode::kNotFound, path + ": no such file");
    }
    return MakeError(ErrorCode::kInvalidArgument, path + ": " + std::strerror(errno));
  }
  std::string real(resolved);
  ::free(resolved);
  const std::string prefix = root.string() + "/";
  if (real.rfind(prefix, 0) != 0) {
    return MakeError(ErrorCode::kPermissionDenied,
                     path + ": resolves through a symlink to a path outside the repository");
  }
  struct stat st {};
  if (::stat(real.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return MakeError(ErrorCode::kInvalidArgument, path + ": not a regular file");
  }
  std::ifstream in(real, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) return MakeError(ErrorCode::kInvalidArgument, path + ": cannot read");
  return text.str();
}

Result<JsonnetImport> ResolveJsonnetImport(const fs::path& root, std::string_view base_dir,
                                           std::string_view rel,
                                           const std::vector<std::string>& jpaths) {
  const std::string quoted = "'" + std::string(rel) + "'";
  if (rel.empty()) return MakeError(ErrorCode::kInvalidArgument, "empty import path");
  if (rel.front() == '/') {
    return MakeError(ErrorCode::kPermissionDenied,
                     "import " + quoted +
                         ": absolute paths are not allowed (imports resolve "
                         "inside the repository)");
  }
  std::vector<std::string> dirs = {std::string(base_dir)};
  for (auto it = jpaths.rbegin(); it != jpaths.rend(); ++it) dirs.push_back(*it);
  for (const auto& dir : dirs) {
    auto candidate = NormalizeRepoPath(JoinRepoPath(dir, rel));
    if (!candidate) {
      std::string from = dir.ends_with('/') ? dir.substr(0, dir.size() - 1) : dir;
      return MakeError(
          ErrorCode::kPermissionDenied,
          "import " + quoted + " from '" + (from.empty() ? "." : from) + "' leaves the repository");
    }
    auto content = ReadCheckoutFile(root, *candidate);
    if (!content && content.error().code() == ErrorCode::kNotFound) continue;
    CG_TRY_WRAP(content, "import " + quoted);
    return JsonnetImport{*candidate, std::move(*content)};
  }
  return MakeError(ErrorCode::kNotFound, "import " + quoted +
                                             ": no match next to the importing file or in the "
                                             "library paths");
}

Result<std::vector<std::string>> EvaluateJsonnetFiles(const fs::path& checkout,
                                                      const JsonnetEvalRequest& request) {
  std::error_code ec;
  const fs::path root = fs::canonical(checkout, ec);
  if (ec) return MakeError(ErrorCode::kInternal, "checkout root: " + ec.message());
  std::vector<std::string> outputs;
  for (const auto& file : request.files) {
    auto source = ReadCheckoutFile(root, file);
    CG_TRY(source);
    std::unique_ptr<JsonnetVm, VmDeleter> vm(jsonnet_make());
    jsonnet_max_stack(vm.get(), request.max_stack);
    ImportContext ctx{.vm = vm.get(), .root = root, .jpaths = &request.jpaths};
    jsonnet_import_callback(vm.get(), ImportCallback, &ctx);
    for (const auto& v : request.ext_vars) {
      (v.code ? jsonnet_ext_code : jsonnet_ext_var)(vm.get(), v.name.c_str(), v.value.c_str());
    }
    for (const auto& v : request.tlas) {
      (v.code ? jsonnet_tla_code : jsonnet_tla_var)(vm.get(), v.name.c_str(), v.value.c_str());
    }
    int error = 0;
    char* out = jsonnet_evaluate_snippet(vm.get(), file.c_str(), source->c_str(), &error);
    std::string text = out ? out : "";
    jsonnet_realloc(vm.get(), out, 0);
    if (error) {
      ErrorCode code =
          ctx.refused != ErrorCode::kUnknown ? ctx.refused : ErrorCode::kInvalidArgument;
      return MakeError(code, file + ": evaluate jsonnet: " + Trimmed(std::move(text)));
    }
    outputs.push_back(std::move(text));
  }
  return outputs;
}

std::optional<int> RunJsonnetEvalIfRequested(int argc, char** argv) {
  g_eval_available = true;
  if (argc < 2 || argv[1] != kJsonnetEvalCommand) return std::nullopt;
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s %s <request.json>\n", argv[0], argv[1]);
    return 2;
  }
  return Serve(argv[2]);
}

bool JsonnetEvalAvailable() { return g_eval_available; }

}  // namespace cellgate::render

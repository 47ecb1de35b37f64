#include "render/tool_runner.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <thread>

#include "core/redact.h"
#include "core/subprocess.h"
#include "render/scratch_dir.h"

namespace cellgate::render {
namespace {

namespace fs = std::filesystem;

std::string Trimmed(std::string_view s, std::size_t max_chars) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  if (s.size() <= max_chars) return std::string(s);
  return "..." + std::string(s.substr(s.size() - max_chars));
}

std::string Redact(std::string s, const ToolInvocation& inv) {
  for (const auto& [from, to] : inv.redactions) {
    if (from.empty()) continue;
    for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) {
      s.replace(p, from.size(), to);
    }
  }
  return s;
}

std::string DurationText(std::chrono::milliseconds d) {
  if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + " s";
  return std::to_string(d.count()) + " ms";
}

std::string CommandLine(const ToolInvocation& inv) {
  std::string s = inv.program.filename().string();
  for (const auto& a : inv.args) {
    s += ' ';
    s += a;
  }
  return s;
}

std::vector<std::string> CleanEnvironment(const ToolInvocation& inv, const fs::path& scratch) {
  std::vector<std::pair<std::string, std::string>> env = {
      {"PATH", inv.program.parent_path().string() + ":/usr/local/bin:/usr/bin:/bin"},
      {"HOME", (scratch / "home").string()},
      {"TMPDIR", (scratch / "tmp").string()},
      {"XDG_CONFIG_HOME", (scratch / "home/.config").string()},
      {"XDG_CACHE_HOME", (scratch / "home/.cache").string()},
      {"XDG_DATA_HOME", (scratch / "home/.local/share").string()},
      {"HELM_CACHE_HOME", (scratch / "helm/cache").string()},
      {"HELM_CONFIG_HOME", (scratch / "helm/config").string()},
      {"HELM_DATA_HOME", (scratch / "helm/data").string()},
  };
  for (const auto& [k, v] : inv.env) {
    auto it = std::find_if(env.begin(), env.end(), [&](const auto& e) { return e.first == k; });
    if (it != env.end()) {
      it->second = v;
    } else {
      env.emplace_back(k, v);
    }
  }
  std::vector<std::string> out;
  out.reserve(env.size());
  for (const auto& [k, v] : env) {
    std::string entry = k;
    entry += '=';
    entry += v;
    out.push_back(std::move(entry));
  }
  return out;
}

bool LooksOutOfMemory(std::string_view err) {
  std::string lower(err);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (std::string_view sign :
       {"out of memory", "cannot allocate memory", "bad_alloc", "memory allocation error"}) {
    if (lower.find(sign) != std::string::npos) return true;
  }
  return false;
}

std::string MiB(std::uint64_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

}  // namespace

ToolRunner::ToolRunner(ToolRunnerOptions options)
    : options_(std::move(options)),
      slots_(options_.max_concurrency > 0
                 ? options_.max_concurrency
                 : 2 * std::max(1, static_cast<int>(std::thread::hardware_concurrency()))) {
  if (options_.temp_dir.empty()) options_.temp_dir = fs::temp_directory_path();
}

Result<ToolOutput> ToolRunner::Run(const ToolInvocation& inv) {
  const std::string cmdline = CommandLine(inv);
  if (!inv.program.is_absolute() || ::access(inv.program.c_str(), X_OK) != 0) {
    return MakeError(ErrorCode::kNotFound,
                     cmdline + ": " + inv.program.string() + " is not an executable file");
  }
  // Take a slot before any resource (directories, pipes): waiters hold nothing.
  slots_.acquire();
  struct Release {
    std::counting_semaphore<>& s;
    ~Release() { s.release(); }
  } release{slots_};

  auto scratch = ScratchDir::Create(options_.temp_dir, "tool");
  CG_TRY(scratch);
  std::error_code ec;
  for (const char* sub : {"home", "tmp", "helm"}) fs::create_directories(scratch->path() / sub, ec);

  fs::path cwd = inv.cwd.empty() ? scratch->path() : inv.cwd;
  const auto timeout = inv.timeout.count() > 0 ? inv.timeout : options_.timeout;
  auto run = RunSubprocess(
      Command{.program = inv.program,
              .args = inv.args,
              .env = CleanEnvironment(inv, scratch->path()),
              .cwd = cwd,
              .timeout = timeout,
              .max_stdout_bytes = options_.max_stdout_bytes,
              .max_stderr_bytes = options_.max_stderr_bytes,
              .memory_limit_bytes = inv.memory_limit_in_child ? 0 : options_.memory_limit_bytes});
  CG_TRY_WRAP(run, cmdline);
  invocations_.fetch_add(1);
  ToolOutput output{.out = std::move(run->out), .err = std::move(run->err)};
  const bool timed_out = run->end == SubprocessResult::End::kTimedOut;
  const bool too_big = run->end == SubprocessResult::End::kOutputTooLarge;
  const bool signaled = run->end == SubprocessResult::End::kSignaled;
  // Credentials are masked in the whole of stderr before it is cut, so a cut cannot leave the
  // body of a private key without its BEGIN line.
  std::string stderr_tail =
      Redact(Trimmed(RedactCredentials(output.err), options_.error_stderr_chars), inv);
  std::string what = RedactCredentials(Redact(cmdline, inv));
  if (timed_out) {
    return MakeError(ErrorCode::kDeadlineExceeded,
                     what + ": killed after the " + DurationText(timeout) + " timeout" +
                         (stderr_tail.empty() ? "" : ": " + stderr_tail));
  }
  if (too_big) {
    return MakeError(
        ErrorCode::kResourceExhausted,
        what + ": output is larger than " + std::to_string(options_.max_stdout_bytes) + " bytes");
  }
  if (options_.memory_limit_bytes > 0 && !run->Succeeded() && LooksOutOfMemory(output.err)) {
    return MakeError(
        ErrorCode::kResourceExhausted,
        what + ": ran out of memory under the " + MiB(options_.memory_limit_bytes) +
            " memory limit (RLIMIT_DATA, ToolRunnerOptions::memory_limit_bytes): " + stderr_tail);
  }
  if (signaled) {
    const int sig = run->signal;
    const bool may_be_memory =
        options_.memory_limit_bytes > 0 && (sig == SIGSEGV || sig == SIGBUS || sig == SIGABRT);
    return MakeError(ErrorCode::kInternal,
                     what + ": killed by signal " + std::to_string(sig) +
                         (may_be_memory ? " (it may have hit the " +
                                              MiB(options_.memory_limit_bytes) + " memory limit)"
                                        : "") +
                         (stderr_tail.empty() ? "" : ": " + stderr_tail));
  }
  if (run->exit_status != 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     what + ": exit status " + std::to_string(run->exit_status) +
                         (stderr_tail.empty() ? "" : ": " + stderr_tail));
  }
  return output;
}

namespace {

// True when `path` (resolved through symlinks as far as it exists) lies in or below `dir`.
bool PathWithin(const fs::path& path, const fs::path& dir) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
  fs::path d = fs::weakly_canonical(fs::absolute(dir, ec), ec);
  auto [dit, pit] = std::mismatch(d.begin(), d.end(), p.begin(), p.end());
  return dit == d.end() || (std::next(dit) == d.end() && dit->empty());
}

Status NotWritable(std::string_view name, const fs::path& where, const ToolLookup& lookup) {
  for (const auto& w : lookup.writable_dirs) {
    if (!w.empty() && PathWithin(where, w)) {
      return MakeError(ErrorCode::kPermissionDenied,
                       std::string(name) + ": " + where.string() + " is inside " + w.string() +
                           ", which cellgate writes to at run time; tools must come from a "
                           "read-only location");
    }
  }
  return Ok();
}

}  // namespace

Result<std::filesystem::path> FindTool(std::string_view name, const ToolLookup& lookup) {
  auto executable = [](const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
  };
  if (!lookup.explicit_path.empty()) {
    fs::path p = fs::absolute(lookup.explicit_path);
    CG_TRY(NotWritable(name, p, lookup));
    if (executable(p)) return p;
    return MakeError(ErrorCode::kNotFound,
                     std::string(name) + " not found at " + lookup.explicit_path.string());
  }
  std::vector<std::string> looked;
  if (!lookup.tools_dir.empty()) {
    fs::path dir = fs::absolute(lookup.tools_dir);
    CG_TRY_WRAP(NotWritable(name, dir, lookup), "--tools-dir");
    if (executable(dir / name)) return dir / name;
    looked.push_back(dir.string());
  }
  if (const char* path = std::getenv("PATH")) {
    std::string_view rest = path;
    while (!rest.empty()) {
      auto colon = rest.find(':');
      std::string_view dir = rest.substr(0, colon);
      if (!dir.empty()) {
        fs::path c = fs::absolute(fs::path(dir) / name);
        if (executable(c)) {
          if (NotWritable(name, c, lookup)) return c;
          looked.push_back(c.string() + " (skipped: inside a directory cellgate writes to)");
        }
      }
      if (colon == std::string_view::npos) break;
      rest.remove_prefix(colon + 1);
    }
    looked.emplace_back("PATH=" + std::string(path));
  }
  std::string where;
  for (const auto& l : looked) where += (where.empty() ? "" : ", ") + l;
  return MakeError(ErrorCode::kNotFound,
                   std::string(name) + " not found (looked in " + where +
                       "); put it on PATH, pass --tools-dir or its path (scripts/kube-tools "
                       "builds it)");
}

}  // namespace cellgate::render

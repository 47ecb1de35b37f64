#include "render/paths.h"

#include "core/go_path.h"

namespace cellgate::render {

Result<std::string> NormalizeRepoPath(std::string_view path) {
  if (path.find('\0') != std::string_view::npos) {
    return MakeError(ErrorCode::kInvalidArgument, "path contains a NUL byte");
  }
  if (!path.empty() && path.front() == '/') {
    return MakeError(ErrorCode::kInvalidArgument, "path '" + std::string(path) +
                                                      "' is absolute; it must be relative to the "
                                                      "repository root");
  }
  std::string cleaned = GoPathClean(path);
  if (cleaned == ".." || cleaned.starts_with("../")) {
    return MakeError(ErrorCode::kPermissionDenied,
                     "path '" + std::string(path) + "' leaves the repository");
  }
  return cleaned == "." ? std::string() : cleaned;
}

Result<std::string> ResolveRepoPath(std::string_view base, std::string_view rel) {
  std::string joined;
  if (!rel.empty() && rel.front() == '/') {
    std::size_t i = rel.find_first_not_of('/');
    joined = i == std::string_view::npos ? std::string() : std::string(rel.substr(i));
  } else {
    joined = JoinRepoPath(base, rel);
  }
  auto normalized = NormalizeRepoPath(joined);
  if (!normalized && normalized.error().code() == ErrorCode::kPermissionDenied) {
    return MakeError(ErrorCode::kPermissionDenied,
                     "'" + std::string(rel) + "' resolves outside the repository");
  }
  return normalized;
}

bool IsWithin(std::string_view path, std::string_view dir) {
  if (dir.empty()) return true;
  if (path.size() < dir.size() || path.substr(0, dir.size()) != dir) return false;
  return path.size() == dir.size() || path[dir.size()] == '/';
}

std::string JoinRepoPath(std::string_view a, std::string_view b) {
  if (a.empty()) return std::string(b);
  if (b.empty()) return std::string(a);
  std::string out(a);
  out += '/';
  out += b;
  return out;
}

std::string RelativeTo(std::string_view path, std::string_view dir) {
  if (dir.empty()) return std::string(path);
  if (path.size() <= dir.size()) return {};
  return std::string(path.substr(dir.size() + 1));
}

std::string_view BaseName(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace cellgate::render

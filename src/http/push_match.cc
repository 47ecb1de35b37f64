#include "http/push_match.h"

#include <algorithm>
#include <cstddef>

#include "core/glob.h"
#include "core/go_path.h"
#include "git/url.h"

namespace cellgate::http {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// host + path of a normalised URL, without scheme, user, port or ssh./altssh. label,
// lower-cased. Local repositories keep their whole file:// URL.
std::string RepositoryKey(std::string_view url) {
  std::string normal = git::NormaliseRepoUrl(url);
  std::size_t sep = normal.find("://");
  if (sep == std::string::npos || normal.starts_with("file://")) return normal;
  std::string_view rest = std::string_view(normal).substr(sep + 3);
  std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  std::size_t at = authority.rfind('@');
  if (at != std::string_view::npos) authority.remove_prefix(at + 1);
  if (authority.starts_with('[')) {
    authority = authority.substr(0, authority.find(']') + 1);  // IPv6 literal
  } else if (std::size_t colon = authority.find(':'); colon != std::string_view::npos) {
    authority = authority.substr(0, colon);
  }
  for (std::string_view label : {"altssh.", "ssh."}) {
    if (authority.starts_with(label)) {
      authority.remove_prefix(label.size());
      break;
    }
  }
  return Lower(authority) + Lower(path);
}

bool IsHexSha(std::string_view s) {
  return s.size() >= 7 && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
         });
}

bool LooksLikeSemverConstraint(std::string_view s) {
  if (s.find_first_of("*^~<>=| ") != std::string_view::npos) return true;
  return s.ends_with(".x") || s.ends_with(".X");
}

// "/a/./b/../c" → "/a/c"; always absolute, never above the root (Argo CD's ensureAbsPath,
// then filepath.Clean).
std::string CleanAbsolute(std::string_view path) { return GoPathClean("/" + std::string(path)); }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool SameRepository(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return false;
  return RepositoryKey(a) == RepositoryKey(b);
}

bool RevisionMatches(const PushEvent& event, std::string_view target) {
  if (target.empty() || target == "HEAD") {
    if (event.is_tag) return false;
    return event.default_branch.empty() || event.revision == event.default_branch;
  }
  if (target.starts_with("refs/heads/")) {
    return !event.is_tag && event.revision == target.substr(11);
  }
  if (target.starts_with("refs/tags/")) {
    return event.is_tag && event.revision == target.substr(10);
  }
  if (target == event.revision) return true;
  if (IsHexSha(target)) return false;
  return event.is_tag && LooksLikeSemverConstraint(target);
}

std::vector<std::string> RefreshPaths(std::string_view app_path, std::string_view annotation) {
  std::vector<std::string> paths;
  std::size_t start = 0;
  while (start <= annotation.size()) {
    std::size_t end = annotation.find(';', start);
    if (end == std::string_view::npos) end = annotation.size();
    std::string_view item = Trim(annotation.substr(start, end - start));
    start = end + 1;
    if (item.empty()) continue;
    if (item.starts_with('/')) {
      paths.push_back(CleanAbsolute(item));
    } else {
      paths.push_back(CleanAbsolute(std::string(app_path) + "/" + std::string(item)));
    }
  }
  return paths;
}

bool FilesTouchPaths(const std::vector<std::string>& changed_files,
                     const std::vector<std::string>& refresh_paths) {
  for (const std::string& raw : changed_files) {
    std::string file = CleanAbsolute(raw);
    for (const std::string& path : refresh_paths) {
      if (path == "/" || file == path) return true;
      if (file.size() > path.size() && file.starts_with(path) && file[path.size()] == '/') {
        return true;
      }
      // filepath.Match: wildcards stay within one path segment; a malformed pattern matches
      // nothing.
      if (GlobMatch(path, file, {.dialect = GlobDialect::kGoPath}).value_or(false)) return true;
    }
  }
  return false;
}

bool PushTouches(const PushEvent& event, std::string_view repo_url,
                 std::string_view target_revision, std::string_view app_path,
                 std::optional<std::string_view> manifest_generate_paths) {
  bool same_repo =
      std::any_of(event.repo_urls.begin(), event.repo_urls.end(),
                  [&](const std::string& url) { return SameRepository(url, repo_url); });
  if (!same_repo || !RevisionMatches(event, target_revision)) return false;
  // An empty list is treated as unknown, as Argo CD does: better one refresh too many.
  if (!event.changed_files_complete || event.changed_files.empty() || !manifest_generate_paths) {
    return true;
  }
  std::vector<std::string> paths = RefreshPaths(app_path, *manifest_generate_paths);
  if (paths.empty()) return true;
  return FilesTouchPaths(event.changed_files, paths);
}

}  // namespace cellgate::http

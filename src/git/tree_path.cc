#include "git/tree_path.h"

#include <deque>

#include "git/libgit2.h"

namespace cellgate::git {
namespace {

constexpr int kMaxSymlinkHops = 40;  // Linux's MAXSYMLINKS

std::vector<std::string> SplitRaw(std::string_view path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    std::string_view part = path.substr(start, slash - start);
    if (!part.empty() && part != ".") out.emplace_back(part);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

Error Escapes(std::string_view display, std::string_view link, std::string_view target) {
  return Error(ErrorCode::kPermissionDenied,
               "path '" + std::string(display) + "' leaves the repository (symlink '" +
                   std::string(link) + "' -> '" + std::string(target) + "')");
}

// `name` without the code points HFS+ ignores in file names (the zero-width and direction
// marks git's is_hfs_dotgit lists: U+200C..U+200F, U+202A..U+202E, U+206A..U+206F, U+FEFF),
// ASCII lowercased. Each of those is a three-byte UTF-8 sequence led by 0xE2 or 0xEF, which
// cannot occur inside another character's encoding.
std::string HfsFold(std::string_view name) {
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    auto b = [&](std::size_t k) { return static_cast<unsigned char>(name[i + k]); };
    if (i + 2 < name.size()) {
      bool ignorable = (b(0) == 0xE2 && b(1) == 0x80 &&
                        ((b(2) >= 0x8C && b(2) <= 0x8F) || (b(2) >= 0xAA && b(2) <= 0xAE))) ||
                       (b(0) == 0xE2 && b(1) == 0x81 && b(2) >= 0xAA && b(2) <= 0xAF) ||
                       (b(0) == 0xEF && b(1) == 0xBB && b(2) == 0xBF);
      if (ignorable) {
        i += 2;
        continue;
      }
    }
    char c = name[i];
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

// NTFS drops trailing dots and spaces and reads "name:stream" as "name": true when `rest`
// (what follows a name) is such a tail.
bool NtfsTail(std::string_view rest) {
  for (char c : rest) {
    if (c == ':') return true;
    if (c != '.' && c != ' ') return false;
  }
  return true;
}

bool IsDotGit(std::string_view name) {
  std::string folded = HfsFold(name);
  if (folded == ".git") return true;  // any case; HFS+ ignorables removed
  for (std::string_view alias : {".git", "git~1"}) {
    if (folded.starts_with(alias) && NtfsTail(std::string_view(folded).substr(alias.size()))) {
      return true;
    }
  }
  return false;
}

}  // namespace

Status CheckTreeEntryName(std::string_view name, std::string_view path, std::string_view commit) {
  const char* why = nullptr;
  if (name.empty() || name == "." || name == "..") {
    why = "is empty, '.' or '..'";
  } else if (name.find_first_of(std::string_view("/\\\0", 3)) != std::string_view::npos) {
    why = "contains '/', '\\' or NUL";
  } else if (IsDotGit(name)) {
    why = "names the repository directory '.git'";
  }
  if (why == nullptr) return Ok();
  return MakeError(ErrorCode::kInvalidArgument, "commit " + std::string(commit) + ": tree entry '" +
                                                    std::string(path) + "' " + why);
}

Result<std::vector<std::string>> SplitRepoPath(std::string_view path) {
  if (path.starts_with('/')) {
    return MakeError(ErrorCode::kPermissionDenied, "path '" + std::string(path) +
                                                       "' is absolute; paths are relative to the "
                                                       "repository root");
  }
  std::vector<std::string> parts = SplitRaw(path);
  for (const std::string& p : parts) {
    if (p == "..") {
      return MakeError(ErrorCode::kPermissionDenied,
                       "path '" + std::string(path) + "' contains '..'");
    }
  }
  return parts;
}

std::string JoinRepoPath(const std::vector<std::string>& components) {
  std::string out;
  for (const std::string& c : components) {
    if (!out.empty()) out += '/';
    out += c;
  }
  return out;
}

Result<ResolvedEntry> ResolveTreePath(git_repository* repo, const git_tree* root,
                                      const std::vector<std::string>& components, bool follow_last,
                                      std::string_view display, std::string_view commit) {
  struct Step {
    std::string name;
    git_oid oid;
    git_filemode_t mode;
  };
  std::vector<Step> stack;  // the real path walked so far; empty at the root
  // Components still to walk, each with the symlink whose target it came from (-1: none).
  std::deque<std::pair<std::string, int>> todo;
  for (const std::string& c : components) todo.emplace_back(c, -1);
  std::vector<std::pair<std::string, std::string>> links;  // (link path, target) followed
  int hops = 0;
  auto not_found = [&] {
    return Error(ErrorCode::kNotFound, "path '" + std::string(display) + "' not found");
  };
  auto real_path = [&] {
    std::string p;
    for (const Step& s : stack) p += (p.empty() ? "" : "/") + s.name;
    return p;
  };
  while (!todo.empty()) {
    auto [name, from_link] = std::move(todo.front());
    todo.pop_front();
    if (name.empty() || name == ".") continue;
    if (name == "..") {
      if (stack.empty()) {
        if (from_link < 0) {  // callers' ".." is refused by SplitRepoPath; be safe anyway
          return MakeError(ErrorCode::kPermissionDenied,
                           "path '" + std::string(display) + "' leaves the repository");
        }
        const auto& [link, target] = links[static_cast<std::size_t>(from_link)];
        return std::unexpected(Escapes(display, link, target));
      }
      stack.pop_back();
      continue;
    }
    const git_oid* dir_oid = stack.empty() ? git_tree_id(root) : &stack.back().oid;
    if (!stack.empty() && stack.back().mode != GIT_FILEMODE_TREE) {
      return std::unexpected(not_found());
    }
    git_tree* raw = nullptr;
    if (git_tree_lookup(&raw, repo, dir_oid) != 0) {
      return std::unexpected(GitError(ErrorCode::kInternal, "read tree of " + real_path()));
    }
    TreePtr tree(raw);
    const git_tree_entry* entry = git_tree_entry_byname(tree.get(), name.c_str());
    if (entry == nullptr) return std::unexpected(not_found());
    if (Status ok =
            CheckTreeEntryName(git_tree_entry_name(entry),
                               real_path().empty() ? name : real_path() + "/" + name, commit);
        !ok) {
      return std::unexpected(ok.error());
    }
    git_filemode_t mode = git_tree_entry_filemode(entry);
    if (mode == GIT_FILEMODE_LINK && (follow_last || !todo.empty())) {
      std::string link = real_path().empty() ? name : real_path() + "/" + name;
      if (++hops > kMaxSymlinkHops) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "path '" + std::string(display) + "': too many levels of symlinks");
      }
      git_blob* blob = nullptr;
      if (git_blob_lookup(&blob, repo, git_tree_entry_id(entry)) != 0) {
        return std::unexpected(GitError(ErrorCode::kInternal, "read symlink " + link));
      }
      BlobPtr owned(blob);
      std::string target(static_cast<const char*>(git_blob_rawcontent(blob)),
                         static_cast<std::size_t>(git_blob_rawsize(blob)));
      if (target.starts_with('/')) return std::unexpected(Escapes(display, link, target));
      std::vector<std::string> parts = SplitRaw(target);
      links.emplace_back(link, target);
      for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
        todo.emplace_front(std::move(*it), static_cast<int>(links.size()) - 1);
      }
      // `..` inside the target is checked as it is walked, against the real path.
      continue;
    }
    stack.push_back(Step{name, *git_tree_entry_id(entry), mode});
  }
  ResolvedEntry out;
  out.path = real_path();
  out.oid = stack.empty() ? *git_tree_id(root) : stack.back().oid;
  out.mode = stack.empty() ? GIT_FILEMODE_TREE : stack.back().mode;
  return out;
}

bool RepoPathLess(std::string_view a, std::string_view b) {
  std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] == b[i]) continue;
    if (a[i] == '/') return true;
    if (b[i] == '/') return false;
    return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]);
  }
  return a.size() < b.size();
}

}  // namespace cellgate::git

#include "render/envsubst.h"

#include <cctype>

namespace cellgate::render {
namespace {

bool IsShellSpecial(char c) {
  switch (c) {
    case '*':
    case '#':
    case '$':
    case '@':
    case '!':
    case '?':
    case '-':
      return true;
    default:
      return c >= '0' && c <= '9';
  }
}

bool IsAlphaNum(char c) { return c == '_' || std::isalnum(static_cast<unsigned char>(c)); }

// Go's getShellName: the variable name after '$' and how many bytes it used. An empty name
// with width > 0 is bad syntax, which os.Expand swallows.
std::pair<std::string_view, std::size_t> ShellName(std::string_view s) {
  if (s[0] == '{') {
    if (s.size() > 2 && IsShellSpecial(s[1]) && s[2] == '}') return {s.substr(1, 1), 3};
    for (std::size_t i = 1; i < s.size(); ++i) {
      if (s[i] == '}') {
        if (i == 1) return {{}, 2};
        return {s.substr(1, i - 1), i + 1};
      }
    }
    return {{}, 1};
  }
  if (IsShellSpecial(s[0])) return {s.substr(0, 1), 1};
  std::size_t i = 0;
  while (i < s.size() && IsAlphaNum(s[i])) ++i;
  return {s.substr(0, i), i};
}

}  // namespace

BuildEnv MakeBuildEnv(const BuildEnvInput& in) {
  std::string short_rev = in.revision.substr(0, 7);
  return {
      {"ARGOCD_APP_NAME", in.app_name},
      {"ARGOCD_APP_NAMESPACE", in.app_namespace},
      {"ARGOCD_APP_REVISION", in.revision},
      {"ARGOCD_APP_REVISION_SHORT", short_rev},
      {"ARGOCD_APP_SOURCE_REPO_URL", in.repo_url},
      {"ARGOCD_APP_SOURCE_PATH", in.source_path},
      {"ARGOCD_APP_SOURCE_TARGET_REVISION", in.target_revision},
  };
}

std::string Envsubst(std::string_view s, const BuildEnv& env) {
  auto lookup = [&](std::string_view name) -> std::string {
    if (name == "$") return "$";
    for (const auto& [k, v] : env) {
      if (k == name) return v;
    }
    return {};
  };
  std::string out;
  std::size_t i = 0;
  bool changed = false;
  for (std::size_t j = 0; j < s.size(); ++j) {
    if (s[j] != '$' || j + 1 >= s.size()) continue;
    changed = true;
    out.append(s.substr(i, j - i));
    auto [name, width] = ShellName(s.substr(j + 1));
    if (name.empty() && width > 0) {
      // bad syntax such as "${}": swallowed, as Go does
    } else if (name.empty()) {
      out += '$';
    } else {
      out += lookup(name);
    }
    j += width;
    i = j + 1;
  }
  if (!changed) return std::string(s);
  if (i < s.size()) out.append(s.substr(i));
  return out;
}

}  // namespace cellgate::render

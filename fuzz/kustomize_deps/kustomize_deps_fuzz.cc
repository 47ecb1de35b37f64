// The kustomize dependency walker (render/kustomize_deps.h) over a repository built from the
// input. Input: a small text archive, one file per "=== <path>" line followed by its content
// ("=== <path> -> <target>" makes a symlink). The app path is "app". FindKustomizeDeps must
// return or fail without crashing, leaking or hanging, and what it returns must stay inside
// the repository: every directory and file is a normalized relative path (no "..", no
// leading "/"), as the render cache and the tool runner rely on. And a local reference
// (resources, bases, components) that leaves the repository, in any kustomization the app
// reaches, makes it fail, wherever it appears (after a remote or missing one too).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/yaml.h"
#include "render/kustomize_deps.h"
#include "render/testing/memory_snapshot.h"

namespace {

bool InsideRepository(const std::string& p) {
  if (p.empty()) return true;  // the repository root
  if (p.front() == '/' || p.back() == '/') return false;
  std::string_view rest = p;
  while (!rest.empty()) {
    auto slash = rest.find('/');
    std::string_view seg = rest.substr(0, slash);
    if (seg.empty() || seg == "." || seg == "..") return false;
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return true;
}

// `dir` + "/" + `ref` normalized, or nullopt when it leaves the repository; remote refs
// (a scheme or a host) are "".
std::optional<std::string> Join(const std::string& dir, std::string_view ref) {
  if (ref.find("://") != std::string_view::npos || ref.starts_with("github.com/") ||
      ref.starts_with("git@")) {
    return std::string();
  }
  if (ref.starts_with("/")) return std::nullopt;
  std::vector<std::string> segs;
  std::string all = dir + "/" + std::string(ref);
  std::string_view rest = all;
  while (!rest.empty()) {
    auto slash = rest.find('/');
    std::string_view seg = rest.substr(0, slash);
    if (seg == "..") {
      if (segs.empty()) return std::nullopt;
      segs.pop_back();
    } else if (!seg.empty() && seg != ".") {
      segs.emplace_back(seg);
    }
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  std::string out;
  for (const auto& s : segs) out += (out.empty() ? "" : "/") + s;
  return out;
}

// Follows resources, bases and components from "app" through every kustomization that
// exists (skipping remote and missing ones, as kustomize would fail or fetch there, and
// symlinks, which the snapshot resolves on its own); true when a local reference in any of
// them leaves the repository.
bool SomeReferenceLeaves(const cellgate::render::testing::MemorySnapshot& snapshot) {
  std::set<std::string> seen{"app"};
  std::vector<std::string> todo{"app"};
  while (!todo.empty() && seen.size() < 200) {
    std::string dir = todo.back();
    todo.pop_back();
    for (const char* name : cellgate::render::kKustomizationNames) {
      auto text = snapshot.ReadFile(dir + "/" + name);
      if (!text) continue;
      auto docs = cellgate::ParseYamlDocuments(*text, name);
      if (!docs || docs->size() != 1 || !(*docs)[0].value.is_object()) break;
      const auto& k = (*docs)[0].value;
      for (const char* field : {"resources", "bases", "components"}) {
        if (!k.contains(field) || !k[field].is_array()) continue;
        for (const auto& ref : k[field]) {
          if (!ref.is_string()) continue;
          auto target = Join(dir, ref.get<std::string>());
          if (!target) return true;
          if (!target->empty() && seen.insert(*target).second) todo.push_back(*target);
        }
      }
      break;
    }
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  cellgate::render::testing::MemorySnapshot snapshot;
  int files = 0;
  while (!input.empty() && files < 64) {
    if (!input.starts_with("=== ")) {
      auto next = input.find("\n=== ");
      if (next == std::string_view::npos) break;
      input.remove_prefix(next + 1);
      continue;
    }
    auto eol = input.find('\n');
    std::string_view header = input.substr(4, eol == std::string_view::npos ? eol : eol - 4);
    input.remove_prefix(eol == std::string_view::npos ? input.size() : eol + 1);
    auto end = input.find("\n=== ");
    std::string_view content =
        input.substr(0, end == std::string_view::npos ? input.size() : end + 1);
    input.remove_prefix(content.size());
    if (!InsideRepository(std::string(header.substr(0, header.find(" -> "))))) continue;
    if (auto arrow = header.find(" -> "); arrow != std::string_view::npos) {
      snapshot.AddSymlink(std::string(header.substr(0, arrow)),
                          std::string(header.substr(arrow + 4)));
    } else {
      snapshot.AddFile(std::string(header), std::string(content));
    }
    ++files;
  }
  auto deps = cellgate::render::FindKustomizeDeps(snapshot, "app");
  if (!deps) return 0;
  if (SomeReferenceLeaves(snapshot)) {
    std::fprintf(stderr, "a reference leaving the repository was accepted\n");
    std::abort();
  }
  for (const auto& d : deps->dirs) {
    if (!InsideRepository(d)) __builtin_trap();
  }
  for (const auto& f : deps->files) {
    if (f.empty() || !InsideRepository(f)) __builtin_trap();
  }
  return 0;
}

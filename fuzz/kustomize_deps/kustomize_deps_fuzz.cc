// The kustomize dependency walker (render/kustomize_deps.h) over a repository built from the
// input. Input: a small text archive, one file per "=== <path>" line followed by its content
// ("=== <path> -> <target>" makes a symlink). The app path is "app". FindKustomizeDeps must
// return or fail without crashing, leaking or hanging, and what it returns must stay inside
// the repository: every directory and file is a normalized relative path (no "..", no
// leading "/"), as the render cache and the tool runner rely on.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

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
  for (const auto& d : deps->dirs) {
    if (!InsideRepository(d)) __builtin_trap();
  }
  for (const auto& f : deps->files) {
    if (f.empty() || !InsideRepository(f)) __builtin_trap();
  }
  return 0;
}

#include "render/scratch_dir.h"

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

namespace cellgate::render {

namespace fs = std::filesystem;

Result<ScratchDir> ScratchDir::Create(const fs::path& parent, std::string_view what) {
  std::string tmpl = (parent / ("cellgate-" + std::string(what) + "-XXXXXX")).string();
  if (::mkdtemp(tmpl.data()) == nullptr) {
    return MakeError(ErrorCode::kInternal, "create a scratch directory for " + std::string(what) +
                                               " in " + parent.string() + ": " +
                                               std::strerror(errno));
  }
  ScratchDir d;
  d.path_ = tmpl;
  return d;
}

ScratchDir::ScratchDir(ScratchDir&& other) noexcept : path_(std::exchange(other.path_, {})) {}

ScratchDir::~ScratchDir() {
  if (path_.empty()) return;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(path_, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory(ec)) {
      fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
    }
  }
  fs::remove_all(path_, ec);
}

}  // namespace cellgate::render

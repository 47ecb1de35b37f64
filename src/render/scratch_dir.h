// ScratchDir: a private (0700, mkdtemp) directory that is removed with everything in it when the
// object goes away. The tool runner, kustomize, helm and jsonnet renders each work in one.
//
// Removal first makes every directory below it writable, since tools may leave read-only trees
// (Go module caches); errors while removing are ignored.
//
// Thread-safety: a ScratchDir is owned by one caller.
#pragma once

#include <filesystem>
#include <string_view>

#include "core/result.h"

namespace cellgate::render {

class ScratchDir {
 public:
  // Creates <parent>/cellgate-<what>-XXXXXX. kInternal names the parent and the system's error.
  static Result<ScratchDir> Create(const std::filesystem::path& parent, std::string_view what);

  ScratchDir() = default;
  ScratchDir(ScratchDir&& other) noexcept;
  ScratchDir& operator=(ScratchDir&&) = delete;
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ~ScratchDir();

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace cellgate::render

// Files compiled into the binary (src/runtime/embed_files.cmake writes the definitions at build
// time), so the controller installs its CRDs without reading anything from disk.
//
// EmbeddedCrds(): deploy/crds/*.yaml in file-name order, as they were when the binary was
// built (empty when the directory has none).
//
// Thread-safety: immutable static data.
#pragma once

#include <span>
#include <string_view>

namespace cellgate::runtime {

struct EmbeddedFile {
  std::string_view name;     // file name: "application.yaml"
  std::string_view content;  // the file's bytes
};

std::span<const EmbeddedFile> EmbeddedCrds();

}  // namespace cellgate::runtime

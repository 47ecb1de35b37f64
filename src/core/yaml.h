// YAML and JSON documents to and from the object model.
//
// Parsing uses libyaml's event API (chosen over yaml-cpp by the parse benchmark in
// bench/RESULTS.md) and resolves plain scalars the way kubectl does (sigs.k8s.io/yaml,
// YAML 1.1 rules: yes/no/on/off are booleans, 0644 is octal, `<<` merges maps), so a
// manifest means here what it means to `kubectl apply`.
//
// Hostile input is bounded: a file larger than max_bytes, nesting deeper than max_depth, a
// document that would expand to more than max_nodes, or a file whose scalars would expand to
// more than max_expanded_bytes is refused with a kResourceExhausted error before the copies
// are made. Every copy an alias or an anchor makes counts. Errors name the file, line and
// document index.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/object.h"
#include "core/result.h"

namespace cellgate {

struct YamlLimits {
  std::size_t max_bytes = 64u << 20;           // one file
  std::size_t max_nodes = 2'000'000;           // per document, after alias expansion
  std::size_t max_expanded_bytes = 64u << 20;  // scalar bytes per file, after alias expansion
  int max_depth = 200;
};

struct YamlDocument {
  Json value;     // null for an empty document
  int line = 0;   // 1-based line where the document's content starts
  int index = 0;  // 0-based document index in the stream
  // Scalar bytes this document expanded to: aliases and anchors count each copy they make.
  std::size_t expanded_bytes = 0;
};

// Parses a multi-document YAML stream. `file` is used only in error messages.
Result<std::vector<YamlDocument>> ParseYamlDocuments(std::string_view text, std::string_view file,
                                                     const YamlLimits& limits = {});

// Parses one JSON text (a single value). Errors name file and line.
Result<Json> ParseJson(std::string_view text, std::string_view file, const YamlLimits& limits = {});

// Emits one value as a YAML document (block style, no leading "---").
std::string ToYaml(const Json& value);

// True when a plain (unquoted) scalar with this text would not read back as a string.
bool PlainScalarIsNonString(std::string_view text);

}  // namespace cellgate

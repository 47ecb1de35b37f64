// Concrete paths into a JSON document and the few edits diffing needs: read, erase, copy.
//
// A JsonPath is a list of steps, each an object key or an array index, resolved against one
// document (so "the container named x" becomes an index only once it is looked up). JSON
// Pointers (RFC 6901, "/spec/template/spec/containers/0/image" with "~1" for "/" and "~0" for
// "~") are parsed into tokens and resolved against a document the same way.
//
// Erasing is how ignoreDifferences works: a field that either side may not have is removed
// from both. EraseAll removes many paths from one document in an order that keeps array
// indices valid, and also removes containers that the erasure left empty, so
// `annotations: {a: 1}` minus `a` compares equal to no annotations at all.
//
// Thread-safety: pure functions over values.
#pragma once

#include <compare>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/object.h"
#include "core/result.h"

namespace cellgate::sync {

struct PathStep {
  bool is_index = false;
  std::string key;        // when !is_index
  std::size_t index = 0;  // when is_index

  static PathStep Key(std::string k) { return PathStep{.is_index = false, .key = std::move(k)}; }
  static PathStep Index(std::size_t i) { return PathStep{.is_index = true, .index = i}; }

  // Keys order before indices; keys by text, indices by number.
  std::strong_ordering operator<=>(const PathStep& other) const;
  bool operator==(const PathStep& other) const = default;
};

using JsonPath = std::vector<PathStep>;

// "/spec/containers/0" style, for messages and tests.
std::string PathToString(const JsonPath& path);

// Parses an RFC 6901 pointer into unescaped reference tokens. "" is the whole document.
Result<std::vector<std::string>> ParseJsonPointer(std::string_view pointer);

// Resolves pointer tokens against `doc`: object members by name, array elements by a decimal
// index without leading zeros. nullopt when any step is absent ("-" is always absent).
std::optional<JsonPath> ResolvePointer(const Json& doc, const std::vector<std::string>& tokens);

// The value at `path`, or nullptr when absent.
const Json* Find(const Json& doc, const JsonPath& path);
Json* FindMutable(Json& doc, const JsonPath& path);

// Removes every path from `doc` (absent ones are skipped). Paths under another listed path
// are dropped first; the rest are erased deepest-and-last first, and any object or array left
// empty by an erasure is erased too (never `doc` itself). Erasing the empty path is a no-op.
void EraseAll(Json& doc, std::vector<JsonPath> paths);

// Sets `value` at `path` in `doc`, creating missing objects on the way. An index step may
// address an existing element or append one past the end; anything else returns false and
// leaves `doc` unchanged.
bool SetAt(Json& doc, const JsonPath& path, Json value);

}  // namespace cellgate::sync

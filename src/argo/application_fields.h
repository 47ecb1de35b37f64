// The one field reader behind every parser in src/argo: typed reads of the optional members
// of one JSON object, with Go's encoding/json semantics for Argo CD's structs
// (pkg/apis/application/v1alpha1/types.go decoded by encoding/json):
//
//  - an absent member and a null member read as the zero value (Go leaves the field unset);
//  - a value of another JSON type is an error, as Go's UnmarshalTypeError is: a string where
//    a bool belongs ("no", "true") is refused, never read as truthy;
//  - an integer field refuses fractions and exponents (1.5, 2.0, 1e3) and values outside
//    int64, as strconv.ParseInt does for Go's decoder;
//  - unknown members are ignored.
//
// Errors are kInvalidArgument and name the field's path: "spec.syncPolicy.retry.limit: must
// be an integer, got a string".
//
// Internal to src/argo. Thread-safety: the reader borrows the object; values only.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/object.h"
#include "core/result.h"

namespace cellgate::argo::internal {

std::unexpected<Error> FieldError(std::string_view path, std::string_view what);

// "a string", "a boolean", "a number", "a list", "a map", "null".
std::string TypeName(const Json& value);

class Fields {
 public:
  // `where` is the object's own path ("spec.syncPolicy"); "" for the top level.
  Fields(const Json& object, std::string where) : obj_(object), where_(std::move(where)) {}

  std::string Path(std::string_view key) const;
  std::string Item(std::string_view key, std::size_t index) const;

  // nullptr when the member is absent or null (or this is not an object).
  const Json* Find(std::string_view key) const;

  Result<std::string> String(std::string_view key) const;
  Result<bool> Bool(std::string_view key, bool absent = false) const;
  Result<std::optional<bool>> OptionalBool(std::string_view key) const;
  Result<std::optional<std::int64_t>> Int(std::string_view key) const;
  Result<std::vector<std::string>> StringList(std::string_view key) const;
  Result<std::map<std::string, std::string>> StringMap(std::string_view key) const;
  // A nested object, nullptr when absent; an error when present but not a map.
  Result<const Json*> Object(std::string_view key) const;
  // A list, nullptr when absent; an error when present but not a list.
  Result<const Json*> List(std::string_view key) const;

 private:
  const Json& obj_;
  std::string where_;
};

}  // namespace cellgate::argo::internal

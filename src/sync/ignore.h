// Argo CD's ignoreDifferences: fields left out of the comparison of desired and live.
//
// An entry (Application spec.ignoreDifferences[], or a system-level override) is
//   {group, kind, name, namespace, jsonPointers[], jqPathExpressions[], managedFieldsManagers[]}
// and applies to an object when, as in Argo CD's util/argo/normalizers/diff_normalizer.go:
//   group and kind match as gobwas globs without separators (core/glob.h: "*", "?",
//   classes, "{a,b}"; so kind "*" matches every kind and group "" only the core group; a
//   malformed pattern matches nothing), and
//   name / namespace are empty or equal.
// Then, from BOTH desired and live:
//   jsonPointers           RFC 6901 paths are removed ("~1" is "/", "~0" is "~"); a pointer
//                          that does not resolve is skipped, as Argo CD's patch failure is;
//   jqPathExpressions      the paths `path(<expr>)` selects are removed (jq_path.h; libjq);
//                          an expression that fails at run time on an object is skipped for
//                          that object and reported as a warning;
//   managedFieldsManagers  the fields those managers own in live's metadata.managedFields
//                          are removed (managed_fields.h).
// Containers left empty by a removal are removed too (json_path.h EraseAll).
// Nothing else is ignored by default: no system-level entries are built in.
//
// RespectIgnoreDifferences=true (a sync option): before applying, the ignored fields of the
// desired object take live's values (removed from desired when live has none), so the apply
// does not revert what the comparison ignores. Argo CD does this with a merge patch from
// normalised live to live; we copy path by path. Limits: a jq path into a list element is
// copied by index, so lists ordered differently in desired and live may pair the wrong
// elements; managed-field leaves are copied where their parent exists in desired.
//
// Thread-safety: IgnoreRules is immutable after Compile and may be shared between threads
// (jq evaluation serialises itself, see jq_path.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/object.h"
#include "core/result.h"
#include "sync/jq_path.h"

namespace cellgate::sync {

struct IgnoreDifference {
  std::string group;
  std::string kind;
  std::string name;  // empty: any
  std::string ns;    // empty: any
  std::vector<std::string> json_pointers;
  std::vector<std::string> jq_path_expressions;
  std::vector<std::string> managed_fields_managers;
};

// Reads spec.ignoreDifferences (a JSON array in Argo CD's field names). Unknown fields are
// ignored; wrong types are kInvalidArgument naming the entry.
Result<std::vector<IgnoreDifference>> ParseIgnoreDifferences(const Json& list);

class IgnoreRules {
 public:
  IgnoreRules() = default;  // ignores nothing

  // Validates pointers and compiles jq expressions; the error names the entry and field.
  static Result<IgnoreRules> Compile(std::vector<IgnoreDifference> entries);

  bool empty() const { return rules_.empty(); }

  // True when some entry applies to an object with this key.
  bool Matches(const ObjectKey& key) const;

  // Removes the ignored fields from `desired` and `live` in place; either may be null
  // (absent). `key` selects the entries. Must run before normalisation: it reads live's
  // metadata.managedFields. Messages of skipped jq expressions are appended to `warnings`.
  void Apply(const ObjectKey& key, Json& desired, Json& live,
             std::vector<std::string>* warnings = nullptr) const;

  // The RespectIgnoreDifferences copy; returns desired unchanged when nothing applies.
  Object RespectIgnoreDifferences(const Object& desired, const Object& live,
                                  std::vector<std::string>* warnings = nullptr) const;

 private:
  struct Rule {
    IgnoreDifference entry;
    std::vector<std::vector<std::string>> pointers;  // parsed tokens
    std::vector<JqPathQuery> jq;
  };
  std::vector<Rule> rules_;
};

}  // namespace cellgate::sync

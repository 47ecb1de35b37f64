// Fields owned by named field managers, read from a live object's metadata.managedFields
// (server-side apply's FieldsV1 sets), for ignoreDifferences[].managedFieldsManagers.
//
// A FieldsV1 set is a trie of JSON objects whose keys are steps:
//   "f:<name>"        the field <name> of an object
//   "k:<json object>" the element of an associative list whose key fields equal these
//   "v:<json value>"  the element of a set-like list equal to this value
//   "i:<index>"       the element at an index (atomic lists)
//   "."               the node itself (its existence), alongside its listed children
// A step mapped to {} is a leaf: the manager owns the whole value there.
//
// Argo CD removes from both sides the fields that a trusted manager owns *and* that differ
// (it intersects the owned set with the comparison's changed set). We walk the owned set over
// desired and live together and produce the same effect without a typed comparison:
//   - an owned leaf is dropped from both sides (equal values drop out harmlessly);
//   - an owned node ("." present) that exists on one side only (an injected sidecar
//     container, say) is dropped whole from that side;
//   - otherwise the walk descends into the listed children.
// Steps that do not resolve (or malformed ones) are skipped: managedFields describe live, and
// desired may not have the field at all.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/object.h"
#include "sync/json_path.h"

namespace cellgate::sync {

struct OwnedField {
  std::optional<JsonPath> desired;  // where it is in desired, if there
  std::optional<JsonPath> live;     // where it is in live, if there
  // For a leaf reached by "f:<name>" whose parent exists in desired: the parent's path and
  // <name>, so the field can be added to desired (RespectIgnoreDifferences).
  std::optional<JsonPath> desired_parent;
  std::string field_name;
  bool leaf = true;  // false: a whole node present on one side only
};

// Owned fields of every managedFields entry of `live` whose manager is in `managers`.
std::vector<OwnedField> OwnedFields(const Json& desired, const Json& live,
                                    const std::vector<std::string>& managers);

}  // namespace cellgate::sync

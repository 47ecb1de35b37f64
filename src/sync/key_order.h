// Key order of JSON objects, which means nothing to Kubernetes but everything to
// nlohmann::ordered_json: its equality compares members in order, and the API server writes
// `kind` before `apiVersion` in responses to writes while lists (kube::WithTypeMeta) put
// `apiVersion` first. Before a predicted object is compared with a live one, its members are
// put in live's order (AlignKeyOrder), so equal objects compare equal and the diff text lines
// up; fingerprints that must not depend on order use Canonical.
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include "core/object.h"

namespace cellgate::sync {

// Reorders the members of every object in `value` to follow `reference`'s order where the
// same member exists there; members only in `value` keep their relative order, after those.
// Lists are aligned element by element.
void AlignKeyOrder(Json& value, const Json& reference);

// The same value with object members sorted by key (nlohmann::json's std::map).
nlohmann::json Canonical(const Json& value);

}  // namespace cellgate::sync

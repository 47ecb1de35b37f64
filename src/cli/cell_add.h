// The pure parts of `cellgate cell add`: reading --label flags and checking that the new
// cluster Secret does not take a cell name another Secret already uses.
//
// Two Secrets with the same data.name make that destination name ambiguous (Argo CD refuses
// to resolve it, and so does the controller), so `cell add` refuses to create the second one.
// Re-adding the same cell (same server, so the same Secret name) replaces the Secret: that is
// how labels and credentials are updated.
//
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/object.h"
#include "core/result.h"

namespace cellgate::cli {

// "k=v" flags into a map. kInvalidArgument for an entry without '=' or with an empty key,
// and for a key given twice with different values. Validity of keys and values as
// Kubernetes labels is MakeClusterSecret's check.
Result<std::map<std::string, std::string>> ParseLabelFlags(const std::vector<std::string>& flags);

// `existing`: the cluster Secrets in the namespace. kAlreadyExists when a Secret other than
// `secret` (by metadata.name) names a cell `secret`'s data.name. Returns whether `secret`
// itself already exists (an update rather than a create).
Result<bool> CheckCellNameFree(const std::vector<Object>& existing, const Object& secret);

}  // namespace cellgate::cli

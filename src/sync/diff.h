// Comparing desired with live: is each object Synced, OutOfSync, Missing or Extraneous, and
// what exactly differs.
//
// Two modes, chosen per object by whether a predicted live object is given:
//   server-side diff  predicted_live is the result of a server-side-apply dry run of desired
//                     (produced by the executor through the kube client). The comparison is
//                     predicted_live vs live, both normalised (normalize.h) after ignored
//                     fields are removed (ignore.h). This is Argo CD's server-side diff: the
//                     API server's defaulting, admission and field ownership are all in it.
//   desired fields    no dry run was possible (the CRD is not installed yet, or the object
//                     opts out with SkipDryRunOnMissingResource=true). Every field present in
//                     desired must equal live; fields only in live are ignored. Objects are
//                     compared member by member, lists element by element (same length), and
//                     numbers by value (1 == 1.0).
// Status:
//   Missing     desired given, live absent
//   Extraneous  live given (and tracked by the app), desired absent: "requires pruning"
//   Synced / OutOfSync otherwise.
//
// The text is a unified diff (text_diff.h) of the YAML of both normalised sides, labelled
// "--- live" and "+++ desired"; Secret values are masked (mask.h) before the text is made,
// after the status is decided, so masking never hides a difference. In desired-fields mode
// the "desired" side is live with desired's fields laid over it, so only real differences
// show. The text is empty when Synced.
//
// PairObjects matches desired with live objects by key the way gitops-engine's Reconcile
// does, after leaving out hooks and ignored objects (annotations.h): a desired object without
// a namespace matches a live one in the destination namespace or a cluster-scoped one.
//
// Thread-safety: pure functions (DiffOptions.ignore may be shared, see ignore.h).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/object.h"
#include "core/result.h"
#include "sync/ignore.h"
#include "sync/normalize.h"

namespace cellgate::sync {

enum class SyncStatus { kSynced, kOutOfSync, kMissing, kExtraneous };

// "Synced", "OutOfSync", "Missing", "Extraneous".
std::string_view SyncStatusName(SyncStatus status);

struct DiffInput {
  const Object* desired = nullptr;         // nullptr: not in the rendered manifests
  const Object* live = nullptr;            // nullptr: not in the cluster
  const Object* predicted_live = nullptr;  // nullptr: desired-fields mode
};

struct DiffOptions {
  const IgnoreRules* ignore = nullptr;  // nullptr: ignore nothing
  IgnoreStatusField ignore_status = IgnoreStatusField::kAll;
  int context_lines = 3;
};

struct ObjectDiff {
  ObjectKey key;
  SyncStatus status = SyncStatus::kSynced;
  bool server_side = false;           // compared against a predicted live object
  std::string text;                   // unified diff, Secrets masked; "" when Synced
  Json live_state;                    // normalised live, Secrets masked; null when absent
  Json target_state;                  // normalised predicted live (or merged desired), masked
  std::vector<std::string> warnings;  // ignoreDifferences expressions that could not run
};

// kInvalidArgument when desired and live are both absent, or a given object's body is not a
// JSON object.
Result<ObjectDiff> DiffObject(const DiffInput& input, const DiffOptions& options = {});

// Desired-fields comparison on its own: true when every field of `desired` equals live's.
bool ContainsFields(const Json& desired, const Json& live);

// Live with desired's fields laid over it (objects merged member by member, lists of equal
// length element by element, anything else replaced): what an apply of only these fields
// would leave. ContainsFields(d, l) == (OverlayFields(d, l) == l).
Json OverlayFields(const Json& desired, const Json& live);

struct ObjectPair {
  const Object* desired = nullptr;
  const Object* live = nullptr;
};

// Pairs by key; desired objects keep their order, then unmatched live objects in their
// order. Hooks and ignored objects on either side are left out (the sync plan handles
// hooks); live hooks are never reported as Extraneous.
std::vector<ObjectPair> PairObjects(std::span<const Object> desired, std::span<const Object> live,
                                    std::string_view destination_namespace);

}  // namespace cellgate::sync

// Normalisation before comparing a desired (or predicted-live) object with a live one:
// removes what the API server owns or what never means drift, so only intent is compared.
//
// Removed from every object:
//   metadata.managedFields, resourceVersion, uid, generation, creationTimestamp, selfLink,
//   deletionTimestamp, deletionGracePeriodSeconds, and the
//   kubectl.kubernetes.io/last-applied-configuration annotation;
//   `status`, by default for every kind (Argo CD's default `ignoreResourceStatusField: all`
//   since util/settings GetDefaultDiffOptions; `crd` keeps it except on
//   CustomResourceDefinitions, `none` keeps it everywhere);
//   metadata.annotations / metadata.labels when they end up empty.
// Kept on purpose: every other annotation and label, including our tracking annotation and
// instance label, which cellgate sets and so must match.
//
// Secrets (core group, kind Secret) also get stringData folded into data (values base64
// encoded, as the API server does on write), so a manifest that uses stringData compares
// equal to the live Secret (gitops-engine NormalizeSecret).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "core/base64.h"
#include "core/object.h"

namespace cellgate::sync {

inline constexpr std::string_view kLastAppliedAnnotation =
    "kubectl.kubernetes.io/last-applied-configuration";

enum class IgnoreStatusField { kAll, kCrd, kNone };

struct NormalizeOptions {
  IgnoreStatusField ignore_status = IgnoreStatusField::kAll;
};

// Returns a normalised copy; a non-object value is returned as is.
Json NormalizeForDiff(const Json& obj, const NormalizeOptions& options = {});

// Moves a Secret's stringData into data (base64), in place. No-op for other objects.
void FoldSecretStringData(Json& obj);

// True for core-group Secrets.
bool IsSecret(const Json& obj);

}  // namespace cellgate::sync

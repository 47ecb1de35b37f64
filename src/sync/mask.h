// Masking of Secret values in objects (diffs, objects shown by the CLI). Free text (errors,
// conditions, Events, logs) is masked by core/redact.h, with the same mask.
//
// Every value under `data` of a core-group Secret (after folding `stringData` into `data`,
// see normalize.h) is replaced with a run of '+'. Masks keep diff fidelity the way
// gitops-engine's HideSecretData does: per key, the first distinct value seen gets
// "++++++++" (8), the next distinct value 12, then 16, ...; equal values get equal masks.
// So a changed password shows as a changed line, an unchanged one does not, and neither value
// is revealed. Values are visited desired first, then live, then the live object's
// kubectl.kubernetes.io/last-applied-configuration annotation (which holds the plain Secret
// too, and is masked and re-serialised; if it cannot be parsed it is replaced by a mask).
//
// Objects that are not Secrets are returned unchanged.
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>

#include "core/object.h"

namespace cellgate::sync {

inline constexpr std::string_view kSecretMask = "++++++++";

struct MaskedPair {
  Json desired;
  Json live;
};

// Either side may be null (absent).
MaskedPair MaskSecretPair(const Json& desired, const Json& live);

// One object on its own (logs, errors): every value becomes kSecretMask.
Json MaskSecret(const Json& obj);

}  // namespace cellgate::sync

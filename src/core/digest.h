// SHA-256 content digests through OpenSSL (as DESIGN.md prefers): render cache keys, tracking
// labels too long for a label value, the prediction memo, CRD and webhook-secret fingerprints.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace cellgate {

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

}  // namespace cellgate

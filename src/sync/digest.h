// SHA-256 digests (OpenSSL) for long instance labels (tracking.h) and the prediction memo.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace cellgate::sync {

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

}  // namespace cellgate::sync

// Content digests for render cache keys (SHA-256 through OpenSSL, as DESIGN.md prefers).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace cellgate::render {

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

}  // namespace cellgate::render

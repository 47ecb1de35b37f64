// Webhook authentication primitives: HMAC-SHA256 signatures (GitHub, Gitea, Gogs, Bitbucket
// Server) and shared-token comparison (GitLab, Bitbucket Cloud), in constant time so a
// forger learns nothing from how long a rejection takes.
//
// Nothing here logs or returns key material; callers build errors without the header
// values.
//
// Thread-safety: pure functions (OpenSSL's one-shot HMAC is thread-safe).
#pragma once

#include <string>
#include <string_view>

namespace cellgate::http {

// Lower-case hex of HMAC-SHA256(key, data).
std::string HmacSha256Hex(std::string_view key, std::string_view data);

// True when `hex_signature` (64 hex digits, either case) is HMAC-SHA256(key, data).
// Malformed signatures are simply false.
bool VerifyHmacSha256Hex(std::string_view key, std::string_view data,
                         std::string_view hex_signature);

// Equality whose time does not depend on where `a` and `b` differ (both are hashed and the
// digests compared with CRYPTO_memcmp).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace cellgate::http

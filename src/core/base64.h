// Base64 (RFC 4648, standard alphabet with padding), as Kubernetes stores Secret data and
// kubeconfigs store certificates. One reader and one writer for the whole tree (Secret data,
// kubeconfigs, cluster Secrets, masking, hashed known_hosts, Sprig's b64enc/b64dec).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace cellgate {

// Decodes `text` (padding optional, ASCII whitespace skipped); kInvalidArgument for other
// characters outside the alphabet, data after padding, or a truncated final group. The
// message never quotes the input, which is usually secret.
Result<std::string> Base64Decode(std::string_view text);

// Go's base64.StdEncoding.DecodeString (src/encoding/base64/base64.go), for templates that
// call Sprig's b64dec: '\r' and '\n' are skipped anywhere, padding is required, and an error
// is kInvalidArgument "illegal base64 data at input byte N" with Go's offset N.
Result<std::string> Base64DecodeGo(std::string_view text);

// Encodes `data` with padding.
std::string Base64Encode(std::string_view data);

}  // namespace cellgate

// Checks of a server's identity that libgit2 1.5 leaves to the caller:
//   - SSH host keys: libgit2 1.5 does not read known_hosts, so a host key is accepted only
//     when it is listed in the known_hosts text we are given (Argo CD's ssh_known_hosts).
//   - TLS with a per-repository CA bundle: libgit2's CA locations are process-global
//     (GIT_OPT_SET_SSL_CERT_LOCATIONS), so a repository's own `ca_file` is applied in the
//     certificate callback instead, by verifying the server's leaf certificate against it.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.h"

namespace cellgate::git {

// True when `known_hosts` (OpenSSH format: plain or hashed `|1|` host patterns, `[host]:port`
// for ports other than 22; markers such as @cert-authority and wildcards are not supported)
// lists `key_blob` (the SSH wire-format public key) for `host` on `port`.
bool KnownHostsAccepts(std::string_view known_hosts, std::string_view host, int port,
                       std::string_view key_blob);

// OK when the DER certificate `der` chains to a CA in `ca_file` (PEM) and names `host`
// (DNS name or IP address). The error says why not.
Status VerifyLeafCertificate(const unsigned char* der, std::size_t len, const std::string& ca_file,
                             const std::string& host);

}  // namespace cellgate::git

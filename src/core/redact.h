// Redaction of secrets in text that leaves the process: Application conditions and
// operationState messages, Kubernetes Events, log lines, CLI output, and the error messages
// that feed all of these (API server messages, kustomize/helm stderr, exec credential plugin
// stderr). Diffs are masked structurally instead (sync/mask.h); this is for free text.
//
// Two layers, both replacing what they find with kRedactedMask ("++++++++", the mask Argo
// CD's diffs show for Secret values, see gitops-engine's HideSecretData):
//
//  - Known values (Redactor): the values of the Secrets in play, e.g. the desired and live
//    Secrets of the app being synced. Each value is matched as given, base64-encoded and, when
//    it is valid base64, decoded; so `data` (base64) and `stringData` (plain) values are caught
//    in either form. Values shorter than kMinRedactedValue bytes are not matched (masking every
//    "1" or "yes" would garble the message and reveal little); the patterns below still apply.
//  - Credential-looking material (RedactCredentials), for text whose secrets are not known:
//      * PEM blocks whose label contains "PRIVATE KEY": the body between BEGIN and END;
//      * `Bearer <token>` and `Basic <credentials>` (any case);
//      * the value after `=` or `:` of a key ending in password, passwd, secret, token,
//        apikey/api_key/api-key, secret_key, access_key, private_key or credentials (any case,
//        quoted or not: `password=x`, `"clientSecret": "x"`, `db_password: x`); the Kubernetes
//        kind `Secret` itself is not such a key;
//      * the password in URL userinfo (`https://user:++++++++@host`), or the whole userinfo when
//        it has no password (`https://++++++++@host`, a token used as user name);
//      * AWS access key ids (AKIA/ASIA + 16 upper-case letters or digits);
//      * JWTs (three base64url segments, the first two starting with "eyJ").
//    The patterns are scanned by hand in one pass each (no regex engine): linear time in the
//    text, whatever the text.
//
// Redaction can over-mask (a value that merely looks like a credential); it must never
// under-mask a known value that is at least kMinRedactedValue long.
//
// Thread-safety: Redactor is a value; const methods may run concurrently.
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <string_view>

#include "core/object.h"

namespace cellgate {

inline constexpr std::string_view kRedactedMask = "++++++++";
inline constexpr std::size_t kMinRedactedValue = 4;

// The credential patterns above, applied to `text`.
std::string RedactCredentials(std::string_view text);

class Redactor {
 public:
  // A secret value in plain form (e.g. a stringData value, a decoded data value, a token).
  void AddValue(std::string_view plain);
  // A value as it appears under a Secret's `data`: base64 (and decoded when valid).
  void AddBase64Value(std::string_view encoded);
  // Every value of a core/v1 Secret's `data` and `stringData`, and of the Secret held in its
  // kubectl.kubernetes.io/last-applied-configuration annotation. Other objects are ignored.
  void AddSecret(const Json& object);

  bool empty() const { return values_.empty(); }
  std::size_t size() const { return values_.size(); }

  // `text` with every known value (longest first) and then every credential pattern masked.
  std::string Redact(std::string_view text) const;

 private:
  // Longest first, so a value that contains another is masked whole.
  struct LongestFirst {
    bool operator()(const std::string& a, const std::string& b) const {
      return a.size() != b.size() ? a.size() > b.size() : a < b;
    }
  };
  std::set<std::string, LongestFirst> values_;
};

// Redacts, in place, every string under a key named "message" anywhere in `j` (the messages
// of an Application status: conditions, operationState, syncResult resources, health).
void RedactMessages(Json& j, const Redactor& redactor);

}  // namespace cellgate

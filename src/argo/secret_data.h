// Reading the Secrets Argo CD keeps its clusters and repositories in (util/db: cluster.go,
// repository_secrets.go, secrets.go): the `argocd.argoproj.io/secret-type` label that tells
// them apart, a value of `data` (base64) with `stringData` overriding it as the API server
// merges them on write, and Go's strconv rules for the boolean and integer fields.
//
// Secrets: errors name the key, never a value.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/object.h"
#include "core/result.h"

namespace cellgate::argo {

inline constexpr std::string_view kSecretTypeLabel = "argocd.argoproj.io/secret-type";
inline constexpr std::string_view kSecretTypeCluster = "cluster";
inline constexpr std::string_view kSecretTypeRepository = "repository";
inline constexpr std::string_view kSecretTypeRepoCreds = "repo-creds";

// The Secret's secret-type label is `type`.
bool IsSecretOfType(const Object& secret, std::string_view type);

// stringData.<key> when present, else data.<key> decoded; nullopt when neither has it.
// kInvalidArgument "data.<key>: ..." when the base64 is broken.
Result<std::optional<std::string>> SecretValue(const Object& secret, std::string_view key);

// metadata.<field> ("labels" or "annotations") as a map; non-string values are skipped.
std::map<std::string, std::string> MetadataStrings(const Object& secret, std::string_view field);

// Go's strconv.ParseBool: 1 t T TRUE true True, 0 f F FALSE false False; nullopt otherwise.
std::optional<bool> ParseGoBool(std::string_view text);

// Go's strconv.ParseInt(text, 10, 64): an optional sign and decimal digits, in range.
std::optional<std::int64_t> ParseGoInt64(std::string_view text);

}  // namespace cellgate::argo

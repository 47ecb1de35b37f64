// Errors as values. Every fallible function in cellgate returns Result<T>, which is
// std::expected<T, Error>. An Error carries a code (what kind of failure, so callers can
// branch: retry on kUnavailable, never on kInvalidArgument) and a message that reads as a
// chain of contexts, outermost first:
//   "render app guestbook: apps/web/deploy.yaml:12: mapping values are not allowed"
// Error messages must never contain secret values; code that handles Secret data masks it
// before building an Error.
//
// Thread-safety: plain values; safe to copy between threads.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace cellgate {

enum class ErrorCode {
  kUnknown,
  kInvalidArgument,  // bad input (YAML, manifests, options): retrying will not help
  kNotFound,         // revision, path, object or file absent
  kAlreadyExists,
  kPermissionDenied,    // policy or path escape refused
  kUnavailable,         // network, remote down: retry with backoff
  kDeadlineExceeded,    // a timeout fired
  kResourceExhausted,   // a limit (size, alias expansion, depth) was hit
  kConflict,            // optimistic concurrency or field-manager conflict
  kFailedPrecondition,  // e.g. empty render without allowEmpty
  kInternal,            // broken invariant in our own code
};

std::string_view ErrorCodeName(ErrorCode code);

class Error {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "<context>: <message>", same code.
  Error Wrap(std::string_view context) const;

 private:
  ErrorCode code_;
  std::string message_;
};

template <typename T>
using Result = std::expected<T, Error>;

// Result<void> is spelled Status for readability.
using Status = std::expected<void, Error>;

inline std::unexpected<Error> MakeError(ErrorCode code, std::string message) {
  return std::unexpected<Error>(Error(code, std::move(message)));
}

inline Status Ok() { return {}; }

// Adds context to the error of a failed Result; passes a success through.
template <typename T>
Result<T> WithContext(Result<T> r, std::string_view context) {
  if (!r) return std::unexpected<Error>(r.error().Wrap(context));
  return r;
}

}  // namespace cellgate

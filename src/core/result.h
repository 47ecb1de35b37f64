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

// Forwarding a failure. Each evaluates a Result<T> or Status once and, when it holds an
// error, returns that error from the enclosing function (whose return type is any Result
// or Status). `expr` may name an existing Result (no copy of its value is made).
//   CG_TRY(WriteFile(path));                       // Status or Result, value unused
//   CG_TRY_WRAP(parsed, "read " + path);           // same, error wrapped with context
//   CG_ASSIGN(spec.retry, ParseRetry(j));         // existing lvalue = *result; one statement
//   CG_ASSIGN_OR_RETURN(auto doc, ParseYaml(text)); // declares doc = *result
// CG_ASSIGN_OR_RETURN expands to several statements (it declares a name in the enclosing
// scope), so it never stands as the body of an unbraced if/else/for; CG_ASSIGN can.
#define CG_TRY(expr)                                                              \
  do {                                                                            \
    auto&& cg_try_r_ = (expr);                                                    \
    if (!cg_try_r_) return std::unexpected<::cellgate::Error>(cg_try_r_.error()); \
  } while (false)

#define CG_TRY_WRAP(expr, context)                                                              \
  do {                                                                                          \
    auto&& cg_try_r_ = (expr);                                                                  \
    if (!cg_try_r_) return std::unexpected<::cellgate::Error>(cg_try_r_.error().Wrap(context)); \
  } while (false)

#define CG_ASSIGN(lvalue, expr)                                                                    \
  do {                                                                                             \
    auto cg_assign_r_ = (expr);                                                                    \
    if (!cg_assign_r_) return std::unexpected<::cellgate::Error>(std::move(cg_assign_r_).error()); \
    (lvalue) = std::move(*cg_assign_r_);                                                           \
  } while (false)

#define CG_CONCAT_INNER_(a, b) a##b
#define CG_CONCAT_(a, b) CG_CONCAT_INNER_(a, b)
#define CG_ASSIGN_OR_RETURN(lhs, expr) \
  CG_ASSIGN_OR_RETURN_IMPL_(CG_CONCAT_(cg_assign_r_, __LINE__), lhs, expr)
// `tmp` and `lhs` are declarations or names, which parentheses would break.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define CG_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr)                              \
  auto tmp = (expr);                                                           \
  if (!tmp) return std::unexpected<::cellgate::Error>(std::move(tmp).error()); \
  lhs = std::move(*tmp)
// NOLINTEND(bugprone-macro-parentheses)

// Turning API server failures into cellgate Errors.
//
// The API server answers errors with a metav1.Status body ({"kind":"Status","code":422,
// "reason":"Invalid","message":"Deployment.apps \"api\" is invalid: ..."}). The Error's
// message is "<code> <reason phrase>: <Status message>", to which callers prepend what they
// were doing:
//   apply apps/Deployment default/api: 422 Unprocessable Entity: Deployment.apps "api" is
//   invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0
//
// Codes: 404 kNotFound; 409 kConflict (kAlreadyExists when the Status reason is
// AlreadyExists, i.e. a create of an existing object); 401/403 kPermissionDenied; 400/422
// (and 405, 415) kInvalidArgument; 410 kFailedPrecondition (resource version expired);
// 408/504 kDeadlineExceeded; 429 and other 5xx kUnavailable.
//
// Long messages are cut at kMaxErrorMessage bytes so one bad object cannot flood logs.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string_view>

#include "core/object.h"
#include "core/result.h"
#include "kube/transport.h"

namespace cellgate::kube {

inline constexpr std::size_t kMaxErrorMessage = 2048;

ErrorCode ErrorCodeForHttpStatus(long http_status);

// "Unprocessable Entity" for 422; "" for codes without a standard phrase.
std::string_view HttpReasonPhrase(long http_status);

// The Error for a non-2xx response. `body` may be a Status, other text or empty.
Error HttpError(long http_status, std::string_view body);

// A 2xx response's body as JSON; otherwise the transport's error or HttpError, wrapped in
// `context`. A body that is not JSON is kInternal; the message never quotes it (it may be
// Secret data).
Result<Json> JsonResponse(const Result<HttpResponse>& response, std::string_view context);

}  // namespace cellgate::kube

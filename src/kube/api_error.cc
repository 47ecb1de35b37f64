#include "kube/api_error.h"

#include <string>

#include "core/object.h"
#include "core/redact.h"

namespace cellgate::kube {

ErrorCode ErrorCodeForHttpStatus(long s) {
  switch (s) {
    case 400:
    case 405:
    case 413:
    case 415:
    case 422:
      return ErrorCode::kInvalidArgument;
    case 401:
    case 403:
      return ErrorCode::kPermissionDenied;
    case 404:
      return ErrorCode::kNotFound;
    case 409:
      return ErrorCode::kConflict;
    case 410:
      return ErrorCode::kFailedPrecondition;
    case 408:
    case 504:
      return ErrorCode::kDeadlineExceeded;
    case 429:
      return ErrorCode::kUnavailable;
    default:
      break;
  }
  if (s >= 500 && s <= 599) return ErrorCode::kUnavailable;
  return ErrorCode::kUnknown;
}

std::string_view HttpReasonPhrase(long s) {
  switch (s) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 413:
      return "Request Entity Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "";
  }
}

Error HttpError(long http_status, std::string_view body) {
  std::string message = std::to_string(http_status);
  if (auto phrase = HttpReasonPhrase(http_status); !phrase.empty()) {
    message += ' ';
    message += phrase;
  }
  ErrorCode code = ErrorCodeForHttpStatus(http_status);
  std::string detail;
  Json status = Json::parse(body.begin(), body.end(), nullptr, false);
  if (!status.is_discarded() && status.is_object() && StringAt(status, {"kind"}) == "Status") {
    detail = StringAt(status, {"message"});
    if (detail.empty()) detail = StringAt(status, {"reason"});
    if (http_status == 409 && StringAt(status, {"reason"}) == "AlreadyExists") {
      code = ErrorCode::kAlreadyExists;
    }
  } else {
    // Not a Status (a proxy's page, plain text): keep one line of it.
    auto end = body.find_first_of("\r\n");
    detail = std::string(body.substr(0, std::min<std::size_t>(end, 200)));
  }
  if (!detail.empty()) {
    message += ": ";
    message += RedactCredentials(detail);
  }
  if (message.size() > kMaxErrorMessage) {
    message.resize(kMaxErrorMessage);
    message += "...";
  }
  return Error(code, std::move(message));
}

Result<Json> JsonResponse(const Result<HttpResponse>& response, std::string_view context) {
  CG_TRY_WRAP(response, context);
  if (response->status < 200 || response->status > 299) {
    return std::unexpected(HttpError(response->status, response->body).Wrap(context));
  }
  Json j = Json::parse(response->body.begin(), response->body.end(), nullptr, false);
  if (j.is_discarded()) {
    return MakeError(
        ErrorCode::kInternal,
        std::string(context) + ": response is not JSON (" + std::to_string(response->body.size()) +
            " bytes of " +
            (response->content_type.empty() ? "unknown type" : response->content_type) + ")");
  }
  return j;
}

}  // namespace cellgate::kube

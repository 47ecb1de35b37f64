#include "kube/api_error.h"

#include <gtest/gtest.h>

#include "kube/test_http_server.h"

namespace cellgate::kube {
namespace {

using testing::StatusBody;

TEST(ApiError, CodeMapping) {
  EXPECT_EQ(ErrorCodeForHttpStatus(404), ErrorCode::kNotFound);
  EXPECT_EQ(ErrorCodeForHttpStatus(409), ErrorCode::kConflict);
  EXPECT_EQ(ErrorCodeForHttpStatus(401), ErrorCode::kPermissionDenied);
  EXPECT_EQ(ErrorCodeForHttpStatus(403), ErrorCode::kPermissionDenied);
  EXPECT_EQ(ErrorCodeForHttpStatus(422), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ErrorCodeForHttpStatus(400), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ErrorCodeForHttpStatus(429), ErrorCode::kUnavailable);
  EXPECT_EQ(ErrorCodeForHttpStatus(500), ErrorCode::kUnavailable);
  EXPECT_EQ(ErrorCodeForHttpStatus(503), ErrorCode::kUnavailable);
  EXPECT_EQ(ErrorCodeForHttpStatus(504), ErrorCode::kDeadlineExceeded);
  EXPECT_EQ(ErrorCodeForHttpStatus(410), ErrorCode::kFailedPrecondition);
}

TEST(ApiError, MessageFromStatus) {
  auto e = HttpError(422, StatusBody(422, "Invalid",
                                     "Deployment.apps \"api\" is invalid: spec.replicas: Invalid "
                                     "value: -1: must be greater than or equal to 0"));
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.message(),
            "422 Unprocessable Entity: Deployment.apps \"api\" is invalid: spec.replicas: Invalid "
            "value: -1: must be greater than or equal to 0");
  EXPECT_EQ(e.Wrap("apply apps/Deployment default/api").message().substr(0, 59),
            "apply apps/Deployment default/api: 422 Unprocessable Entity");
}

TEST(ApiError, AlreadyExistsIsDistinguished) {
  auto e = HttpError(409, StatusBody(409, "AlreadyExists", "configmaps \"a\" already exists"));
  EXPECT_EQ(e.code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(HttpError(409, StatusBody(409, "Conflict", "apply conflict")).code(),
            ErrorCode::kConflict);
}

TEST(ApiError, NonStatusBodyKeepsOneShortLine) {
  EXPECT_EQ(HttpError(502, "<html>bad gateway\nmore").message(),
            "502 Bad Gateway: <html>bad gateway");
  EXPECT_EQ(HttpError(503, "").message(), "503 Service Unavailable");
  EXPECT_EQ(HttpError(599, "").message(), "599");
}

TEST(ApiError, LongMessagesAreCut) {
  auto e = HttpError(422, StatusBody(422, "Invalid", std::string(10000, 'x')));
  EXPECT_LE(e.message().size(), kMaxErrorMessage + 3);
}

TEST(JsonResponse, MapsEveryOutcome) {
  auto ok = JsonResponse(HttpResponse{.status = 200, .body = R"({"a":1})"}, "get x");
  ASSERT_TRUE(ok);
  EXPECT_EQ((*ok)["a"], 1);
  auto not_found = JsonResponse(
      HttpResponse{.status = 404, .body = StatusBody(404, "NotFound", "gone")}, "get x");
  ASSERT_FALSE(not_found);
  EXPECT_EQ(not_found.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(not_found.error().message(), "get x: 404 Not Found: gone");
  auto junk = JsonResponse(HttpResponse{.status = 200, .body = "secret-token-abc"}, "get x");
  ASSERT_FALSE(junk);
  EXPECT_EQ(junk.error().message().find("secret"), std::string::npos);
  Result<HttpResponse> failed = std::unexpected(Error(ErrorCode::kUnavailable, "refused"));
  EXPECT_EQ(JsonResponse(failed, "get x").error().message(), "get x: refused");
}

}  // namespace
}  // namespace cellgate::kube

#include "http/router.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace cellgate::http {
namespace {

Request Req(std::string method, std::string target) {
  Request r;
  r.method = std::move(method);
  r.target = std::move(target);
  SplitTarget(r.target, r.path, r.query);
  return r;
}

Handler Say(const std::string& text) {
  return [text](const Request&) { return Response::Text(200, text); };
}

TEST(Router, DispatchesByMethodAndExactPath) {
  Router router;
  ASSERT_TRUE(router.Handle("GET", "/metrics", Say("metrics")));
  ASSERT_TRUE(router.Handle("POST", "/api/webhook", Say("hook")));
  ASSERT_TRUE(router.Handle("GET", "/api/webhook", Say("hook-get")));
  EXPECT_EQ(router.Dispatch(Req("GET", "/metrics")).body, "metrics\n");
  EXPECT_EQ(router.Dispatch(Req("GET", "/metrics?name[]=x")).body, "metrics\n");
  EXPECT_EQ(router.Dispatch(Req("POST", "/api/webhook")).body, "hook\n");
  EXPECT_EQ(router.Dispatch(Req("GET", "/api/webhook")).body, "hook-get\n");
}

TEST(Router, UnknownPathIs404) {
  Router router;
  ASSERT_TRUE(router.Handle("GET", "/metrics", Say("m")));
  EXPECT_EQ(router.Dispatch(Req("GET", "/metrics/")).status, 404);
  EXPECT_EQ(router.Dispatch(Req("GET", "/Metrics")).status, 404);
  EXPECT_EQ(router.Dispatch(Req("GET", "/")).status, 404);
}

TEST(Router, KnownPathWithOtherMethodIs405WithAllow) {
  Router router;
  ASSERT_TRUE(router.Handle("POST", "/api/webhook", Say("hook")));
  ASSERT_TRUE(router.Handle("GET", "/healthz", Say("ok")));
  Response r = router.Dispatch(Req("GET", "/api/webhook"));
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers.Get("Allow"), "POST");
  Response h = router.Dispatch(Req("DELETE", "/healthz"));
  EXPECT_EQ(h.status, 405);
  EXPECT_EQ(h.headers.Get("allow"), "GET, HEAD");
}

TEST(Router, HeadUsesTheGetHandler) {
  Router router;
  ASSERT_TRUE(router.Handle("GET", "/healthz", Say("ok")));
  Response r = router.Dispatch(Req("HEAD", "/healthz"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok\n");  // the server drops it on the wire
}

TEST(Router, RejectsDuplicateAndBadRoutes) {
  Router router;
  ASSERT_TRUE(router.Handle("GET", "/x", Say("x")));
  auto dup = router.Handle("GET", "/x", Say("y"));
  ASSERT_FALSE(dup.has_value());
  EXPECT_EQ(dup.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_FALSE(router.Handle("GET", "relative", Say("x")).has_value());
  EXPECT_FALSE(router.Handle("", "/y", Say("x")).has_value());
  EXPECT_FALSE(router.Handle("GET", "/y", nullptr).has_value());
}

TEST(Router, ThrowingHandlerGives500WithoutItsMessage) {
  Router router;
  ASSERT_TRUE(router.Handle("GET", "/boom", [](const Request&) -> Response {
    throw std::runtime_error("internal detail /var/lib/x");
  }));
  Response r = router.Dispatch(Req("GET", "/boom"));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("internal detail"), std::string::npos);
}

TEST(Message, SplitsTargets) {
  std::string path;
  std::string query;
  SplitTarget("/a/b?x=1&y=2", path, query);
  EXPECT_EQ(path, "/a/b");
  EXPECT_EQ(query, "x=1&y=2");
  SplitTarget("/plain", path, query);
  EXPECT_EQ(path, "/plain");
  EXPECT_EQ(query, "");
  SplitTarget("http://cellgate.example:8080/api/webhook?x", path, query);
  EXPECT_EQ(path, "/api/webhook");
  EXPECT_EQ(query, "x");
  SplitTarget("http://cellgate.example", path, query);
  EXPECT_EQ(path, "/");
}

TEST(Message, HeadersAreCaseInsensitive) {
  Headers h;
  h.Add("X-GitHub-Event", "push");
  h.Add("Set-Cookie", "a");
  h.Add("set-cookie", "b");
  EXPECT_EQ(h.Get("x-github-event"), "push");
  EXPECT_EQ(h.Get("SET-COOKIE"), "a");
  EXPECT_FALSE(h.Get("X-Gitlab-Event").has_value());
  h.Set("SET-COOKIE", "c");
  EXPECT_EQ(h.fields().size(), 2u);
  EXPECT_EQ(h.Get("set-cookie"), "c");
}

}  // namespace
}  // namespace cellgate::http

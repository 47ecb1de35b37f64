#include "kube/transport.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "kube/test_http_server.h"

namespace cellgate::kube {
namespace {

using std::chrono::milliseconds;
using testing::ChunkWriter;
using testing::TestHttpServer;
using testing::TestRequest;
using testing::TestResponse;

ClusterConfig ConfigFor(const TestHttpServer& server) {
  return {.name = "test-cell", .server = server.url(), .token = "s3cret-token"};
}

// Fast retries so the tests do not sleep for long.
TransportOptions FastOptions() {
  return {.retry = {.max_retries = 3,
                    .initial_backoff = milliseconds(1),
                    .max_backoff = milliseconds(5)}};
}

std::unique_ptr<Transport> MakeTransport(ClusterConfig config,
                                         TransportOptions options = FastOptions()) {
  auto t = Transport::Create(std::move(config), std::move(options));
  EXPECT_TRUE(t) << t.error().message();
  return std::move(*t);
}

long CountOf(const Transport& t, const std::string& verb, long code) {
  for (const auto& c : t.RequestCounts()) {
    if (c.verb == verb && c.code == code) return static_cast<long>(c.count);
  }
  return 0;
}

TEST(Transport, SendsAuthAcceptAndBodyAndReusesTheConnection) {
  TestHttpServer server([](const TestRequest& r) {
    return TestResponse{.body = R"({"method":")" + r.method + R"("})"};
  });
  auto t = MakeTransport(ConfigFor(server));
  for (int i = 0; i < 3; ++i) {
    auto r = t->Do({.path = "/api/v1/namespaces/a/configmaps?limit=5"});
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, R"({"method":"GET"})");
    EXPECT_EQ(r->content_type, "application/json");
  }
  auto patch = t->Do({.verb = "apply",
                      .method = "PATCH",
                      .path = "/x",
                      .body = "{\"a\":1}",
                      .content_type = "application/apply-patch+yaml"});
  ASSERT_TRUE(patch);
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[0].target, "/api/v1/namespaces/a/configmaps?limit=5");
  EXPECT_EQ(requests[0].headers["authorization"], "Bearer s3cret-token");
  EXPECT_EQ(requests[0].headers["accept"], "application/json");
  EXPECT_EQ(requests[3].method, "PATCH");
  EXPECT_EQ(requests[3].body, "{\"a\":1}");
  EXPECT_EQ(requests[3].headers["content-type"], "application/apply-patch+yaml");
  EXPECT_EQ(server.connections(), 1) << "keep-alive connection not reused";
  EXPECT_EQ(CountOf(*t, "get", 200), 3);
  EXPECT_EQ(CountOf(*t, "apply", 200), 1);
}

TEST(Transport, HttpErrorsAreResponsesNotFailures) {
  TestHttpServer server([](const TestRequest&) {
    return TestResponse{.status = 404, .body = testing::StatusBody(404, "NotFound", "nope")};
  });
  auto t = MakeTransport(ConfigFor(server));
  auto r = t->Do({.path = "/missing", .idempotent = true});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(Transport, RetriesServerErrorsOnlyWhenIdempotent) {
  std::atomic<int> calls{0};
  TestHttpServer server([&](const TestRequest&) {
    return ++calls < 3 ? TestResponse{.status = 503} : TestResponse{.body = "{}"};
  });
  auto t = MakeTransport(ConfigFor(server));
  auto get = t->Do({.path = "/x", .idempotent = true});
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 200);
  EXPECT_EQ(calls.load(), 3);
  EXPECT_EQ(CountOf(*t, "get", 503), 2);

  calls = 0;
  auto post = t->Do({.verb = "create", .method = "POST", .path = "/x", .body = "{}"});
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 503);
  EXPECT_EQ(calls.load(), 1);
}

TEST(Transport, TooManyRequestsIsRetriedForAnyVerbHonouringRetryAfter) {
  std::atomic<int> calls{0};
  TestHttpServer server([&](const TestRequest&) {
    if (++calls == 1) return TestResponse{.status = 429, .headers = {{"Retry-After", "1"}}};
    return TestResponse{.status = 201, .body = "{}"};
  });
  auto t = MakeTransport(ConfigFor(server));
  auto started = std::chrono::steady_clock::now();
  auto r = t->Do({.verb = "create", .method = "POST", .path = "/x", .body = "{}"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201);
  EXPECT_GE(std::chrono::steady_clock::now() - started, milliseconds(950));
}

TEST(Transport, GivesUpAfterMaxRetries) {
  std::atomic<int> calls{0};
  TestHttpServer server([&](const TestRequest&) {
    ++calls;
    return TestResponse{.status = 500};
  });
  auto t = MakeTransport(ConfigFor(server));
  auto r = t->Do({.path = "/x", .idempotent = true});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(calls.load(), 4);  // 1 + max_retries
}

TEST(Transport, ConnectionRefusedIsUnavailableAfterRetries) {
  ClusterConfig c{.name = "dead", .server = "http://127.0.0.1:1"};
  auto t = MakeTransport(c);
  auto r = t->Do({.verb = "create", .method = "POST", .path = "/x", .body = "{}"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(r.error().message().find("POST http://127.0.0.1:1/x: "), std::string::npos)
      << r.error().message();
  EXPECT_NE(r.error().message().find("after 3 retries"), std::string::npos);
  EXPECT_EQ(CountOf(*t, "create", 0), 4);
}

TEST(Transport, DroppedConnectionRetriedForIdempotentRequests) {
  std::atomic<int> calls{0};
  TestHttpServer server([&](const TestRequest&) {
    return ++calls == 1 ? TestResponse{.drop = true} : TestResponse{.body = "{}"};
  });
  auto t = MakeTransport(ConfigFor(server));
  auto r = t->Do({.path = "/x", .idempotent = true});
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->status, 200);
}

TEST(Transport, RequestTimeoutIsDeadlineExceeded) {
  TestHttpServer server(
      [](const TestRequest&) { return TestResponse{.body = "{}", .delay = milliseconds(1500)}; });
  auto t = MakeTransport(ConfigFor(server));
  auto r = t->Do({.path = "/slow", .idempotent = true, .timeout = milliseconds(200)});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kDeadlineExceeded) << r.error().message();
  EXPECT_EQ(r.error().message().find("s3cret"), std::string::npos);
}

TEST(Transport, ResponseSizeIsBounded) {
  TestHttpServer server(
      [](const TestRequest&) { return TestResponse{.body = std::string(5000, 'x')}; });
  TransportOptions o = FastOptions();
  o.max_response_bytes = 1000;
  auto t = MakeTransport(ConfigFor(server), o);
  auto r = t->Do({.path = "/big", .idempotent = true});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kResourceExhausted);
}

TEST(Transport, UnauthorizedRereadsTheTokenFileOnce) {
  auto dir = std::filesystem::temp_directory_path() / ("kube-tt-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  auto token_file = dir / "token";
  std::ofstream(token_file) << "old";
  TestHttpServer server([&](const TestRequest& r) {
    if (r.headers.at("authorization") != "Bearer new-token") return TestResponse{.status = 401};
    return TestResponse{.body = "{}"};
  });
  ClusterConfig c{.name = "t", .server = server.url(), .token_file = token_file};
  auto t = MakeTransport(c);
  auto first = t->Do({.path = "/x", .idempotent = true});
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 401);  // one refresh, then the 401 is the answer
  EXPECT_EQ(server.requests().size(), 2u);
  std::ofstream(token_file) << "new-token";
  auto second = t->Do({.path = "/x", .idempotent = true});
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 200);
  std::filesystem::remove_all(dir);
}

TEST(Transport, UnauthorizedRerunsTheExecPlugin) {
  std::atomic<int> runs{0};
  TestHttpServer server([&](const TestRequest& r) {
    return r.headers.at("authorization") == "Bearer exec-2" ? TestResponse{.body = "{}"}
                                                            : TestResponse{.status = 401};
  });
  ClusterConfig c{.name = "t", .server = server.url(), .exec = ExecConfig{.command = "fake"}};
  TransportOptions o = FastOptions();
  o.exec_runner = [&](const ClusterConfig&) -> Result<ExecCredential> {
    return ExecCredential{.token = "exec-" + std::to_string(++runs)};
  };
  auto t = MakeTransport(c, o);
  auto r = t->Do({.path = "/x", .idempotent = true});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(runs.load(), 2);
}

TEST(Transport, BasicAuthHeader) {
  TestHttpServer server([](const TestRequest&) { return TestResponse{.body = "{}"}; });
  auto t = MakeTransport({.name = "t", .server = server.url(), .username = "u", .password = "p"});
  ASSERT_TRUE(t->Do({.path = "/x"}));
  EXPECT_EQ(server.requests()[0].headers["authorization"], "Basic dTpw");
}

TEST(Transport, RateLimitPacesRequests) {
  TestHttpServer server([](const TestRequest&) { return TestResponse{.body = "{}"}; });
  TransportOptions o = FastOptions();
  o.rate_limit = {.qps = 20, .burst = 1};
  auto t = MakeTransport(ConfigFor(server), o);
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(t->Do({.path = "/x"}));
  EXPECT_GE(std::chrono::steady_clock::now() - started, milliseconds(190));
}

TEST(Transport, ConcurrentRequestsFromManyThreads) {
  TestHttpServer server([](const TestRequest& r) { return TestResponse{.body = r.target}; });
  auto t = MakeTransport(ConfigFor(server));
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      for (int j = 0; j < 10; ++j) {
        std::string path = "/t" + std::to_string(i) + "/" + std::to_string(j);
        auto r = t->Do({.path = path});
        if (r && r->body == path) ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 80);
  EXPECT_LE(server.connections(), 8 + 1);
}

TEST(Transport, StreamDeliversChunksAsTheyArrive) {
  TestHttpServer server([](const TestRequest&) {
    return TestResponse{.stream = [](ChunkWriter& w) {
      w.Write("line one\nline ");
      std::this_thread::sleep_for(milliseconds(50));
      w.Write("two\n");
    }};
  });
  auto t = MakeTransport(ConfigFor(server));
  StopSignal stop;
  std::string got;
  int chunks = 0;
  auto r = t->Stream(
      {.verb = "watch", .path = "/w"},
      [&](std::string_view c) {
        got += c;
        ++chunks;
        return true;
      },
      stop);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->status, 200);
  EXPECT_FALSE(r->stopped);
  EXPECT_EQ(got, "line one\nline two\n");
  EXPECT_GE(chunks, 2);
}

TEST(Transport, StreamStopsPromptlyFromAnotherThread) {
  TestHttpServer server([](const TestRequest&) {
    return TestResponse{.stream = [](ChunkWriter& w) {
      w.Write("hello\n");
      while (!w.Done()) std::this_thread::sleep_for(milliseconds(5));
    }};
  });
  auto t = MakeTransport(ConfigFor(server));
  StopSignal stop;
  std::atomic<bool> first{false};
  std::thread stopper([&] {
    while (!first) std::this_thread::sleep_for(milliseconds(1));
    std::this_thread::sleep_for(milliseconds(50));
    stop.Stop();
  });
  auto started = std::chrono::steady_clock::now();
  auto r = t->Stream(
      {.verb = "watch", .path = "/w"},
      [&](std::string_view) {
        first = true;
        return true;
      },
      stop);
  auto took = std::chrono::steady_clock::now() - started;
  stopper.join();
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_TRUE(r->stopped);
  EXPECT_LT(took, milliseconds(500));  // not the 1 s poll tick, not a timeout
}

TEST(Transport, StreamErrorStatusCarriesTheBody) {
  TestHttpServer server([](const TestRequest&) {
    return TestResponse{.status = 410, .body = testing::StatusBody(410, "Expired", "too old")};
  });
  auto t = MakeTransport(ConfigFor(server));
  StopSignal stop;
  bool called = false;
  auto r = t->Stream(
      {.verb = "watch", .path = "/w"},
      [&](std::string_view) {
        called = true;
        return true;
      },
      stop);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 410);
  EXPECT_NE(r->error_body.find("too old"), std::string::npos);
  EXPECT_FALSE(called);
}

TEST(Transport, InvalidConfigIsRefused) {
  EXPECT_FALSE(Transport::Create({.server = ""}));
  EXPECT_FALSE(Transport::Create({.server = "https://h:1", .client_cert_pem = "C"}));
}

}  // namespace
}  // namespace cellgate::kube

// The server over real sockets on 127.0.0.1. Deadlines in these tests are generous bounds
// that tell "answered / closed" from "hung", not speed goals.
#include "http/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "http/test_client.h"

namespace cellgate::http {
namespace {

using std::chrono::milliseconds;
using testing::MakeRequest;
using testing::TestClient;

Router EchoRouter() {
  Router router;
  auto echo = [](const Request& r) {
    Response res =
        Response::Text(200, r.method + " " + r.path + " q=" + r.query + " body=" + r.body);
    if (auto v = r.headers.Get("x-probe")) res.headers.Set("X-Probe-Seen", std::string(*v));
    res.headers.Set("X-Remote-Seen", r.remote_address.empty() ? "no" : "yes");
    return res;
  };
  EXPECT_TRUE(router.Handle("GET", "/echo", echo));
  EXPECT_TRUE(router.Handle("POST", "/echo", echo));
  EXPECT_TRUE(router.Handle("GET", "/boom",
                            [](const Request&) -> Response { throw std::runtime_error("boom"); }));
  return router;
}

std::unique_ptr<Server> StartOrDie(ServerOptions options, Router router) {
  auto server = Server::Start(std::move(options), std::move(router));
  EXPECT_TRUE(server.has_value()) << server.error().message();
  return server ? std::move(*server) : nullptr;
}

TEST(Server, BindsAnEphemeralPortAndServesARoute) {
  auto server = StartOrDie({}, EchoRouter());
  ASSERT_TRUE(server);
  EXPECT_NE(server->port(), 0);
  EXPECT_EQ(server->address(), "127.0.0.1:" + std::to_string(server->port()));
  TestClient client(server->port());
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.Send(MakeRequest("POST", "/echo?x=1", "hello", "X-Probe: abc\r\n")));
  auto res = client.Read();
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "POST /echo q=x=1 body=hello\n");
  EXPECT_EQ(res.headers["x-probe-seen"], "abc");
  EXPECT_EQ(res.headers["x-remote-seen"], "yes");
  EXPECT_EQ(res.headers["content-type"], "text/plain; charset=utf-8");
}

TEST(Server, KeepAliveAndPipelinedRequestsShareOneConnection) {
  auto server = StartOrDie({}, EchoRouter());
  ASSERT_TRUE(server);
  TestClient client(server->port());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(client.Send(MakeRequest("GET", "/echo?n=" + std::to_string(i))));
    auto res = client.Read();
    ASSERT_TRUE(res.ok()) << "request " << i;
    EXPECT_EQ(res.body, "GET /echo q=n=" + std::to_string(i) + " body=\n");
    EXPECT_NE(res.headers["connection"], "close");
  }
  // Two requests in one write: answered in order on the same connection.
  ASSERT_TRUE(client.Send(MakeRequest("POST", "/echo", "first") + MakeRequest("GET", "/echo?z")));
  auto first = client.Read();
  auto second = client.Read();
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first.body, "POST /echo q= body=first\n");
  EXPECT_EQ(second.body, "GET /echo q=z body=\n");
  EXPECT_EQ(server->connections(), 1u);
}

TEST(Server, ConnectionCloseAndHttp10AreHonoured) {
  auto server = StartOrDie({}, EchoRouter());
  ASSERT_TRUE(server);
  TestClient client(server->port());
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/echo", "", "Connection: close\r\n")));
  auto res = client.Read();
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res.headers["connection"], "close");
  EXPECT_TRUE(client.ClosedByPeerWithin(milliseconds(5000)));

  TestClient old(server->port());
  ASSERT_TRUE(old.Send("GET /echo HTTP/1.0\r\n\r\n"));
  auto res10 = old.Read();
  ASSERT_TRUE(res10.ok());
  EXPECT_EQ(res10.status_line.substr(0, 8), "HTTP/1.0");
  EXPECT_TRUE(old.ClosedByPeerWithin(milliseconds(5000)));
}

TEST(Server, UnknownPathIs404AndWrongMethodIs405) {
  auto server = StartOrDie({}, EchoRouter());
  ASSERT_TRUE(server);
  TestClient client(server->port());
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/nope")));
  auto missing = client.Read();
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing.status, 404);
  ASSERT_TRUE(client.Send(MakeRequest("DELETE", "/echo")));
  auto wrong = client.Read();
  ASSERT_TRUE(wrong.ok());
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.headers["allow"], "GET, HEAD, POST");
  // The connection survives both.
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/echo")));
  auto ok = client.Read();
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.status, 200);
}

TEST(Server, HeadSendsHeadersWithoutBody) {
  auto server = StartOrDie({}, EchoRouter());
  ASSERT_TRUE(server);
  TestClient client(server->port());
  ASSERT_TRUE(client.Send(MakeRequest("HEAD", "/echo")));
  auto head = client.Read(milliseconds(10000), /*head=*/true);
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head.status, 200);
  // The handler ran (it saw HEAD); its body's length is announced, the body is not sent.
  EXPECT_EQ(head.headers["content-length"],
            std::to_string(std::string("HEAD /echo q= body=\n").size()));
  // Had a body been sent, it would now be read as the next status line.
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/echo?after")));
  auto next = client.Read();
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next.status, 200);
  EXPECT_EQ(next.body, "GET /echo q=after body=\n");
}

TEST(Server, ThrowingHandlerIs500) {
  auto server = StartOrDie({}, EchoRouter());
  ASSERT_TRUE(server);
  TestClient client(server->port());
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/boom")));
  auto res = client.Read();
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res.status, 500);
}

TEST(Server, BodyOverTheLimitIs413BeforeItIsRead) {
  auto server = StartOrDie({.max_body_bytes = 1024}, EchoRouter());
  ASSERT_TRUE(server);
  TestClient client(server->port());
  // Headers only: the 413 must come from Content-Length, without waiting for the body.
  ASSERT_TRUE(client.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1025\r\n\r\n"));
  auto res = client.Read();
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res.status, 413);
  EXPECT_EQ(res.headers["connection"], "close");
  EXPECT_TRUE(client.ClosedByPeerWithin(milliseconds(5000)));

  // At the limit is fine.
  TestClient fits(server->port());
  ASSERT_TRUE(fits.Send(MakeRequest("POST", "/echo", std::string(1024, 'a'))));
  auto ok = fits.Read();
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.status, 200);
}

TEST(Server, ChunkedBodyGrowingPastTheLimitIs413) {
  auto server = StartOrDie({.max_body_bytes = 1024}, EchoRouter());
  ASSERT_TRUE(server);
  TestClient client(server->port());
  std::string chunk(800, 'b');
  ASSERT_TRUE(
      client.Send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "320\r\n" +
                  chunk + "\r\n320\r\n" + chunk + "\r\n0\r\n\r\n"));
  auto res = client.Read();
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res.status, 413);

  TestClient small(server->port());
  ASSERT_TRUE(
      small.Send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
  auto ok = small.Read();
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.body, "POST /echo q= body=hello world\n");
}

TEST(Server, OversizedHeaderIs431) {
  auto server = StartOrDie({.max_header_bytes = 2048}, EchoRouter());
  ASSERT_TRUE(server);
  TestClient client(server->port());
  ASSERT_TRUE(
      client.Send(MakeRequest("GET", "/echo", "", "X-Big: " + std::string(4096, 'h') + "\r\n")));
  auto res = client.Read();
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res.status, 431);
}

TEST(Server, MalformedRequestIs400) {
  auto server = StartOrDie({}, EchoRouter());
  ASSERT_TRUE(server);
  TestClient client(server->port());
  ASSERT_TRUE(client.Send("THIS IS NOT HTTP\r\n\r\n"));
  auto res = client.Read();
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res.status, 400);
  EXPECT_TRUE(client.ClosedByPeerWithin(milliseconds(5000)));
}

TEST(Server, Expect100ContinueIsAnsweredBeforeTheBody) {
  auto server = StartOrDie({}, EchoRouter());
  ASSERT_TRUE(server);
  TestClient client(server->port());
  ASSERT_TRUE(client.Send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n"));
  auto interim = client.Read();
  ASSERT_TRUE(interim.ok());
  EXPECT_EQ(interim.status, 100);
  ASSERT_TRUE(client.Send("data"));
  auto res = client.Read();
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res.body, "POST /echo q= body=data\n");
}

TEST(Server, Expect100ContinueWithAnOversizedBodyGets413Instead) {
  auto server = StartOrDie({.max_body_bytes = 1024}, EchoRouter());
  ASSERT_TRUE(server);
  TestClient client(server->port());
  ASSERT_TRUE(client.Send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n"));
  auto res = client.Read();
  EXPECT_EQ(res.status, 413);  // not 100: the client need not send the body at all
}

TEST(Server, ClientThatSendsNothingIsDropped) {
  auto server = StartOrDie({.read_timeout = milliseconds(300)}, EchoRouter());
  ASSERT_TRUE(server);
  TestClient silent(server->port());
  ASSERT_TRUE(silent.connected());
  EXPECT_TRUE(silent.ClosedByPeerWithin(milliseconds(5000)));
}

TEST(Server, ClientThatTricklesAHeaderIsDropped) {
  auto server = StartOrDie({.read_timeout = milliseconds(500)}, EchoRouter());
  ASSERT_TRUE(server);
  TestClient slow(server->port());
  // A byte every 100 ms: 40 bytes would take 4 s, far past the 500 ms request deadline, and
  // a deadline per read (rather than per request) would never fire.
  std::string request = MakeRequest("GET", "/echo");
  bool closed = false;
  for (char c : request.substr(0, 40)) {
    if (!slow.Send(std::string(1, c)) || slow.ClosedByPeerWithin(milliseconds(100))) {
      closed = true;
      break;
    }
  }
  EXPECT_TRUE(closed) << "the server kept a trickling client past its request deadline";
}

TEST(Server, IdleKeepAliveConnectionIsClosed) {
  auto server = StartOrDie({.idle_timeout = milliseconds(300)}, EchoRouter());
  ASSERT_TRUE(server);
  TestClient client(server->port());
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/echo")));
  ASSERT_TRUE(client.Read().ok());
  EXPECT_TRUE(client.ClosedByPeerWithin(milliseconds(5000)));
}

TEST(Server, ManyConcurrentClientsEachGetTheirOwnAnswers) {
  auto server = StartOrDie({.threads = 4}, EchoRouter());
  ASSERT_TRUE(server);
  constexpr int kClients = 16;
  constexpr int kRequests = 25;
  std::atomic<int> good{0};
  std::vector<std::thread> clients;
  clients.reserve(kClients);
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      TestClient client(server->port());
      for (int i = 0; i < kRequests; ++i) {
        std::string body = "client" + std::to_string(c) + "-req" + std::to_string(i);
        if (!client.Send(MakeRequest("POST", "/echo", body))) return;
        auto res = client.Read();
        if (res.ok() && res.status == 200 && res.body == "POST /echo q= body=" + body + "\n")
          ++good;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(good.load(), kClients * kRequests);
}

TEST(Server, ConnectionsBeyondTheLimitAreClosed) {
  auto server = StartOrDie({.max_connections = 1}, EchoRouter());
  ASSERT_TRUE(server);
  TestClient first(server->port());
  ASSERT_TRUE(first.Send(MakeRequest("GET", "/echo")));
  ASSERT_TRUE(first.Read().ok());
  TestClient second(server->port());
  EXPECT_TRUE(second.ClosedByPeerWithin(milliseconds(5000)));
  // The first connection is unaffected.
  ASSERT_TRUE(first.Send(MakeRequest("GET", "/echo")));
  EXPECT_TRUE(first.Read().ok());
}

TEST(Server, StopWithIdleAndSilentClientsReturnsWithoutWaitingForThem) {
  // Timeouts far beyond the bound below: Stop must close these connections itself.
  auto server = StartOrDie({.read_timeout = milliseconds(60000),
                            .idle_timeout = milliseconds(60000),
                            .stop_timeout = milliseconds(60000)},
                           EchoRouter());
  ASSERT_TRUE(server);
  TestClient idle(server->port());
  ASSERT_TRUE(idle.Send(MakeRequest("GET", "/echo")));
  ASSERT_TRUE(idle.Read().ok());
  TestClient silent(server->port());
  TestClient half(server->port());
  ASSERT_TRUE(half.Send("GET /echo HTTP/1.1\r\nHost: x\r\n"));  // never finished
  auto started = std::chrono::steady_clock::now();
  server->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(20));
  EXPECT_TRUE(idle.ClosedByPeerWithin(milliseconds(5000)));
  EXPECT_TRUE(silent.ClosedByPeerWithin(milliseconds(5000)));
  EXPECT_TRUE(half.ClosedByPeerWithin(milliseconds(5000)));
  // Nothing listens any more.
  TestClient late(server->port());
  EXPECT_TRUE(!late.connected() || late.ClosedByPeerWithin(milliseconds(5000)));
  server->Stop();  // idempotent
}

TEST(Server, StopLetsARunningHandlerAnswer) {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  Router router;
  ASSERT_TRUE(router.Handle("GET", "/slow", [&](const Request&) {
    entered.set_value();
    released.wait();
    return Response::Text(200, "finished");
  }));
  auto server = StartOrDie({.stop_timeout = milliseconds(60000)}, std::move(router));
  ASSERT_TRUE(server);
  TestClient client(server->port());
  ASSERT_TRUE(client.Send(MakeRequest("GET", "/slow")));
  entered.get_future().wait();
  std::thread stopper([&] { server->Stop(); });
  std::this_thread::sleep_for(milliseconds(100));  // Stop is now waiting for the handler
  release.set_value();
  auto res = client.Read();
  stopper.join();
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "finished\n");
  EXPECT_EQ(res.headers["connection"], "close");
}

TEST(Server, StartFailsClearlyOnATakenPortOrBadAddress) {
  auto first = StartOrDie({}, EchoRouter());
  ASSERT_TRUE(first);
  auto second = Server::Start({.port = first->port()}, EchoRouter());
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(second.error().message().find("127.0.0.1:" + std::to_string(first->port())),
            std::string::npos)
      << second.error().message();

  auto bad = Server::Start({.bind_address = "not-an-ip"}, EchoRouter());
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
  auto no_threads = Server::Start({.threads = 0}, EchoRouter());
  ASSERT_FALSE(no_threads.has_value());
  EXPECT_EQ(no_threads.error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace cellgate::http

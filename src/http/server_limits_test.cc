// Connection limits and the probe reserve (server.h, "Connections") over real sockets on
// 127.0.0.0/8: several loopback source addresses stand for several peers.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "http/server.h"
#include "http/test_client.h"

namespace cellgate::http {
namespace {

using std::chrono::milliseconds;
using testing::MakeRequest;
using testing::TestClient;

Router ProbeAndEchoRouter() {
  Router router;
  EXPECT_TRUE(
      router.Handle("GET", "/healthz", [](const Request&) { return Response::Text(200, "ok"); }));
  EXPECT_TRUE(
      router.Handle("GET", "/readyz", [](const Request&) { return Response::Text(200, "ready"); }));
  EXPECT_TRUE(router.Handle(
      "GET", "/echo", [](const Request& r) { return Response::Text(200, "echo " + r.path); }));
  return router;
}

std::unique_ptr<Server> StartOrDie(ServerOptions options) {
  auto server = Server::Start(std::move(options), ProbeAndEchoRouter());
  EXPECT_TRUE(server.has_value()) << server.error().message();
  return server ? std::move(*server) : nullptr;
}

// Opens `n` connections from `source`, each making one request and then idling in
// keep-alive, as a client pool (or an attacker) would.
std::vector<std::unique_ptr<TestClient>> IdleKeepAlive(std::uint16_t port, int n,
                                                       const char* source = nullptr) {
  std::vector<std::unique_ptr<TestClient>> clients;
  for (int i = 0; i < n; ++i) {
    auto c = std::make_unique<TestClient>(port, source);
    if (c->Send(MakeRequest("GET", "/echo"))) (void)c->Read(milliseconds(5000));
    clients.push_back(std::move(c));
  }
  return clients;
}

// The reported failure: 512 idle keep-alive connections made /healthz fail. With the
// defaults, one address gets 64 ordinary connections and a probe still finds a slot.
TEST(ServerLimits, ManyIdleKeepAliveConnectionsFromOneAddressDoNotStarveProbes) {
  auto server = StartOrDie({});
  ASSERT_TRUE(server);
  auto idle = IdleKeepAlive(server->port(), 600);
  for (const char* path : {"/healthz", "/readyz"}) {
    TestClient probe(server->port());
    ASSERT_TRUE(probe.Send(MakeRequest("GET", path)));
    auto res = probe.Read(milliseconds(5000));
    EXPECT_EQ(res.status, 200) << path << " starved by idle connections";
  }
  EXPECT_LE(server->connections(), 64u + 8u);
}

TEST(ServerLimits, OneAddressCannotTakeTheSlotsOfAnother) {
  auto server = StartOrDie({.max_connections_per_address = 3, .reserved_probe_connections = 1});
  ASSERT_TRUE(server);
  auto held = IdleKeepAlive(server->port(), 3, "127.0.0.1");
  // The same address again: a reserved slot, which serves probes only.
  TestClient over(server->port(), "127.0.0.1");
  ASSERT_TRUE(over.Send(MakeRequest("GET", "/echo")));
  auto refused = over.Read(milliseconds(5000));
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(refused.headers["retry-after"], "1");
  EXPECT_EQ(refused.headers["connection"], "close");
  // Another address is served as usual, with keep-alive.
  TestClient other(server->port(), "127.0.0.2");
  ASSERT_TRUE(other.connected());
  ASSERT_TRUE(other.Send(MakeRequest("GET", "/echo")));
  EXPECT_EQ(other.Read(milliseconds(5000)).status, 200);
  ASSERT_TRUE(other.Send(MakeRequest("GET", "/echo")));
  EXPECT_EQ(other.Read(milliseconds(5000)).status, 200);
}

TEST(ServerLimits, ManyAddressesFillingTheServerLeaveProbesAnswered) {
  auto server = StartOrDie({.max_connections = 8, .max_connections_per_address = 2});
  ASSERT_TRUE(server);
  std::vector<std::unique_ptr<TestClient>> held;
  for (const char* source : {"127.0.0.11", "127.0.0.12", "127.0.0.13", "127.0.0.14"}) {
    for (auto& c : IdleKeepAlive(server->port(), 2, source)) held.push_back(std::move(c));
  }
  TestClient probe(server->port(), "127.0.0.20");
  ASSERT_TRUE(probe.Send(MakeRequest("GET", "/healthz")));
  auto res = probe.Read(milliseconds(5000));
  EXPECT_EQ(res.status, 200);
  // A reserved connection answers one probe and closes.
  EXPECT_EQ(res.headers["connection"], "close");
  EXPECT_TRUE(probe.ClosedByPeerWithin(milliseconds(5000)));
}

TEST(ServerLimits, SilentConnectionOnAReservedSlotIsDroppedAfterTheProbeTimeout) {
  auto server = StartOrDie({.read_timeout = milliseconds(60'000),
                            .max_connections = 1,
                            .probe_timeout = milliseconds(200)});
  ASSERT_TRUE(server);
  auto held = IdleKeepAlive(server->port(), 1);
  TestClient silent(server->port());
  // Well before read_timeout (60 s): the reserve has its own, short deadline.
  EXPECT_TRUE(silent.ClosedByPeerWithin(milliseconds(20'000)));
}

TEST(ServerLimits, WithoutAReserveConnectionsOverTheLimitAreClosed) {
  auto server = StartOrDie({.max_connections = 1, .reserved_probe_connections = 0});
  ASSERT_TRUE(server);
  auto held = IdleKeepAlive(server->port(), 1);
  TestClient second(server->port());
  EXPECT_TRUE(second.ClosedByPeerWithin(milliseconds(5000)));
}

TEST(ServerLimits, InvalidLimitsAreRefused) {
  auto none = Server::Start({.max_connections_per_address = 0}, Router{});
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace cellgate::http

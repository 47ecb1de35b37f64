// Leader election against a real kube-apiserver (cell-1): two electors in one process on the
// same Lease, each with its own client, as two controller replicas would be. Exactly one
// leads; when the leader stops without releasing (a crash), the other takes over once the
// Lease expires; a clean stop releases the Lease.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "fleet_e2e_util.h"
#include "runtime/leader_election.h"

namespace cellgate::runtime::e2e {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class LeaderElectionE2E : public FleetE2ETest {
 protected:
  std::unique_ptr<kube::ClusterClient> Client() {
    // A request timeout well below the renew deadline, as leader_election.h asks.
    auto c = kube::ClusterClient::Create(
        hub_config(),
        {.transport = {.request_timeout = seconds(4), .connect_timeout = seconds(2)}});
    EXPECT_TRUE(c) << c.error().message();
    return c ? std::move(*c) : nullptr;
  }
};

TEST_F(LeaderElectionE2E, OneLeadsAndTheOtherTakesOverAfterACrash) {
  auto client_a = Client();
  auto client_b = Client();
  ASSERT_TRUE(client_a && client_b);
  SystemClock clock;
  LeaderElectionOptions options{.lease_name = "cellgate-e2e", .ns = ns()};  // 15 s / 10 s / 2 s
  options.identity = "replica-a";
  LeaderElector a(client_a->reader(), client_a->applier(), clock, options);
  options.identity = "replica-b";
  LeaderElector b(client_b->reader(), client_b->applier(), clock, options);

  std::atomic<int> leading{0};
  std::atomic<bool> overlap{false};
  auto started = [&] {
    if (++leading > 1) overlap = true;
  };
  Status result_a, result_b;
  std::thread ta([&] { result_a = a.Run(started, [&] { --leading; }); });
  std::thread tb([&] { result_b = b.Run(started, [&] { --leading; }); });

  ASSERT_TRUE(Eventually([&] { return a.IsLeader() || b.IsLeader(); }, seconds(30)));
  // Watch a few retry periods: never both.
  for (int i = 0; i < 30; ++i) {
    ASSERT_FALSE(a.IsLeader() && b.IsLeader());
    std::this_thread::sleep_for(milliseconds(100));
  }
  LeaderElector& leader = a.IsLeader() ? a : b;
  LeaderElector& follower = a.IsLeader() ? b : a;
  std::printf("leader: %s\n", leader.identity().c_str());

  auto crash = std::chrono::steady_clock::now();
  leader.Stop(/*release=*/false);
  if (&leader == &a) {
    ta.join();
  } else {
    tb.join();
  }
  ASSERT_TRUE(Eventually([&] { return follower.IsLeader(); }, seconds(40)));
  double takeover = std::chrono::duration<double>(std::chrono::steady_clock::now() - crash).count();
  std::printf("takeover after a crash: %.1f s (lease duration 15 s)\n", takeover);
  EXPECT_LT(takeover, 30.0);  // generous: lease duration plus retry periods

  auto lease = hub().reader().Get({"coordination.k8s.io", "v1", "Lease"}, ns(), "cellgate-e2e");
  ASSERT_TRUE(lease) << lease.error().message();
  EXPECT_EQ(StringAt(lease->body(), {"spec", "holderIdentity"}), follower.identity());
  EXPECT_EQ(lease->body()["spec"].value("leaseTransitions", 0), 1);

  follower.Stop(/*release=*/true);
  if (ta.joinable()) ta.join();
  if (tb.joinable()) tb.join();
  EXPECT_TRUE(result_a) << result_a.error().message();
  EXPECT_TRUE(result_b) << result_b.error().message();
  EXPECT_FALSE(overlap.load());
  auto released = hub().reader().Get({"coordination.k8s.io", "v1", "Lease"}, ns(), "cellgate-e2e");
  ASSERT_TRUE(released);
  EXPECT_EQ(StringAt(released->body(), {"spec", "holderIdentity"}), "");
}

TEST_F(LeaderElectionE2E, CleanStopHandsOverWithoutWaitingForExpiry) {
  auto client_a = Client();
  auto client_b = Client();
  ASSERT_TRUE(client_a && client_b);
  SystemClock clock;
  LeaderElectionOptions options{.lease_name = "cellgate-e2e-release",
                                .ns = ns(),
                                .lease_duration = seconds(60),  // only a release hands over
                                .renew_deadline = seconds(10),
                                .retry_period = milliseconds(500)};
  options.identity = "replica-a";
  LeaderElector a(client_a->reader(), client_a->applier(), clock, options);
  options.identity = "replica-b";
  LeaderElector b(client_b->reader(), client_b->applier(), clock, options);
  Status result_a, result_b;
  std::thread ta([&] { result_a = a.Run({}, {}); });
  ASSERT_TRUE(Eventually([&] { return a.IsLeader(); }, seconds(30)));
  std::thread tb([&] { result_b = b.Run({}, {}); });
  std::this_thread::sleep_for(seconds(2));
  EXPECT_FALSE(b.IsLeader());
  auto stop = std::chrono::steady_clock::now();
  a.Stop(/*release=*/true);
  ta.join();
  ASSERT_TRUE(Eventually([&] { return b.IsLeader(); }, seconds(50)));
  std::printf("takeover after a clean stop: %.1f s (lease duration 60 s)\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - stop).count());
  b.Stop();
  tb.join();
  EXPECT_TRUE(result_a);
  EXPECT_TRUE(result_b);
}

}  // namespace
}  // namespace cellgate::runtime::e2e

#include "runtime/leader_election.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "kube/testing/fake_cluster.h"

namespace cellgate::runtime {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const kube::GroupVersionKind kLease{"coordination.k8s.io", "v1", "Lease"};

class LeaderElectionTest : public ::testing::Test {
 protected:
  LeaderElector Elector(const std::string& id, const Clock& clock) {
    return LeaderElector(hub_, hub_, clock, {.ns = "argocd", .identity = id});
  }
  Json Spec() {
    auto lease = hub_.Get(kLease, "argocd", "cellgate-controller");
    EXPECT_TRUE(lease);
    return lease ? lease->body()["spec"] : Json();
  }

  FakeClock clock_;
  kube::testing::FakeCluster hub_;
};

TEST_F(LeaderElectionTest, FirstCandidateCreatesTheLease) {
  clock_.Advance(std::chrono::hours(24 * 365 * 55));
  LeaderElector a = Elector("a", clock_);
  auto r = a.TryAcquireOrRenew();
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_TRUE(*r);
  EXPECT_TRUE(a.IsLeader());
  Json spec = Spec();
  EXPECT_EQ(spec["holderIdentity"], "a");
  EXPECT_EQ(spec["leaseDurationSeconds"], 15);
  EXPECT_EQ(spec["leaseTransitions"], 0);
  EXPECT_EQ(spec["acquireTime"], spec["renewTime"]);
  // MicroTime: six fractional digits.
  EXPECT_EQ(spec["renewTime"].get<std::string>().size(),
            std::string("2025-01-01T00:00:00.000000Z").size());
}

TEST_F(LeaderElectionTest, AnotherCandidateWaitsForTheLeaseToExpireByItsOwnClock) {
  LeaderElector a = Elector("a", clock_);
  LeaderElector b = Elector("b", clock_);
  ASSERT_TRUE(*a.TryAcquireOrRenew());
  EXPECT_FALSE(*b.TryAcquireOrRenew());  // b first sees the record now
  EXPECT_EQ(b.Holder(), "a");
  clock_.Advance(seconds(14));
  EXPECT_FALSE(*b.TryAcquireOrRenew());
  clock_.Advance(seconds(2));  // 16 s without a change seen by b: expired
  ASSERT_TRUE(*b.TryAcquireOrRenew());
  EXPECT_TRUE(b.IsLeader());
  Json spec = Spec();
  EXPECT_EQ(spec["holderIdentity"], "b");
  EXPECT_EQ(spec["leaseTransitions"], 1);
  EXPECT_EQ(spec["acquireTime"], spec["renewTime"]);
  // a, renewing, finds b holding a fresh lease and is no leader any more.
  EXPECT_FALSE(*a.TryAcquireOrRenew());
  EXPECT_FALSE(a.IsLeader());
}

TEST_F(LeaderElectionTest, RenewalsKeepOthersOutAndKeepAcquireTime) {
  LeaderElector a = Elector("a", clock_);
  LeaderElector b = Elector("b", clock_);
  ASSERT_TRUE(*a.TryAcquireOrRenew());
  const Json first = Spec();
  for (int i = 0; i < 10; ++i) {
    clock_.Advance(seconds(2));
    ASSERT_TRUE(*a.TryAcquireOrRenew());
    ASSERT_FALSE(*b.TryAcquireOrRenew()) << "after " << (i + 1) * 2 << " s";
  }
  Json spec = Spec();
  EXPECT_EQ(spec["acquireTime"], first["acquireTime"]);
  EXPECT_NE(spec["renewTime"], first["renewTime"]);
  EXPECT_EQ(spec["leaseTransitions"], 0);
}

TEST_F(LeaderElectionTest, ReleasedLeaseIsTakenAtOnce) {
  LeaderElector a = Elector("a", clock_);
  LeaderElector b = Elector("b", clock_);
  ASSERT_TRUE(*a.TryAcquireOrRenew());
  EXPECT_FALSE(*b.TryAcquireOrRenew());
  ASSERT_TRUE(a.Release());
  EXPECT_FALSE(a.IsLeader());
  Json released = Spec();
  EXPECT_EQ(released["holderIdentity"], "");
  EXPECT_EQ(released["leaseDurationSeconds"], 1);
  ASSERT_TRUE(*b.TryAcquireOrRenew());  // no waiting for 15 s
  EXPECT_EQ(Spec()["leaseTransitions"], 1);
  EXPECT_TRUE(b.Release());
  EXPECT_TRUE(a.Release());  // not the holder: nothing to do
  EXPECT_EQ(Spec()["holderIdentity"], "");
}

TEST_F(LeaderElectionTest, ConflictMeansSomeoneElseWonAndErrorsAreReported) {
  LeaderElector a = Elector("a", clock_);
  ASSERT_TRUE(*a.TryAcquireOrRenew());
  hub_.SetFailHook([](std::string_view verb, const Object&) -> std::optional<Error> {
    if (verb == "update") return Error(ErrorCode::kConflict, "409 Conflict: modified");
    return std::nullopt;
  });
  clock_.Advance(seconds(2));
  auto conflict = a.TryAcquireOrRenew();
  ASSERT_TRUE(conflict);
  EXPECT_FALSE(*conflict);
  EXPECT_FALSE(a.IsLeader());
  hub_.SetFailHook([](std::string_view verb, const Object&) -> std::optional<Error> {
    if (verb == "get") return Error(ErrorCode::kUnavailable, "connection refused");
    return std::nullopt;
  });
  auto down = a.TryAcquireOrRenew();
  ASSERT_FALSE(down);
  EXPECT_NE(down.error().message().find("get lease argocd/cellgate-controller"), std::string::npos);
}

TEST_F(LeaderElectionTest, CreateRaceLosesQuietly) {
  hub_.SetFailHook([](std::string_view verb, const Object&) -> std::optional<Error> {
    if (verb == "create") return Error(ErrorCode::kAlreadyExists, "409 Conflict: exists");
    return std::nullopt;
  });
  LeaderElector a = Elector("a", clock_);
  auto r = a.TryAcquireOrRenew();
  ASSERT_TRUE(r);
  EXPECT_FALSE(*r);
}

// Run with real time and short durations: one leads, a clean stop hands over at once, a
// leader that cannot renew steps down.
TEST(LeaderElectorRun, ExactlyOneLeadsAndCleanStopHandsOver) {
  SystemClock clock;
  kube::testing::FakeCluster hub;
  LeaderElectionOptions o{.ns = "argocd",
                          .lease_duration = seconds(30),  // long: only a release hands over
                          .renew_deadline = seconds(20),
                          .retry_period = milliseconds(10)};
  o.identity = "a";
  LeaderElector a(hub, hub, clock, o);
  o.identity = "b";
  LeaderElector b(hub, hub, clock, o);
  std::atomic<int> leading{0};
  std::atomic<int> max_leading{0};
  std::atomic<int> a_stopped{0};
  auto started = [&] {
    int now = ++leading;
    int seen = max_leading.load();
    while (now > seen && !max_leading.compare_exchange_weak(seen, now)) {
    }
  };
  Status a_result, b_result;
  std::thread ta([&] {
    a_result = a.Run(started, [&] {
      --leading;
      ++a_stopped;
    });
  });
  while (!a.IsLeader()) std::this_thread::sleep_for(milliseconds(1));
  std::thread tb([&] { b_result = b.Run(started, [&] { --leading; }); });
  std::this_thread::sleep_for(milliseconds(100));  // b tries ~10 times meanwhile
  EXPECT_FALSE(b.IsLeader());
  a.Stop(/*release=*/true);
  ta.join();
  EXPECT_TRUE(a_result) << a_result.error().message();
  EXPECT_EQ(a_stopped.load(), 1);
  while (!b.IsLeader()) std::this_thread::sleep_for(milliseconds(1));  // long before 30 s
  b.Stop();
  tb.join();
  EXPECT_TRUE(b_result);
  EXPECT_EQ(max_leading.load(), 1);
  EXPECT_EQ(leading.load(), 0);
}

TEST(LeaderElectorRun, LeaderThatCannotRenewStepsDownAfterTheRenewDeadline) {
  SystemClock clock;
  kube::testing::FakeCluster hub;
  LeaderElector a(hub, hub, clock,
                  {.ns = "argocd",
                   .identity = "a",
                   .lease_duration = milliseconds(1500),
                   .renew_deadline = milliseconds(100),
                   .retry_period = milliseconds(10)});
  std::atomic<bool> stopped{false};
  Status result;
  std::thread t([&] { result = a.Run([] {}, [&] { stopped = true; }); });
  while (!a.IsLeader()) std::this_thread::sleep_for(milliseconds(1));
  hub.SetFailHook([](std::string_view verb, const Object&) -> std::optional<Error> {
    if (verb == "get") return Error(ErrorCode::kUnavailable, "connection refused");
    return std::nullopt;
  });
  t.join();  // returns by itself
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(result.error().message().find("lost leadership of lease argocd/cellgate-controller"),
            std::string::npos)
      << result.error().message();
  EXPECT_TRUE(stopped.load());
  EXPECT_FALSE(a.IsLeader());
}

TEST(LeaderElectorRun, StopBeforeLeadingReturnsWithoutCallbacks) {
  SystemClock clock;
  kube::testing::FakeCluster hub;
  LeaderElector holder(hub, hub, clock, {.ns = "argocd", .identity = "holder"});
  ASSERT_TRUE(*holder.TryAcquireOrRenew());
  LeaderElector waiting(hub, hub, clock,
                        {.ns = "argocd", .identity = "w", .retry_period = milliseconds(10)});
  bool called = false;
  Status result;
  std::thread t([&] { result = waiting.Run([&] { called = true; }, [&] { called = true; }); });
  std::this_thread::sleep_for(milliseconds(50));
  waiting.Stop();
  t.join();
  EXPECT_TRUE(result);
  EXPECT_FALSE(called);
  EXPECT_EQ(waiting.Holder(), "holder");
}

}  // namespace
}  // namespace cellgate::runtime

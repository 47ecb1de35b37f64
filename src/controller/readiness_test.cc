#include "controller/readiness.h"

#include <gtest/gtest.h>

namespace cellgate::controller {
namespace {

const Status kNotSynced = MakeError(ErrorCode::kUnavailable, "hub Applications not listed yet");

TEST(ReplicaReadiness, NotReadyBeforeTheCachesHaveSynced) {
  // Without leader election: not ready while starting, nor while the caches list.
  EXPECT_FALSE(ReplicaReadiness({.leader_elect = false}));
  Status listing = ReplicaReadiness({.leader_elect = false, .caches = kNotSynced});
  ASSERT_FALSE(listing);
  EXPECT_EQ(listing.error().message(), "hub Applications not listed yet");
  EXPECT_TRUE(ReplicaReadiness({.leader_elect = false, .caches = Ok()}));
}

TEST(ReplicaReadiness, LeaderIsReadyOnlyOnceItsCachesHaveSynced) {
  Status starting = ReplicaReadiness({.leader_elect = true, .leading = true});
  ASSERT_FALSE(starting);
  EXPECT_EQ(starting.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(starting.error().message().find("caches not listed"), std::string::npos);
  EXPECT_FALSE(ReplicaReadiness({.leader_elect = true, .leading = true, .caches = kNotSynced}));
  EXPECT_TRUE(ReplicaReadiness({.leader_elect = true, .leading = true, .caches = Ok()}));
}

TEST(ReplicaReadiness, StandbyIsReady) {
  EXPECT_TRUE(ReplicaReadiness({.leader_elect = true, .leading = false}));
}

}  // namespace
}  // namespace cellgate::controller

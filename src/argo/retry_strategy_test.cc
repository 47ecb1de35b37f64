#include "argo/retry_strategy.h"

#include <gtest/gtest.h>

namespace cellgate::argo {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;

TEST(ParseArgoDuration, BareIntegersAreSecondsElseGoDurations) {
  EXPECT_EQ(*ParseArgoDuration("30"), seconds(30));
  EXPECT_EQ(*ParseArgoDuration("5s"), seconds(5));
  EXPECT_EQ(*ParseArgoDuration("2m"), minutes(2));
  EXPECT_EQ(*ParseArgoDuration("1h30m"), minutes(90));
  EXPECT_EQ(*ParseArgoDuration("1.5s"), milliseconds(1500));
  EXPECT_EQ(*ParseArgoDuration("250ms"), milliseconds(250));
  EXPECT_EQ(*ParseArgoDuration("3us"), nanoseconds(3000));
  EXPECT_EQ(*ParseArgoDuration("0"), nanoseconds(0));
  for (const char* bad : {"", "5x", "s", "1.s.", "10 s", "1d"}) {
    auto d = ParseArgoDuration(bad);
    ASSERT_FALSE(d) << bad;
    EXPECT_EQ(d.error().message(), "unable to parse " + std::string(bad) + " as a duration");
  }
}

TEST(RetryDelay, DurationTimesFactorPowCappedAtMax) {
  RetryStrategy defaults;
  EXPECT_EQ(*RetryDelay(defaults, 0), seconds(5));
  EXPECT_EQ(*RetryDelay(defaults, 1), seconds(10));
  EXPECT_EQ(*RetryDelay(defaults, 5), seconds(160));
  EXPECT_EQ(*RetryDelay(defaults, 6), minutes(3));   // capped
  EXPECT_EQ(*RetryDelay(defaults, 60), minutes(3));  // no overflow
  RetryStrategy custom{.backoff =
                           RetryBackoff{.duration = "10", .factor = 3, .max_duration = "1m"}};
  EXPECT_EQ(*RetryDelay(custom, 0), seconds(10));
  EXPECT_EQ(*RetryDelay(custom, 1), seconds(30));
  EXPECT_EQ(*RetryDelay(custom, 2), seconds(60));
  RetryStrategy broken{.backoff = RetryBackoff{.duration = "soon"}};
  EXPECT_FALSE(RetryDelay(broken, 0));
}

TEST(RetryAllowed, ZeroNoneNegativeUnlimited) {
  EXPECT_FALSE(RetryAllowed({.limit = 0}, 0));
  EXPECT_TRUE(RetryAllowed({.limit = 2}, 1));
  EXPECT_FALSE(RetryAllowed({.limit = 2}, 2));
  EXPECT_TRUE(RetryAllowed({.limit = -1}, 1000));
}

}  // namespace
}  // namespace cellgate::argo

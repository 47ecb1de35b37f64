#include "core/duration.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace cellgate {
namespace {

using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;

// Go's src/time/time_test.go parseDurationTests (facts, rewritten).
TEST(ParseGoDuration, GoUpstreamTable) {
  const struct {
    const char* in;
    nanoseconds want;
  } cases[] = {
      {"0", nanoseconds(0)},
      {"-0", nanoseconds(0)},
      {"+0", nanoseconds(0)},
      {"5s", seconds(5)},
      {"-5s", seconds(-5)},
      {"+5s", seconds(5)},
      {"5.6s", milliseconds(5600)},
      {"5.s", seconds(5)},
      {".5s", milliseconds(500)},
      {"1.004s", milliseconds(1004)},
      {"100.00100s", milliseconds(100001)},
      {"10ns", nanoseconds(10)},
      {"11us", microseconds(11)},
      {"12\u00b5s", microseconds(12)},
      {"12\u03bcs", microseconds(12)},
      {"13ms", milliseconds(13)},
      {"15m", minutes(15)},
      {"16h", hours(16)},
      {"3h30m", minutes(210)},
      {"10.5s4m", minutes(4) + milliseconds(10500)},
      {"-2m3.4s", -(minutes(2) + milliseconds(3400))},
      {"1h2m3s4ms5us6ns",
       hours(1) + minutes(2) + seconds(3) + milliseconds(4) + microseconds(5) + nanoseconds(6)},
      {"0.3333333333333333333h", minutes(20)},
      {"9007199254740993ns", nanoseconds(9007199254740993)},
      {"9223372036854775807ns", nanoseconds(std::numeric_limits<std::int64_t>::max())},
      {"9223372036s854ms775us807ns", nanoseconds(std::numeric_limits<std::int64_t>::max())},
      {"-9223372036854775808ns", nanoseconds(std::numeric_limits<std::int64_t>::min())},
      {"-2562047h47m16.854775808s", nanoseconds(std::numeric_limits<std::int64_t>::min())},
      {"0.830103483285477580700h", minutes(49) + seconds(48) + nanoseconds(372539827)},
  };
  for (const auto& c : cases) {
    auto d = ParseGoDuration(c.in);
    ASSERT_TRUE(d) << c.in << ": " << d.error().message();
    EXPECT_EQ(d->count(), c.want.count()) << c.in;
  }
}

TEST(ParseGoDuration, GoUpstreamErrorsAndMessages) {
  for (const char* bad : {"", "-", "s", ".", "-.", ".s", "+.s", "\x85\x85",
                          "\xff"
                          "ff",
                          "9223372036854775808ns", "9223372036854775.808us",
                          "9223372036854ms775us808ns", "-9223372036854775809ns"}) {
    auto d = ParseGoDuration(bad);
    ASSERT_FALSE(d) << bad;
    EXPECT_EQ(d.error().code(), ErrorCode::kInvalidArgument);
  }
  EXPECT_EQ(ParseGoDuration("3").error().message(), "time: missing unit in duration \"3\"");
  EXPECT_EQ(ParseGoDuration("1d").error().message(), "time: unknown unit \"d\" in duration \"1d\"");
  EXPECT_EQ(ParseGoDuration("1sm").error().message(),
            "time: unknown unit \"sm\" in duration \"1sm\"");  // the unit is the whole run
  EXPECT_EQ(ParseGoDuration(".s").error().message(), "time: invalid duration \".s\"");
}

// Argo CD's parseStringToDuration: strconv.Atoi first (seconds), then time.ParseDuration.
TEST(ParseDurationOrSeconds, BareIntegersAreSecondsElseGoDurations) {
  EXPECT_EQ(*ParseDurationOrSeconds("30"), seconds(30));
  EXPECT_EQ(*ParseDurationOrSeconds("+30"), seconds(30));
  EXPECT_EQ(*ParseDurationOrSeconds("-30"), seconds(-30));
  EXPECT_EQ(*ParseDurationOrSeconds("0"), seconds(0));
  EXPECT_EQ(*ParseDurationOrSeconds("1.5m"), seconds(90));
  EXPECT_EQ(*ParseDurationOrSeconds("2562047h"), hours(2562047));
  EXPECT_TRUE(ParseDurationOrSeconds("9223372036"));
  for (const char* bad : {"", "-", "9223372037", "99999999999999999999", "5x", "10 s"}) {
    auto d = ParseDurationOrSeconds(bad);
    ASSERT_FALSE(d) << bad;
    EXPECT_EQ(d.error().message(), "unable to parse " + std::string(bad) + " as a duration");
  }
}

}  // namespace
}  // namespace cellgate

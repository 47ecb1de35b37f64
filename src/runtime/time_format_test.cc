#include "runtime/time_format.h"

#include <gtest/gtest.h>

namespace cellgate::runtime {
namespace {

TEST(Rfc3339Test, FormatsAndParses) {
  auto t = ParseRfc3339("2024-02-29T23:59:58.123456789Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(Rfc3339(*t), "2024-02-29T23:59:58Z");
  EXPECT_EQ(Rfc3339Micro(*t), "2024-02-29T23:59:58.123456Z");
  EXPECT_EQ(ParseRfc3339("2024-03-01T01:00:00+02:00"), ParseRfc3339("2024-02-29T23:00:00Z"));
  EXPECT_EQ(Rfc3339OrEmpty(WallTime{}), "");
  for (const char* bad : {"", "2024-13-01T00:00:00Z", "2024-01-01 00:00:00Z", "2024-01-01T00:00:00",
                          "2024-01-01T00:00:00.Z", "2024-01-01T00:00:00Zx"}) {
    EXPECT_FALSE(ParseRfc3339(bad)) << bad;
  }
}

}  // namespace
}  // namespace cellgate::runtime

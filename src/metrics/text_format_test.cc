#include "metrics/text_format.h"

#include <gtest/gtest.h>

#include <limits>

namespace cellgate::metrics {
namespace {

TEST(TextFormat, MetricNames) {
  EXPECT_TRUE(IsValidMetricName("cellgate_app_info"));
  EXPECT_TRUE(IsValidMetricName("job:rate5m"));
  EXPECT_TRUE(IsValidMetricName("_x1"));
  EXPECT_FALSE(IsValidMetricName(""));
  EXPECT_FALSE(IsValidMetricName("1abc"));
  EXPECT_FALSE(IsValidMetricName("app-info"));
  EXPECT_FALSE(IsValidMetricName("app info"));
  EXPECT_FALSE(IsValidMetricName("caf\xC3\xA9"));
}

TEST(TextFormat, LabelNames) {
  EXPECT_TRUE(IsValidLabelName("name"));
  EXPECT_TRUE(IsValidLabelName("_private"));
  EXPECT_TRUE(IsValidLabelName("dest_server2"));
  EXPECT_FALSE(IsValidLabelName(""));
  EXPECT_FALSE(IsValidLabelName("__name__"));
  EXPECT_FALSE(IsValidLabelName("a:b"));  // colons are for recording rules, not labels
  EXPECT_FALSE(IsValidLabelName("2xx"));
}

TEST(TextFormat, EscapesLabelValues) {
  EXPECT_EQ(EscapeLabelValue(R"(C:\apps)"), R"(C:\\apps)");
  EXPECT_EQ(EscapeLabelValue(R"(say "hi")"), R"(say \"hi\")");
  EXPECT_EQ(EscapeLabelValue("line1\nline2"), R"(line1\nline2)");
  EXPECT_EQ(EscapeLabelValue("tab\tstays"), "tab\tstays");
  EXPECT_EQ(EscapeLabelValue(""), "");
}

TEST(TextFormat, KeepsValidUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(EscapeLabelValue("z\xC3\xBCrich \xE2\x82\xAC \xF0\x9F\x9A\x80"),
            "z\xC3\xBCrich \xE2\x82\xAC \xF0\x9F\x9A\x80");
  EXPECT_EQ(EscapeLabelValue("a\xFF"
                             "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(EscapeLabelValue("\xC3"), "\xEF\xBF\xBD");                  // truncated
  EXPECT_EQ(EscapeLabelValue("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
  EXPECT_EQ(EscapeLabelValue("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
}

TEST(TextFormat, EscapesHelpWithoutTouchingQuotes) {
  std::string out;
  AppendEscapedHelp(out, "Apps \"OutOfSync\"\nby cell \\ region");
  EXPECT_EQ(out, R"(Apps "OutOfSync"\nby cell \\ region)");
}

TEST(TextFormat, FormatsValuesAsPrometheusParsesThem) {
  EXPECT_EQ(FormatValue(0), "0");
  EXPECT_EQ(FormatValue(1), "1");
  EXPECT_EQ(FormatValue(42), "42");
  EXPECT_EQ(FormatValue(0.005), "0.005");
  EXPECT_EQ(FormatValue(-2.5), "-2.5");
  EXPECT_EQ(FormatValue(1e21), "1e+21");
  EXPECT_EQ(FormatValue(0.1 + 0.2), "0.30000000000000004");  // round-trips exactly
  EXPECT_EQ(FormatValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatValue(std::numeric_limits<double>::quiet_NaN()), "NaN");
}

}  // namespace
}  // namespace cellgate::metrics

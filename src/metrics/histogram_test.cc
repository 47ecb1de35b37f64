#include "metrics/histogram.h"

#include <gtest/gtest.h>

#include <limits>

#include "metrics/buckets.h"

namespace cellgate::metrics {
namespace {

Histogram Make(std::vector<double> bounds) {
  return Histogram(
      Histogram::Config{.bounds = std::make_shared<const std::vector<double>>(std::move(bounds))});
}

TEST(Histogram, CountsIntoLessOrEqualBucketsCumulatively) {
  Histogram h = Make({0.1, 1, 10});
  for (double v : {0.05, 0.1, 0.5, 1.0, 3.0, 10.0, 11.0, 1000.0}) h.Observe(v);
  Histogram::Snapshot s = h.Read();
  EXPECT_EQ(s.bounds, (std::vector<double>{0.1, 1, 10}));
  // le=0.1: 0.05, 0.1 | le=1: +0.5, 1.0 | le=10: +3, 10 | +Inf: +11, 1000
  EXPECT_EQ(s.cumulative, (std::vector<std::uint64_t>{2, 4, 6, 8}));
  EXPECT_EQ(s.count, 8u);
  EXPECT_DOUBLE_EQ(s.sum, 0.05 + 0.1 + 0.5 + 1.0 + 3.0 + 10.0 + 11.0 + 1000.0);
}

TEST(Histogram, NegativeAndInfiniteObservationsLandAtTheEnds) {
  Histogram h = Make({0, 1});
  h.Observe(-5);
  h.Observe(std::numeric_limits<double>::infinity());
  Histogram::Snapshot s = h.Read();
  EXPECT_EQ(s.cumulative, (std::vector<std::uint64_t>{1, 1, 2}));
}

TEST(Histogram, DropsNaN) {
  Histogram h = Make({1});
  h.Observe(std::numeric_limits<double>::quiet_NaN());
  h.Observe(0.5);
  Histogram::Snapshot s = h.Read();
  EXPECT_EQ(s.count, 1u);
  EXPECT_DOUBLE_EQ(s.sum, 0.5);
}

TEST(Histogram, WithoutBoundsHasOnlyTheInfBucket) {
  Histogram h = Make({});
  h.Observe(3);
  Histogram::Snapshot s = h.Read();
  EXPECT_EQ(s.cumulative, (std::vector<std::uint64_t>{1}));
}

TEST(Buckets, DefaultLayout) {
  EXPECT_EQ(DefaultBuckets(),
            (std::vector<double>{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}));
}

TEST(Buckets, ExponentialAndLinear) {
  auto exp = ExponentialBuckets(0.5, 2, 4);
  ASSERT_TRUE(exp.has_value()) << exp.error().message();
  EXPECT_EQ(*exp, (std::vector<double>{0.5, 1, 2, 4}));
  auto lin = LinearBuckets(1, 2, 3);
  ASSERT_TRUE(lin.has_value()) << lin.error().message();
  EXPECT_EQ(*lin, (std::vector<double>{1, 3, 5}));
  EXPECT_FALSE(ExponentialBuckets(0, 2, 3).has_value());
  EXPECT_FALSE(ExponentialBuckets(1, 1, 3).has_value());
  EXPECT_FALSE(LinearBuckets(0, 0, 3).has_value());
  EXPECT_FALSE(LinearBuckets(0, 1, 0).has_value());
}

TEST(Buckets, Validation) {
  auto trailing_inf =
      ValidateBuckets(std::vector<double>{1, 2, std::numeric_limits<double>::infinity()});
  ASSERT_TRUE(trailing_inf.has_value());
  EXPECT_EQ(*trailing_inf, (std::vector<double>{1, 2}));
  auto unsorted = ValidateBuckets(std::vector<double>{1, 3, 2});
  ASSERT_FALSE(unsorted.has_value());
  EXPECT_EQ(unsorted.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(unsorted.error().message().find("strictly increasing"), std::string::npos);
  EXPECT_FALSE(ValidateBuckets(std::vector<double>{1, 1}).has_value());
  EXPECT_FALSE(
      ValidateBuckets(std::vector<double>{std::numeric_limits<double>::quiet_NaN()}).has_value());
  EXPECT_FALSE(ValidateBuckets(std::vector<double>{-std::numeric_limits<double>::infinity(), 1})
                   .has_value());
}

}  // namespace
}  // namespace cellgate::metrics

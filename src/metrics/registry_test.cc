#include "metrics/registry.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace cellgate::metrics {
namespace {

TEST(Registry, ExposesCountersAndGaugesExactly) {
  Registry registry;
  auto syncs = registry.AddCounter({.name = "cellgate_app_sync_total",
                                    .help = "Syncs run, by app and phase.",
                                    .labels = {"name", "phase"}});
  ASSERT_TRUE(syncs.has_value()) << syncs.error().message();
  auto apps = registry.AddGauge({.name = "cellgate_cells", .help = "Cells known."});
  ASSERT_TRUE(apps.has_value()) << apps.error().message();

  (*syncs)->WithLabels({"web", "Succeeded"})->Inc();
  (*syncs)->WithLabels({"web", "Succeeded"})->Inc(2);
  (*syncs)->WithLabels({"api", "Failed"})->Inc();
  (*apps)->WithLabels({})->Set(3);

  EXPECT_EQ(registry.Expose(),
            "# HELP cellgate_app_sync_total Syncs run, by app and phase.\n"
            "# TYPE cellgate_app_sync_total counter\n"
            "cellgate_app_sync_total{name=\"api\",phase=\"Failed\"} 1\n"
            "cellgate_app_sync_total{name=\"web\",phase=\"Succeeded\"} 3\n"
            "# HELP cellgate_cells Cells known.\n"
            "# TYPE cellgate_cells gauge\n"
            "cellgate_cells 3\n");
}

TEST(Registry, UnlabelledFamilyIsExposedAsZeroFromTheStart) {
  Registry registry;
  ASSERT_TRUE(registry.AddCounter({.name = "cellgate_webhook_requests_total", .help = "Hooks."}));
  EXPECT_EQ(registry.Expose(),
            "# HELP cellgate_webhook_requests_total Hooks.\n"
            "# TYPE cellgate_webhook_requests_total counter\n"
            "cellgate_webhook_requests_total 0\n");
}

TEST(Registry, LabelledFamilyWithoutChildrenIsLeftOut) {
  Registry registry;
  ASSERT_TRUE(
      registry.AddGauge({.name = "cellgate_app_info", .help = "Apps.", .labels = {"name"}}));
  EXPECT_EQ(registry.Expose(), "");
}

TEST(Registry, ExposesHistogramBucketsCumulativeWithInfSumAndCount) {
  Registry registry;
  auto latency = registry.AddHistogram({.name = "cellgate_sync_duration_seconds",
                                        .help = "Sync duration.",
                                        .labels = {"cell"},
                                        .buckets = {0.5, 1, 5}});
  ASSERT_TRUE(latency.has_value()) << latency.error().message();
  auto child = (*latency)->WithLabels({"eu-1"});
  for (double v : {0.25, 0.5, 2.0, 7.0}) child->Observe(v);
  EXPECT_EQ(registry.Expose(),
            "# HELP cellgate_sync_duration_seconds Sync duration.\n"
            "# TYPE cellgate_sync_duration_seconds histogram\n"
            "cellgate_sync_duration_seconds_bucket{cell=\"eu-1\",le=\"0.5\"} 2\n"
            "cellgate_sync_duration_seconds_bucket{cell=\"eu-1\",le=\"1\"} 2\n"
            "cellgate_sync_duration_seconds_bucket{cell=\"eu-1\",le=\"5\"} 3\n"
            "cellgate_sync_duration_seconds_bucket{cell=\"eu-1\",le=\"+Inf\"} 4\n"
            "cellgate_sync_duration_seconds_sum{cell=\"eu-1\"} 9.75\n"
            "cellgate_sync_duration_seconds_count{cell=\"eu-1\"} 4\n");
}

TEST(Registry, EscapesLabelValuesAndHelp) {
  Registry registry;
  auto info = registry.AddGauge(
      {.name = "cellgate_app_info", .help = "App \"info\"\\\nsecond line", .labels = {"name"}});
  ASSERT_TRUE(info.has_value());
  (*info)->WithLabels({"a\"b\\c\nd"})->Set(1);
  EXPECT_EQ(registry.Expose(),
            "# HELP cellgate_app_info App \"info\"\\\\\\nsecond line\n"
            "# TYPE cellgate_app_info gauge\n"
            "cellgate_app_info{name=\"a\\\"b\\\\c\\nd\"} 1\n");
}

TEST(Registry, RemovedChildDisappearsAndHoldersStayValid) {
  Registry registry;
  auto info = registry.AddGauge(
      {.name = "cellgate_app_info", .help = "Apps.", .labels = {"name", "project", "dest_server"}});
  ASSERT_TRUE(info.has_value());
  auto web = (*info)->WithLabels({"web", "default", "https://eu-1"});
  web->Set(1);
  (*info)->WithLabels({"api", "default", "https://eu-1"})->Set(1);

  EXPECT_TRUE((*info)->Remove({"web", "default", "https://eu-1"}));
  EXPECT_FALSE((*info)->Remove({"web", "default", "https://eu-1"}));
  web->Set(5);  // a holder of the removed child may still write; nothing is exposed
  std::string page = registry.Expose();
  EXPECT_EQ(page.find("name=\"web\""), std::string::npos) << page;
  EXPECT_NE(page.find("name=\"api\""), std::string::npos) << page;

  // Asking again creates a fresh child.
  EXPECT_EQ((*info)->WithLabels({"web", "default", "https://eu-1"})->Value(), 0);
}

TEST(Registry, RemoveMatchingDropsEverySeriesOfAnApp) {
  Registry registry;
  auto info = registry.AddGauge(
      {.name = "cellgate_app_info", .help = "Apps.", .labels = {"name", "project"}});
  ASSERT_TRUE(info.has_value());
  (*info)->WithLabels({"web", "default"})->Set(1);
  (*info)->WithLabels({"web", "payments"})->Set(1);  // a project change left an old series
  (*info)->WithLabels({"api", "default"})->Set(1);
  EXPECT_EQ((*info)->RemoveMatching("name", "web"), 2u);
  EXPECT_EQ((*info)->size(), 1u);
  EXPECT_EQ(registry.Expose(),
            "# HELP cellgate_app_info Apps.\n"
            "# TYPE cellgate_app_info gauge\n"
            "cellgate_app_info{name=\"api\",project=\"default\"} 1\n");
  (*info)->Clear();
  EXPECT_EQ(registry.Expose(), "");
}

TEST(Registry, SameLabelValuesGiveTheSameChild) {
  Registry registry;
  auto c = registry.AddCounter({.name = "x_total", .help = "X.", .labels = {"a"}});
  ASSERT_TRUE(c.has_value());
  std::vector<std::string> values = {"v"};
  EXPECT_EQ((*c)->WithLabels({"v"}).get(), (*c)->WithLabelValues(values).get());
}

TEST(Registry, CountersIgnoreNegativeIncrements) {
  Registry registry;
  auto c = registry.AddCounter({.name = "x_total", .help = "X."});
  ASSERT_TRUE(c.has_value());
  auto child = (*c)->WithLabels({});
  child->Inc(2);
  child->Inc(-1);
  EXPECT_EQ(child->Value(), 2);
}

TEST(Registry, GaugesGoBothWays) {
  Registry registry;
  auto g = registry.AddGauge({.name = "depth", .help = "Depth."});
  ASSERT_TRUE(g.has_value());
  auto child = (*g)->WithLabels({});
  child->Inc();
  child->Inc();
  child->Dec();
  child->Add(10);
  child->Sub(0.5);
  EXPECT_EQ(child->Value(), 10.5);
  child->Set(-3);
  EXPECT_EQ(child->Value(), -3);
}

TEST(Registry, RejectsBadNamesAndLabels) {
  Registry registry;
  auto bad_name = registry.AddCounter({.name = "app-syncs", .help = "X."});
  ASSERT_FALSE(bad_name.has_value());
  EXPECT_EQ(bad_name.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(bad_name.error().message().find("app-syncs"), std::string::npos);

  EXPECT_FALSE(registry.AddGauge({.name = "g", .help = "G.", .labels = {"__x"}}).has_value());
  EXPECT_FALSE(registry.AddGauge({.name = "g", .help = "G.", .labels = {"a", "a"}}).has_value());
  EXPECT_FALSE(registry.AddGauge({.name = "g", .help = ""}).has_value());
  auto le = registry.AddHistogram({.name = "h", .help = "H.", .labels = {"le"}});
  ASSERT_FALSE(le.has_value());
  EXPECT_NE(le.error().message().find("reserved"), std::string::npos);
  auto buckets = registry.AddHistogram({.name = "h", .help = "H.", .buckets = {2, 1}});
  ASSERT_FALSE(buckets.has_value());
  EXPECT_NE(buckets.error().message().find("metric h: "), std::string::npos);
  // `le` is an ordinary label on other types.
  EXPECT_TRUE(registry.AddGauge({.name = "g", .help = "G.", .labels = {"le"}}).has_value());
  // Failed registrations reserved nothing.
  EXPECT_TRUE(registry.AddHistogram({.name = "h", .help = "H."}).has_value());
}

TEST(Registry, RejectsTakenNamesIncludingHistogramSeries) {
  Registry registry;
  ASSERT_TRUE(registry.AddHistogram({.name = "req_seconds", .help = "R."}));
  auto dup = registry.AddGauge({.name = "req_seconds", .help = "R."});
  ASSERT_FALSE(dup.has_value());
  EXPECT_EQ(dup.error().code(), ErrorCode::kAlreadyExists);
  auto series = registry.AddCounter({.name = "req_seconds_count", .help = "R."});
  ASSERT_FALSE(series.has_value());
  EXPECT_NE(series.error().message().find("by req_seconds"), std::string::npos);
  ASSERT_TRUE(registry.AddCounter({.name = "foo_sum", .help = "F."}));
  EXPECT_FALSE(registry.AddHistogram({.name = "foo", .help = "F."}).has_value());
  EXPECT_FALSE(
      registry.AddCollector({.name = "foo_sum", .help = "F."}, [](SampleSink&) {}).has_value());
}

TEST(Registry, RemoveFreesTheName) {
  Registry registry;
  ASSERT_TRUE(registry.AddHistogram({.name = "req_seconds", .help = "R."}));
  EXPECT_TRUE(registry.Remove("req_seconds"));
  EXPECT_FALSE(registry.Remove("req_seconds"));
  EXPECT_EQ(registry.Expose(), "");
  EXPECT_TRUE(registry.AddCounter({.name = "req_seconds_count", .help = "R."}).has_value());
}

TEST(Registry, CollectorsComputeSamplesAtScrapeTime) {
  Registry registry;
  int depth = 3;
  ASSERT_TRUE(registry.AddCollector(
      {.name = "cellgate_workqueue_depth", .help = "Queue depth.", .labels = {"queue"}},
      [&depth](SampleSink& sink) {
        sink.Add({"sync"}, depth);
        sink.Add({"apps"}, 1);
        sink.Add({"apps"}, 2);  // the last value for the same labels wins
      }));
  EXPECT_EQ(registry.Expose(),
            "# HELP cellgate_workqueue_depth Queue depth.\n"
            "# TYPE cellgate_workqueue_depth gauge\n"
            "cellgate_workqueue_depth{queue=\"apps\"} 2\n"
            "cellgate_workqueue_depth{queue=\"sync\"} 3\n");
  depth = 7;
  EXPECT_NE(registry.Expose().find("cellgate_workqueue_depth{queue=\"sync\"} 7\n"),
            std::string::npos);
}

TEST(Registry, CounterCollectorsAndEmptyCollectors) {
  Registry registry;
  ASSERT_TRUE(registry.AddCollector(
      {.name = "cellgate_kube_requests_total", .help = "Requests.", .type = MetricType::kCounter},
      [](SampleSink& sink) { sink.Add({}, 12); }));
  ASSERT_TRUE(
      registry.AddCollector({.name = "cellgate_idle", .help = "Nothing."}, [](SampleSink&) {}));
  EXPECT_EQ(registry.Expose(),
            "# HELP cellgate_kube_requests_total Requests.\n"
            "# TYPE cellgate_kube_requests_total counter\n"
            "cellgate_kube_requests_total 12\n");
  EXPECT_FALSE(registry
                   .AddCollector({.name = "h", .help = "H.", .type = MetricType::kHistogram},
                                 [](SampleSink&) {})
                   .has_value());
  EXPECT_FALSE(registry.AddCollector({.name = "n", .help = "N."}, nullptr).has_value());
}

TEST(Registry, FailingCollectorIsLeftOutAndOthersStillExposed) {
  Registry registry;
  ASSERT_TRUE(registry.AddCollector({.name = "a_broken", .help = "Broken."}, [](SampleSink& s) {
    s.Add({}, 1);
    throw std::runtime_error("cache not ready");
  }));
  ASSERT_TRUE(registry.AddGauge({.name = "b_fine", .help = "Fine."}));
  EXPECT_EQ(registry.Expose(),
            "# HELP b_fine Fine.\n"
            "# TYPE b_fine gauge\n"
            "b_fine 0\n");
}

TEST(Registry, CollectorMayUseTheRegistry) {
  Registry registry;
  ASSERT_TRUE(registry.AddCollector({.name = "reentrant", .help = "R."}, [&](SampleSink& s) {
    s.Add({}, registry.Remove("does_not_exist") ? 1 : 0);
  }));
  EXPECT_NE(registry.Expose().find("reentrant 0\n"), std::string::npos);
}

using RegistryDeathTest = ::testing::Test;

TEST(RegistryDeathTest, WrongNumberOfLabelValuesIsABug) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  Registry registry;
  auto c = registry.AddCounter({.name = "x_total", .help = "X.", .labels = {"a", "b"}});
  ASSERT_TRUE(c.has_value());
  EXPECT_DEATH((*c)->WithLabels({"only-one"}), "x_total: 1 label values given for 2");
  EXPECT_DEATH((*c)->RemoveMatching("nope", "v"), "x_total: no label named nope");
  ASSERT_TRUE(registry.AddCollector({.name = "c", .help = "C.", .labels = {"q"}},
                                    [](SampleSink& s) { s.Add({}, 1); }));
  EXPECT_DEATH(registry.Expose(), "c: 0 label values given for 1");
}

}  // namespace
}  // namespace cellgate::metrics

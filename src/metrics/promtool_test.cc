// The exposition checked by Prometheus' own parser and linter (`promtool check metrics`,
// Debian package `prometheus`, installed by scripts/setup). Missing promtool is a failure,
// not a skip: the check is the point of this test.
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

#include "metrics/registry.h"

namespace cellgate::metrics {
namespace {

std::string FindPromtool() {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    std::size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::filesystem::path candidate =
        std::filesystem::path(dirs.substr(start, end - start)) / "promtool";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    start = end + 1;
  }
  return "";
}

struct PromtoolRun {
  int exit_code = -1;
  std::string output;
};

// Feeds `exposition` to `promtool check metrics` on stdin.
PromtoolRun CheckMetrics(const std::string& promtool, const std::string& exposition) {
  std::filesystem::path file = std::filesystem::temp_directory_path() /
                               ("cellgate-promtool-" + std::to_string(::getpid()) + ".prom");
  {
    std::ofstream out(file, std::ios::binary);
    out << exposition;
  }
  PromtoolRun run;
  std::string command = "'" + promtool + "' check metrics < '" + file.string() + "' 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) run.output.append(buf.data(), n);
  int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::filesystem::remove(file);
  return run;
}

class Promtool : public ::testing::Test {
 protected:
  void SetUp() override {
    promtool_ = FindPromtool();
    ASSERT_FALSE(promtool_.empty())
        << "promtool not found on PATH: install Debian's prometheus package (scripts/setup)";
  }
  std::string promtool_;
};

TEST_F(Promtool, AcceptsEveryKindOfFamilyWeExpose) {
  Registry registry;
  auto syncs = registry.AddCounter({.name = "cellgate_app_sync_total",
                                    .help = "Syncs run, by \"app\" and phase.\nSecond line \\.",
                                    .labels = {"name", "namespace", "phase"}});
  auto info = registry.AddGauge({.name = "cellgate_app_info",
                                 .help = "One series per app.",
                                 .labels = {"name", "repo", "dest_server", "sync_status"}});
  auto duration = registry.AddHistogram({.name = "cellgate_app_reconcile_seconds",
                                         .help = "Reconcile duration.",
                                         .labels = {"cell"},
                                         .buckets = {0.01, 0.1, 1, 10}});
  auto plain = registry.AddHistogram(
      {.name = "cellgate_webhook_payload_bytes", .help = "Payload sizes.", .buckets = {}});
  ASSERT_TRUE(syncs && info && duration && plain);
  ASSERT_TRUE(registry.AddCollector({.name = "cellgate_app_out_of_sync_seconds",
                                     .help = "How long each app has been OutOfSync.",
                                     .labels = {"name"}},
                                    [](SampleSink& sink) {
                                      sink.Add({"web"}, 12.5);
                                      sink.Add({"api"}, std::numeric_limits<double>::quiet_NaN());
                                    }));
  ASSERT_TRUE(registry.AddCollector({.name = "cellgate_kube_requests_total",
                                     .help = "API requests.",
                                     .labels = {"cell", "code"},
                                     .type = MetricType::kCounter},
                                    [](SampleSink& sink) {
                                      sink.Add({"eu-1", "200"}, 1e21);
                                      sink.Add({"eu-1", "500"}, 0);
                                    }));

  (*syncs)->WithLabels({"web", "argocd", "Succeeded"})->Inc();
  // Hostile label values: quotes, backslashes, new lines, invalid UTF-8, emoji, empty.
  (*syncs)->WithLabels({"we\"ird\\na\nme", "ns", "Failed"})->Inc(3);
  (*syncs)->WithLabels({"bad\xff\xfe utf8", "", "Running"})->Inc();
  (*info)
      ->WithLabels({"web", "https://github.com/org/repo.git", "https://kubernetes.default.svc",
                    "Synced \xF0\x9F\x9A\x80"})
      ->Set(1);
  for (double v : {0.005, 0.05, 0.5, 5.0, 50.0}) (*duration)->WithLabels({"eu-1"})->Observe(v);
  (*duration)->WithLabels({"us-2"});  // a child with no observations yet
  (*plain)->WithLabels({})->Observe(1024);

  std::string page = registry.Expose();
  PromtoolRun run = CheckMetrics(promtool_, page);
  EXPECT_EQ(run.exit_code, 0) << run.output << "\n--- exposition ---\n" << page;
  EXPECT_EQ(run.output, "");
}

TEST_F(Promtool, TheCheckRejectsBrokenExpositions) {
  // Proves the harness can fail: an unescaped quote and a repeated TYPE line.
  PromtoolRun unescaped =
      CheckMetrics(promtool_, "# HELP x_total X.\n# TYPE x_total counter\nx_total{a=\"q\"q\"} 1\n");
  EXPECT_NE(unescaped.exit_code, 0) << unescaped.output;
  PromtoolRun twice = CheckMetrics(
      promtool_, "# TYPE x_total counter\nx_total 1\n# TYPE x_total counter\nx_total 2\n");
  EXPECT_NE(twice.exit_code, 0) << twice.output;
  PromtoolRun invalid_utf8 =
      CheckMetrics(promtool_, "# HELP x_total X.\n# TYPE x_total counter\nx_total{a=\"\xff\"} 1\n");
  EXPECT_NE(invalid_utf8.exit_code, 0) << invalid_utf8.output;
}

}  // namespace
}  // namespace cellgate::metrics

// Drift: a kubectl edit of an object a selfHeal app synced is healed, DriftDetected and
// DriftHealed Events are recorded on the Application, and /metrics carries the app's
// cellgate_app_info and cellgate_drift_heals_total series.
#include <set>

#include "controller_e2e_util.h"
#include "http/test_client.h"

namespace cellgate::controller::e2e {
namespace {

std::string Scrape(std::uint16_t port) {
  http::testing::TestClient client(port);
  client.Send(http::testing::MakeRequest("GET", "/metrics"));
  return client.Read().body;
}

std::set<std::string> EventReasons(kube::ClusterClient& hub, const std::string& ns,
                                   const std::string& app) {
  std::set<std::string> out;
  auto events = hub.reader().List({"", "v1", "Event"}, ns, {});
  if (!events) return out;
  for (const auto& e : events->items) {
    if (StringAt(e.body(), {"involvedObject", "name"}) == app) {
      out.insert(StringAt(e.body(), {"reason"}));
    }
  }
  return out;
}

class ControllerDriftTest : public ControllerE2E {};

TEST_F(ControllerDriftTest, EditedObjectIsHealedWithEventsAndMetrics) {
  const std::string target_ns = ns();
  CreateCellNamespace("cell-2", target_ns);
  git::testing::Origin& repo = Repo("drift");
  repo.Write("app/web.yaml", WebConfigMap("blue"));
  repo.CommitAndPublish("blue");
  Register("cell-2", "cell-a");
  CreateApp("web", "drift", "cell-a", target_ns, "{prune: true, selfHeal: true}");
  StartController();
  ASSERT_TRUE(
      Eventually([&] { return SyncedAndHealthy(hub(), ns(), "web"); }, std::chrono::seconds(90)))
      << Describe(hub(), ns(), "web");

  std::string out = RunKubectl(
      "cell-2", "-n " + target_ns + " patch configmap web -p '{\"data\":{\"color\":\"red\"}}'");
  ASSERT_NE(out.find("patched"), std::string::npos) << out;
  auto color = [&] {
    auto cm = Get(cell("cell-2"), target_ns, "web", {"", "v1", "ConfigMap"});
    return cm ? StringAt(cm->body(), {"data", "color"}) : std::string("<none>");
  };
  EXPECT_TRUE(Eventually([&] { return color() == "blue"; }, std::chrono::seconds(60)))
      << "drift was not healed";
  EXPECT_TRUE(Eventually(
      [&] {
        auto reasons = EventReasons(hub(), ns(), "web");
        return reasons.contains("DriftDetected") && reasons.contains("DriftHealed");
      },
      std::chrono::seconds(30)));
  EXPECT_TRUE(
      Eventually([&] { return SyncedAndHealthy(hub(), ns(), "web"); }, std::chrono::seconds(60)));

  std::string metrics = Scrape(controller_->port());
  EXPECT_NE(metrics.find("cellgate_app_info{name=\"web\",namespace=\"" + ns() +
                         "\",project=\"default\",cell=\"cell-a\""),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("sync_status=\"Synced\",health_status=\"Healthy\""), std::string::npos);
  EXPECT_NE(metrics.find("cellgate_drift_heals_total{name=\"web\""), std::string::npos);
  EXPECT_NE(metrics.find("cellgate_cell_connection_status{cell=\"cell-a\""), std::string::npos);
}

}  // namespace
}  // namespace cellgate::controller::e2e

namespace cellgate::controller::e2e {
namespace {

// A new commit synced to a selfHeal app is not undone by the healer that guarded the previous
// revision: nobody edits the objects, so no drift may be detected or healed, and every object
// ends at the new revision.
TEST_F(ControllerDriftTest, NewCommitIsNotTakenForDrift) {
  const std::string target_ns = ns();
  CreateCellNamespace("cell-2", target_ns);
  git::testing::Origin& repo = Repo("commits");
  constexpr int kObjects = 12;
  auto write = [&](const std::string& color) {
    for (int i = 0; i < kObjects; ++i) {
      repo.Write("app/cm" + std::to_string(i) + ".yaml",
                 "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm" + std::to_string(i) +
                     "\ndata:\n  color: " + color + "\n");
    }
  };
  write("blue");
  repo.CommitAndPublish("blue");
  Register("cell-2", "cell-a");
  CreateApp("web", "commits", "cell-a", target_ns, "{prune: true, selfHeal: true}");
  ControllerOptions options = Options();
  options.repo_poll_interval = std::chrono::seconds(2);
  StartController(options);
  ASSERT_TRUE(
      Eventually([&] { return SyncedAndHealthy(hub(), ns(), "web"); }, std::chrono::seconds(90)))
      << Describe(hub(), ns(), "web");
  // Let the healer for the first revision start.
  std::this_thread::sleep_for(std::chrono::seconds(2));

  write("red");
  const std::string second = repo.CommitAndPublish("red");
  auto all_red = [&] {
    auto list = cell("cell-2").reader().List({"", "v1", "ConfigMap"}, target_ns, {});
    if (!list) return false;
    int red = 0;
    for (const auto& cm : list->items) red += StringAt(cm.body(), {"data", "color"}) == "red";
    return red == kObjects;
  };
  ASSERT_TRUE(Eventually(
      [&] {
        auto a = Get(hub(), ns(), "web");
        return a && StringAt(a->body(), {"status", "sync", "revision"}) == second &&
               SyncStatus(*a) == "Synced" && all_red();
      },
      std::chrono::seconds(90)))
      << Describe(hub(), ns(), "web");
  std::this_thread::sleep_for(std::chrono::seconds(3));
  EXPECT_TRUE(all_red());
  auto reasons = EventReasons(hub(), ns(), "web");
  EXPECT_FALSE(reasons.contains("DriftDetected")) << "the new revision was taken for drift";
  EXPECT_FALSE(reasons.contains("DriftHealed")) << "the new revision was taken for drift";
}

}  // namespace
}  // namespace cellgate::controller::e2e

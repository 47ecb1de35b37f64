// Isolation: one black-holed cell (a listener that accepts and never answers) never holds up
// the others. Its app reports the cell as unreachable (sync and health Unknown, a
// ComparisonError naming the cell) while an app of a healthy cell syncs a new commit; when the
// cell's Secret points at a cell that answers again, its app syncs too.
#include "black_hole.h"
#include "controller_e2e_util.h"

namespace cellgate::controller::e2e {
namespace {

class ControllerIsolationTest : public ControllerE2E {
 protected:
  // A cluster Secret for cell `name` at `server`, credentials from `context` (none: insecure).
  void PutCell(const std::string& name, const std::string& server, const std::string& context) {
    Json config = {{"tlsClientConfig", {{"insecure", true}}}};
    if (!context.empty()) {
      auto cfg = CellConfig(context);
      ASSERT_TRUE(cfg) << cfg.error().message();
      auto secret = argo::MakeClusterSecret(*cfg, name, {}, ns());
      ASSERT_TRUE(secret) << secret.error().message();
      Object s = *secret;
      s.mutable_body()["metadata"]["name"] = "cell-" + name;
      auto written = cells::WriteClusterSecret(hub().applier(), s);
      ASSERT_TRUE(written) << written.error().message();
      return;
    }
    Object s(Json{{"apiVersion", "v1"},
                  {"kind", "Secret"},
                  {"metadata",
                   {{"name", "cell-" + name},
                    {"namespace", ns()},
                    {"labels", {{"argocd.argoproj.io/secret-type", "cluster"}}}}},
                  {"stringData", {{"name", name}, {"server", server}, {"config", config.dump()}}}});
    auto written = cells::WriteClusterSecret(hub().applier(), s);
    ASSERT_TRUE(written) << written.error().message();
  }

  std::string Color(const std::string& context, const std::string& target_ns) {
    auto cm = Get(cell(context), target_ns, "web", {"", "v1", "ConfigMap"});
    return cm ? StringAt(cm->body(), {"data", "color"}) : std::string("<none>");
  }

  bool Unreachable(const std::string& app_name, const std::string& cell_name) {
    auto app = Get(hub(), ns(), app_name);
    if (!app || SyncStatus(*app) != "Unknown") return false;
    for (const auto& c : app->body()["status"].value("conditions", Json::array())) {
      if (c.value("type", "") == "ComparisonError" &&
          c.value("message", "").find(cell_name) != std::string::npos)
        return true;
    }
    return false;
  }
};

TEST_F(ControllerIsolationTest, BlackHoledCellDelaysNoOtherAndItsAppRecovers) {
  cellgate::e2e::BlackHole hole;
  ASSERT_NE(hole.port(), 0) << "could not listen on 127.0.0.1";
  const std::string target_ns = ns();
  CreateCellNamespace("cell-2", target_ns);
  CreateCellNamespace("cell-3", target_ns);
  git::testing::Origin& repo = Repo("web");
  repo.Write("app/web.yaml", WebConfigMap("blue"));
  repo.CommitAndPublish("blue");
  PutCell("cell-a", "", "cell-2");
  PutCell("cell-hole", "https://127.0.0.1:" + std::to_string(hole.port()), "");
  CreateApp("web-a", "web", "cell-a", target_ns, "{prune: true}");
  CreateApp("web-hole", "web", "cell-hole", target_ns, "{prune: true}");

  ControllerOptions options = Options();
  options.repo_poll_interval = std::chrono::seconds(2);
  StartController(options);
  ASSERT_TRUE(
      Eventually([&] { return SyncedAndHealthy(hub(), ns(), "web-a"); }, std::chrono::seconds(90)))
      << Describe(hub(), ns(), "web-a");
  ASSERT_TRUE(
      Eventually([&] { return Unreachable("web-hole", "cell-hole"); }, std::chrono::seconds(90)))
      << Describe(hub(), ns(), "web-hole");

  // A new commit reaches the healthy cell while the black hole still holds connections.
  repo.Write("app/web.yaml", WebConfigMap("red"));
  const std::string second = repo.CommitAndPublish("red");
  EXPECT_TRUE(
      Eventually([&] { return Color("cell-2", target_ns) == "red"; }, std::chrono::seconds(60)))
      << Describe(hub(), ns(), "web-a");
  EXPECT_TRUE(Eventually(
      [&] {
        auto a = Get(hub(), ns(), "web-a");
        return a && StringAt(a->body(), {"status", "sync", "revision"}) == second;
      },
      std::chrono::seconds(30)))
      << Describe(hub(), ns(), "web-a");
  EXPECT_TRUE(Unreachable("web-hole", "cell-hole")) << Describe(hub(), ns(), "web-hole");
  EXPECT_EQ(Color("cell-3", target_ns), "<none>");

  // The cell answers again (its Secret now points at a live API server): its app syncs.
  PutCell("cell-hole", "", "cell-3");
  EXPECT_TRUE(Eventually([&] { return SyncedAndHealthy(hub(), ns(), "web-hole"); },
                         std::chrono::seconds(120)))
      << Describe(hub(), ns(), "web-hole");
  EXPECT_EQ(Color("cell-3", target_ns), "red");
}

}  // namespace
}  // namespace cellgate::controller::e2e

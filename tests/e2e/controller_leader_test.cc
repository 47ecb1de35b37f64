// Leader election with two real `cellgate controller` processes on one hub: one holds the
// Lease and reconciles, the other stands by; when the leader is killed with SIGKILL (no
// release), the standby takes the Lease once it expires and reconciles a new commit.
// Lease 10 s / renew 7 s / retry 2 s, so the hand-over takes at most about 12 s.
#include <signal.h>
#include <sys/wait.h>

#include "controller_e2e_util.h"

namespace cellgate::controller::e2e {
namespace {

const kube::GroupVersionKind kLease{"coordination.k8s.io", "v1", "Lease"};

class ControllerLeaderTest : public ControllerE2E {
 protected:
  // Starts `cellgate controller` as `identity`, its output in the work directory.
  std::unique_ptr<git::testing::ChildProcess> Spawn(const std::string& identity) {
    const std::string log = (work_.path() / (identity + ".log")).string();
    const std::string command =
        "exec " + std::string(CELLGATE_BINARY_DIR) + "/cellgate controller --kubeconfig " +
        KubeconfigPath() + " --context cell-1 --namespace " + ns() + " --app-namespace " + ns() +
        " --bind-address 127.0.0.1 --metrics-port " + std::to_string(git::testing::FreePort()) +
        " --leader-elect --leader-elect-lease-duration 10s --leader-elect-renew-deadline 7s"
        " --leader-elect-retry-period 2s --repo-poll-interval 2s --progress-interval 1s"
        " --identity " +
        identity + " --cache-dir " + (work_.path() / identity).string() + " >" + log + " 2>&1";
    return std::make_unique<git::testing::ChildProcess>(
        std::vector<std::string>{"sh", "-c", command}, false);
  }

  std::string Holder() {
    auto lease = Get(hub(), ns(), "cellgate-controller", kLease);
    return lease ? StringAt(lease->body(), {"spec", "holderIdentity"}) : std::string();
  }

  std::string Color(const std::string& target_ns) {
    auto cm = Get(cell("cell-2"), target_ns, "web", {"", "v1", "ConfigMap"});
    return cm ? StringAt(cm->body(), {"data", "color"}) : std::string("<none>");
  }

  std::string Logs() {
    std::string out;
    for (const char* id : {"replica-a", "replica-b"}) {
      std::ifstream in(work_.path() / (std::string(id) + ".log"));
      std::stringstream s;
      s << in.rdbuf();
      std::string text = s.str();
      if (text.size() > 4000) text = text.substr(text.size() - 4000);
      out += std::string("--- ") + id + "\n" + text + "\n";
    }
    return out;
  }
};

TEST_F(ControllerLeaderTest, StandbyTakesOverWhenTheLeaderIsKilled) {
  const std::string target_ns = ns();
  CreateCellNamespace("cell-2", target_ns);
  git::testing::Origin& repo = Repo("web");
  repo.Write("app/web.yaml", WebConfigMap("blue"));
  repo.CommitAndPublish("blue");
  Register("cell-2", "cell-a");
  CreateApp("web", "web", "cell-a", target_ns, "{prune: true}");

  auto a = Spawn("replica-a");
  ASSERT_TRUE(a->running());
  ASSERT_TRUE(Eventually([&] { return Holder() == "replica-a"; }, std::chrono::seconds(60)))
      << Logs();
  ASSERT_TRUE(Eventually([&] { return Color(target_ns) == "blue"; }, std::chrono::seconds(90)))
      << Describe(hub(), ns(), "web") << Logs();
  auto b = Spawn("replica-b");
  ASSERT_TRUE(b->running());
  // b stands by: a renews every 2 s and keeps the Lease.
  std::this_thread::sleep_for(std::chrono::seconds(12));
  EXPECT_EQ(Holder(), "replica-a") << Logs();

  ASSERT_EQ(::kill(a->pid(), SIGKILL), 0);
  ::waitpid(a->pid(), nullptr, 0);
  a->Forget();
  repo.Write("app/web.yaml", WebConfigMap("red"));
  repo.CommitAndPublish("red");
  EXPECT_TRUE(Eventually([&] { return Holder() == "replica-b"; }, std::chrono::seconds(60)))
      << Logs();
  EXPECT_TRUE(Eventually([&] { return Color(target_ns) == "red"; }, std::chrono::seconds(90)))
      << Describe(hub(), ns(), "web") << Logs();
}

}  // namespace
}  // namespace cellgate::controller::e2e

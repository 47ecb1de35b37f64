// Local cells are real, isolated clusters: these tests drive them with kubectl (the kube
// client has its own e2e tests). They need `scripts/local-cells up 3` to have run with
// CELLGATE_HOME, or CELLGATE_KUBECONFIG pointing at its kubeconfig; they fail, never skip,
// when no cell answers.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

namespace {

struct CommandResult {
  int status;
  std::string output;
};

CommandResult Sh(const std::string& command) {
  std::string full = command + " 2>&1";
  FILE* pipe = popen(full.c_str(), "r");
  if (!pipe) return {-1, "popen failed"};
  std::string out;
  std::array<char, 4096> buf;
  while (std::size_t n = fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), n);
  int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::string Kubeconfig() {
  if (const char* k = std::getenv("CELLGATE_KUBECONFIG")) return k;
  if (const char* h = std::getenv("CELLGATE_HOME")) return std::string(h) + "/kubeconfig";
  return std::string(CELLGATE_SOURCE_DIR) + "/.cellgate/kubeconfig";
}

std::string Kubectl(const std::string& context, const std::string& kubeconfig = Kubeconfig()) {
  return "kubectl --kubeconfig '" + kubeconfig + "' --context '" + context + "' ";
}

std::string UniqueName(const std::string& prefix) {
  return prefix + "-" + std::to_string(getpid()) + "-" +
         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 100000);
}

class CellsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = Sh(Kubectl("cell-1") + "get --raw /readyz");
    ASSERT_EQ(r.status, 0) << "cell-1 is not reachable with " << Kubeconfig() << ": " << r.output;
  }
};

TEST_F(CellsTest, ObjectCreatedInOneCellIsAbsentFromAnother) {
  std::string name = UniqueName("isolation");
  auto created = Sh(Kubectl("cell-1") + "create configmap " + name + " --from-literal=k=v");
  ASSERT_EQ(created.status, 0) << created.output;
  auto in_cell1 = Sh(Kubectl("cell-1") + "get configmap " + name + " -o name");
  EXPECT_EQ(in_cell1.status, 0) << in_cell1.output;
  auto in_cell2 = Sh(Kubectl("cell-2") + "get configmap " + name + " -o name");
  EXPECT_NE(in_cell2.status, 0) << "object leaked into cell-2: " << in_cell2.output;
  EXPECT_NE(in_cell2.output.find("NotFound"), std::string::npos) << in_cell2.output;
  Sh(Kubectl("cell-1") + "delete configmap " + name);
}

TEST_F(CellsTest, EachCellHasReadyFakeNodesWithoutTaints) {
  for (const char* cell : {"cell-1", "cell-2", "cell-3"}) {
    auto ready =
        Sh(Kubectl(cell) +
           "get nodes -o jsonpath='{range .items[*]}{.status.conditions[?(@.type==\"Ready\")]"
           ".status}{\" \"}{.spec.taints}{\"\\n\"}{end}'");
    ASSERT_EQ(ready.status, 0) << ready.output;
    int nodes = 0;
    std::size_t pos = 0;
    while ((pos = ready.output.find("True", pos)) != std::string::npos) {
      ++nodes;
      ++pos;
    }
    EXPECT_GE(nodes, 2) << cell << ": " << ready.output;
    EXPECT_EQ(ready.output.find("NoSchedule"), std::string::npos) << ready.output;
  }
}

TEST_F(CellsTest, StockDeploymentBecomesAvailableAndJobCompletes) {
  std::string ns = UniqueName("workloads");
  ASSERT_EQ(Sh(Kubectl("cell-1") + "create namespace " + ns).status, 0);
  auto dep =
      Sh(Kubectl("cell-1") + "-n " + ns + " create deployment nginx --image=nginx --replicas=2");
  ASSERT_EQ(dep.status, 0) << dep.output;
  auto avail = Sh(Kubectl("cell-1") + "-n " + ns +
                  " wait deployment/nginx --for=condition=Available --timeout=90s");
  EXPECT_EQ(avail.status, 0) << avail.output;
  auto pods = Sh(Kubectl("cell-1") + "-n " + ns +
                 " get pods -l app=nginx -o jsonpath='{range .items[*]}{.status.phase} "
                 "{.spec.nodeName}{\"\\n\"}{end}'");
  EXPECT_EQ(pods.status, 0) << pods.output;
  EXPECT_NE(pods.output.find("Running"), std::string::npos) << pods.output;
  EXPECT_EQ(pods.output.find("Pending"), std::string::npos) << pods.output;

  auto job = Sh(Kubectl("cell-1") + "-n " + ns + " create job once --image=busybox -- true");
  ASSERT_EQ(job.status, 0) << job.output;
  auto complete =
      Sh(Kubectl("cell-1") + "-n " + ns + " wait job/once --for=condition=Complete --timeout=90s");
  EXPECT_EQ(complete.status, 0) << complete.output;
  Sh(Kubectl("cell-1") + "delete namespace " + ns + " --wait=false");
}

// Starts two cells of its own so stopping one does not disturb the shared ones.
TEST(CellsLifecycle, StoppingOneCellLeavesTheOtherServing) {
  std::filesystem::path home =
      std::filesystem::temp_directory_path() / UniqueName("cellgate-lifecycle");
  std::string env = "CELLGATE_HOME='" + home.string() + "' ";
  std::string script = std::string(CELLGATE_SOURCE_DIR) + "/scripts/local-cells";
  auto up = Sh(env + script + " up iso-a iso-b");
  ASSERT_EQ(up.status, 0) << up.output;
  std::string kubeconfig = (home / "kubeconfig").string();

  auto down_b = Sh(env + script + " down iso-b");
  EXPECT_EQ(down_b.status, 0) << down_b.output;
  auto a = Sh(Kubectl("iso-a", kubeconfig) + "get --raw /readyz");
  EXPECT_EQ(a.status, 0) << "iso-a stopped serving: " << a.output;
  auto cm = Sh(Kubectl("iso-a", kubeconfig) + "create configmap still-here");
  EXPECT_EQ(cm.status, 0) << cm.output;
  auto b = Sh(Kubectl("iso-b", kubeconfig) + "get --raw /readyz --request-timeout=3s");
  EXPECT_NE(b.status, 0) << "iso-b still answers after down: " << b.output;

  auto down_all = Sh(env + script + " down");
  EXPECT_EQ(down_all.status, 0) << down_all.output;
  auto again = Sh(env + script + " down");
  EXPECT_EQ(again.status, 0) << "down with nothing running must be a no-op: " << again.output;
  std::filesystem::remove_all(home);
}

}  // namespace

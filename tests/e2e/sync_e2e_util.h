// Shared set-up for the sync engine's end-to-end tests against real local cells
// (scripts/local-cells): a ClusterClient and the sync engine's view of cell-1, a namespace of
// its own per test (deleted afterwards), the CLI run in-process, kubectl for setting up,
// perturbing and checking, and real git repositories (git::testing::Origin).
//
// The kubeconfig is $CELLGATE_KUBECONFIG, else $CELLGATE_HOME/kubeconfig, else
// <source>/.cellgate/kubeconfig. Tests fail, never skip, when no cell answers.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli/app.h"
#include "core/clock.h"
#include "core/yaml.h"
#include "engine/app_sync.h"
#include "engine/cell.h"
#include "git/test_repos.h"
#include "kube/cluster_client.h"
#include "kube/kubeconfig.h"

namespace cellgate::engine::e2e {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

inline std::string KubeconfigPath() {
  if (const char* k = std::getenv("CELLGATE_KUBECONFIG"); k && *k) return k;
  if (const char* h = std::getenv("CELLGATE_HOME"); h && *h) return std::string(h) + "/kubeconfig";
  return std::string(CELLGATE_SOURCE_DIR) + "/.cellgate/kubeconfig";
}

inline std::string UniqueSuffix() {
  return std::to_string(getpid() % 100000) + "-" +
         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 100000);
}

struct CommandResult {
  int status = -1;
  std::string output;  // stdout and stderr
};

inline CommandResult Shell(const std::string& command) {
  std::string full = command + " 2>&1";
  FILE* pipe = popen(full.c_str(), "r");
  if (pipe == nullptr) return {-1, "popen failed"};
  std::string out;
  std::array<char, 4096> buf;
  while (std::size_t n = fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), n);
  int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

// kubectl from the Kubernetes tools cache (scripts/kube-tools), else from PATH.
inline std::string Kubectl(const std::string& context = "cell-1") {
  std::string bin = "kubectl";
  if (const char* h = std::getenv("HOME"); h && *h) {
    fs::path cached = fs::path(h) / ".cache/cellgate/bin/kubectl";
    if (fs::exists(cached)) bin = cached.string();
  }
  return bin + " --kubeconfig '" + KubeconfigPath() + "' --context '" + context + "' ";
}

// kubectl <args>; fails the test when it exits non-zero. Returns its output, trimmed.
inline std::string MustKubectl(const std::string& args, const std::string& context = "cell-1") {
  CommandResult r = Shell(Kubectl(context) + args);
  EXPECT_EQ(r.status, 0) << "kubectl " << args << "\n" << r.output;
  while (!r.output.empty() && (r.output.back() == '\n' || r.output.back() == ' ')) {
    r.output.pop_back();
  }
  return r.output;
}

struct CliResult {
  int code = -1;
  std::string out;
  std::string err;
};

// `cellgate <args>` in-process.
inline CliResult Cli(std::vector<std::string> args) {
  args.insert(args.begin(), "cellgate");
  std::ostringstream out, err;
  int code = cli::Run(args, out, err);
  return {code, out.str(), err.str()};
}

// Polls `done` every 100 ms until it holds or `timeout` passes.
inline bool Eventually(const std::function<bool()>& done,
                       std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

inline std::vector<Object> ParseObjects(const std::string& yaml) {
  std::vector<Object> out;
  auto docs = ParseYamlDocuments(yaml, "test.yaml");
  EXPECT_TRUE(docs) << (docs ? "" : docs.error().message());
  if (!docs) return out;
  for (auto& d : *docs) {
    if (d.value.is_null()) continue;
    auto o = Object::FromJson(d.value);
    EXPECT_TRUE(o) << (o ? "" : o.error().message());
    if (o) out.push_back(std::move(*o));
  }
  return out;
}

inline void WriteFile(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

// One Application manifest for a directory of a git repository, synced into `ns`.
inline std::string ApplicationYaml(const std::string& name, const std::string& repo_url,
                                   const std::string& path, const std::string& ns,
                                   const std::string& extra_spec = "") {
  return "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: " + name +
         "\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: '" + repo_url +
         "'\n    path: " + path +
         "\n    targetRevision: HEAD\n  destination:\n    server: https://kubernetes.default.svc\n"
         "    namespace: " +
         ns + "\n" + extra_spec;
}

// A cell, as the sync engine uses it.
class Cell {
 public:
  static std::unique_ptr<Cell> Open(const std::string& context, std::string* error) {
    auto config = kube::LoadKubeconfig({.paths = {KubeconfigPath()}, .context = context});
    if (!config) {
      *error = config.error().message();
      return nullptr;
    }
    auto client = kube::ClusterClient::Create(*config);
    if (!client) {
      *error = client.error().message();
      return nullptr;
    }
    if (auto v = (*client)->ServerVersion(); !v) {
      *error = context + " is not reachable: " + v.error().message();
      return nullptr;
    }
    return std::unique_ptr<Cell>(new Cell(context, std::move(*client)));
  }

  CellAccess Access() {
    return CellAccess{name_, client_->reader(), client_->applier(), kinds_, clock_};
  }
  kube::ClusterClient& client() { return *client_; }
  const std::string& name() const { return name_; }

 private:
  Cell(std::string name, std::unique_ptr<kube::ClusterClient> client)
      : name_(std::move(name)), client_(std::move(client)), kinds_(*client_) {}

  std::string name_;
  std::unique_ptr<kube::ClusterClient> client_;
  ClusterKindCatalog kinds_;
  SystemClock clock_;
};

// A test with cell-1 and a namespace of its own (created in SetUp, deleted in TearDown).
class SyncE2ETest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    cell_ = Cell::Open("cell-1", &error);
    ASSERT_NE(cell_, nullptr) << "no cell: " << error << " (kubeconfig " << KubeconfigPath()
                              << "; run scripts/local-cells up)";
    ns_ = "sync-e2e-" + UniqueSuffix();
    MustKubectl("create namespace " + ns_);
  }

  void TearDown() override {
    if (!ns_.empty() && cell_ != nullptr) {
      (void)Shell(Kubectl() + "delete namespace " + ns_ + " --wait=false");
    }
  }

  // The sync engine's view of cell-1.
  CellAccess Access() { return cell_->Access(); }

  std::vector<std::string> CellArgs() {
    return {"--context",      "cell-1",     "--kubeconfig",
            KubeconfigPath(), "--work-dir", (tmp_.path() / "work").string()};
  }

  // Writes `yaml` to a file in the test's temporary directory; returns its path.
  std::string AppFile(const std::string& yaml, const std::string& name = "app.yaml") {
    fs::path p = tmp_.path() / name;
    WriteFile(p, yaml);
    return p.string();
  }

  std::unique_ptr<Cell> cell_;
  std::string ns_;
  git::testing::TempDir tmp_;
};

}  // namespace cellgate::engine::e2e

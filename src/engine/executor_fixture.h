// The ExecutorTest fixture: a FakeCell whose Deployments become available and whose Jobs
// complete (or fail, when their name says "fail"), a fake sleeper, and manifest builders.
// Shared by executor_test.cc and executor_rules_test.cc.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "engine/app_sync.h"
#include "engine/executor.h"
#include "engine/testing/fake_cell.h"
#include "sync/tracking.h"

namespace cellgate::engine::executor_testing {

using testing::FakeCell;
using testing::Objects;

inline constexpr char kNamespace[] = R"(
apiVersion: v1
kind: Namespace
metadata: {name: shop}
)";

inline std::string ConfigMap(const std::string& name, const std::string& value, int wave = 0) {
  return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name +
         "\n  annotations: {argocd.argoproj.io/sync-wave: \"" + std::to_string(wave) +
         "\"}\ndata: {key: " + value + "}\n";
}

inline std::string Deployment(const std::string& name, int replicas, int wave = 0) {
  return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name +
         "\n  annotations: {argocd.argoproj.io/sync-wave: \"" + std::to_string(wave) +
         "\"}\nspec:\n  replicas: " + std::to_string(replicas) +
         "\n  selector: {matchLabels: {app: " + name +
         "}}\n  template:\n    metadata: {labels: {app: " + name +
         "}}\n    spec: {containers: [{name: web, image: nginx}]}\n";
}

inline std::string HookJob(const std::string& name, const std::string& hook,
                           const std::string& policy = "") {
  std::string out = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: " + name +
                    "\n  annotations:\n    argocd.argoproj.io/hook: " + hook + "\n";
  if (!policy.empty()) out += "    argocd.argoproj.io/hook-delete-policy: " + policy + "\n";
  return out +
         "spec:\n  template:\n    spec: {restartPolicy: Never, containers: [{name: run, "
         "image: busybox}]}\n";
}

inline void MakeAvailable(Json& d) {
  d["status"] = {{"observedGeneration", d["metadata"]["generation"]},
                 {"replicas", d["spec"].value("replicas", 1)},
                 {"updatedReplicas", d["spec"].value("replicas", 1)},
                 {"availableReplicas", d["spec"].value("replicas", 1)},
                 {"readyReplicas", d["spec"].value("replicas", 1)},
                 {"conditions", {{{"type", "Available"}, {"status", "True"}}}}};
}

inline void CompleteJob(Json& j, bool ok) {
  j["status"] = {{"conditions",
                  {{{"type", ok ? "Complete" : "Failed"},
                    {"status", "True"},
                    {"message", ok ? "done" : "BackoffLimitExceeded"}}}}};
}

class ExecutorTest : public ::testing::Test {
 protected:
  ExecutorTest() : sleeper_(fake_.mutable_clock()) {
    // Controllers: Deployments become available on the second read after a write; Jobs
    // complete on their first read (or fail, when their name says so).
    fake_.SetReactor([this](const std::string& verb, Json& obj) {
      std::string kind = obj.value("kind", "");
      if (kind == "Deployment" && verb == "get" && available_) MakeAvailable(obj);
      if (kind == "Job" && verb == "get" && !obj.contains("status")) {
        CompleteJob(obj, StringAt(obj, {"metadata", "name"}).find("fail") == std::string::npos);
      }
    });
  }

  CellAccess Cell() { return CellAccess{"fake", fake_, fake_, fake_, fake_.clock()}; }

  sync::AppSyncSpec Spec(const std::string& extra = "") {
    auto app = Objects(R"(
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: shop, namespace: argocd}
spec:
  destination: {namespace: shop}
)" + extra);
    auto spec = sync::ParseAppSyncSpec(app.front().body());
    EXPECT_TRUE(spec) << spec.error().message();
    return *spec;
  }

  // Observes with every kind searched (the app may render nothing), then syncs.
  sync::SyncResult Sync(const std::string& yaml, const sync::AppSyncSpec& spec,
                        ExecutorOptions options = {}, bool prune = false) {
    std::vector<Object> rendered = Objects(yaml);
    CellAccess cell = Cell();
    auto observed = ObserveApp(cell, spec, rendered, {.all_kinds = true});
    EXPECT_TRUE(observed) << observed.error().message();
    if (!observed) return {};
    options.sleeper = &sleeper_;
    fake_.ClearLog();
    return SyncApp(cell, spec, *observed, {.prune = prune, .revision = "abcdef1234"}, options);
  }

  sync::SyncResult Sync(const std::string& yaml, ExecutorOptions options = {}, bool prune = false) {
    return Sync(yaml, Spec(), options, prune);
  }

  // Index of the first log entry that starts with `prefix`, or -1.
  long IndexOf(const std::string& prefix) {
    auto log = fake_.Log();
    for (std::size_t i = 0; i < log.size(); ++i) {
      if (log[i].starts_with(prefix)) return static_cast<long>(i);
    }
    return -1;
  }

  const sync::ResourceResult* Find(const sync::SyncResult& r, const std::string& name) {
    for (auto& res : r.resources) {
      if (res.key.name == name) return &res;
    }
    return nullptr;
  }

  FakeCell fake_;
  FakeSleeper sleeper_;
  bool available_ = true;
};

}  // namespace cellgate::engine::executor_testing

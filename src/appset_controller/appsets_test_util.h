// Test helpers for the ApplicationSet controller's unit tests: YAML objects, a status writer
// over kube::testing::FakeCluster (which has no status subresource), a cell connector whose
// cells always answer, and cluster Secrets for the registry.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "appset_controller/status_writer.h"
#include "cells/cell_client.h"
#include "core/yaml.h"
#include "kube/cluster_config.h"
#include "kube/testing/fake_cluster.h"

namespace cellgate::appset_controller::testing {

inline Json YamlJson(const std::string& text) {
  auto docs = ParseYamlDocuments(text, "test");
  EXPECT_TRUE(docs && docs->size() == 1) << text;
  return docs && !docs->empty() ? docs->front().value : Json();
}

inline Object YamlObject(const std::string& text) { return Object(YamlJson(text)); }

// Sets status fields on the stored object, as the status subresource would.
class FakeStatusWriter final : public ApplicationSetStatusWriter {
 public:
  explicit FakeStatusWriter(kube::testing::FakeCluster& hub) : hub_(hub) {}
  Status WriteStatus(const Object& appset, const Json& fields) override {
    ++writes_;
    auto live =
        hub_.Get({"argoproj.io", "v1alpha1", "ApplicationSet"}, appset.Namespace(), appset.Name());
    CG_TRY(live);
    Json body = live->body();
    for (const auto& [k, v] : fields.items()) body["status"][k] = v;
    body["metadata"].erase("resourceVersion");
    auto stored = hub_.Update(Object(std::move(body)), {});
    CG_TRY(stored);
    return Ok();
  }
  int writes() const { return writes_.load(); }

 private:
  kube::testing::FakeCluster& hub_;
  std::atomic<int> writes_{0};
};

class UpCellClient final : public cells::CellClient {
 public:
  kube::Reader& reader() override { return cluster_; }
  kube::Applier& applier() override { return cluster_; }
  kube::Watcher& watcher() override { return cluster_; }
  kube::ClusterClient* cluster() override { return nullptr; }
  Result<std::string> Probe() override { return std::string("v1.32.2"); }

 private:
  kube::testing::FakeCluster cluster_;
};

class UpConnector final : public cells::CellConnector {
 public:
  Result<std::shared_ptr<cells::CellClient>> Connect(const kube::ClusterConfig&) override {
    return std::shared_ptr<cells::CellClient>(new UpCellClient());
  }
};

// An Argo CD cluster Secret in namespace `ns`.
inline Object CellSecret(const std::string& ns, const std::string& name, const std::string& server,
                         const std::map<std::string, std::string>& labels = {}) {
  Json l = Json::object();
  for (const auto& [k, v] : labels) l[k] = v;
  l["argocd.argoproj.io/secret-type"] = "cluster";
  return Object(Json{{"apiVersion", "v1"},
                     {"kind", "Secret"},
                     {"metadata", {{"name", "cluster-" + name}, {"namespace", ns}, {"labels", l}}},
                     {"data",
                      {{"name", Base64Encode(name)},
                       {"server", Base64Encode(server)},
                       {"config", Base64Encode(R"({"bearerToken":"t"})")}}}});
}

}  // namespace cellgate::appset_controller::testing

// Test helpers for the ApplicationSet controller's unit tests: YAML objects, a status writer
// over fleet::testing::FakeCluster (which has no status subresource), a cell connector whose
// cells always answer, and cluster Secrets for the registry.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "core/yaml.h"
#include "fleet/appsets/status_writer.h"
#include "fleet/cell_client.h"
#include "fleet/fake_cluster.h"
#include "kube/cluster_config.h"

namespace cellgate::fleet::appsets::testing {

inline Json YamlJson(const std::string& text) {
  auto docs = ParseYamlDocuments(text, "test");
  EXPECT_TRUE(docs && docs->size() == 1) << text;
  return docs && !docs->empty() ? docs->front().value : Json();
}

inline Object YamlObject(const std::string& text) { return Object(YamlJson(text)); }

// Sets status fields on the stored object, as the status subresource would.
class FakeStatusWriter final : public ApplicationSetStatusWriter {
 public:
  explicit FakeStatusWriter(fleet::testing::FakeCluster& hub) : hub_(hub) {}
  Status WriteStatus(const Object& appset, const Json& fields) override {
    ++writes_;
    auto live =
        hub_.Get({"argoproj.io", "v1alpha1", "ApplicationSet"}, appset.Namespace(), appset.Name());
    if (!live) return std::unexpected(live.error());
    Json body = live->body();
    for (const auto& [k, v] : fields.items()) body["status"][k] = v;
    body["metadata"].erase("resourceVersion");
    auto stored = hub_.Update(Object(std::move(body)), {});
    if (!stored) return std::unexpected(stored.error());
    return Ok();
  }
  int writes() const { return writes_.load(); }

 private:
  fleet::testing::FakeCluster& hub_;
  std::atomic<int> writes_{0};
};

class UpCellClient final : public CellClient {
 public:
  kube::Reader& reader() override { return cluster_; }
  kube::Applier& applier() override { return cluster_; }
  kube::Watcher& watcher() override { return cluster_; }
  kube::ClusterClient* cluster() override { return nullptr; }
  Result<std::string> Probe() override { return std::string("v1.32.2"); }

 private:
  fleet::testing::FakeCluster cluster_;
};

class UpConnector final : public CellConnector {
 public:
  Result<std::shared_ptr<CellClient>> Connect(const kube::ClusterConfig&) override {
    return std::shared_ptr<CellClient>(new UpCellClient());
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

}  // namespace cellgate::fleet::appsets::testing

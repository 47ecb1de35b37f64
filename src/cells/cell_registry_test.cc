#include "cells/cell_registry.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <thread>

#include "argo/cluster_config.h"
#include "argo/cluster_secret.h"
#include "cells/cell_secret.h"
#include "core/mutex.h"
#include "kube/testing/fake_cluster.h"

namespace cellgate::cells {
namespace {

using std::chrono::milliseconds;

bool Eventually(const std::function<bool()>& done, milliseconds timeout = milliseconds(20000)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(milliseconds(1));
  }
  return done();
}

// What a fake cell answers to probes; shared by every client built for its server.
struct FakeCellBehaviour {
  core::Mutex mu;
  core::CondVar cv;
  bool up GUARDED_BY(mu) = true;
  bool hang GUARDED_BY(mu) = false;  // Probe blocks until cleared
  int probes GUARDED_BY(mu) = 0;
  bool in_probe GUARDED_BY(mu) = false;
};

class FakeCellClient final : public cells::CellClient {
 public:
  FakeCellClient(kube::ClusterConfig config, std::shared_ptr<FakeCellBehaviour> b)
      : config_(std::move(config)), b_(std::move(b)) {}
  kube::Reader& reader() override { return cluster_; }
  kube::Applier& applier() override { return cluster_; }
  kube::Watcher& watcher() override { return cluster_; }
  kube::ClusterClient* cluster() override { return nullptr; }
  Result<std::string> Probe() override {
    core::MutexLock lock(b_->mu);
    ++b_->probes;
    b_->in_probe = true;
    b_->cv.notify_all();
    b_->cv.wait(lock, [&]() REQUIRES(b_->mu) { return !b_->hang; });
    b_->in_probe = false;
    if (!b_->up) {
      return MakeError(ErrorCode::kUnavailable,
                       "probe " + config_.Describe() + ": connection refused");
    }
    return std::string("v1.32.2");
  }
  const kube::ClusterConfig& config() const { return config_; }

 private:
  kube::ClusterConfig config_;
  std::shared_ptr<FakeCellBehaviour> b_;
  kube::testing::FakeCluster cluster_;
};

class FakeConnector final : public cells::CellConnector {
 public:
  Result<std::shared_ptr<CellClient>> Connect(const kube::ClusterConfig& config) override {
    core::MutexLock lock(mu_);
    connects_.push_back(config);
    return std::shared_ptr<CellClient>(new FakeCellClient(config, Behaviour(config.server)));
  }
  std::shared_ptr<FakeCellBehaviour> Behaviour(const std::string& server) REQUIRES(mu_) {
    auto& b = behaviours_[server];
    if (!b) b = std::make_shared<FakeCellBehaviour>();
    return b;
  }
  std::shared_ptr<FakeCellBehaviour> For(const std::string& server) {
    core::MutexLock lock(mu_);
    return Behaviour(server);
  }
  std::vector<kube::ClusterConfig> Connects() {
    core::MutexLock lock(mu_);
    return connects_;
  }

 private:
  core::Mutex mu_;
  std::map<std::string, std::shared_ptr<FakeCellBehaviour>> behaviours_ GUARDED_BY(mu_);
  std::vector<kube::ClusterConfig> connects_ GUARDED_BY(mu_);
};

class CellRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hub_config_.name = "hub";
    hub_config_.server = "https://hub.example:6443";
    hub_config_.token = "hub-token";
  }

  std::unique_ptr<CellRegistry> Start(CellRegistryOptions options = {}) {
    options.probe_interval = milliseconds(2);
    options.probe_retry_initial = milliseconds(1);
    options.probe_retry_max = milliseconds(4);
    auto r = std::make_unique<CellRegistry>(hub_, hub_config_, connector_, clock_, options);
    r->AddListener([this](const CellChange& c) {
      core::MutexLock lock(changes_mu_);
      changes_.push_back(c);
    });
    EXPECT_TRUE(r->Start());
    EXPECT_TRUE(r->WaitForSync(milliseconds(1000)));
    return r;
  }

  void PutSecret(const std::string& secret_name, const std::string& name, const std::string& server,
                 const std::map<std::string, std::string>& labels = {},
                 const std::string& config = R"({"bearerToken":"cell-token"})") {
    Json l = Json::object();
    for (const auto& [k, v] : labels) l[k] = v;
    l["argocd.argoproj.io/secret-type"] = "cluster";
    Object s(Json{{"apiVersion", "v1"},
                  {"kind", "Secret"},
                  {"metadata", {{"name", secret_name}, {"namespace", "argocd"}, {"labels", l}}},
                  {"data",
                   {{"name", Base64Encode(name)},
                    {"server", Base64Encode(server)},
                    {"config", Base64Encode(config)}}}});
    ASSERT_TRUE(hub_.Apply(s, {}));
  }

  void DeleteSecret(const std::string& secret_name) {
    ASSERT_TRUE(
        hub_.Delete(Object(Json{{"apiVersion", "v1"},
                                {"kind", "Secret"},
                                {"metadata", {{"name", secret_name}, {"namespace", "argocd"}}}}),
                    {}));
  }

  std::vector<CellChange> Changes() {
    core::MutexLock lock(changes_mu_);
    return changes_;
  }
  bool HasChange(CellChangeKind kind, const std::string& name) {
    for (const auto& c : Changes()) {
      if (c.kind == kind && c.cell.name == name) return true;
    }
    return false;
  }
  static std::vector<std::string> Names(const std::vector<CellInfo>& cells) {
    std::vector<std::string> out;
    out.reserve(cells.size());
    for (const auto& c : cells) out.push_back(c.name);
    return out;
  }
  static CellState StateOf(const CellRegistry& r, const std::string& name) {
    auto h = r.FindByName(name);
    return h ? h->info.connection.state : CellState::kInvalid;
  }

  SystemClock clock_;
  kube::testing::FakeCluster hub_;
  kube::ClusterConfig hub_config_;
  FakeConnector connector_;
  core::Mutex changes_mu_;
  std::vector<CellChange> changes_ GUARDED_BY(changes_mu_);
};

TEST(NextProbeDelay, IntervalWhileUpBackoffWhileDown) {
  CellRegistryOptions o;
  EXPECT_EQ(NextProbeDelay(o, 0), std::chrono::seconds(10));
  EXPECT_EQ(NextProbeDelay(o, 1), std::chrono::seconds(2));
  EXPECT_EQ(NextProbeDelay(o, 2), std::chrono::seconds(4));
  EXPECT_EQ(NextProbeDelay(o, 5), std::chrono::seconds(32));
  EXPECT_EQ(NextProbeDelay(o, 6), std::chrono::seconds(60));
  EXPECT_EQ(NextProbeDelay(o, 1000), std::chrono::seconds(60));
}

TEST_F(CellRegistryTest, SecretsBecomeCellsAndTheHubIsImplicit) {
  PutSecret("s-a", "cell-a", "https://a.example:6443/", {{"environment", "prod"}});
  PutSecret("s-b", "cell-b", "https://b.example:6443");
  auto r = Start();
  EXPECT_EQ(Names(r->List()), (std::vector<std::string>{"cell-a", "cell-b", "in-cluster"}));
  auto a = r->FindByName("cell-a");
  ASSERT_TRUE(a) << a.error().message();
  EXPECT_EQ(a->info.server, "https://a.example:6443");
  EXPECT_EQ(a->info.labels, (std::map<std::string, std::string>{{"environment", "prod"}}));
  ASSERT_NE(a->client, nullptr);
  auto by_server = r->FindByServer("https://a.example:6443/");
  ASSERT_TRUE(by_server);
  EXPECT_EQ(by_server->info.name, "cell-a");
  auto hub = r->FindByServer(argo::kInClusterServer);
  ASSERT_TRUE(hub) << hub.error().message();
  EXPECT_EQ(hub->info.name, "in-cluster");
  EXPECT_TRUE(hub->info.labels.empty());
  // The hub is reached with the controller's hub config, wherever that is.
  bool hub_connected = false;
  for (const auto& c : connector_.Connects()) {
    if (c.server == hub_config_.server && c.token == "hub-token") hub_connected = true;
  }
  EXPECT_TRUE(hub_connected);
  EXPECT_TRUE(Eventually([&] { return StateOf(*r, "cell-a") == CellState::kConnected; }));
  EXPECT_EQ(r->FindByName("cell-a")->info.connection.server_version, "v1.32.2");
  EXPECT_FALSE(r->FindByName("nope"));
  EXPECT_EQ(r->FindByName("nope").error().code(), ErrorCode::kNotFound);
}

TEST_F(CellRegistryTest, SecretForTheHubReplacesTheImplicitCellAndItsCredentialsAreNotUsed) {
  auto r = Start();
  ASSERT_TRUE(r->FindByName("in-cluster"));
  PutSecret("hub", "hub-cell", "https://kubernetes.default.svc", {{"region", "eu"}},
            R"({"bearerToken":"ignored"})");
  EXPECT_EQ(Names(r->List()), (std::vector<std::string>{"hub-cell"}));
  EXPECT_TRUE(HasChange(CellChangeKind::kRemoved, "in-cluster"));
  EXPECT_TRUE(HasChange(CellChangeKind::kAdded, "hub-cell"));
  auto connects = connector_.Connects();
  ASSERT_FALSE(connects.empty());
  EXPECT_EQ(connects.back().server, hub_config_.server);
  EXPECT_EQ(connects.back().token, "hub-token");
  EXPECT_EQ(connects.back().name, "hub-cell");
  DeleteSecret("hub");
  EXPECT_EQ(Names(r->List()), (std::vector<std::string>{"in-cluster"}));
}

TEST_F(CellRegistryTest, InClusterDisabledHasNoImplicitCellAndRefusesHubSecrets) {
  PutSecret("hub", "hub-cell", "https://kubernetes.default.svc");
  auto r = Start({.in_cluster_enabled = false});
  auto cells = r->List();
  ASSERT_EQ(cells.size(), 1u);
  EXPECT_EQ(cells[0].connection.state, CellState::kInvalid);
  EXPECT_NE(cells[0].connection.last_error.find("disabled"), std::string::npos);
  EXPECT_FALSE(r->FindByName("in-cluster"));
}

TEST_F(CellRegistryTest, BadSecretIsInvalidWithItsOwnErrorAndOthersWork) {
  PutSecret("s-bad", "cell-bad", "https://bad.example", {}, "{not json");
  PutSecret("s-ok", "cell-ok", "https://ok.example");
  auto r = Start();
  auto bad = r->FindByName("cell-bad");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(bad.error().message().find("argocd/s-bad"), std::string::npos) << bad.error().message();
  EXPECT_NE(bad.error().message().find("not valid JSON"), std::string::npos);
  auto listed = r->List();
  ASSERT_EQ(listed.size(), 3u);
  EXPECT_EQ(listed[0].name, "cell-bad");
  EXPECT_FALSE(listed[0].usable());
  EXPECT_TRUE(Eventually([&] { return StateOf(*r, "cell-ok") == CellState::kConnected; }));
  // Fixing the Secret makes the cell usable.
  PutSecret("s-bad", "cell-bad", "https://bad.example");
  EXPECT_TRUE(r->FindByName("cell-bad"));
}

TEST_F(CellRegistryTest, LabelChangeKeepsTheClientConfigChangeRebuildsIt) {
  PutSecret("s-a", "cell-a", "https://a.example", {{"wave", "1"}});
  auto r = Start();
  auto before = r->FindByName("cell-a");
  ASSERT_TRUE(before);
  EXPECT_TRUE(Eventually([&] { return StateOf(*r, "cell-a") == CellState::kConnected; }));
  std::size_t connects = connector_.Connects().size();

  PutSecret("s-a", "cell-a", "https://a.example", {{"wave", "2"}});
  auto relabelled = r->FindByName("cell-a");
  ASSERT_TRUE(relabelled);
  EXPECT_EQ(relabelled->info.labels.at("wave"), "2");
  EXPECT_EQ(relabelled->client, before->client);
  EXPECT_EQ(relabelled->info.connection.state, CellState::kConnected);
  EXPECT_EQ(connector_.Connects().size(), connects);
  bool saw_update = false;
  for (const auto& c : Changes()) {
    if (c.kind == CellChangeKind::kUpdated && c.cell.labels.at("wave") == "2") {
      saw_update = !c.client_rebuilt;
    }
  }
  EXPECT_TRUE(saw_update);

  PutSecret("s-a", "cell-a", "https://a2.example", {{"wave", "2"}});
  auto moved = r->FindByName("cell-a");
  ASSERT_TRUE(moved);
  EXPECT_NE(moved->client, before->client);
  EXPECT_EQ(moved->info.server, "https://a2.example");
  EXPECT_EQ(connector_.Connects().size(), connects + 1);
  EXPECT_TRUE(Eventually([&] { return StateOf(*r, "cell-a") == CellState::kConnected; }));
  // The old client is still usable by whoever holds it.
  EXPECT_TRUE(before->client->reader().List({"", "v1", "ConfigMap"}, "", {}));
}

TEST_F(CellRegistryTest, DeletedSecretRemovesTheCell) {
  PutSecret("s-a", "cell-a", "https://a.example");
  auto r = Start();
  ASSERT_TRUE(r->FindByName("cell-a"));
  DeleteSecret("s-a");
  EXPECT_EQ(r->FindByName("cell-a").error().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(HasChange(CellChangeKind::kRemoved, "cell-a"));
}

TEST_F(CellRegistryTest, ReplaceDropsSecretsThatAreGoneAndErrorsKeepTheLastState) {
  PutSecret("s-a", "cell-a", "https://a.example");
  PutSecret("s-b", "cell-b", "https://b.example");
  auto r = Start();
  hub_.Emit({.type = kube::WatchEventType::kError,
             .object = Object(Json{{"kind", "Status"}, {"message", "connection lost"}})});
  EXPECT_EQ(Names(r->List()), (std::vector<std::string>{"cell-a", "cell-b", "in-cluster"}));
  auto only_b = hub_.List({"", "v1", "Secret"}, "argocd",
                          {.label_selector = "argocd.argoproj.io/secret-type=cluster"});
  ASSERT_TRUE(only_b);
  std::erase_if(only_b->items, [](const Object& o) { return o.Name() == "s-a"; });
  hub_.Emit({.type = kube::WatchEventType::kReplace, .objects = only_b->items});
  EXPECT_EQ(Names(r->List()), (std::vector<std::string>{"cell-b", "in-cluster"}));
}

TEST_F(CellRegistryTest, RemovingTheClusterLabelRemovesTheCell) {
  PutSecret("s-a", "cell-a", "https://a.example");
  auto r = Start();
  Object plain(Json{{"apiVersion", "v1"},
                    {"kind", "Secret"},
                    {"metadata", {{"name", "s-a"}, {"namespace", "argocd"}}}});
  hub_.Emit({.type = kube::WatchEventType::kModified, .object = plain});
  EXPECT_FALSE(r->FindByName("cell-a"));
}

TEST_F(CellRegistryTest, ConnectionStateFollowsProbesAndListenersHearIt) {
  PutSecret("s-a", "cell-a", "https://a.example");
  auto behaviour = connector_.For("https://a.example");
  auto r = Start();
  ASSERT_TRUE(Eventually([&] { return StateOf(*r, "cell-a") == CellState::kConnected; }));
  {
    core::MutexLock lock(behaviour->mu);
    behaviour->up = false;
  }
  ASSERT_TRUE(Eventually([&] { return StateOf(*r, "cell-a") == CellState::kUnreachable; }));
  auto down = r->FindByName("cell-a");
  ASSERT_TRUE(down);  // still handed out: the caller decides, the last state stays
  EXPECT_NE(down->info.connection.last_error.find("connection refused"), std::string::npos);
  EXPECT_GE(down->info.connection.consecutive_failures, 1);
  EXPECT_NE(down->info.connection.last_error_at, std::chrono::system_clock::time_point{});
  {
    core::MutexLock lock(behaviour->mu);
    behaviour->up = true;
  }
  ASSERT_TRUE(Eventually([&] { return StateOf(*r, "cell-a") == CellState::kConnected; }));
  // Listeners hear of a change just after lookups see it.
  auto transitions = [&] {
    std::vector<CellState> out;
    for (const auto& c : Changes()) {
      if (c.kind == CellChangeKind::kStateChanged && c.cell.name == "cell-a") {
        out.push_back(c.cell.connection.state);
      }
    }
    return out;
  };
  const std::vector<CellState> expected{CellState::kConnected, CellState::kUnreachable,
                                        CellState::kConnected};
  EXPECT_TRUE(Eventually([&] { return transitions() == expected; }));
  EXPECT_EQ(transitions(), expected);
  // The error of the outage is kept for the record.
  EXPECT_NE(r->FindByName("cell-a")->info.connection.last_error.find("refused"), std::string::npos);
}

TEST_F(CellRegistryTest, HungCellDelaysNoOtherCell) {
  PutSecret("s-hung", "cell-hung", "https://hung.example");
  auto hung = connector_.For("https://hung.example");
  {
    core::MutexLock lock(hung->mu);
    hung->hang = true;
  }
  PutSecret("s-ok", "cell-ok", "https://ok.example");
  auto r = Start();
  {
    core::MutexLock lock(hung->mu);
    hung->cv.wait(lock, [&]() REQUIRES(hung->mu) { return hung->in_probe; });
  }
  // While one probe is stuck on the network, the other cell is probed, looked up, relabelled.
  EXPECT_TRUE(Eventually([&] { return StateOf(*r, "cell-ok") == CellState::kConnected; }));
  PutSecret("s-ok", "cell-ok", "https://ok.example", {{"wave", "3"}});
  EXPECT_EQ(r->FindByName("cell-ok")->info.labels.at("wave"), "3");
  EXPECT_EQ(StateOf(*r, "cell-hung"), CellState::kUnknown);
  {
    core::MutexLock lock(hung->mu);
    EXPECT_TRUE(hung->in_probe);
    hung->hang = false;
    hung->cv.notify_all();
  }
  EXPECT_TRUE(Eventually([&] { return StateOf(*r, "cell-hung") == CellState::kConnected; }));
}

TEST_F(CellRegistryTest, DuplicateNamesAreAmbiguous) {
  PutSecret("s-1", "shop", "https://one.example");
  PutSecret("s-2", "shop", "https://two.example");
  auto r = Start();
  auto h = r->FindByName("shop");
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(h.error().message().find("there are 2 cells named shop"), std::string::npos)
      << h.error().message();
  EXPECT_TRUE(r->FindByServer("https://two.example"));
}

TEST_F(CellRegistryTest, StopEndsProbersAndKeepsTheListing) {
  PutSecret("s-a", "cell-a", "https://a.example");
  auto r = Start();
  ASSERT_TRUE(Eventually([&] { return StateOf(*r, "cell-a") == CellState::kConnected; }));
  r->Stop();
  auto behaviour = connector_.For("https://a.example");
  int probes = 0;
  {
    core::MutexLock lock(behaviour->mu);
    probes = behaviour->probes;
  }
  std::this_thread::sleep_for(milliseconds(20));
  {
    core::MutexLock lock(behaviour->mu);
    EXPECT_EQ(behaviour->probes, probes);
  }
  EXPECT_TRUE(r->FindByName("cell-a"));
  EXPECT_FALSE(r->Start());
}

}  // namespace
}  // namespace cellgate::cells

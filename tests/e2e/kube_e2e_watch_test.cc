// Watches, CRDs and the transport's TLS handling against a real kube-apiserver (cell-1).
#include <condition_variable>
#include <mutex>

#include "kube_e2e_util.h"

namespace cellgate::kube::e2e {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const GroupVersionKind kConfigMap{"", "v1", "ConfigMap"};

// Collects watch events for a test to wait on.
class EventLog {
 public:
  void Add(const WatchEvent& e) {
    std::lock_guard lock(mu_);
    events_.push_back(e);
    cv_.notify_all();
  }
  // Waits for an event of `type` (for object `name`, unless empty).
  bool WaitFor(WatchEventType type, const std::string& name, seconds timeout = seconds(30)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] {
      for (const auto& e : events_) {
        if (e.type == type && (name.empty() || e.object.Name() == name)) return true;
      }
      return false;
    });
  }
  std::vector<WatchEvent> events() {
    std::lock_guard lock(mu_);
    return events_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<WatchEvent> events_;
};

using KubeWatchE2E = KubeE2ETest;

TEST_F(KubeWatchE2E, WatchSeesAddedModifiedDeletedAndBookmarks) {
  EventLog log;
  auto handle =
      cell().watcher().Watch(kConfigMap, ns(),
                             // Short server timeouts make the API server send a
                             // bookmark ~2 s before each request's end.
                             {.label_selector = "suite=watch", .server_timeout = seconds(4)},
                             [&](const WatchEvent& e) { log.Add(e); });
  ASSERT_TRUE(handle) << handle.error().message();
  ASSERT_TRUE(log.WaitFor(WatchEventType::kReplace, ""));
  EXPECT_TRUE(log.events().front().objects.empty());

  auto cm = [&](const std::string& value) {
    return Yaml("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: watched\n  namespace: " +
                ns() + "\n  labels: {suite: watch}\ndata:\n  key: " + value + "\n");
  };
  ASSERT_TRUE(cell().applier().Apply(cm("one"), {}));
  EXPECT_TRUE(log.WaitFor(WatchEventType::kAdded, "watched"));
  ASSERT_TRUE(cell().applier().Apply(cm("two"), {}));
  EXPECT_TRUE(log.WaitFor(WatchEventType::kModified, "watched"));
  ASSERT_TRUE(cell().applier().Apply(  // not matching the selector: never seen
      Yaml("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n  namespace: " + ns()), {}));
  ASSERT_TRUE(cell().applier().Delete(cm("two"), {}));
  EXPECT_TRUE(log.WaitFor(WatchEventType::kDeleted, "watched"));
  EXPECT_TRUE(log.WaitFor(WatchEventType::kBookmark, "", seconds(20)));

  auto started = std::chrono::steady_clock::now();
  handle->reset();
  EXPECT_LT(std::chrono::steady_clock::now() - started, milliseconds(1000)) << "slow stop";

  std::string last_rv;
  for (const auto& e : log.events()) {
    EXPECT_NE(e.object.Name(), "other");
    EXPECT_NE(e.type, WatchEventType::kError) << e.object.body().dump();
    if (e.type == WatchEventType::kModified) {
      EXPECT_EQ(StringAt(e.object.body(), {"data", "key"}), "two");
    }
    if (!e.resource_version.empty()) last_rv = e.resource_version;
  }
  EXPECT_FALSE(last_rv.empty());
}

TEST_F(KubeWatchE2E, WatchFromAResourceVersionReplaysLaterChanges) {
  auto list = cell().reader().List(kConfigMap, ns(), {.label_selector = "suite=resume"});
  ASSERT_TRUE(list);
  ASSERT_TRUE(cell().applier().Apply(
      Yaml("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: later\n  namespace: " + ns() +
           "\n  labels: {suite: resume}"),
      {}));
  EventLog log;
  auto handle = cell().watcher().Watch(
      kConfigMap, ns(),
      {.label_selector = "suite=resume", .resource_version = list->resource_version},
      [&](const WatchEvent& e) { log.Add(e); });
  ASSERT_TRUE(handle);
  EXPECT_TRUE(log.WaitFor(WatchEventType::kAdded, "later"));
  EXPECT_EQ(log.events().front().type, WatchEventType::kAdded) << "no re-list expected";
}

TEST_F(KubeWatchE2E, CrdIsUsableRightAfterItIsEstablished) {
  std::string group = "e2e" + std::to_string(getpid()) + ".cellgate.dev";
  std::string crd_name = "widgets." + group;
  Object crd = Yaml(R"(apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: )" + crd_name +
                    R"(
spec:
  group: )" + group +
                    R"(
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, listKind: WidgetList}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer, minimum: 1}
)");
  auto applied = cell().applier().Apply(crd, {});
  ASSERT_TRUE(applied) << applied.error().message();
  auto ready = cell().WaitForCRDEstablished(crd_name, seconds(60));
  ASSERT_TRUE(ready) << ready.error().message();

  Object widget = Yaml("apiVersion: " + group +
                       "/v1\nkind: Widget\nmetadata:\n  name: w1\n"
                       "  namespace: " +
                       ns() + "\nspec:\n  size: 3\n");
  auto created = cell().applier().Apply(widget, {});
  ASSERT_TRUE(created) << created.error().message();
  auto got = cell().reader().Get({group, "v1", "Widget"}, ns(), "w1");
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(got->body()["spec"]["size"], 3);
  auto invalid = cell().applier().Apply(
      Yaml("apiVersion: " + group + "/v1\nkind: Widget\nmetadata:\n  name: w2\n  namespace: " +
           ns() + "\nspec:\n  size: 0\n"),
      {});
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().code(), ErrorCode::kInvalidArgument) << invalid.error().message();

  // A second CRD, used without WaitForCRDEstablished: the mapper's refresh on a miss finds it.
  std::string crd2 = "gadgets." + group;
  Json crd2_body = crd.body();
  crd2_body["metadata"]["name"] = crd2;
  crd2_body["spec"]["names"] = {{"plural", "gadgets"}, {"singular", "gadget"}, {"kind", "Gadget"}};
  ASSERT_TRUE(cell().applier().Apply(Object(crd2_body), {}));
  const GroupVersionKind crd_kind{"apiextensions.k8s.io", "v1", "CustomResourceDefinition"};
  ASSERT_TRUE(Eventually([&] {
    auto c = cell().reader().Get(crd_kind, "", crd2);
    return c &&
           c->body().dump().find(R"("type":"Established","status":"True")") != std::string::npos;
  }));
  Object gadget = Yaml("apiVersion: " + group +
                       "/v1\nkind: Gadget\nmetadata:\n  name: g1\n"
                       "  namespace: " +
                       ns() + "\nspec:\n  size: 1\n");
  Result<Object> g = cell().applier().Apply(gadget, {});
  // Discovery may trail the Established condition by a moment; misses keep refreshing.
  for (int i = 0; i < 5 && !g && g.error().code() == ErrorCode::kNotFound; ++i) {
    g = cell().applier().Apply(gadget, {});
  }
  ASSERT_TRUE(g) << g.error().message();

  for (const auto& name : {crd_name, crd2}) {
    EXPECT_TRUE(cell().applier().Delete(Object(Json{{"apiVersion", "apiextensions.k8s.io/v1"},
                                                    {"kind", "CustomResourceDefinition"},
                                                    {"metadata", {{"name", name}}}}),
                                        {}));
  }
}

TEST_F(KubeWatchE2E, TlsIsVerifiedAgainstTheClusterCa) {
  // tls-server-name: the serving certificate names "kubernetes", not the URL's host.
  ClusterConfig by_name = config();
  by_name.server = "https://127.0.0.1:" + config().server.substr(config().server.rfind(':') + 1);
  by_name.tls_server_name = "kubernetes";
  auto named = ClusterClient::Create(by_name);
  ASSERT_TRUE(named);
  auto v = (*named)->ServerVersion();
  EXPECT_TRUE(v) << v.error().message();

  ClusterConfig wrong_name = by_name;
  wrong_name.tls_server_name = "not-the-apiserver.example";
  auto bad = (*ClusterClient::Create(wrong_name))->ServerVersion();
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ErrorCode::kFailedPrecondition) << bad.error().message();

  ClusterConfig system_store = config();
  system_store.ca_pem.clear();  // the cell's CA is not in the system store
  auto untrusted = (*ClusterClient::Create(system_store))->ServerVersion();
  ASSERT_FALSE(untrusted);
  EXPECT_EQ(untrusted.error().code(), ErrorCode::kFailedPrecondition)
      << untrusted.error().message();

  ClusterConfig insecure = system_store;
  insecure.insecure_skip_tls_verify = true;
  auto skipped = (*ClusterClient::Create(insecure))->ServerVersion();
  EXPECT_TRUE(skipped) << skipped.error().message();

  ClusterConfig anonymous = config();
  anonymous.client_cert_pem.clear();
  anonymous.client_key_pem.clear();
  auto denied = (*ClusterClient::Create(anonymous))->reader().Get(kConfigMap, ns(), "anything");
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code(), ErrorCode::kPermissionDenied) << denied.error().message();
}

}  // namespace
}  // namespace cellgate::kube::e2e

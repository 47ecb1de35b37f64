#include "kube/rest_mapper.h"

#include <gtest/gtest.h>

#include <atomic>

#include "kube/test_http_server.h"

namespace cellgate::kube {
namespace {

using std::chrono::milliseconds;
using testing::TestHttpServer;
using testing::TestRequest;
using testing::TestResponse;

// A discovery-only fake: legacy documents, or aggregated ones when asked for and enabled.
struct FakeDiscovery {
  std::atomic<bool> gadgets{false};     // serve example.com/v1 Gadget
  std::atomic<bool> aggregated{false};  // answer apidiscovery.k8s.io requests
  std::atomic<bool> broken_v1{false};   // example.com/v1 answers 503
  std::atomic<int> root_requests{0};

  TestResponse Handle(const TestRequest& r) {
    bool wants_aggregated =
        aggregated && r.headers.at("accept").find("apidiscovery.k8s.io") != std::string::npos;
    if (r.target == "/api") {
      ++root_requests;
      if (wants_aggregated) return {.body = AggregatedCore().dump()};
      return {.body = R"({"kind":"APIVersions","versions":["v1"]})"};
    }
    if (r.target == "/apis") {
      if (wants_aggregated) return {.body = AggregatedGroups().dump()};
      return {.body = R"({"kind":"APIGroupList","groups":[
        {"name":"apps","versions":[{"groupVersion":"apps/v1","version":"v1"}],
         "preferredVersion":{"groupVersion":"apps/v1","version":"v1"}},
        {"name":"example.com","versions":[{"groupVersion":"example.com/v1","version":"v1"},
                                          {"groupVersion":"example.com/v2","version":"v2"}],
         "preferredVersion":{"groupVersion":"example.com/v2","version":"v2"}}]})"};
    }
    if (r.target == "/api/v1") {
      return {.body = R"({"kind":"APIResourceList","groupVersion":"v1","resources":[
        {"name":"configmaps","namespaced":true,"kind":"ConfigMap","verbs":["get","list","watch","patch"]},
        {"name":"namespaces","namespaced":false,"kind":"Namespace","verbs":["get","list"]},
        {"name":"pods/status","namespaced":true,"kind":"Pod","verbs":["get"]}]})"};
    }
    if (r.target == "/apis/apps/v1") {
      return {.body = R"({"kind":"APIResourceList","groupVersion":"apps/v1","resources":[
        {"name":"deployments","namespaced":true,"kind":"Deployment","verbs":["get"]}]})"};
    }
    if (r.target == "/apis/example.com/v1") {
      if (broken_v1) return {.status = 503};
      std::string extra =
          gadgets ? R"(,{"name":"gadgets","namespaced":false,"kind":"Gadget"})" : "";
      return {.body = R"({"kind":"APIResourceList","resources":[
        {"name":"widgets","namespaced":true,"kind":"Widget"})" +
                      extra + "]}"};
    }
    if (r.target == "/apis/example.com/v2") {
      return {.body = R"({"kind":"APIResourceList","resources":[
        {"name":"widgets","namespaced":true,"kind":"Widget"}]})"};
    }
    return {.status = 404};
  }

  static Json AggregatedCore() {
    return Json::parse(R"({"kind":"APIGroupDiscoveryList","apiVersion":"apidiscovery.k8s.io/v2",
      "items":[{"metadata":{},"versions":[{"version":"v1","resources":[
        {"resource":"configmaps","responseKind":{"group":"","version":"","kind":"ConfigMap"},
         "scope":"Namespaced","verbs":["get","list"]}]}]}]})");
  }
  static Json AggregatedGroups() {
    return Json::parse(R"({"kind":"APIGroupDiscoveryList","apiVersion":"apidiscovery.k8s.io/v2",
      "items":[{"metadata":{"name":"example.com"},"versions":[
        {"version":"v2","resources":[{"resource":"widgets","responseKind":{"kind":"Widget"},
                                      "scope":"Namespaced","verbs":["get"]}]},
        {"version":"v1","resources":[{"resource":"widgets","responseKind":{"kind":"Widget"},
                                      "scope":"Namespaced","verbs":["get"]},
                                     {"resource":"gizmos","responseKind":{"kind":"Gizmo"},
                                      "scope":"Cluster","verbs":["get"]}]}]}]})");
  }
};

class RestMapperTest : public ::testing::Test {
 protected:
  RestMapperTest()
      : server_([this](const TestRequest& r) { return fake_.Handle(r); }),
        transport_(std::move(*Transport::Create(
            {.name = "fake", .server = server_.url()},
            {.retry = {.max_retries = 1, .initial_backoff = milliseconds(1)}}))) {}

  FakeDiscovery fake_;
  TestHttpServer server_;
  std::unique_ptr<Transport> transport_;
};

TEST_F(RestMapperTest, LegacyDiscovery) {
  RestMapper mapper(*transport_, {.aggregated_discovery = false});
  auto cm = mapper.Map({"", "v1", "ConfigMap"});
  ASSERT_TRUE(cm) << cm.error().message();
  EXPECT_EQ(cm->resource, "configmaps");
  EXPECT_TRUE(cm->namespaced);
  EXPECT_TRUE(cm->Supports("watch"));
  auto ns = mapper.Map({"", "v1", "Namespace"});
  ASSERT_TRUE(ns);
  EXPECT_FALSE(ns->namespaced);
  EXPECT_EQ(mapper.Map({"apps", "v1", "Deployment"})->resource, "deployments");
  auto pod = mapper.Map({"", "v1", "Pod"});  // only a subresource was listed
  ASSERT_FALSE(pod);
  EXPECT_EQ(pod.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(pod.error().message().find("no resource serves v1 Pod"), std::string::npos);
}

TEST_F(RestMapperTest, GroupKindPrefersThePreferredVersion) {
  RestMapper mapper(*transport_, {.aggregated_discovery = false});
  auto widget = mapper.MapGroupKind("example.com", "Widget");
  ASSERT_TRUE(widget) << widget.error().message();
  EXPECT_EQ(widget->gvk.version, "v2");
  EXPECT_FALSE(mapper.MapGroupKind("example.com", "Nothing"));
}

TEST_F(RestMapperTest, MissRefreshesSoNewKindsBecomeUsable) {
  RestMapper mapper(*transport_, {.min_refresh_interval = milliseconds(200)});
  ASSERT_TRUE(mapper.Map({"", "v1", "ConfigMap"}));
  EXPECT_EQ(fake_.root_requests.load(), 1);
  fake_.gadgets = true;  // a CRD was just created
  auto started = std::chrono::steady_clock::now();
  auto gadget = mapper.Map({"example.com", "v1", "Gadget"});
  ASSERT_TRUE(gadget) << gadget.error().message();
  EXPECT_FALSE(gadget->namespaced);
  EXPECT_EQ(fake_.root_requests.load(), 2);
  // The refresh waited for the interval since the first one.
  EXPECT_GE(std::chrono::steady_clock::now() - started, milliseconds(100));
  ASSERT_TRUE(mapper.Map({"example.com", "v1", "Gadget"}));
  EXPECT_EQ(fake_.root_requests.load(), 2);  // hits do not refresh
}

TEST_F(RestMapperTest, MissesAreRateLimited) {
  RestMapper mapper(*transport_, {.min_refresh_interval = milliseconds(300)});
  auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(mapper.Map({"x", "v1", "Unknown"}));
  EXPECT_FALSE(mapper.Map({"x", "v1", "Unknown"}));
  EXPECT_EQ(fake_.root_requests.load(), 2);
  EXPECT_GE(std::chrono::steady_clock::now() - started, milliseconds(290));
}

TEST_F(RestMapperTest, AggregatedDiscoveryNeedsOnlyTheRoots) {
  fake_.aggregated = true;
  RestMapper mapper(*transport_);
  auto gizmo = mapper.Map({"example.com", "v1", "Gizmo"});
  ASSERT_TRUE(gizmo) << gizmo.error().message();
  EXPECT_FALSE(gizmo->namespaced);
  EXPECT_EQ(mapper.MapGroupKind("example.com", "Widget")->gvk.version, "v2");
  EXPECT_EQ(mapper.Map({"", "v1", "ConfigMap"})->resource, "configmaps");
  EXPECT_EQ(server_.requests().size(), 2u);
}

TEST_F(RestMapperTest, AFailingGroupVersionDoesNotFailDiscovery) {
  RestMapper mapper(*transport_,
                    {.min_refresh_interval = milliseconds(1), .aggregated_discovery = false});
  ASSERT_TRUE(mapper.Map({"example.com", "v1", "Widget"}));
  fake_.broken_v1 = true;
  ASSERT_TRUE(mapper.Refresh());
  EXPECT_TRUE(mapper.Map({"example.com", "v1", "Widget"})) << "kept from the last discovery";
  EXPECT_TRUE(mapper.Map({"apps", "v1", "Deployment"}));
}

TEST_F(RestMapperTest, RefreshGroupVersionAddsKinds) {
  RestMapper mapper(*transport_, {.aggregated_discovery = false});
  ASSERT_TRUE(mapper.Map({"", "v1", "ConfigMap"}));
  fake_.gadgets = true;
  ASSERT_TRUE(mapper.RefreshGroupVersion("example.com", "v1"));
  int before = fake_.root_requests.load();
  EXPECT_TRUE(mapper.Map({"example.com", "v1", "Gadget"}));
  EXPECT_EQ(fake_.root_requests.load(), before);
  EXPECT_FALSE(mapper.RefreshGroupVersion("nope.io", "v1"));
}

TEST(DiscoveryParsers, RejectMalformedDocuments) {
  DiscoverySnapshot snap;
  EXPECT_FALSE(ParseAggregatedDiscovery(Json::object(), snap));
  EXPECT_FALSE(ParseResourceList(Json::array(), "", "v1", snap));
  EXPECT_TRUE(ParseResourceList(Json::parse(R"({"resources":[{"name":"x"}]})"), "", "v1", snap));
  EXPECT_TRUE(snap.by_gvk.empty());  // no kind: skipped
}

}  // namespace
}  // namespace cellgate::kube

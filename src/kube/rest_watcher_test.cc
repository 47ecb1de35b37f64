// The watch loop's own logic (re-list on 410, resume from the last version, reconnect after a
// dropped connection, prompt stop) against a scripted peer. Kubernetes' side of watches is
// covered against a real API server in tests/e2e/kube_e2e_test.cc.
#include "kube/rest_watcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "core/mutex.h"
#include "kube/rest_client.h"
#include "kube/test_http_server.h"

namespace cellgate::kube {
namespace {

using std::chrono::milliseconds;
using testing::ChunkWriter;
using testing::TestHttpServer;
using testing::TestRequest;
using testing::TestResponse;

std::string Cm(const std::string& name, const std::string& rv) {
  return R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":")" + name +
         R"(","namespace":"a","resourceVersion":")" + rv + R"("}})";
}
std::string Line(const std::string& type, const std::string& object) {
  return R"({"type":")" + type + R"(","object":)" + object + "}\n";
}

class ScriptedApi {
 public:
  TestResponse Handle(const TestRequest& r) {
    if (r.target == "/api") return {.body = R"({"versions":["v1"]})"};
    if (r.target == "/apis") return {.body = R"({"groups":[]})"};
    if (r.target == "/api/v1") {
      return {.body = R"({"resources":[{"name":"configmaps","namespaced":true,"kind":"ConfigMap",
                          "verbs":["list","watch"]}]})"};
    }
    if (r.target.find("watch=1") == std::string::npos) {
      int n = ++lists_;
      std::string items = n == 1 ? Cm("one", "10") : Cm("one", "10") + "," + Cm("two", "11");
      return {.body = R"({"kind":"ConfigMapList","metadata":{"resourceVersion":")" +
                      std::string(n == 1 ? "10" : "20") + R"("},"items":[)" + items + "]}"};
    }
    int n = ++watches_;
    {
      core::MutexLock lock(mu_);
      watch_targets_.push_back(r.target);
    }
    if (n == 1) return {.drop = true};
    if (n == 2) {
      return {.stream = [](ChunkWriter& w) {
        w.Write(Line("ADDED", Cm("two", "11")).substr(0, 30));  // split mid-event
        w.Write(Line("ADDED", Cm("two", "11")).substr(30));
        w.Write(
            Line("BOOKMARK",
                 R"({"kind":"ConfigMap","apiVersion":"v1","metadata":{"resourceVersion":"15"}})") +
            Line("ERROR", R"({"kind":"Status","apiVersion":"v1","code":410,"reason":"Expired"})"));
        while (!w.Done()) std::this_thread::sleep_for(milliseconds(5));
      }};
    }
    return {.stream = [](ChunkWriter& w) {
      w.Write(Line("MODIFIED", Cm("two", "21")));
      while (!w.Done()) std::this_thread::sleep_for(milliseconds(5));
    }};
  }

  std::vector<std::string> watch_targets() {
    core::MutexLock lock(mu_);
    return watch_targets_;
  }

 private:
  std::atomic<int> lists_{0};
  std::atomic<int> watches_{0};
  core::Mutex mu_;
  std::vector<std::string> watch_targets_;
};

TEST(RestWatcher, RelistsOnGoneResumesAndReconnects) {
  ScriptedApi api;
  TestHttpServer server([&](const TestRequest& r) { return api.Handle(r); });
  auto transport = std::move(*Transport::Create({.name = "fake", .server = server.url()}));
  RestMapper mapper(*transport);
  RestClient client(*transport, mapper);
  RestWatcher watcher(*transport, mapper, client);

  core::Mutex mu;
  core::CondVar cv;
  std::vector<WatchEvent> events;
  auto handle = watcher.Watch({"", "v1", "ConfigMap"}, "a",
                              {.label_selector = "app=web", .initial_backoff = milliseconds(10)},
                              [&](const WatchEvent& e) {
                                core::MutexLock lock(mu);
                                events.push_back(e);
                                cv.notify_all();
                              });
  ASSERT_TRUE(handle) << handle.error().message();
  {
    core::MutexLock lock(mu);
    ASSERT_TRUE(cv.wait_for(
        lock, std::chrono::seconds(10),
        [&] { return !events.empty() && events.back().type == WatchEventType::kModified; }))
        << "got " << events.size() << " events";
  }
  auto started = std::chrono::steady_clock::now();
  handle->reset();
  EXPECT_LT(std::chrono::steady_clock::now() - started, milliseconds(500));

  std::vector<WatchEventType> types;
  for (const auto& e : events) types.push_back(e.type);
  using T = WatchEventType;
  EXPECT_EQ(types, (std::vector<T>{T::kReplace, T::kError, T::kAdded, T::kBookmark, T::kReplace,
                                   T::kModified}));
  EXPECT_EQ(events[0].objects.size(), 1u);
  EXPECT_EQ(events[0].resource_version, "10");
  EXPECT_EQ(events[2].object.Name(), "two");
  EXPECT_EQ(events[3].resource_version, "15");
  EXPECT_EQ(events[4].objects.size(), 2u);
  EXPECT_EQ(events[4].objects[1].Kind(), "ConfigMap");  // type meta filled into list items
  EXPECT_EQ(events[5].resource_version, "21");

  auto targets = api.watch_targets();
  ASSERT_EQ(targets.size(), 3u);
  EXPECT_NE(targets[0].find("resourceVersion=10"), std::string::npos) << targets[0];
  EXPECT_NE(targets[0].find("allowWatchBookmarks=true"), std::string::npos);
  EXPECT_NE(targets[0].find("labelSelector=app%3Dweb"), std::string::npos);
  EXPECT_NE(targets[1].find("resourceVersion=10"), std::string::npos) << "resumed after a drop";
  EXPECT_NE(targets[2].find("resourceVersion=20"), std::string::npos) << "after the re-list";
}

TEST(RestWatcher, UnknownKindFailsAtOnce) {
  ScriptedApi api;
  TestHttpServer server([&](const TestRequest& r) { return api.Handle(r); });
  auto transport = std::move(*Transport::Create({.name = "fake", .server = server.url()}));
  RestMapper mapper(*transport, {.min_refresh_interval = milliseconds(1)});
  RestClient client(*transport, mapper);
  RestWatcher watcher(*transport, mapper, client);
  auto handle = watcher.Watch({"apps", "v1", "Deployment"}, "", {}, [](const WatchEvent&) {});
  ASSERT_FALSE(handle);
  EXPECT_EQ(handle.error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace cellgate::kube

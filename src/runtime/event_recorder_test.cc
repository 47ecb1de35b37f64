#include "runtime/event_recorder.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "core/mutex.h"
#include "kube/testing/fake_cluster.h"
#include "runtime/time_format.h"

namespace cellgate::runtime {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

Object App(const std::string& name = "guestbook") {
  return Object(Json{{"apiVersion", "argoproj.io/v1alpha1"},
                     {"kind", "Application"},
                     {"metadata",
                      {{"name", name},
                       {"namespace", "argocd"},
                       {"uid", "uid-" + name},
                       {"resourceVersion", "42"}}}});
}

std::vector<Object> Events(const kube::testing::FakeCluster& hub) { return hub.Objects("Event"); }

class EventRecorderTest : public ::testing::Test {
 protected:
  FakeClock clock_;
  kube::testing::FakeCluster hub_;
};

TEST_F(EventRecorderTest, WritesAnEventOnTheInvolvedObject) {
  clock_.Advance(std::chrono::hours(24 * 365 * 55));  // a wall time around 2025
  EventRecorder recorder(hub_, clock_, {.reporting_instance = "controller-0"});
  recorder.Record(App(), EventType::kNormal, event_reason::kOperationStarted,
                  "initiated automated sync to abc123");
  ASSERT_TRUE(recorder.Flush(seconds(10)));
  auto events = Events(hub_);
  ASSERT_EQ(events.size(), 1u);
  const Json& e = events[0].body();
  EXPECT_EQ(events[0].Namespace(), "argocd");
  EXPECT_TRUE(events[0].Name().starts_with("guestbook."));
  EXPECT_EQ(e["involvedObject"], Json::parse(R"({"apiVersion":"argoproj.io/v1alpha1",
      "kind":"Application","name":"guestbook","namespace":"argocd","uid":"uid-guestbook",
      "resourceVersion":"42"})"));
  EXPECT_EQ(e["reason"], "OperationStarted");
  EXPECT_EQ(e["message"], "initiated automated sync to abc123");
  EXPECT_EQ(e["type"], "Normal");
  EXPECT_EQ(e["source"]["component"], "cellgate-controller");
  EXPECT_EQ(e["reportingComponent"], "cellgate-controller");
  EXPECT_EQ(e["reportingInstance"], "controller-0");
  EXPECT_EQ(e["count"], 1);
  EXPECT_EQ(e["firstTimestamp"], e["lastTimestamp"]);
  EXPECT_TRUE(ParseRfc3339(e["firstTimestamp"].get<std::string>()).has_value());
  EXPECT_EQ(recorder.Stats().created, 1u);
}

TEST_F(EventRecorderTest, CredentialsInMessagesAreMasked) {
  EventRecorder recorder(hub_, clock_);
  recorder.Record(App(), EventType::kWarning, event_reason::kSyncFailed,
                  "apply v1/Secret shop/db: webhook said password=hunter22 and "
                  "Authorization: Bearer abcdefgh123");
  ASSERT_TRUE(recorder.Flush(seconds(10)));
  auto events = Events(hub_);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].body()["message"],
            "apply v1/Secret shop/db: webhook said password=++++++++ and "
            "Authorization: Bearer ++++++++");
}

TEST_F(EventRecorderTest, RepeatsWithinTheWindowAggregateIntoOneEvent) {
  EventRecorder recorder(hub_, clock_);
  Object app = App();
  recorder.Record(app, EventType::kWarning, event_reason::kSyncFailed, "apply failed");
  ASSERT_TRUE(recorder.Flush(seconds(10)));
  clock_.Advance(minutes(2));
  app.mutable_body()["metadata"]["resourceVersion"] = "43";  // the app changed meanwhile
  recorder.Record(app, EventType::kWarning, event_reason::kSyncFailed, "apply failed");
  recorder.Record(app, EventType::kWarning, event_reason::kSyncFailed, "apply failed");
  ASSERT_TRUE(recorder.Flush(seconds(10)));
  auto events = Events(hub_);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].body()["count"], 3);
  EXPECT_NE(events[0].body()["firstTimestamp"], events[0].body()["lastTimestamp"]);
  // As client-go aggregates: the involvedObject stays as first reported.
  EXPECT_EQ(events[0].body()["involvedObject"]["resourceVersion"], "42");
  EXPECT_EQ(recorder.Stats().aggregated, 2u);

  // Another message or type is another Event.
  recorder.Record(app, EventType::kWarning, event_reason::kSyncFailed, "other failure");
  recorder.Record(app, EventType::kNormal, event_reason::kSyncFailed, "apply failed");
  ASSERT_TRUE(recorder.Flush(seconds(10)));
  EXPECT_EQ(Events(hub_).size(), 3u);

  // After the window a repeat starts a fresh Event.
  clock_.Advance(minutes(11));
  recorder.Record(app, EventType::kWarning, event_reason::kSyncFailed, "apply failed");
  ASSERT_TRUE(recorder.Flush(seconds(10)));
  EXPECT_EQ(Events(hub_).size(), 4u);
}

TEST_F(EventRecorderTest, AggregationFallsBackToCreateWhenTheEventIsGone) {
  EventRecorder recorder(hub_, clock_);
  recorder.Record(App(), EventType::kNormal, event_reason::kDriftHealed, "healed");
  ASSERT_TRUE(recorder.Flush(seconds(10)));
  auto first = Events(hub_);
  ASSERT_EQ(first.size(), 1u);
  ASSERT_TRUE(hub_.Delete(first[0], {}));  // the API server's event TTL expired it
  recorder.Record(App(), EventType::kNormal, event_reason::kDriftHealed, "healed");
  ASSERT_TRUE(recorder.Flush(seconds(10)));
  auto again = Events(hub_);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].body()["count"], 1);
  EXPECT_EQ(recorder.Stats().created, 2u);
}

TEST_F(EventRecorderTest, RateLimitedPerObjectAndRefilledByTime) {
  EventRecorder recorder(hub_, clock_, {.burst = 5, .refill_interval = seconds(60)});
  for (int i = 0; i < 8; ++i) {
    recorder.Record(App(), EventType::kNormal, event_reason::kResourceUpdated,
                    "update " + std::to_string(i));
  }
  recorder.Record(App("other"), EventType::kNormal, event_reason::kResourceUpdated, "x");
  ASSERT_TRUE(recorder.Flush(seconds(10)));
  EXPECT_EQ(recorder.Stats().dropped_rate_limited, 3u);
  EXPECT_EQ(Events(hub_).size(), 6u);  // 5 for guestbook, 1 for other
  clock_.Advance(seconds(60));
  recorder.Record(App(), EventType::kNormal, event_reason::kResourceUpdated, "later");
  recorder.Record(App(), EventType::kNormal, event_reason::kResourceUpdated, "too soon");
  ASSERT_TRUE(recorder.Flush(seconds(10)));
  EXPECT_EQ(Events(hub_).size(), 7u);
  EXPECT_EQ(recorder.Stats().dropped_rate_limited, 4u);
}

TEST_F(EventRecorderTest, RecordNeverBlocksAndDropsWhenTheQueueIsFull) {
  core::Mutex mu;
  core::CondVar cv;
  bool release = false;
  bool blocked = false;
  hub_.SetFailHook([&](std::string_view verb, const Object&) -> std::optional<Error> {
    if (verb != "create") return std::nullopt;
    core::MutexLock lock(mu);
    blocked = true;
    cv.notify_all();
    cv.wait(lock, [&] { return release; });
    return std::nullopt;
  });
  EventRecorder recorder(hub_, clock_, {.queue_capacity = 3, .burst = 1000});
  recorder.Record(App(), EventType::kNormal, event_reason::kPruned, "first");
  {
    core::MutexLock lock(mu);
    cv.wait(lock, [&] { return blocked; });  // the sender is stuck in a write
  }
  for (int i = 0; i < 10; ++i) {  // returns at once although nothing can be sent
    recorder.Record(App(), EventType::kNormal, event_reason::kPruned, std::to_string(i));
  }
  EXPECT_EQ(recorder.Stats().dropped_queue_full, 7u);
  EXPECT_FALSE(recorder.Flush(milliseconds(20)));
  {
    core::MutexLock lock(mu);
    release = true;
  }
  cv.notify_all();
  ASSERT_TRUE(recorder.Flush(seconds(10)));
  EXPECT_EQ(Events(hub_).size(), 4u);
  EXPECT_EQ(recorder.Stats().recorded, 4u);
}

TEST_F(EventRecorderTest, FailedWritesAreCountedAndDoNotStopTheSender) {
  int failures = 2;
  hub_.SetFailHook([&](std::string_view verb, const Object&) -> std::optional<Error> {
    if (verb == "create" && failures-- > 0) {
      return Error(ErrorCode::kPermissionDenied, "403 Forbidden: events is forbidden");
    }
    return std::nullopt;
  });
  EventRecorder recorder(hub_, clock_);
  for (const char* m : {"a", "b", "c"}) {
    recorder.Record(App(), EventType::kNormal, event_reason::kResourceCreated, m);
  }
  ASSERT_TRUE(recorder.Flush(seconds(10)));
  EXPECT_EQ(recorder.Stats().failed, 2u);
  EXPECT_EQ(recorder.Stats().created, 1u);
  EXPECT_EQ(Events(hub_).size(), 1u);
}

TEST_F(EventRecorderTest, ClusterScopedObjectsGetEventsInDefaultAndLongMessagesAreCut) {
  EventRecorder recorder(hub_, clock_);
  Object ns(Json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "shop"}}}});
  recorder.Record(ns, EventType::kNormal, event_reason::kResourceCreated, std::string(5000, 'x'));
  ASSERT_TRUE(recorder.Flush(seconds(10)));
  auto events = Events(hub_);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].Namespace(), "default");
  EXPECT_FALSE(events[0].body()["involvedObject"].contains("namespace"));
  EXPECT_EQ(events[0].body()["message"].get<std::string>().size(), 1024u);
}

TEST(OperationCompletedMessage, AsArgoCdWordsIt) {
  EXPECT_EQ(OperationCompletedMessage(false, "abc", true, ""), "Sync operation to abc succeeded");
  EXPECT_EQ(OperationCompletedMessage(true, "abc", false, "one or more objects failed"),
            "Partial sync operation to abc failed: one or more objects failed");
  EXPECT_EQ(OperationCompletedMessage(false, "", false, "x"), "Sync operation failed: x");
}

}  // namespace
}  // namespace cellgate::runtime

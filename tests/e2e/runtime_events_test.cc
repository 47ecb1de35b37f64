// EventRecorder against a real kube-apiserver (cell-1): Events are created on an object and
// repeats are aggregated into the same Event (count, lastTimestamp), as kubectl shows them.
#include "fleet_e2e_util.h"
#include "runtime/event_recorder.h"

namespace cellgate::runtime::e2e {
namespace {

using std::chrono::seconds;

using EventRecorderE2E = FleetE2ETest;

TEST_F(EventRecorderE2E, CreatesThenAggregatesEventsOnARealObject) {
  auto target = hub().applier().Apply(
      Yaml("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-stand-in\n  namespace: " +
           ns() + "\ndata: {k: v}"),
      {});
  ASSERT_TRUE(target) << target.error().message();
  SystemClock clock;
  EventRecorder recorder(hub().applier(), clock, {.reporting_instance = "e2e"});
  recorder.Record(*target, EventType::kWarning, event_reason::kSyncFailed,
                  "apply apps/Deployment shop/api: 422 Unprocessable Entity");
  recorder.Record(*target, EventType::kNormal, event_reason::kOperationCompleted,
                  OperationCompletedMessage(false, "abc123", true, ""));
  ASSERT_TRUE(recorder.Flush(seconds(30)));
  recorder.Record(*target, EventType::kWarning, event_reason::kSyncFailed,
                  "apply apps/Deployment shop/api: 422 Unprocessable Entity");
  ASSERT_TRUE(recorder.Flush(seconds(30)));
  EXPECT_EQ(recorder.Stats().created, 2u);
  EXPECT_EQ(recorder.Stats().aggregated, 1u);
  EXPECT_EQ(recorder.Stats().failed, 0u);

  auto events = hub().reader().List({"", "v1", "Event"}, ns(),
                                    {.field_selector = "involvedObject.name=app-stand-in"});
  ASSERT_TRUE(events) << events.error().message();
  ASSERT_EQ(events->items.size(), 2u);
  bool saw_failed = false;
  bool saw_completed = false;
  for (const auto& e : events->items) {
    const Json& b = e.body();
    EXPECT_EQ(StringAt(b, {"involvedObject", "uid"}),
              StringAt(target->body(), {"metadata", "uid"}));
    EXPECT_EQ(StringAt(b, {"source", "component"}), "cellgate-controller");
    if (StringAt(b, {"reason"}) == "SyncFailed") {
      saw_failed = true;
      EXPECT_EQ(StringAt(b, {"type"}), "Warning");
      EXPECT_EQ(b.value("count", 0), 2);
    } else {
      saw_completed = StringAt(b, {"reason"}) == "OperationCompleted" &&
                      StringAt(b, {"message"}) == "Sync operation to abc123 succeeded" &&
                      b.value("count", 0) == 1;
    }
  }
  EXPECT_TRUE(saw_failed);
  EXPECT_TRUE(saw_completed);

  // The aggregated Event is deleted (as the API server's event TTL does): the next repeat
  // cannot update it and starts a new one.
  for (const auto& e : events->items) {
    if (StringAt(e.body(), {"reason"}) == "SyncFailed") {
      ASSERT_TRUE(hub().applier().Delete(e, {}));
    }
  }
  recorder.Record(*target, EventType::kWarning, event_reason::kSyncFailed,
                  "apply apps/Deployment shop/api: 422 Unprocessable Entity");
  ASSERT_TRUE(recorder.Flush(seconds(30)));
  EXPECT_EQ(recorder.Stats().created, 3u);
  auto after = hub().reader().List({"", "v1", "Event"}, ns(),
                                   {.field_selector = "involvedObject.name=app-stand-in"});
  ASSERT_TRUE(after);
  int failed_events = 0;
  for (const auto& e : after->items) {
    if (StringAt(e.body(), {"reason"}) == "SyncFailed") {
      ++failed_events;
      EXPECT_EQ(e.body().value("count", 0), 1);
    }
  }
  EXPECT_EQ(failed_events, 1);
}

}  // namespace
}  // namespace cellgate::runtime::e2e

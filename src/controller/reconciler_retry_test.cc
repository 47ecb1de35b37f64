// Retries of failed syncs as status.operationState shows them. Argo CD's controller
// (controller/appcontroller.go, processRequestedAppOperation) keeps a failed operation with
// retries left in phase Running, sets finishedAt, increments retryCount and writes
// "<error>. Retrying attempt #N at <time.Kitchen>."; a retry in progress says
// "Retrying operation. Attempt #N"; the last failure gains " (retried N times).".
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "controller/operation_retry.h"
#include "controller/reconciler_fixture.h"

namespace cellgate::controller {
namespace {

using namespace std::chrono_literals;
using testing::Dest;
using testing::kCell2;
using testing::kRepo;
using testing::kWebConfigMap;

class ReconcilerRetryTest : public testing::ReconcilerTest {
 protected:
  void SetUp() override {
    ReconcilerTest::SetUp();
    source_.Publish(kRepo, {{"app/web.yaml", kWebConfigMap}});
    Cell(kCell2).FailWhen([](const engine::testing::FakeCell::Request& r) -> std::optional<Error> {
      if (r.key.kind != "ConfigMap" || r.verb != "apply") return std::nullopt;
      return Error(ErrorCode::kInvalidArgument, "admission webhook denied the request");
    });
    Start();
    WaitForProbes();
  }

  // The operation state must name the retry at the time finishedAt + `delay` (the minute may
  // turn between the two clock readings).
  static void ExpectRetryMessage(const Json& op, int attempt, std::chrono::seconds delay) {
    const std::string message = StringAt(op, {"message"});
    std::smatch m;
    const std::regex form("(.+)\\. Retrying attempt #" + std::to_string(attempt) +
                          " at ([0-9]{1,2}:[0-9]{2}(AM|PM))\\.");
    ASSERT_TRUE(std::regex_match(message, m, form)) << message;
    EXPECT_NE(m[1].str().find("admission webhook denied the request"), std::string::npos)
        << message;
    auto finished = runtime::ParseRfc3339(StringAt(op, {"finishedAt"}));
    ASSERT_TRUE(finished) << op.dump();
    EXPECT_TRUE(m[2].str() == KitchenTime(*finished + delay) ||
                m[2].str() == KitchenTime(*finished + delay + 1s))
        << message;
  }
};

TEST_F(ReconcilerRetryTest, AutomatedSyncFailureWritesArgoRetryMessage) {
  AppRef ref = PutApp(testing::AppYaml(
      "web", Dest(kCell2),
      "  syncPolicy:\n    automated: {}\n    retry:\n      limit: 1\n      backoff:\n"
      "        duration: 0s\n"));
  Reconcile(ref);
  Json op = Status(ref)["operationState"];
  EXPECT_EQ(StringAt(op, {"phase"}), "Running") << op.dump();
  EXPECT_EQ(op.value("retryCount", 0), 1) << op.dump();
  ExpectRetryMessage(op, 1, 0s);

  // The retry (due at once) runs, says so while it runs, fails and ends the operation.
  Reconcile(ref);
  Json status = Status(ref);
  op = status["operationState"];
  EXPECT_EQ(StringAt(op, {"phase"}), "Failed") << op.dump();
  EXPECT_EQ(op.value("retryCount", 0), 1);
  const std::string message = StringAt(op, {"message"});
  EXPECT_NE(message.find("admission webhook denied the request"), std::string::npos) << message;
  EXPECT_TRUE(message.ends_with(" (retried 1 times).")) << message;
  bool retrying_written = false;
  for (const Object& o : hub_.Applied("Application")) {
    retrying_written =
        retrying_written || StringAt(o.body(), {"status", "operationState", "message"}) ==
                                "Retrying operation. Attempt #1";
  }
  EXPECT_TRUE(retrying_written) << "the retry's Running state names the attempt";

  // No retry is left: the failure is reported as a SyncError condition.
  Reconcile(ref);
  EXPECT_EQ(ConditionTypes(Status(ref)), "SyncError") << Status(ref).dump();
}

TEST_F(ReconcilerRetryTest, AutomatedRetryWaitsForItsBackoff) {
  AppRef ref = PutApp(testing::AppYaml("web", Dest(kCell2), "  syncPolicy:\n    automated: {}\n"));
  Requeue next = Reconcile(ref);
  Json op = Status(ref)["operationState"];
  EXPECT_EQ(StringAt(op, {"phase"}), "Running") << op.dump();
  ExpectRetryMessage(op, 1, 5s);  // Argo CD's default backoff: 5 s, doubling
  EXPECT_EQ(next.kind, Requeue::Kind::kAfter);
  EXPECT_LE(next.after, std::chrono::nanoseconds(5s));
  // Before the retry is due nothing runs and the state stays as written.
  Reconcile(ref);
  EXPECT_EQ(Status(ref)["operationState"], op);
}

TEST_F(ReconcilerRetryTest, ManualOperationWithRetryWritesArgoRetryMessage) {
  AppRef ref = PutApp(testing::AppYaml("web", Dest(kCell2)) +
                      "operation:\n  sync:\n    revision: HEAD\n  retry:\n    limit: 2\n"
                      "    backoff:\n      duration: 1m\n");
  Requeue next = Reconcile(ref);
  Object app = hub_.MustGet("Application", "argocd", "web");
  EXPECT_TRUE(app.body().contains("operation")) << "the operation stays until its last retry";
  Json op = app.body()["status"]["operationState"];
  EXPECT_EQ(StringAt(op, {"phase"}), "Running") << op.dump();
  EXPECT_EQ(op.value("retryCount", 0), 1);
  ExpectRetryMessage(op, 1, 60s);
  EXPECT_EQ(next.kind, Requeue::Kind::kAfter);
  EXPECT_LE(next.after, std::chrono::nanoseconds(60s));
  // Before the retry is due nothing runs and the state stays as written.
  Reconcile(ref);
  EXPECT_EQ(Status(ref)["operationState"], op);
}

}  // namespace
}  // namespace cellgate::controller

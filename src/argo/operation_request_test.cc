#include "argo/operation_request.h"

#include <gtest/gtest.h>

namespace cellgate::argo {
namespace {

Json App() {
  return Json::parse(R"J({
    "apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
    "metadata": {"name": "web", "namespace": "argocd", "resourceVersion": "42"},
    "spec": {
      "source": {"repoURL": "http://git/fleet.git", "path": "apps", "targetRevision": "main"},
      "destination": {"name": "cell-1", "namespace": "web"},
      "syncPolicy": {"syncOptions": ["CreateNamespace=true"]}
    },
    "status": {"sync": {"status": "OutOfSync"},
               "operationState": {"phase": "Succeeded", "startedAt": "2024-05-01T10:00:00Z"}}
  })J");
}

// The CLI reads the live Application through the one model, then builds the operation.
Result<Json> BuildSyncOperation(const Json& manifest, const SyncRequest& request) {
  CG_ASSIGN_OR_RETURN(Application app, ParseApplication(manifest));
  return argo::BuildSyncOperation(app, request);
}

OperationProgress ProgressOf(const Json& manifest) {
  auto app = ParseApplication(manifest);
  EXPECT_TRUE(app) << app.error().message();
  return app ? argo::ProgressOf(*app) : OperationProgress::kVanished;
}

TEST(SyncOperation, DefaultsAsArgoCdWritesThem) {
  auto op = BuildSyncOperation(App(), {.username = "alice"});
  ASSERT_TRUE(op) << op.error().message();
  EXPECT_EQ(*op, Json::parse(R"J({
    "sync": {"revision": "main", "prune": false, "syncOptions": ["CreateNamespace=true"]},
    "initiatedBy": {"username": "alice"}
  })J"));
}

TEST(SyncOperation, FlagsReplaceRevisionPruneAndOptions) {
  auto op = BuildSyncOperation(App(), {.revision = "v2",
                                       .prune = true,
                                       .sync_options = {"ServerSideApply=true"},
                                       .username = "bob"});
  ASSERT_TRUE(op) << op.error().message();
  EXPECT_EQ((*op)["sync"], Json::parse(R"J({"revision": "v2", "prune": true,
                                           "syncOptions": ["ServerSideApply=true"]})J"));
  EXPECT_EQ((*op)["initiatedBy"]["username"], "bob");
}

TEST(SyncOperation, NoTargetRevisionMeansHeadAndNoOptionsAreOmitted) {
  Json app = App();
  app["spec"]["source"].erase("targetRevision");
  app["spec"].erase("syncPolicy");
  auto op = BuildSyncOperation(app, {});
  ASSERT_TRUE(op) << op.error().message();
  EXPECT_EQ((*op)["sync"], Json::parse(R"J({"revision": "HEAD", "prune": false})J"));
}

TEST(SyncOperation, MultiSourceUsesTheFirstSourcesRevision) {
  Json app = App();
  app["spec"].erase("source");
  app["spec"]["sources"] = Json::parse(R"J([{"repoURL": "a", "targetRevision": "v7"}])J");
  auto op = BuildSyncOperation(app, {});
  ASSERT_TRUE(op) << op.error().message();
  EXPECT_EQ((*op)["sync"]["revision"], "v7");
}

TEST(SyncOperation, AutoSyncRefusesAnotherRevision) {
  Json app = App();
  app["spec"]["syncPolicy"]["automated"] = Json::object();
  auto op = BuildSyncOperation(app, {.revision = "abc123"});
  ASSERT_FALSE(op);
  EXPECT_EQ(op.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(op.error().message().find("Cannot sync to abc123: auto-sync currently set to main"),
            std::string::npos)
      << op.error().message();
  // The target itself is fine, and so is any revision once automation is disabled.
  EXPECT_TRUE(BuildSyncOperation(app, {.revision = "main"}));
  app["spec"]["syncPolicy"]["automated"]["enabled"] = false;
  EXPECT_TRUE(BuildSyncOperation(app, {.revision = "abc123"}));
}

// syncPolicy.automated.enabled is a *bool in Argo CD (types.go SyncPolicyAutomated): "no"
// does not decode. The CLI used to read any non-boolean as enabled and refuse --revision.
TEST(SyncOperation, AutomatedEnabledStringIsAnInvalidApplication) {
  Json app = App();
  app["spec"]["syncPolicy"]["automated"] = {{"enabled", "no"}};
  auto op = BuildSyncOperation(app, {.revision = "abc123"});
  ASSERT_FALSE(op);
  EXPECT_EQ(op.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(op.error().message().find("spec.syncPolicy.automated.enabled: must be a boolean"),
            std::string::npos)
      << op.error().message();
}

TEST(SyncOperation, AutoSyncWithoutTargetRevisionAcceptsHead) {
  Json app = App();
  app["spec"]["source"].erase("targetRevision");
  app["spec"]["syncPolicy"]["automated"] = Json::object();
  EXPECT_TRUE(BuildSyncOperation(app, {.revision = "HEAD"}));
  EXPECT_FALSE(BuildSyncOperation(app, {.revision = "main"}));
}

TEST(SyncOperation, DeletingAppIsRefused) {
  Json app = App();
  app["metadata"]["deletionTimestamp"] = "2024-05-01T10:00:00Z";
  auto op = BuildSyncOperation(app, {});
  ASSERT_FALSE(op);
  EXPECT_EQ(op.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(op.error().message().find("application is deleting"), std::string::npos);
}

TEST(SyncOperation, BadSyncOptionIsRefused) {
  auto op = BuildSyncOperation(App(), {.sync_options = {"Prune"}});
  ASSERT_FALSE(op);
  EXPECT_EQ(op.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(op.error().message().find("\"Prune\" is not Key=Value"), std::string::npos);
  EXPECT_FALSE(CheckSyncOption("=true"));
  EXPECT_TRUE(CheckSyncOption("Validate=false"));
}

TEST(SetOperation, SetsOperationAndDropsTheOldOperationState) {
  Json app = App();
  Json op = {{"sync", {{"revision", "main"}}}};
  ASSERT_TRUE(SetOperation(app, op));
  EXPECT_EQ(app["operation"], op);
  EXPECT_FALSE(app["status"].contains("operationState"));
  EXPECT_EQ(app["status"]["sync"]["status"], "OutOfSync");  // the rest of status stays
  EXPECT_EQ(app["metadata"]["resourceVersion"], "42");      // the write stays conditional
}

TEST(SetOperation, RefusesWhileAnotherOperationIsSet) {
  Json app = App();
  app["operation"] = {{"sync", {{"revision", "other"}}}};
  Json before = app;
  auto s = SetOperation(app, {{"sync", {{"revision", "main"}}}});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(s.error().message().find("another operation is already in progress"),
            std::string::npos);
  EXPECT_EQ(app, before);
}

TEST(OperationProgress, FromOperationAndOperationState) {
  Json app = App();
  app["status"].erase("operationState");
  app["operation"] = {{"sync", {{"revision", "main"}}}};
  EXPECT_EQ(ProgressOf(app), OperationProgress::kPending);
  app["status"]["operationState"] = {{"phase", "Running"}};
  EXPECT_EQ(ProgressOf(app), OperationProgress::kRunning);
  // Still set while a phase is final: the controller retries or has not cleared it yet.
  app["status"]["operationState"]["phase"] = "Failed";
  EXPECT_EQ(ProgressOf(app), OperationProgress::kRunning);
  app.erase("operation");
  EXPECT_EQ(ProgressOf(app), OperationProgress::kFailed);
  app["status"]["operationState"]["phase"] = "Succeeded";
  EXPECT_EQ(ProgressOf(app), OperationProgress::kSucceeded);
  app["status"]["operationState"]["phase"] = "Error";
  EXPECT_EQ(ProgressOf(app), OperationProgress::kError);
  app["status"].erase("operationState");
  EXPECT_EQ(ProgressOf(app), OperationProgress::kVanished);
}

}  // namespace
}  // namespace cellgate::argo

// PlanApplicationChanges: policies, preserved fields, ownership and deletion finalizers.
#include "appset/plan.h"

#include <gtest/gtest.h>

#include "appset/test_util.h"

namespace cellgate::appset {
namespace {

using testing::Yaml;

Object App(const std::string& yaml) { return Object(Yaml(yaml)); }

Object Desired(const std::string& name, const std::string& path) {
  return App(R"(
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: )" + name +
             R"(
  namespace: argocd
  labels: {app: )" +
             name + R"(}
  finalizers: [resources-finalizer.argocd.argoproj.io]
  ownerReferences: [{apiVersion: argoproj.io/v1alpha1, kind: ApplicationSet, name: apps, uid: u-1, controller: true, blockOwnerDeletion: true}]
spec: {project: default, source: {repoURL: r, path: )" +
             path + R"(}, destination: {server: s, namespace: ns}}
)");
}

// What the API server holds: the desired object plus server and controller fields.
Object Live(const std::string& name, const std::string& path,
            const std::string& owner_uid = "u-1") {
  Object o = Desired(name, path);
  Json& b = o.mutable_body();
  b["metadata"]["resourceVersion"] = "42";
  b["metadata"]["annotations"] = {{"argocd.argoproj.io/refresh", "hard"},
                                  {"notified.notifications.argoproj.io", "{}"},
                                  {"kept-by-policy", "x"},
                                  {"dropped", "y"}};
  b["metadata"]["labels"]["kept-label"] = "v";
  b["metadata"]["finalizers"].push_back("post-delete-finalizer.argocd.argoproj.io/cleanup");
  b["metadata"]["ownerReferences"][0]["uid"] = owner_uid;
  b["status"] = {{"sync", {{"status", "Synced"}}}};
  b["operation"] = {{"sync", {{"revision", "abc"}}}};
  return o;
}

PlanOptions Options(argo::ApplicationsSyncPolicy p = argo::ApplicationsSyncPolicy::kSync) {
  return PlanOptions{.policy = p,
                     .appset_name = "apps",
                     .appset_uid = "u-1",
                     .preserved_annotations = {"kept-by-policy"},
                     .preserved_labels = {"kept-label"}};
}

TEST(Plan, CreatesUpdatesDeletes) {
  std::vector<Object> desired = {Desired("a", "new"), Desired("b", "same"), Desired("c", "c")};
  std::vector<Object> existing = {Live("a", "old"), Live("b", "same"), Live("gone", "x")};
  // b differs from its live object only by controller-owned fields: no update.
  auto plan = PlanApplicationChanges(desired, existing, Options());
  ASSERT_EQ(plan.creates.size(), 1u);
  EXPECT_EQ(plan.creates[0].Name(), "c");
  ASSERT_EQ(plan.updates.size(), 2u);  // a (spec) and b (the "dropped" annotation goes)
  ASSERT_EQ(plan.deletes.size(), 1u);
  EXPECT_EQ(plan.deletes[0].app.Name(), "gone");
  EXPECT_FALSE(plan.deletes[0].remove_finalizer_first);
}

TEST(Plan, UpdateKeepsWhatTheControllerOwns) {
  auto plan = PlanApplicationChanges({Desired("a", "new")}, {Live("a", "old")}, Options());
  ASSERT_EQ(plan.updates.size(), 1u);
  const Json& b = plan.updates[0].body();
  EXPECT_EQ(b["spec"]["source"]["path"], "new");
  EXPECT_EQ(b["status"]["sync"]["status"], "Synced");
  EXPECT_EQ(b["operation"]["sync"]["revision"], "abc");
  EXPECT_EQ(b["metadata"]["resourceVersion"], "42");
  const Json& ann = b["metadata"]["annotations"];
  EXPECT_EQ(ann["argocd.argoproj.io/refresh"], "hard");
  EXPECT_EQ(ann["notified.notifications.argoproj.io"], "{}");
  EXPECT_EQ(ann["kept-by-policy"], "x");
  EXPECT_FALSE(ann.contains("dropped"));
  EXPECT_EQ(b["metadata"]["labels"]["kept-label"], "v");
  EXPECT_EQ(b["metadata"]["finalizers"],
            Json({"resources-finalizer.argocd.argoproj.io",
                  "post-delete-finalizer.argocd.argoproj.io/cleanup"}));
}

TEST(Plan, NoChangeNoUpdate) {
  Object live = Live("a", "p");
  Json& m = live.mutable_body()["metadata"];
  m["annotations"].erase("dropped");
  auto plan = PlanApplicationChanges({Desired("a", "p")}, {live}, Options());
  EXPECT_TRUE(plan.empty());
}

TEST(Plan, Policies) {
  std::vector<Object> desired = {Desired("a", "new"), Desired("c", "c")};
  std::vector<Object> existing = {Live("a", "old"), Live("gone", "x")};
  struct Want {
    argo::ApplicationsSyncPolicy p;
    std::size_t creates, updates, deletes;
  } cases[] = {{argo::ApplicationsSyncPolicy::kSync, 1, 1, 1},
               {argo::ApplicationsSyncPolicy::kCreateOnly, 1, 0, 0},
               {argo::ApplicationsSyncPolicy::kCreateUpdate, 1, 1, 0},
               {argo::ApplicationsSyncPolicy::kCreateDelete, 1, 0, 1}};
  for (const auto& c : cases) {
    auto plan = PlanApplicationChanges(desired, existing, Options(c.p));
    EXPECT_EQ(plan.creates.size(), c.creates);
    EXPECT_EQ(plan.updates.size(), c.updates);
    EXPECT_EQ(plan.deletes.size(), c.deletes);
  }
}

TEST(Plan, PreserveResourcesOnDeletionRemovesFinalizerFirst) {
  PlanOptions o = Options();
  o.preserve_resources_on_deletion = true;
  auto plan = PlanApplicationChanges({}, {Live("gone", "x")}, o);
  ASSERT_EQ(plan.deletes.size(), 1u);
  const auto& d = plan.deletes[0];
  EXPECT_TRUE(d.remove_finalizer_first);
  EXPECT_EQ(d.without_finalizer.body()["metadata"]["finalizers"],
            Json({"post-delete-finalizer.argocd.argoproj.io/cleanup"}));
}

TEST(Plan, UnknownDestinationRemovesFinalizerFirst) {
  PlanOptions o = Options();
  o.known_destinations =
      std::vector<std::pair<std::string, std::string>>{{"cell-1", "https://other"}};
  auto plan = PlanApplicationChanges({}, {Live("gone", "x")}, o);
  ASSERT_EQ(plan.deletes.size(), 1u);
  EXPECT_TRUE(plan.deletes[0].remove_finalizer_first);
  o.known_destinations->emplace_back("", "s");
  EXPECT_FALSE(
      PlanApplicationChanges({}, {Live("gone", "x")}, o).deletes[0].remove_finalizer_first);
}

TEST(Plan, OwnershipDecidesDeletesAndConflicts) {
  Object foreign = Live("theirs", "x", "u-other");
  Object unowned = Live("orphan", "x");
  unowned.mutable_body()["metadata"].erase("ownerReferences");
  auto plan =
      PlanApplicationChanges({Desired("theirs", "y"), Desired("orphan", "y")}, {foreign, unowned},
                             Options(argo::ApplicationsSyncPolicy::kCreateOnly));
  ASSERT_EQ(plan.conflicts.size(), 1u);
  EXPECT_NE(plan.conflicts[0].find("theirs"), std::string::npos);
  ASSERT_EQ(plan.updates.size(), 1u);  // adopted even under create-only, as Argo CD does
  EXPECT_EQ(plan.updates[0].body()["metadata"]["ownerReferences"][0]["uid"], "u-1");
  // Not ours: never deleted.
  auto del = PlanApplicationChanges({}, {foreign, unowned}, Options());
  EXPECT_TRUE(del.deletes.empty());
}

TEST(Plan, OwnedByApplicationSetByUidThenName) {
  PlanOptions o = Options();
  EXPECT_TRUE(OwnedByApplicationSet(Live("a", "x"), o));
  EXPECT_FALSE(OwnedByApplicationSet(Live("a", "x", "u-other"), o));
  Object unowned = Live("a", "x");
  unowned.mutable_body()["metadata"].erase("ownerReferences");
  EXPECT_FALSE(OwnedByApplicationSet(unowned, o));
  o.appset_uid.clear();  // no uid known: the name decides
  EXPECT_TRUE(OwnedByApplicationSet(Live("a", "x", "u-other"), o));
  o.appset_name = "other";
  EXPECT_FALSE(OwnedByApplicationSet(Live("a", "x", "u-other"), o));
}

}  // namespace
}  // namespace cellgate::appset

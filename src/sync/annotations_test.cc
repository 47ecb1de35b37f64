#include "sync/annotations.h"

#include <gtest/gtest.h>

namespace cellgate::sync {
namespace {

Object WithAnnotations(Json annotations) {
  return Object(Json{{"apiVersion", "batch/v1"},
                     {"kind", "Job"},
                     {"metadata", {{"name", "migrate"}, {"annotations", std::move(annotations)}}}});
}

TEST(Annotations, SplitCsvTrims) {
  EXPECT_EQ(SplitCsv(" PreSync , PostSync,,"), (std::vector<std::string>{"PreSync", "PostSync"}));
  EXPECT_TRUE(SplitCsv("").empty());
}

TEST(Annotations, ArgoHookTypesAndPhases) {
  Object o = WithAnnotations({{"argocd.argoproj.io/hook", "PostSync, PreSync,Bogus"}});
  EXPECT_TRUE(IsHook(o));
  EXPECT_FALSE(sync::IsSkipped(o));
  EXPECT_FALSE(IsIgnored(o));
  EXPECT_EQ(HookTypes(o), (std::vector<HookType>{HookType::kPostSync, HookType::kPreSync}));
  EXPECT_EQ(SyncPhasesOf(o), (std::vector<SyncPhase>{SyncPhase::kPreSync, SyncPhase::kPostSync}));
}

TEST(Annotations, SkipAndIgnored) {
  Object skip = WithAnnotations({{"argocd.argoproj.io/hook", "Skip"}});
  EXPECT_TRUE(sync::IsSkipped(skip));
  EXPECT_FALSE(IsHook(skip));
  EXPECT_TRUE(SyncPhasesOf(skip).empty());
  Object garbage = WithAnnotations({{"argocd.argoproj.io/hook", "Whenever"}});
  EXPECT_TRUE(IsHook(garbage));
  EXPECT_TRUE(IsIgnored(garbage));
  Object plain = WithAnnotations(Json::object());
  EXPECT_FALSE(IsHook(plain));
  EXPECT_EQ(SyncPhasesOf(plain), std::vector<SyncPhase>{SyncPhase::kSync});
}

TEST(Annotations, HelmHooksMapOnlyWithoutArgoHook) {
  Object helm = WithAnnotations({{"helm.sh/hook", "pre-install,pre-upgrade"},
                                 {"helm.sh/hook-weight", "-5"},
                                 {"helm.sh/hook-delete-policy", "hook-succeeded"}});
  EXPECT_TRUE(IsHook(helm));
  EXPECT_EQ(SyncPhasesOf(helm), std::vector<SyncPhase>{SyncPhase::kPreSync});
  EXPECT_EQ(SyncWave(helm), -5);
  EXPECT_EQ(HookDeletePolicies(helm),
            std::vector<HookDeletePolicy>{HookDeletePolicy::kHookSucceeded});
  Object test_hook = WithAnnotations({{"helm.sh/hook", "test"}});
  EXPECT_FALSE(IsHook(test_hook));
  Object both = WithAnnotations({{"helm.sh/hook", "post-install"},
                                 {"argocd.argoproj.io/hook", "Sync"},
                                 {"argocd.argoproj.io/sync-wave", "3"},
                                 {"helm.sh/hook-weight", "9"}});
  EXPECT_EQ(SyncPhasesOf(both), std::vector<SyncPhase>{SyncPhase::kSync});
  EXPECT_EQ(SyncWave(both), 3);
}

TEST(Annotations, WavesParseLikeAtoi) {
  EXPECT_EQ(SyncWave(WithAnnotations({{"argocd.argoproj.io/sync-wave", "+2"}})), 2);
  EXPECT_EQ(SyncWave(WithAnnotations({{"argocd.argoproj.io/sync-wave", "-10"}})), -10);
  EXPECT_EQ(SyncWave(WithAnnotations({{"argocd.argoproj.io/sync-wave", " 1"}})), 0);
  EXPECT_EQ(SyncWave(WithAnnotations(
                {{"argocd.argoproj.io/sync-wave", "x"}, {"helm.sh/hook-weight", "4"}})),
            4);
  EXPECT_EQ(SyncWave(WithAnnotations({{"argocd.argoproj.io/sync-wave", "99999999999"}})), 0);
}

TEST(Annotations, DeletePoliciesDefaultAndMerge) {
  EXPECT_EQ(HookDeletePolicies(WithAnnotations(Json::object())),
            std::vector<HookDeletePolicy>{HookDeletePolicy::kBeforeHookCreation});
  EXPECT_EQ(HookDeletePolicies(WithAnnotations(
                {{"argocd.argoproj.io/hook-delete-policy", "HookSucceeded,HookFailed"},
                 {"helm.sh/hook-delete-policy", "hook-succeeded,before-hook-creation"}})),
            (std::vector<HookDeletePolicy>{HookDeletePolicy::kHookSucceeded,
                                           HookDeletePolicy::kHookFailed,
                                           HookDeletePolicy::kBeforeHookCreation}));
  EXPECT_EQ(HookDeletePolicyName(HookDeletePolicy::kHookFailed), "HookFailed");
  EXPECT_EQ(SyncPhaseName(SyncPhase::kSyncFail), "SyncFail");
}

TEST(Annotations, SyncOptionList) {
  Object o = WithAnnotations(
      {{"argocd.argoproj.io/sync-options", "Prune=false, ServerSideApply=True,Replace"}});
  SyncOptionList list = SyncOptionList::FromAnnotation(o);
  EXPECT_TRUE(list.Has("Prune", "false"));
  EXPECT_TRUE(list.Has("ServerSideApply", "true"));
  EXPECT_FALSE(list.Has("Validate", "false"));
  EXPECT_EQ(list.Get("Replace"), "");
  EXPECT_EQ(list.Get("Missing"), std::nullopt);
  SyncOptionList last({"Prune=false", "Prune=true"});
  EXPECT_EQ(last.Get("Prune"), "true");
  EXPECT_EQ(last.entries().size(), 2u);
}

}  // namespace
}  // namespace cellgate::sync

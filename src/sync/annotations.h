// The Argo CD annotations that steer a sync, read the way gitops-engine reads them
// (pkg/sync/common/types.go, pkg/sync/hook, pkg/sync/syncwaves):
//
//   argocd.argoproj.io/hook               comma list of PreSync, Sync, PostSync, SyncFail, Skip
//   argocd.argoproj.io/hook-delete-policy comma list of HookSucceeded, HookFailed,
//                                         BeforeHookCreation (default BeforeHookCreation)
//   argocd.argoproj.io/sync-wave          integer, default 0
//   argocd.argoproj.io/sync-options       comma list of Name=value options
//
// Helm's annotations are honoured only when the Argo CD one is absent, as Argo CD does:
// helm.sh/hook pre-install and pre-upgrade are PreSync, post-install and post-upgrade are
// PostSync (other Helm hook types are not hooks here), helm.sh/hook-weight is the wave when
// there is no sync-wave, and helm.sh/hook-delete-policy before-hook-creation, hook-succeeded
// and hook-failed add to the delete policies.
//
// Lists are split on commas and trimmed; unknown entries are ignored. A malformed wave reads
// as the Helm weight or 0, never an error (gitops-engine behaves the same).
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/object.h"

namespace cellgate::sync {

inline constexpr std::string_view kHookAnnotation = "argocd.argoproj.io/hook";
inline constexpr std::string_view kHookDeletePolicyAnnotation =
    "argocd.argoproj.io/hook-delete-policy";
inline constexpr std::string_view kSyncWaveAnnotation = "argocd.argoproj.io/sync-wave";
inline constexpr std::string_view kSyncOptionsAnnotation = "argocd.argoproj.io/sync-options";
inline constexpr std::string_view kHelmHookAnnotation = "helm.sh/hook";
inline constexpr std::string_view kHelmHookWeightAnnotation = "helm.sh/hook-weight";
inline constexpr std::string_view kHelmHookDeletePolicyAnnotation = "helm.sh/hook-delete-policy";
// Added to hooks when they are created, removed by the executor when the hook completes, so a
// hook cannot vanish (e.g. a Job's TTL) before its result is read. Same name as Argo CD.
inline constexpr std::string_view kHookFinalizer = "argocd.argoproj.io/hook-finalizer";

enum class SyncPhase { kPreSync, kSync, kPostSync, kSyncFail };
std::string_view SyncPhaseName(SyncPhase phase);

enum class HookType { kPreSync, kSync, kPostSync, kSyncFail, kSkip };
enum class HookDeletePolicy { kHookSucceeded, kHookFailed, kBeforeHookCreation };
std::string_view HookDeletePolicyName(HookDeletePolicy policy);

// Splits a comma list and trims blanks around entries; empty entries are dropped.
std::vector<std::string> SplitCsv(std::string_view csv);

// The hook types an object declares: the Argo CD annotation if it names any valid type, else
// the mapped Helm types. Duplicates are kept out.
std::vector<HookType> HookTypes(const Object& obj);

// gitops-engine hook.Skip: the Argo CD hook annotation lists Skip and nothing else valid.
bool IsSkipped(const Object& obj);

// gitops-engine hook.IsHook: an Argo CD hook annotation that is not Skip-only, or a Helm hook
// of a mapped type.
bool IsHook(const Object& obj);

// gitops-engine ignore.Ignore: a hook annotation naming no valid type; such objects are not
// part of the application at all.
bool IsIgnored(const Object& obj);

// Phases a hook runs in (PreSync, Sync, PostSync, SyncFail order); a non-hook object runs in
// Sync; a skipped one in none.
std::vector<SyncPhase> SyncPhasesOf(const Object& obj);

// Delete policies of a hook; BeforeHookCreation when none is given.
std::vector<HookDeletePolicy> HookDeletePolicies(const Object& obj);

// The sync wave: sync-wave annotation, else helm.sh/hook-weight, else 0. Accepts what Go's
// strconv.Atoi accepts (optional sign, decimal digits, fits in int).
int SyncWave(const Object& obj);

// A parsed sync-options list ("Prune=false,ServerSideApply=true"). Names compare exactly,
// values without case (Argo CD compares the whole "Name=value" text; "true"/"false" are
// written in lower case there, and we accept "True" too).
class SyncOptionList {
 public:
  SyncOptionList() = default;
  explicit SyncOptionList(const std::vector<std::string>& entries);
  static SyncOptionList FromAnnotation(const Object& obj);

  // Value of `name`, or nullopt. The last entry wins.
  std::optional<std::string> Get(std::string_view name) const;
  bool Has(std::string_view name, std::string_view value) const;
  const std::vector<std::pair<std::string, std::string>>& entries() const { return entries_; }

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
};

}  // namespace cellgate::sync

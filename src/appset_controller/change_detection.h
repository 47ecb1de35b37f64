// What the ApplicationSet controller reads off watched objects to decide what to reconcile:
// keys, ownership, fingerprints of the parts that matter, and the repositories and cells an
// ApplicationSet depends on.
//
// The controller watches ApplicationSets and Applications. A change is worth a full
// reconcile (generate, plan, apply) only when it touches what the ApplicationSet decides:
//  - of an ApplicationSet: spec, labels, annotations (except the refresh annotation, which
//    asks for a reconcile by being present), finalizers and deletionTimestamp; its own
//    status writes change none of these, so they do not loop;
//  - of an owned Application: spec, labels, annotations and finalizers (Argo CD's
//    shouldRequeueApplicationSet); its status (sync status, health) only refreshes the
//    ApplicationSet's status.resources, which needs no generation.
// Fingerprints are 64-bit hashes of the canonical JSON (key order ignored).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/object.h"
#include "kube/resource.h"

namespace cellgate::appset_controller {

inline const kube::GroupVersionKind kApplicationSetGvk{"argoproj.io", "v1alpha1", "ApplicationSet"};
inline const kube::GroupVersionKind kApplicationGvk{"argoproj.io", "v1alpha1", "Application"};
inline const kube::GroupVersionKind kAppProjectGvk{"argoproj.io", "v1alpha1", "AppProject"};

// Argo CD's webhook sets it to ask for a reconcile; the controller removes it afterwards.
inline constexpr std::string_view kRefreshAnnotation = "argocd.argoproj.io/application-set-refresh";

// "ns/name", the work queue key of an ApplicationSet.
std::string AppSetKey(std::string_view ns, std::string_view name);
std::string AppSetKeyOf(const Object& appset);
// Splits a key made by AppSetKey.
std::pair<std::string, std::string> SplitAppSetKey(std::string_view key);

// The key of the ApplicationSet named by `app`'s controller ownerReference (kind
// ApplicationSet, argoproj.io/v1alpha1; owners live in their dependents' namespace), or ""
// when no ApplicationSet controls it.
std::string OwnerKey(const Object& app);

// Fingerprints, as described above.
std::uint64_t AppSetSpecFingerprint(const Json& appset);
std::uint64_t AppSpecFingerprint(const Json& app);
std::uint64_t AppStatusFingerprint(const Json& app);

bool RefreshRequested(const Json& appset);
bool BeingDeleted(const Json& object);

// True when some generator, at any depth of matrix and merge, is a clusters generator:
// such ApplicationSets are reconciled when cells come, go or change labels.
bool UsesClustersGenerator(const Json& generators);

// Normalised URLs (git::NormaliseRepoUrl) of the repositories an ApplicationSet's spec
// names literally: git generators at any depth, and source.repoURL / sources[].repoURL of
// spec.template and of generators' own templates, where they hold no template tag.
std::set<std::string> LiteralRepos(const Json& appset_spec);

// Normalised source repositories of generated Applications (source and sources[]).
std::set<std::string> SourceRepos(const std::vector<Object>& apps);

}  // namespace cellgate::appset_controller

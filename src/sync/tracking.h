// Which live objects belong to which application.
//
// Annotation tracking, exactly as Argo CD's annotation tracking method
// (util/argo/resource_tracking.go):
//   argocd.argoproj.io/tracking-id: <app>:<group>/<kind>:<namespace>/<name>
// The core group is empty ("guestbook:/ConfigMap:default/ui"). A cluster-scoped object gets
// the application's destination namespace in the id, because Argo CD builds the id with the
// destination namespace when the object has none ("guestbook:/Namespace:default/shop");
// IsTrackedBy therefore ignores the id's namespace for cluster-scoped live objects, as Argo
// CD's isSelfReferencedObj does. Parsing splits on the first two ':' (an application name
// cannot contain ':'; Argo CD's "<namespace>_<name>" for apps in any namespace works as is).
//
// IsTrackedBy also checks that group, kind and name in the id are the object's own, so a
// tracking annotation copied onto another object (kubectl get -o yaml | edit | apply) does
// not make that object ours — and so it is never pruned by us.
//
// Our label, for watch selectors (annotations cannot be selected on):
//   app.cellgate.io/instance: <app>
// Label values are at most 63 characters of [A-Za-z0-9._-], starting and ending
// alphanumeric. A longer or otherwise invalid name becomes
//   <first up to 46 valid characters>-<16 hex digits of SHA-256 of the name>
// which is stable, valid and unique in practice. The label narrows the watch; the annotation
// decides ownership.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/object.h"
#include "core/result.h"

namespace cellgate::sync {

inline constexpr std::string_view kTrackingIdAnnotation = "argocd.argoproj.io/tracking-id";
inline constexpr std::string_view kInstanceLabel = "app.cellgate.io/instance";

struct TrackingId {
  std::string app;
  std::string group;
  std::string kind;
  std::string ns;
  std::string name;

  bool operator==(const TrackingId&) const = default;
};

std::string FormatTrackingId(const TrackingId& id);

// kInvalidArgument unless the text has the <app>:<group>/<kind>:<namespace>/<name> shape.
Result<TrackingId> ParseTrackingId(std::string_view text);

// The id Argo CD would write on `obj` for application `app`.
TrackingId TrackingIdFor(const Object& obj, std::string_view app,
                         std::string_view destination_namespace);

// The instance label value for `app` (the app name itself when it is a valid label value).
std::string InstanceLabelValue(std::string_view app);

// True when live carries a tracking id for `app` that describes live itself.
bool IsTrackedBy(const Object& live, std::string_view app);

// The application named by live's tracking id, if the id parses and describes live itself.
std::string TrackedApp(const Object& live);

// Writes the tracking annotation and the instance label onto a desired object before apply.
void SetTracking(Object& desired, std::string_view app, std::string_view destination_namespace);

// An object an application wants whose live copy another application's tracking id claims
// (Argo CD's SharedResourceWarning, controller/state.go CompareAppState).
struct SharedResource {
  ObjectKey key;
  std::string other;  // the other application's instance name
};

// The live copy of a desired object, when its tracking id names another instance than `app`
// (an object without a tracking id, or with a copied one, is no claim).
std::optional<SharedResource> SharedWith(const Object& live, std::string_view app);

// Argo CD's condition message: "<Kind>/<name> is part of applications <namespace>/<app> and
// <other>", the other instance's "<namespace>_<name>" written as "<namespace>/<name>".
// `qualified_app` is "<namespace>/<name>" (just the name when the app has no namespace).
std::string SharedResourceMessage(const SharedResource& shared, std::string_view qualified_app);

}  // namespace cellgate::sync

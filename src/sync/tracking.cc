#include "sync/tracking.h"

#include <algorithm>
#include <cctype>

#include "core/digest.h"

namespace cellgate::sync {
namespace {

bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool IsLabelChar(char c) { return IsAlnum(c) || c == '-' || c == '_' || c == '.'; }

bool IsValidLabelValue(std::string_view v) {
  if (v.empty()) return true;
  if (v.size() > 63 || !IsAlnum(v.front()) || !IsAlnum(v.back())) return false;
  for (char c : v) {
    if (!IsLabelChar(c)) return false;
  }
  return true;
}

}  // namespace

std::string FormatTrackingId(const TrackingId& id) {
  return id.app + ":" + id.group + "/" + id.kind + ":" + id.ns + "/" + id.name;
}

Result<TrackingId> ParseTrackingId(std::string_view text) {
  auto bad = [&] {
    return MakeError(
        ErrorCode::kInvalidArgument,
        "tracking id \"" + std::string(text) + "\" is not <app>:<group>/<kind>:<namespace>/<name>");
  };
  auto first = text.find(':');
  if (first == std::string_view::npos) return bad();
  auto second = text.find(':', first + 1);
  if (second == std::string_view::npos) return bad();
  std::string_view group_kind = text.substr(first + 1, second - first - 1);
  std::string_view ns_name = text.substr(second + 1);
  auto slash1 = group_kind.find('/');
  auto slash2 = ns_name.find('/');
  if (slash1 == std::string_view::npos ||
      group_kind.find('/', slash1 + 1) != std::string_view::npos ||
      slash2 == std::string_view::npos || ns_name.find('/', slash2 + 1) != std::string_view::npos) {
    return bad();
  }
  return TrackingId{.app = std::string(text.substr(0, first)),
                    .group = std::string(group_kind.substr(0, slash1)),
                    .kind = std::string(group_kind.substr(slash1 + 1)),
                    .ns = std::string(ns_name.substr(0, slash2)),
                    .name = std::string(ns_name.substr(slash2 + 1))};
}

TrackingId TrackingIdFor(const Object& obj, std::string_view app,
                         std::string_view destination_namespace) {
  std::string ns = obj.Namespace();
  if (ns.empty()) ns = std::string(destination_namespace);
  return TrackingId{.app = std::string(app),
                    .group = obj.Group(),
                    .kind = obj.Kind(),
                    .ns = std::move(ns),
                    .name = obj.Name()};
}

std::string InstanceLabelValue(std::string_view app) {
  if (IsValidLabelValue(app)) return std::string(app);
  std::string prefix;
  for (char c : app) {
    if (prefix.size() == 46) break;
    if (IsLabelChar(c) && (!prefix.empty() || IsAlnum(c))) prefix += c;
  }
  while (!prefix.empty() && !IsAlnum(prefix.back())) prefix.pop_back();
  std::string hash = Sha256Hex(app).substr(0, 16);
  return prefix.empty() ? hash : prefix + "-" + hash;
}

std::string TrackedApp(const Object& live) {
  auto id = ParseTrackingId(live.Annotation(kTrackingIdAnnotation));
  if (!id) return {};
  bool self = id->group == live.Group() && id->kind == live.Kind() && id->name == live.Name() &&
              (live.Namespace().empty() || live.Namespace() == id->ns);
  return self ? id->app : std::string();
}

std::optional<SharedResource> SharedWith(const Object& live, std::string_view app) {
  std::string owner = TrackedApp(live);
  if (owner.empty() || owner == app) return std::nullopt;
  return SharedResource{.key = live.Key(), .other = std::move(owner)};
}

std::string SharedResourceMessage(const SharedResource& shared, std::string_view qualified_app) {
  std::string other = shared.other;
  std::replace(other.begin(), other.end(), '_', '/');
  return shared.key.kind + "/" + shared.key.name + " is part of applications " +
         std::string(qualified_app) + " and " + other;
}

bool IsTrackedBy(const Object& live, std::string_view app) {
  return !app.empty() && TrackedApp(live) == app;
}

void SetTracking(Object& desired, std::string_view app, std::string_view destination_namespace) {
  desired.SetAnnotation(kTrackingIdAnnotation,
                        FormatTrackingId(TrackingIdFor(desired, app, destination_namespace)));
  desired.SetLabel(kInstanceLabel, InstanceLabelValue(app));
}

}  // namespace cellgate::sync

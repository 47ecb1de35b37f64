#include "sync/tracking.h"

#include <gtest/gtest.h>

namespace cellgate::sync {
namespace {

Object Make(const char* api_version, const char* kind, const char* ns, const char* name) {
  Json body{{"apiVersion", api_version}, {"kind", kind}, {"metadata", {{"name", name}}}};
  if (ns[0] != '\0') body["metadata"]["namespace"] = ns;
  return Object(body);
}

TEST(Tracking, FormatAndParseRoundTrip) {
  TrackingId id{
      .app = "guestbook", .group = "apps", .kind = "Deployment", .ns = "shop", .name = "api"};
  EXPECT_EQ(FormatTrackingId(id), "guestbook:apps/Deployment:shop/api");
  EXPECT_EQ(ParseTrackingId("guestbook:apps/Deployment:shop/api"), id);
  auto core = ParseTrackingId("myapp:/ConfigMap:default/cm");
  ASSERT_TRUE(core);
  EXPECT_EQ(core->group, "");
  EXPECT_EQ(core->kind, "ConfigMap");
  EXPECT_EQ(ParseTrackingId("argocd_guestbook:/Namespace:/shop")->app, "argocd_guestbook");
  for (const char* bad : {"", "app", "app:/ConfigMap", "app:ConfigMap:default/cm",
                          "app:/ConfigMap:default", "app:a/b/c:ns/n", "app:/K:ns/n/x"}) {
    auto r = ParseTrackingId(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
    }
  }
}

TEST(Tracking, ClusterScopedObjectsGetTheDestinationNamespace) {
  Object ns = Make("v1", "Namespace", "", "shop");
  EXPECT_EQ(FormatTrackingId(TrackingIdFor(ns, "guestbook", "default")),
            "guestbook:/Namespace:default/shop");
  Object cm = Make("v1", "ConfigMap", "", "cm");
  SetTracking(cm, "myapp", "default");
  EXPECT_EQ(cm.Annotation(kTrackingIdAnnotation), "myapp:/ConfigMap:default/cm");
  EXPECT_EQ(cm.Label(kInstanceLabel), "myapp");
}

TEST(Tracking, IsTrackedByChecksTheIdDescribesTheObject) {
  Object d = Make("apps/v1", "Deployment", "shop", "api");
  SetTracking(d, "guestbook", "shop");
  EXPECT_TRUE(IsTrackedBy(d, "guestbook"));
  EXPECT_EQ(TrackedApp(d), "guestbook");
  EXPECT_FALSE(IsTrackedBy(d, "other"));
  EXPECT_FALSE(IsTrackedBy(d, ""));
  Object copied = Make("apps/v1", "Deployment", "shop", "api-copy");
  copied.SetAnnotation(kTrackingIdAnnotation, d.Annotation(kTrackingIdAnnotation));
  EXPECT_FALSE(IsTrackedBy(copied, "guestbook"));
  Object other_ns = Make("apps/v1", "Deployment", "prod", "api");
  other_ns.SetAnnotation(kTrackingIdAnnotation, d.Annotation(kTrackingIdAnnotation));
  EXPECT_FALSE(IsTrackedBy(other_ns, "guestbook"));
  Object ns = Make("v1", "Namespace", "", "shop");
  ns.SetAnnotation(kTrackingIdAnnotation, "guestbook:/Namespace:whatever/shop");
  EXPECT_TRUE(IsTrackedBy(ns, "guestbook"));
  Object untracked = Make("v1", "ConfigMap", "shop", "x");
  EXPECT_EQ(TrackedApp(untracked), "");
}

TEST(Tracking, InstanceLabelValueIsAlwaysValid) {
  EXPECT_EQ(InstanceLabelValue("guestbook"), "guestbook");
  EXPECT_EQ(InstanceLabelValue("argocd_guestbook"), "argocd_guestbook");
  std::string long_name(80, 'a');
  std::string v = InstanceLabelValue(long_name);
  EXPECT_LE(v.size(), 63u);
  EXPECT_EQ(v.substr(0, 47), std::string(46, 'a') + "-");
  EXPECT_EQ(v, InstanceLabelValue(long_name));
  EXPECT_NE(v, InstanceLabelValue(long_name + "b"));
  std::string odd = InstanceLabelValue("-team:payments/");
  EXPECT_EQ(odd.substr(0, 13), "teampayments-");
  EXPECT_EQ(odd.size(), 13u + 16u);
  EXPECT_EQ(InstanceLabelValue("::").size(), 16u);
}

// Argo CD's SharedResourceWarning (controller/state.go): another instance's id is a claim, an
// absent or copied id is not; the other app's "<namespace>_<name>" reads "<namespace>/<name>".
TEST(Tracking, SharedWithAnotherAppAndArgoCdsMessage) {
  Object cm = Make("v1", "ConfigMap", "shop", "web");
  EXPECT_FALSE(SharedWith(cm, "web"));
  SetTracking(cm, "team-a_web", "shop");
  EXPECT_FALSE(SharedWith(cm, "team-a_web"));
  auto shared = SharedWith(cm, "web");
  ASSERT_TRUE(shared);
  EXPECT_EQ(shared->other, "team-a_web");
  EXPECT_EQ(SharedResourceMessage(*shared, "cellgate/web"),
            "ConfigMap/web is part of applications cellgate/web and team-a/web");
  Object copy = Make("v1", "ConfigMap", "shop", "web-copy");
  copy.SetAnnotation(kTrackingIdAnnotation, cm.Annotation(kTrackingIdAnnotation));
  EXPECT_FALSE(SharedWith(copy, "web"));
}

}  // namespace
}  // namespace cellgate::sync

#include "sync/mask.h"

#include <gtest/gtest.h>

#include "sync/normalize.h"

namespace cellgate::sync {
namespace {

Json Secret(Json data, Json string_data = nullptr) {
  Json s{{"apiVersion", "v1"}, {"kind", "Secret"}, {"metadata", {{"name", "db"}}}};
  if (!data.is_null()) s["data"] = std::move(data);
  if (!string_data.is_null()) s["stringData"] = std::move(string_data);
  return s;
}

TEST(Mask, EqualValuesGetEqualMasksChangedValuesDiffer) {
  Json desired = Secret({{"user", "YWRtaW4="}, {"password", "bmV3"}});
  Json live = Secret({{"user", "YWRtaW4="}, {"password", "b2xk"}, {"extra", "eA=="}});
  MaskedPair m = MaskSecretPair(desired, live);
  EXPECT_EQ(m.desired["data"]["user"], "++++++++");
  EXPECT_EQ(m.live["data"]["user"], "++++++++");
  EXPECT_EQ(m.desired["data"]["password"], "++++++++");
  EXPECT_EQ(m.live["data"]["password"], "++++++++++++");
  EXPECT_EQ(m.live["data"]["extra"], "++++++++");
  EXPECT_EQ(m.desired["data"].dump().find("bmV3"), std::string::npos);
}

TEST(Mask, StringDataIsFoldedBeforeMasking) {
  // "admin" in stringData is "YWRtaW4=" in data: the same value, so the same mask.
  MaskedPair m =
      MaskSecretPair(Secret(nullptr, {{"user", "admin"}}), Secret({{"user", "YWRtaW4="}}));
  EXPECT_FALSE(m.desired.contains("stringData"));
  EXPECT_EQ(m.desired["data"]["user"], m.live["data"]["user"]);
}

TEST(Mask, LastAppliedAnnotationIsMasked) {
  Json live = Secret({{"token", "c2VjcmV0"}});
  live["metadata"]["annotations"][std::string(kLastAppliedAnnotation)] =
      Secret({{"token", "b2xkc2VjcmV0"}}).dump();
  Json masked = MaskSecret(live);
  std::string text = masked.dump();
  EXPECT_EQ(text.find("c2VjcmV0"), std::string::npos);
  EXPECT_EQ(text.find("b2xkc2VjcmV0"), std::string::npos);
  Json last = Json::parse(
      masked["metadata"]["annotations"][std::string(kLastAppliedAnnotation)].get<std::string>());
  EXPECT_EQ(last["data"]["token"], "++++++++++++");
  live["metadata"]["annotations"][std::string(kLastAppliedAnnotation)] = "{not json";
  EXPECT_EQ(MaskSecret(live)["metadata"]["annotations"][std::string(kLastAppliedAnnotation)],
            "++++++++");
}

TEST(Mask, OtherObjectsAndAbsentSidesPassThrough) {
  Json cm{{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"data", {{"a", "b"}}}};
  EXPECT_EQ(MaskSecret(cm), cm);
  Json not_core{{"apiVersion", "example.com/v1"}, {"kind", "Secret"}, {"data", {{"a", "b"}}}};
  EXPECT_EQ(MaskSecret(not_core), not_core);
  MaskedPair m = MaskSecretPair(Secret({{"k", "dg=="}}), Json());
  EXPECT_TRUE(m.live.is_null());
  EXPECT_EQ(m.desired["data"]["k"], "++++++++");
  Json null_data = Secret(nullptr);
  null_data["data"] = nullptr;
  EXPECT_EQ(MaskSecret(null_data), null_data);
}

TEST(Normalize, Base64) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
}

TEST(Normalize, StripsServerFieldsAndStatus) {
  Json live = Json::parse(R"({"apiVersion":"apiextensions.k8s.io/v1",
    "kind":"CustomResourceDefinition","metadata":{"name":"w","uid":"1","resourceVersion":"9",
    "generation":2,"creationTimestamp":"t","managedFields":[],"selfLink":"x",
    "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}"},"labels":{}},
    "spec":{"a":1},"status":{"b":2}})");
  Json want = Json::parse(R"({"apiVersion":"apiextensions.k8s.io/v1",
    "kind":"CustomResourceDefinition","metadata":{"name":"w"},"spec":{"a":1}})");
  EXPECT_EQ(NormalizeForDiff(live), want);
  EXPECT_EQ(NormalizeForDiff(live, {.ignore_status = IgnoreStatusField::kCrd}), want);
  EXPECT_TRUE(
      NormalizeForDiff(live, {.ignore_status = IgnoreStatusField::kNone}).contains("status"));
  Json pod = Json::parse(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},
    "status":{"phase":"Running"}})");
  EXPECT_TRUE(NormalizeForDiff(pod, {.ignore_status = IgnoreStatusField::kCrd}).contains("status"));
  EXPECT_FALSE(NormalizeForDiff(pod).contains("status"));
  EXPECT_EQ(NormalizeForDiff(Json("x")), Json("x"));
}

TEST(Normalize, KeepsTrackingAnnotationAndFoldsSecrets) {
  Json obj = Json::parse(R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s",
    "annotations":{"argocd.argoproj.io/tracking-id":"app:/Secret:default/s"}},
    "data":{"a":"YQ=="},"stringData":{"b":"b","n":1}})");
  Json n = NormalizeForDiff(obj);
  EXPECT_EQ(n["metadata"]["annotations"]["argocd.argoproj.io/tracking-id"],
            "app:/Secret:default/s");
  EXPECT_EQ(n["data"], Json::parse(R"({"a":"YQ==","b":"Yg==","n":1})"));
  EXPECT_FALSE(n.contains("stringData"));
  EXPECT_TRUE(IsSecret(obj));
}

}  // namespace
}  // namespace cellgate::sync

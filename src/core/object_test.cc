#include "core/object.h"

#include <gtest/gtest.h>

namespace cellgate {
namespace {

TEST(Object, KeyAndAccessors) {
  auto o = Object::FromJson(Json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment",
      "metadata":{"name":"api","namespace":"shop","labels":{"app":"api"}}})"),
                            Origin{.file = "apps/a.yaml", .document = 0, .line = 3});
  ASSERT_TRUE(o) << o.error().message();
  EXPECT_EQ(o->Group(), "apps");
  EXPECT_EQ(o->Version(), "v1");
  EXPECT_EQ(o->Key().ToString(), "apps/Deployment shop/api");
  EXPECT_EQ(o->Label("app"), "api");
  EXPECT_EQ(o->Annotation("missing"), "");
  o->SetAnnotation("argocd.argoproj.io/sync-wave", "2");
  EXPECT_EQ(o->Annotation("argocd.argoproj.io/sync-wave"), "2");
  EXPECT_EQ(o->origin().ToString(), "apps/a.yaml:3");
}

TEST(Object, CoreGroupAndClusterScopedKeys) {
  auto ns = Object::FromJson(
      Json::parse(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"shop"}})"));
  ASSERT_TRUE(ns);
  EXPECT_EQ(ns->Group(), "");
  EXPECT_EQ(ns->Key().ToString(), "Namespace shop");
}

TEST(Object, RejectsManifestsWithoutIdentity) {
  auto no_kind = Object::FromJson(Json::parse(R"({"apiVersion":"v1","metadata":{"name":"x"}})"),
                                  Origin{.file = "a.yaml", .line = 7});
  ASSERT_FALSE(no_kind);
  EXPECT_EQ(no_kind.error().message(), "a.yaml:7: manifest has no kind");
  auto no_name = Object::FromJson(Json::parse(R"({"apiVersion":"v1","kind":"ConfigMap",
      "metadata":{}})"));
  ASSERT_FALSE(no_name);
  EXPECT_EQ(no_name.error().code(), ErrorCode::kInvalidArgument);
  auto scalar = Object::FromJson(Json("text"));
  ASSERT_FALSE(scalar);
}

TEST(Object, EraseManagedFieldsKeepsTheRestOfTheMetadata) {
  Json j = Json::parse(R"({"metadata":{"name":"a","resourceVersion":"7",
      "managedFields":[{"manager":"kubectl"}]},"data":{"k":"v"}})");
  EraseManagedFields(j);
  EXPECT_EQ(j, Json::parse(R"({"metadata":{"name":"a","resourceVersion":"7"},
      "data":{"k":"v"}})"));
  Json odd = Json::parse(R"({"metadata":"not a map"})");
  EraseManagedFields(odd);
  EXPECT_EQ(odd["metadata"], "not a map");
  Json scalar = 3;
  EraseManagedFields(scalar);
  EXPECT_EQ(scalar, 3);
}

TEST(Error, WrapKeepsCodeAndChainsContext) {
  Error e(ErrorCode::kUnavailable, "connection refused");
  Error w = e.Wrap("fetch repo").Wrap("render app web");
  EXPECT_EQ(w.code(), ErrorCode::kUnavailable);
  EXPECT_EQ(w.message(), "render app web: fetch repo: connection refused");
  Result<int> r = MakeError(ErrorCode::kNotFound, "no such path");
  auto c = WithContext(r, "app x");
  EXPECT_EQ(c.error().message(), "app x: no such path");
}

}  // namespace
}  // namespace cellgate

#include "kube/resource.h"

#include <gtest/gtest.h>

namespace cellgate::kube {
namespace {

ResourceMapping Deployments() {
  return {.gvk = {"apps", "v1", "Deployment"}, .resource = "deployments", .namespaced = true};
}

TEST(GroupVersionKind, FromObject) {
  Object deploy(Json{{"apiVersion", "apps/v1"}, {"kind", "Deployment"}});
  EXPECT_EQ(GroupVersionKind::Of(deploy), (GroupVersionKind{"apps", "v1", "Deployment"}));
  Object cm(Json{{"apiVersion", "v1"}, {"kind", "ConfigMap"}});
  auto gvk = GroupVersionKind::Of(cm);
  EXPECT_EQ(gvk, (GroupVersionKind{"", "v1", "ConfigMap"}));
  EXPECT_EQ(gvk.ApiVersion(), "v1");
  EXPECT_EQ(gvk.ToString(), "v1 ConfigMap");
  EXPECT_EQ(GroupVersionKind::Of(deploy).ToString(), "apps/v1 Deployment");
}

TEST(ResourcePath, NamespacedObjectAndCollection) {
  EXPECT_EQ(ResourcePath(Deployments(), "default", "api"),
            "/apis/apps/v1/namespaces/default/deployments/api");
  EXPECT_EQ(ResourcePath(Deployments(), "default"), "/apis/apps/v1/namespaces/default/deployments");
  EXPECT_EQ(ResourcePath(Deployments(), ""), "/apis/apps/v1/deployments");  // all namespaces
}

TEST(ResourcePath, CoreGroupAndClusterScoped) {
  ResourceMapping cm{.gvk = {"", "v1", "ConfigMap"}, .resource = "configmaps", .namespaced = true};
  EXPECT_EQ(ResourcePath(cm, "shop", "settings"), "/api/v1/namespaces/shop/configmaps/settings");
  ResourceMapping ns{.gvk = {"", "v1", "Namespace"}, .resource = "namespaces", .namespaced = false};
  EXPECT_EQ(ResourcePath(ns, "ignored", "shop"), "/api/v1/namespaces/shop");
  ResourceMapping crd{.gvk = {"apiextensions.k8s.io", "v1", "CustomResourceDefinition"},
                      .resource = "customresourcedefinitions"};
  EXPECT_EQ(ResourcePath(crd, "", "widgets.example.com"),
            "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com");
}

TEST(ResourcePath, EscapesSegments) {
  EXPECT_EQ(ResourcePath(Deployments(), "a b", "x/y"),
            "/apis/apps/v1/namespaces/a%20b/deployments/x%2Fy");
}

TEST(QueryString, EncodesAndSkipsEmpty) {
  EXPECT_EQ(QueryString({}), "");
  EXPECT_EQ(QueryString({{"a", ""}}), "");
  EXPECT_EQ(QueryString({{"labelSelector", "app=web,tier!=db"}, {"limit", "500"}, {"x", ""}}),
            "?labelSelector=app%3Dweb%2Ctier%21%3Ddb&limit=500");
}

TEST(ResourceMapping, Supports) {
  ResourceMapping m{.verbs = {"get", "list"}};
  EXPECT_TRUE(m.Supports("list"));
  EXPECT_FALSE(m.Supports("watch"));
}

}  // namespace
}  // namespace cellgate::kube

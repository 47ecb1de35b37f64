// Resource scope at render time: discovery first, by group and kind whatever the version
// (Argo CD asks the cluster cache IsNamespaced(GroupKind), controller/state.go; gitops-engine
// kube.IsNamespacedOrUnknown), then the app's own CustomResourceDefinitions of any
// apiextensions.k8s.io version (v1beta1 has spec.scope and spec.version as v1 has spec.scope and
// spec.versions[]).
#include "engine/desired.h"

#include <gtest/gtest.h>

#include "engine/testing/fake_cell.h"

namespace cellgate::engine {
namespace {

using testing::FakeCell;
using testing::Objects;

// A cell like any since Kubernetes 1.22: CustomResourceDefinitions only as apiextensions/v1.
TEST(DesiredScopeTest, V1beta1CrdIsClusterScopedByDiscoveryOfItsKind) {
  FakeCell cell;
  std::vector<Object> rendered = Objects(R"(
apiVersion: apiextensions.k8s.io/v1beta1
kind: CustomResourceDefinition
metadata: {name: gadgets.example.com}
spec:
  group: example.com
  version: v1
  scope: Cluster
  names: {kind: Gadget, plural: gadgets}
---
apiVersion: example.com/v1
kind: Gadget
metadata: {name: g}
)");
  auto prepared = PrepareDesired(rendered, "web", "shop", cell);
  ASSERT_TRUE(prepared) << prepared.error().message();
  EXPECT_FALSE(prepared->objects[0].body()["metadata"].contains("namespace"))
      << "a CustomResourceDefinition is cluster-scoped at every version";
  EXPECT_FALSE(prepared->objects[1].body()["metadata"].contains("namespace"))
      << "cluster-scoped by its v1beta1 CRD's spec.scope";
  ASSERT_EQ(prepared->unserved.size(), 2u);

  const kube::GroupVersionKind crd_kind{"apiextensions.k8s.io", "v1beta1",
                                        "CustomResourceDefinition"};
  auto crd = LookupKindScope(cell, crd_kind, rendered);
  ASSERT_TRUE(crd) << crd.error().message();
  EXPECT_FALSE(crd->namespaced);
  EXPECT_FALSE(crd->version_served);
  EXPECT_EQ(crd->served_api_version, "apiextensions.k8s.io/v1");
  EXPECT_FALSE(crd->Known("v1beta1"));
  EXPECT_EQ(UnknownKindError(*crd, crd_kind, "cell-2").message(),
            "cell cell-2 does not serve apiextensions.k8s.io/v1beta1 CustomResourceDefinition "
            "(it serves apiextensions.k8s.io/v1)");

  auto gadget = LookupKindScope(cell, {"example.com", "v1", "Gadget"}, rendered);
  ASSERT_TRUE(gadget) << gadget.error().message();
  EXPECT_FALSE(gadget->namespaced);
  ASSERT_NE(gadget->defining_crd, nullptr);
  EXPECT_TRUE(gadget->Known("v1"));
  EXPECT_FALSE(gadget->Known("v2"));
  EXPECT_EQ(UnknownKindError(*gadget, {"example.com", "v2", "Gadget"}, "cell-2").message(),
            "cell cell-2 does not serve example.com/v2 Gadget, and CustomResourceDefinition "
            "gadgets.example.com of the app does not define version v2");
}

TEST(DesiredScopeTest, ServedKindsFollowDiscoveryAndUnknownKindsAreNamed) {
  FakeCell cell;
  cell.Serve({"example.com", "v1", "Widget"}, false);
  std::vector<Object> rendered = Objects(R"(
apiVersion: example.com/v1beta1
kind: Widget
metadata: {name: w, namespace: wrong}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w1}
---
apiVersion: other.example/v1
kind: Thing
metadata: {name: t}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: things.other.example}
spec:
  group: other.example
  scope: Namespaced
  names: {kind: Thing, plural: things}
  versions: [{name: v1, served: true, storage: true}]
)");
  auto prepared = PrepareDesired(rendered, "web", "shop", cell);
  ASSERT_TRUE(prepared) << prepared.error().message();
  EXPECT_FALSE(prepared->objects[0].body()["metadata"].contains("namespace"))
      << "Widget is cluster-scoped in the cell, whichever version the render names";
  EXPECT_FALSE(prepared->objects[1].body()["metadata"].contains("namespace"));
  EXPECT_EQ(prepared->objects[2].Namespace(), "shop") << "Namespaced by its CRD";
  EXPECT_TRUE(LookupKindScope(cell, {"example.com", "v1", "Widget"}, rendered)->Known("v1"));
  EXPECT_TRUE(LookupKindScope(cell, {"other.example", "v1", "Thing"}, rendered)->Known("v1"));

  const kube::GroupVersionKind unknown{"nowhere.example", "v1", "Ghost"};
  auto ghost = LookupKindScope(cell, unknown, rendered);
  ASSERT_TRUE(ghost);
  EXPECT_FALSE(ghost->Known("v1"));
  EXPECT_TRUE(ghost->namespaced) << "an unknown kind is guessed namespaced, as Argo CD does";
  Error e = UnknownKindError(*ghost, unknown, "cell-2");
  EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  EXPECT_EQ(e.message(),
            "cell cell-2 does not serve nowhere.example/v1 Ghost, and no CustomResourceDefinition "
            "of the app defines it");
}

}  // namespace
}  // namespace cellgate::engine

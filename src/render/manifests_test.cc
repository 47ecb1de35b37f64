#include "render/manifests.h"

#include <gtest/gtest.h>

namespace cellgate::render {
namespace {

TEST(Manifests, MultiDocumentWithEmptyDocumentsAndLines) {
  auto r = ParseManifests(
      "---\n"
      "apiVersion: v1\n"
      "kind: ConfigMap\n"
      "metadata: {name: a}\n"
      "---\n"
      "---\n"
      "# nothing\n"
      "---\n"
      "apiVersion: apps/v1\n"
      "kind: Deployment\n"
      "metadata: {name: b}\n",
      "apps/x.yaml");
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(r->objects.size(), 2u);
  EXPECT_EQ(r->objects[0].origin().file, "apps/x.yaml");
  EXPECT_EQ(r->objects[0].origin().line, 2);
  EXPECT_EQ(r->objects[1].Kind(), "Deployment");
  EXPECT_EQ(r->objects[1].origin().line, 9);
  EXPECT_EQ(r->objects[1].origin().document, 3);
}

TEST(Manifests, ListsExpandLikeKubectl) {
  auto r = ParseManifests(R"(
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: a}
- apiVersion: v1
  kind: Secret
  metadata: {name: b}
---
apiVersion: v1
kind: ConfigMapList
items:
- {apiVersion: v1, kind: ConfigMap, metadata: {name: c}}
---
apiVersion: v1
kind: ConfigMapList
items: null
)",
                          "l.yaml");
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(r->objects.size(), 3u);
  EXPECT_EQ(r->objects[1].Kind(), "Secret");
  EXPECT_EQ(r->objects[2].Name(), "c");
}

TEST(Manifests, InvalidYamlNamesFileAndLine) {
  auto r = ParseManifests(
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: {a: b\n", "apps/bad.yaml");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message().find("apps/bad.yaml:"), std::string::npos) << r.error().message();
}

TEST(Manifests, MissingFieldsNameTheOrigin) {
  auto r = ParseManifests("---\napiVersion: v1\nkind: ConfigMap\nmetadata: {}\n", "a/b.yaml");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("a/b.yaml:2"), std::string::npos) << r.error().message();
  EXPECT_NE(r.error().message().find("metadata.name"), std::string::npos);
  auto scalar = ParseManifests("just a string\n", "s.yaml");
  ASSERT_FALSE(scalar);
}

TEST(Manifests, UnrelatedYamlIsSkippedOnlyInDirectories) {
  ManifestParseOptions dir{.skip_unrelated_yaml = true};
  auto ci = ParseManifests("on: push\njobs: {build: {runs-on: x}}\n", ".github/ci.yaml", dir);
  ASSERT_TRUE(ci) << ci.error().message();
  EXPECT_TRUE(ci->objects.empty());
  EXPECT_FALSE(ci->note.empty());
  auto broken = ParseManifests("a: [\n", "values.yaml", dir);
  ASSERT_TRUE(broken);
  EXPECT_TRUE(broken->objects.empty());
  // Looks like a manifest: fails loudly.
  auto manifest =
      ParseManifests("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [\n", "cm.yaml", dir);
  ASSERT_FALSE(manifest);
  EXPECT_FALSE(ParseManifests("on: push\n", "x.yaml"));
}

TEST(Manifests, JsonHoldsOneObject) {
  ManifestParseOptions json{.json = true};
  auto r = ParseManifests(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"j"}})",
                          "a.json", json);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->objects.size(), 1u);
  auto list = ParseManifests(
      R"({"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}]})",
      "l.json", json);
  ASSERT_TRUE(list);
  EXPECT_EQ(list->objects.size(), 1u);
  EXPECT_FALSE(ParseManifests("[1,2]", "arr.json", json));
  auto two = ParseManifests(R"({"a":1} {"b":2})", "two.json", json);
  ASSERT_FALSE(two);
  EXPECT_NE(two.error().message().find("two.json"), std::string::npos);
}

TEST(Manifests, HelmSourceCommentsBecomeOrigins) {
  ManifestParseOptions helm{.helm_source_comments = true, .helm_chart_dir = "charts/web"};
  auto r = ParseManifests(R"(---
# Source: web/templates/service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
---
# Source: web/templates/deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
---
# Source: web/templates/deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web-canary}
)",
                          "charts/web", helm);
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(r->objects.size(), 3u);
  EXPECT_EQ(r->objects[0].origin().file, "charts/web/templates/service.yaml");
  EXPECT_EQ(r->objects[2].origin().file, "charts/web/templates/deploy.yaml");
  EXPECT_EQ(r->objects[2].origin().document, 1);
}

TEST(Manifests, DuplicatesNameBothOrigins) {
  auto a = ParseManifests("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n", "one.yaml");
  auto b = ParseManifests("\n\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n", "two.yaml");
  ASSERT_TRUE(a && b);
  std::vector<Object> all = a->objects;
  all.insert(all.end(), b->objects.begin(), b->objects.end());
  auto st = CheckDuplicates(all);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message().find("one.yaml:1"), std::string::npos) << st.error().message();
  EXPECT_NE(st.error().message().find("two.yaml:3"), std::string::npos) << st.error().message();
  // Different namespaces or groups are different objects.
  auto c = ParseManifests(
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: other}\n", "three.yaml");
  std::vector<Object> distinct = a->objects;
  distinct.insert(distinct.end(), c->objects.begin(), c->objects.end());
  EXPECT_TRUE(CheckDuplicates(distinct));
}

}  // namespace
}  // namespace cellgate::render

// list, clusters, matrix and merge generators and post-generation selectors: one test per
// Argo CD behaviour, and the errors.
#include "appset/generators.h"

#include <gtest/gtest.h>

#include "appset/test_util.h"

namespace cellgate::appset {
namespace {

using testing::Plain;
using testing::Yaml;

GeneratorInputs Cells() {
  GeneratorInputs in;
  in.cells = {
      Cell{.name = "cell_EU",
           .server = "https://eu:6443",
           .project = "fleet",
           .labels = {{"env", "prod"}, {"region", "eu"}},
           .annotations = {{"owner", "team-a"}}},
      Cell{.name = "cell-us",
           .server = "https://us:6443",
           .labels = {{"env", "prod"}, {"region", "us"}}},
      Cell{.name = "cell-dev", .server = "https://dev:6443", .labels = {{"env", "dev"}}},
  };
  return in;
}

std::vector<Json> Gen(const std::string& yaml, const GeneratorInputs& in, bool go = false) {
  GeneratorEnv env{.go_template = go, .inputs = in};
  auto r = GenerateParams(Yaml(yaml), env);
  EXPECT_TRUE(r.has_value()) << yaml << ": " << (r ? "" : r.error().message());
  return r ? *r : std::vector<Json>{};
}

std::string GenError(const std::string& yaml, const GeneratorInputs& in, bool go = false) {
  GeneratorEnv env{.go_template = go, .inputs = in};
  auto r = GenerateParams(Yaml(yaml), env);
  EXPECT_FALSE(r.has_value()) << yaml;
  return r ? "" : r.error().message();
}

TEST(List, FlatParamsWithValuesPrefix) {
  auto p = Gen(R"(
list:
  elements:
  - cluster: a
    url: https://a
    values: {tier: gold}
)",
               {});
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(Plain(p[0]),
            Plain(Json{{"cluster", "a"}, {"url", "https://a"}, {"values.tier", "gold"}}));
}

TEST(List, GoTemplateKeepsNestedValues) {
  auto p = Gen("list: {elements: [{cluster: a, replicas: 3, nested: {x: [1, 2]}}]}", {}, true);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0]["replicas"], 3);
  EXPECT_EQ(p[0]["nested"]["x"][1], 2);
}

TEST(List, ElementsYamlAppended) {
  auto p =
      Gen("list:\n  elements: [{a: '1'}]\n  elementsYaml: |\n    - a: '2'\n    - a: '3'\n", {});
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p[2]["a"], "3");
}

TEST(List, NonStringWithoutGoTemplateIsAnError) {
  EXPECT_NE(GenError("list: {elements: [{replicas: 3}]}", {})
                .find("list.elements[0].replicas must be a string"),
            std::string::npos);
}

TEST(Clusters, EveryCellPlusInClusterWithoutSelector) {
  auto p = Gen("clusters: {}", Cells());
  ASSERT_EQ(p.size(), 4u);
  EXPECT_EQ(Plain(p[0]), Plain(Json{{"name", "in-cluster"},
                                    {"nameNormalized", "in-cluster"},
                                    {"server", "https://kubernetes.default.svc"},
                                    {"project", ""}}));
  EXPECT_EQ(p[1]["name"], "cell_EU");
  EXPECT_EQ(p[1]["nameNormalized"], "cell-eu");
  EXPECT_EQ(p[1]["project"], "fleet");
  EXPECT_EQ(p[1]["metadata.labels.region"], "eu");
  EXPECT_EQ(p[1]["metadata.labels.argocd.argoproj.io/secret-type"], "cluster");
  EXPECT_EQ(p[1]["metadata.annotations.owner"], "team-a");
}

TEST(Clusters, SelectorExcludesInClusterAndFilters) {
  auto p = Gen("clusters: {selector: {matchLabels: {env: prod}}}", Cells());
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0]["name"], "cell_EU");
  EXPECT_EQ(p[1]["name"], "cell-us");
}

TEST(Clusters, MatchExpressions) {
  auto in = Cells();
  EXPECT_EQ(Gen("clusters: {selector: {matchExpressions: [{key: region, operator: In, values: [us, "
                "eu]}]}}",
                in)
                .size(),
            2u);
  EXPECT_EQ(
      Gen("clusters: {selector: {matchExpressions: [{key: env, operator: NotIn, values: [prod]}]}}",
          in)
          .size(),
      1u);
  EXPECT_EQ(
      Gen("clusters: {selector: {matchExpressions: [{key: region, operator: Exists}]}}", in).size(),
      2u);
  auto none =
      Gen("clusters: {selector: {matchExpressions: [{key: region, operator: DoesNotExist}]}}", in);
  ASSERT_EQ(none.size(), 1u);
  EXPECT_EQ(none[0]["name"], "cell-dev");
  // The secret-type label is on every cluster Secret, so this selects every cell (but not
  // in-cluster, which has no Secret).
  EXPECT_EQ(
      Gen("clusters: {selector: {matchLabels: {argocd.argoproj.io/secret-type: cluster}}}", in)
          .size(),
      3u);
}

TEST(Clusters, InClusterReplacedByACellWithItsServerOrDisabled) {
  auto in = Cells();
  in.cells.push_back(Cell{.name = "local", .server = "https://kubernetes.default.svc/"});
  auto p = Gen("clusters: {}", in);
  ASSERT_EQ(p.size(), 4u);
  EXPECT_EQ(p[0]["name"], "cell_EU");
  auto off = Cells();
  off.in_cluster_enabled = false;
  EXPECT_EQ(Gen("clusters: {}", off).size(), 3u);
}

TEST(Clusters, ValuesAreTemplatedWithClusterParams) {
  auto p =
      Gen("clusters: {selector: {matchLabels: {region: eu}}, values: {revision: "
          "'rel-{{metadata.labels.region}}', n: '{{name}}'}}",
          Cells());
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0]["values.revision"], "rel-eu");
  EXPECT_EQ(p[0]["values.n"], "cell_EU");
}

TEST(Clusters, GoTemplateMetadataMaps) {
  auto p =
      Gen("clusters: {selector: {matchLabels: {region: eu}}, values: {r: '{{index .metadata.labels "
          "\"region\"}}'}}",
          Cells(), true);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0]["metadata"]["labels"]["region"], "eu");
  EXPECT_EQ(p[0]["metadata"]["annotations"]["owner"], "team-a");
  EXPECT_EQ(p[0]["values"]["r"], "eu");
}

TEST(Clusters, FlatList) {
  auto p = Gen("clusters: {flatList: true, selector: {matchLabels: {env: prod}}}", Cells(), true);
  ASSERT_EQ(p.size(), 1u);
  ASSERT_EQ(p[0]["clusters"].size(), 2u);
  EXPECT_EQ(p[0]["clusters"][1]["name"], "cell-us");
}

TEST(Clusters, BadSelectorIsAnError) {
  EXPECT_NE(
      GenError("clusters: {selector: {matchExpressions: [{key: a, operator: Near, values: [b]}]}}",
               Cells())
          .find("\"Near\" is not a valid label selector operator"),
      std::string::npos);
  EXPECT_NE(GenError("clusters: {selector: {matchLabels: {'bad key!': x}}}", Cells())
                .find("invalid label key"),
            std::string::npos);
  EXPECT_NE(GenError("clusters: {selector: {matchExpressions: [{key: a, operator: In}]}}", Cells())
                .find("can't be empty"),
            std::string::npos);
}

TEST(Selector, PostGenerationOverStringParams) {
  // The generator-level selector may match values no label could hold (a URL).
  auto p = Gen(R"(
list:
  elements: [{cluster: a, url: 'https://a:6443'}, {cluster: b, url: 'https://b:6443'}]
selector:
  matchLabels: {url: 'https://b:6443'}
)",
               {});
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0]["cluster"], "b");
  // With goTemplate, non-string parameters are invisible to the selector.
  auto go =
      Gen("list: {elements: [{num: 1}, {num: 2}]}\nselector: {matchExpressions: [{key: num, "
          "operator: Exists}]}",
          {}, true);
  EXPECT_TRUE(go.empty());
}

TEST(Matrix, CartesianProductWithInterpolation) {
  auto p = Gen(R"(
matrix:
  generators:
  - list: {elements: [{env: prod}, {env: dev}]}
  - clusters: {selector: {matchLabels: {env: '{{env}}'}}}
)",
               Cells());
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p[0]["env"], "prod");
  EXPECT_EQ(p[0]["name"], "cell_EU");
  EXPECT_EQ(p[1]["name"], "cell-us");
  EXPECT_EQ(p[2]["name"], "cell-dev");
  EXPECT_EQ(p[2]["env"], "dev");
}

TEST(Matrix, FlatConflictingKeysAreAnError) {
  auto msg = GenError(R"(
matrix:
  generators:
  - list: {elements: [{name: x}]}
  - list: {elements: [{name: q}]}
)",
                      {});
  EXPECT_NE(msg.find("found duplicate key name with different value, a: x ,b: q"),
            std::string::npos)
      << msg;
}

TEST(Matrix, GoTemplateFirstChildWins) {
  auto p = Gen(R"(
matrix:
  generators:
  - list: {elements: [{name: x, m: {a: 1}}]}
  - list: {elements: [{name: q, m: {b: 2}, other: z}]}
)",
               {}, true);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0]["name"], "x");
  EXPECT_EQ(p[0]["other"], "z");
  EXPECT_EQ(Plain(p[0]["m"]), Plain(Json{{"a", 1}, {"b", 2}}));
}

TEST(Matrix, NestedOneLevelButNotTwo) {
  auto p = Gen(R"(
matrix:
  generators:
  - list: {elements: [{a: '1'}, {a: '2'}]}
  - matrix:
      generators:
      - list: {elements: [{b: x}]}
      - list: {elements: [{c: p}, {c: z}]}
)",
               {});
  EXPECT_EQ(p.size(), 4u);
  auto msg = GenError(R"(
matrix:
  generators:
  - list: {elements: [{a: '1'}]}
  - matrix:
      generators:
      - list: {elements: [{b: x}]}
      - merge: {mergeKeys: [b], generators: [{list: {elements: [{b: x}]}}, {list: {elements: [{b: x}]}}]}
)",
                      {});
  EXPECT_NE(msg.find("nest only one level deep"), std::string::npos) << msg;
}

TEST(Matrix, NeedsExactlyTwo) {
  EXPECT_NE(GenError("matrix: {generators: [{list: {elements: []}}]}", {}).find("less than two"),
            std::string::npos);
  EXPECT_NE(GenError("matrix: {generators: [{list: {}}, {list: {}}, {list: {}}]}", {})
                .find("more than two"),
            std::string::npos);
}

TEST(Matrix, ChildSelectorApplies) {
  auto p = Gen(R"(
matrix:
  generators:
  - list: {elements: [{a: '1'}, {a: '2'}]}
    selector: {matchLabels: {a: '2'}}
  - list: {elements: [{b: x}]}
)",
               {});
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0]["a"], "2");
}

TEST(Merge, LaterGeneratorsOverrideMatchingBaseSets) {
  auto p = Gen(R"(
merge:
  mergeKeys: [server]
  generators:
  - clusters: {values: {kafka: 'false', redis: 'false'}}
  - clusters: {selector: {matchLabels: {env: prod}}, values: {kafka: 'true'}}
  - list: {elements: [{server: 'https://dev:6443', values.redis: 'true'}, {server: 'https://nowhere', x: v}]}
)",
               Cells());
  ASSERT_EQ(p.size(), 4u);  // the base: in-cluster and three cells, in order
  EXPECT_EQ(p[0]["name"], "in-cluster");
  EXPECT_EQ(p[0]["values.kafka"], "false");
  EXPECT_EQ(p[1]["values.kafka"], "true");
  EXPECT_EQ(p[3]["values.redis"], "true");
  EXPECT_EQ(p[3]["values.kafka"], "false");
  for (const auto& s : p) EXPECT_FALSE(s.contains("x"));  // unmatched override sets are dropped
}

TEST(Merge, GoTemplateDeepMerges) {
  auto p = Gen(R"(
merge:
  mergeKeys: [name]
  generators:
  - list: {elements: [{name: a, values: {x: '1', y: '1'}}]}
  - list: {elements: [{name: a, values: {y: '2'}}]}
)",
               {}, true);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(Plain(p[0]["values"]), Plain(Json{{"x", "1"}, {"y", "2"}}));
}

TEST(Merge, Errors) {
  EXPECT_NE(GenError("merge: {generators: [{list: {elements: []}}, {list: {elements: []}}]}", {})
                .find("no merge keys"),
            std::string::npos);
  EXPECT_NE(GenError("merge: {mergeKeys: [a], generators: [{list: {elements: [{a: x}, {a: x}]}}, "
                     "{list: {elements: []}}]}",
                     {})
                .find("Duplicate key was {\"a\":\"x\"}"),
            std::string::npos);
  EXPECT_NE(GenError("merge: {mergeKeys: [a], generators: [{list: {elements: []}}]}", {})
                .find("two or more"),
            std::string::npos);
}

TEST(Generators, UnsupportedAndUnknownTypesAreNamed) {
  for (const char* t : {"pullRequest", "scmProvider", "clusterDecisionResource", "plugin"}) {
    std::string msg = GenError(std::string(t) + ": {}", {});
    EXPECT_NE(msg.find(std::string("the ") + t + " generator is not supported"), std::string::npos)
        << msg;
  }
  EXPECT_NE(GenError("lists: {}", {}).find("unknown generator \"lists\""), std::string::npos);
  EXPECT_NE(GenError("{list: {elements: []}, clusters: {}}", {}).find("more than one type"),
            std::string::npos);
  EXPECT_NE(GenError("selector: {}", {}).find("has no type"), std::string::npos);
}

TEST(Generators, ParamSetLimit) {
  GeneratorInputs in;
  in.max_param_sets = 3;
  EXPECT_NE(GenError(R"(
matrix:
  generators:
  - list: {elements: [{a: '1'}, {a: '2'}]}
  - list: {elements: [{b: '1'}, {b: '2'}]}
)",
                     in)
                .find("more than 3 parameter sets"),
            std::string::npos);
}

}  // namespace
}  // namespace cellgate::appset

// Sprig and Argo CD template functions, as Argo CD's Go controller evaluates them.
#include <gtest/gtest.h>

#include <string>

#include "core/yaml.h"
#include "template/dns_names.h"
#include "template/template.h"

namespace cellgate::tmpl {
namespace {

Value Data() {
  return Value::FromJson(*ParseJson(R"({"name": "My_Cluster.Prod", "s": "  pad  ", "n": 3,
      "list": ["b", "a", "c"], "m": {"k": "v", "x": {"y": 1}}, "empty": "", "nothing": null,
      "flag": false, "html": "<b>&"})",
                                    "test"));
}

struct Case {
  const char* name;
  const char* tmpl;
  const char* want;
};

class Func : public ::testing::TestWithParam<Case> {};

TEST_P(Func, MatchesSprig) {
  const Case& c = GetParam();
  auto out = RenderGoTemplate(c.tmpl, Data());
  ASSERT_TRUE(out.has_value()) << c.tmpl << ": " << out.error().message();
  EXPECT_EQ(*out, c.want) << c.tmpl;
}

INSTANTIATE_TEST_SUITE_P(
    Sprig, Func,
    ::testing::Values(
        Case{"default_missing", "{{.nope | default \"d\"}}", "d"},
        Case{"default_empty", "{{.empty | default \"d\"}}", "d"},
        Case{"default_set", "{{.name | default \"d\"}}", "My_Cluster.Prod"},
        Case{"default_false", "{{.flag | default true}}", "true"},
        Case{"empty", "{{empty .empty}}/{{empty .n}}/{{empty .nothing}}", "true/false/true"},
        Case{"coalesce", "{{coalesce .nope .empty \"x\" \"y\"}}", "x"},
        Case{"ternary", "{{ternary \"a\" \"b\" .flag}}", "b"},
        Case{"lower_upper", "{{lower .name}} {{upper .name}}", "my_cluster.prod MY_CLUSTER.PROD"},
        Case{"title", "{{title \"hello wide-world foo_bar\"}}", "Hello Wide-World Foo_bar"},
        Case{"replace", "{{replace \".\" \"-\" .name}}", "My_Cluster-Prod"},
        Case{"trunc", "{{trunc 5 .name}}|{{trunc -4 .name}}|{{trunc 99 \"ab\"}}", "My_Cl|Prod|ab"},
        Case{"trim", "[{{trim .s}}]", "[pad]"},
        Case{"trimAll", "{{trimAll \"$\" \"$$5.00$\"}}", "5.00"},
        Case{"trimPrefix_suffix",
             "{{trimPrefix \"v\" \"v1.2\"}} {{trimSuffix \".yaml\" \"a.yaml\"}}", "1.2 a"},
        Case{"quote", "{{quote .name .n}}", "\"My_Cluster.Prod\" \"3\""},
        Case{"quote_skips_nil", "{{quote .nope}}", ""}, Case{"squote", "{{squote .n}}", "'3'"},
        Case{"toJson_html_escaped", "{{toJson .html}}", "\"\\u003cb\\u003e\\u0026\""},
        Case{"toJson_map", "{{toJson .m}}", "{\"k\":\"v\",\"x\":{\"y\":1}}"},
        Case{"toPrettyJson", "{{toPrettyJson .m.x}}", "{\n  \"y\": 1\n}"},
        Case{"toRawJson", "{{toRawJson .html}}", "\"<b>&\""},
        Case{"fromJson", "{{(fromJson \"{\\\"a\\\": [1, 2]}\").a}}", "[1 2]"},
        Case{"toYaml", "{{toYaml (dict \"b\" 1 \"a\" (list \"x\" 2))}}", "a:\n- x\n- 2\nb: 1"},
        Case{"fromYaml", "{{(fromYaml \"a: b\").a}}", "b"},
        Case{"join", "{{join \",\" .list}}", "b,a,c"},
        Case{"split", "{{(split \".\" .name)._1}}", "Prod"},
        Case{"splitList", "{{index (splitList \"_\" .name) 0}}", "My"},
        Case{"hasPrefix", "{{hasPrefix \"My\" .name}} {{hasSuffix \"x\" .name}}", "true false"},
        Case{"contains", "{{contains \"Cluster\" .name}}", "true"},
        Case{"list", "{{list 1 \"a\" .n}}", "[1 a 3]"},
        Case{"dict_get", "{{get (dict \"a\" 1 \"b\" 2) \"b\"}}", "2"},
        Case{"get_missing", "[{{get .m \"zz\"}}]", "[]"},
        Case{"hasKey", "{{hasKey .m \"k\"}} {{hasKey .m \"zz\"}}", "true false"},
        Case{"keys_sorted", "{{keys .m}}", "[k x]"},
        Case{"first_last", "{{first .list}} {{last .list}}", "b c"},
        Case{"sortAlpha", "{{sortAlpha .list}}", "[a b c]"},
        Case{"regexMatch", "{{regexMatch \"^My_[A-Z]\" .name}} {{regexMatch \"(?i)^my\" .name}}",
             "true true"},
        Case{"regexReplaceAll", "{{regexReplaceAll \"a(x*)b\" \"-ab-axxb-\" \"${1}W\"}}",
             "-W-xxW-"},
        Case{"regexReplaceAll_dollar_name", "{{regexReplaceAll \"a(x*)b\" \"-ab-axxb-\" \"$1W\"}}",
             "---"},
        Case{"regexReplaceAll_empty_match", "{{regexReplaceAll \"x*\" \"abc\" \"-\"}}", "-a-b-c-"},
        Case{"regexReplaceAllLiteral", "{{regexReplaceAllLiteral \"a\" \"aa\" \"$1\"}}", "$1$1"},
        Case{"regexFind", "{{regexFind \"[A-Z]\\\\w+\" .name}}", "My_Cluster"},
        Case{"b64", "{{b64enc \"hello\"}} {{b64dec \"aGVsbG8=\"}}", "aGVsbG8= hello"},
        Case{"b64dec_error_text", "{{b64dec \"!!\"}}", "illegal base64 data at input byte 0"},
        Case{"sha256sum", "{{sha256sum \"abc\"}}",
             "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        Case{"int_of_float", "{{int .n}}", "3"},
        Case{"int_of_string", "{{int \"42\"}} {{int \"4.0\"}} {{int \"x\"}}", "42 4 0"},
        Case{"toString", "{{toString .n}}-{{toString .nope}}", "3-<nil>"},
        Case{"add_float_params", "{{add .n 1 \"2\"}}", "6"},
        Case{"sub_mul_div_mod", "{{sub 10 3}} {{mul 2 3 4}} {{div 7 2}} {{mod 7 2}}", "7 24 3 1"},
        Case{"max_min", "{{max 1 5 3}} {{min 4 2 8}}", "5 2"},
        Case{"indent", "{{nindent 2 \"a\\nb\"}}", "\n  a\n  b"},
        Case{"normalize", "{{normalize .name}}", "my-cluster.prod"},
        Case{"slugify", "{{slugify .name}}", "my-cluster-prod"},
        Case{"slugify_max", "{{slugify 8 true \"alpha-beta-gamma\"}}", "alpha"}),
    [](const auto& info) { return info.param.name; });

TEST(FuncErrors, ReportTheFunction) {
  struct E {
    const char* tmpl;
    const char* want;
  } cases[] = {
      {"{{first .n}}", "error calling first: Cannot find first on type float64"},
      // regexFind compiles with MustCompile in Sprig: a bad pattern fails the call (regexMatch
      // drops the error instead; see sprig_table_test.cc).
      {"{{regexFind \"(\" \"x\"}}", "error calling regexFind: regexp: Compile(`(`)"},
      {"{{ternary 1 2 .nope}}", "invalid value; expected bool"},
      {"{{get .list \"a\"}}",
       "wrong type for value; expected map[string]interface {}; got []interface {}"},
      {"{{repeat 100000000 \"abc\"}}", "1 MiB"},
  };
  for (const auto& c : cases) {
    auto out = RenderGoTemplate(c.tmpl, Data());
    ASSERT_FALSE(out.has_value()) << c.tmpl;
    EXPECT_NE(out.error().message().find(c.want), std::string::npos)
        << c.tmpl << ": " << out.error().message();
  }
}

TEST(Names, SanitizeNameAsArgoCD) {
  EXPECT_EQ(SanitizeName("My_Cluster"), "my-cluster");
  EXPECT_EQ(SanitizeName("-.Edge.-"), "edge");
  EXPECT_EQ(SanitizeName("crème"), "cr-me");
  EXPECT_EQ(SanitizeName(std::string(300, 'a')).size(), 253u);
  EXPECT_EQ(SanitizeName("___"), "");
}

TEST(Names, SlugifyCollapsesAndTruncates) {
  EXPECT_EQ(Slugify("a..b__c"), "a-b-c");
  EXPECT_EQ(Slugify("alpha-beta-gamma", 12, true), "alpha-beta");
  EXPECT_EQ(Slugify("alpha-beta-gamma", 12, false), "alpha-beta-g");
}

}  // namespace
}  // namespace cellgate::tmpl

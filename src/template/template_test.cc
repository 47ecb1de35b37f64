// Go text/template semantics, one table row per behaviour. Expected outputs are what Go's
// text/template (with Argo CD's function map) prints for the same template and data.
#include "template/template.h"

#include <gtest/gtest.h>

#include <string>

#include "core/yaml.h"

namespace cellgate::tmpl {
namespace {

const char* kData = R"({
  "name": "cell-1", "server": "https://10.0.0.1", "empty": "", "zero": 0, "count": 3,
  "ratio": 1.5, "big": 1000000, "flag": true, "off": false, "nothing": null,
  "list": ["a", "b"], "nums": [1, 2, 3], "emptylist": [], "emptymap": {},
  "path": {"path": "apps/web", "basename": "web", "segments": ["apps", "web"]},
  "metadata": {"labels": {"region": "eu-west", "env": "prod"}},
  "values": {"repo": "org/web", "branch": "main"},
  "m": {"b": 2, "a": 1}
})";

Value Data() { return Value::FromJson(*ParseJson(kData, "test")); }

struct Case {
  const char* name;
  const char* tmpl;
  const char* want;
};

class Render : public ::testing::TestWithParam<Case> {};

TEST_P(Render, MatchesGo) {
  const Case& c = GetParam();
  auto out = RenderGoTemplate(c.tmpl, Data());
  ASSERT_TRUE(out.has_value()) << c.tmpl << ": " << out.error().message();
  EXPECT_EQ(*out, c.want) << c.tmpl;
}

INSTANTIATE_TEST_SUITE_P(
    Constructs, Render,
    ::testing::Values(
        Case{"text", "plain text", "plain text"}, Case{"field", "{{.name}}", "cell-1"},
        Case{"spaces_in_braces", "{{ .server }}", "https://10.0.0.1"},
        Case{"chained_field", "{{.path.basename}}-{{.metadata.labels.region}}", "web-eu-west"},
        Case{"values_field", "https://git/{{.values.repo}}", "https://git/org/web"},
        Case{"missing_key", "{{.nope}}", "<no value>"},
        Case{"missing_chain", "{{.nope.deeper}}", "<no value>"},
        Case{"null_prints_no_value", "{{.nothing}}", "<no value>"},
        Case{"float_integral", "{{.count}}", "3"}, Case{"float_fraction", "{{.ratio}}", "1.5"},
        Case{"float_exponent", "{{.big}}", "1e+06"}, Case{"bool", "{{.flag}}", "true"},
        Case{"list_print", "{{.list}}", "[a b]"}, Case{"nums_print", "{{.nums}}", "[1 2 3]"},
        Case{"map_print_sorted", "{{.m}}", "map[a:1 b:2]"},
        Case{"dot_root", "{{.path}}", "map[basename:web path:apps/web segments:[apps web]]"},
        Case{"trim_left", "a  {{- .name}}", "acell-1"},
        Case{"trim_right", "{{.name -}}  \n b", "cell-1b"},
        Case{"trim_both", "x \n{{- .name -}}\n y", "xcell-1y"},
        Case{"minus_number_not_trim", "{{-3}}", "-3"}, Case{"comment", "a{{/* note */}}b", "ab"},
        Case{"comment_trimmed", "a {{- /* note */ -}} b", "ab"},
        Case{"if_true", "{{if .flag}}yes{{end}}", "yes"},
        Case{"if_missing_false", "{{if .nope}}yes{{else}}no{{end}}", "no"},
        Case{"if_empty_string_false", "{{if .empty}}yes{{else}}no{{end}}", "no"},
        Case{"if_zero_false", "{{if .zero}}yes{{else}}no{{end}}", "no"},
        Case{"if_empty_list_false", "{{if .emptylist}}yes{{else}}no{{end}}", "no"},
        Case{"if_empty_map_false", "{{if .emptymap}}yes{{else}}no{{end}}", "no"},
        Case{"if_null_false", "{{if .nothing}}yes{{else}}no{{end}}", "no"},
        Case{"else_if_chain", "{{if .off}}a{{else if .zero}}b{{else if .flag}}c{{else}}d{{end}}",
             "c"},
        Case{"with", "{{with .path}}{{.basename}}{{end}}", "web"},
        Case{"with_else", "{{with .nope}}x{{else}}none{{end}}", "none"},
        Case{"else_with", "{{with .nope}}x{{else with .values}}{{.branch}}{{end}}", "main"},
        Case{"range_list", "{{range .list}}[{{.}}]{{end}}", "[a][b]"},
        Case{"range_index", "{{range $i, $v := .list}}{{$i}}={{$v}} {{end}}", "0=a 1=b "},
        Case{"range_map_sorted", "{{range $k, $v := .m}}{{$k}}{{$v}}{{end}}", "a1b2"},
        Case{"range_one_var_is_element", "{{range $v := .list}}{{$v}}{{end}}", "ab"},
        Case{"range_else", "{{range .emptylist}}x{{else}}empty{{end}}", "empty"},
        Case{"range_missing", "{{range .nope}}x{{else}}none{{end}}", "none"},
        Case{"range_break", "{{range .nums}}{{if eq . 3.0}}{{break}}{{end}}{{.}}{{end}}", "12"},
        Case{"range_continue", "{{range .nums}}{{if eq . 2.0}}{{continue}}{{end}}{{.}}{{end}}",
             "13"},
        Case{"range_int", "{{range 3}}{{.}}{{end}}", "012"},
        Case{"range_dollar", "{{range .list}}{{$.name}}{{end}}", "cell-1cell-1"},
        Case{"variable", "{{$x := .name}}{{$x}}", "cell-1"},
        Case{"variable_assign", "{{$x := 1}}{{if .flag}}{{$x = 2}}{{end}}{{$x}}", "2"},
        Case{"variable_scope", "{{$x := 1}}{{if .flag}}{{$x := 2}}{{$x}}{{end}}{{$x}}", "21"},
        Case{"dollar", "{{$.path.basename}}", "web"},
        Case{"pipeline", "{{.name | printf \"%s-app\"}}", "cell-1-app"},
        Case{"pipeline_chain", "{{.name | upper | printf \"<%s>\"}}", "<CELL-1>"},
        Case{"parens", "{{printf \"%s/%s\" (.name) (.path.basename | upper)}}", "cell-1/WEB"},
        Case{"paren_field_chain", "{{(index .metadata \"labels\").region}}", "eu-west"},
        Case{"string_escapes", "{{\"a\\tb\\n\"}}", "a\tb\n"},
        Case{"raw_string", "{{`a\\n`}}", "a\\n"}, Case{"char_constant", "{{'a'}}", "97"},
        Case{"number_hex", "{{0x10}}", "16"}, Case{"number_float_literal", "{{1e3}}", "1000"},
        Case{"nil_arg", "{{default \"d\" nil}}", "d"},
        Case{"define_template", "{{define \"t\"}}[{{.}}]{{end}}{{template \"t\" .name}}",
             "[cell-1]"},
        Case{"block", "{{block \"b\" .path}}{{.basename}}{{end}}", "web"},
        Case{"template_no_pipe", "{{define \"t\"}}<{{.}}>{{end}}{{template \"t\"}}",
             "<<no value>>"},
        Case{"newline_in_action", "{{ .name\n}}", "cell-1"}),
    [](const auto& info) { return info.param.name; });

INSTANTIATE_TEST_SUITE_P(
    Builtins, Render,
    ::testing::Values(
        Case{"and_returns_operand", "{{and .name .count}}", "3"},
        Case{"and_short_circuit", "{{and .off (index .list 9)}}", "false"},
        Case{"or_returns_first_truthy", "{{or .empty .name}}", "cell-1"},
        Case{"or_short_circuit", "{{or .flag (index .list 9)}}", "true"},
        Case{"or_all_false_last", "{{or .empty .zero}}", "0"},
        Case{"not", "{{not .empty}}", "true"}, Case{"len_string", "{{len .name}}", "6"},
        Case{"len_list", "{{len .list}}", "2"}, Case{"len_map", "{{len .m}}", "2"},
        Case{"index_list", "{{index .list 1}}", "b"},
        Case{"index_map", "{{index .metadata.labels \"region\"}}", "eu-west"},
        Case{"index_map_missing", "{{index .m \"zz\"}}", "<no value>"},
        Case{"index_nested", "{{index .metadata \"labels\" \"env\"}}", "prod"},
        Case{"slice_string", "{{slice .name 0 4}}", "cell"},
        Case{"slice_list", "{{slice .nums 1}}", "[2 3]"},
        Case{"eq_strings", "{{eq .name \"cell-1\"}}", "true"},
        Case{"eq_several", "{{eq .name \"a\" \"b\" \"cell-1\"}}", "true"},
        Case{"eq_float_float", "{{eq .count 3.0}}", "true"},
        Case{"eq_missing_string", "{{eq .nope \"x\"}}", "false"},
        Case{"eq_ints", "{{eq (len .list) 2}}", "true"}, Case{"ne", "{{ne .name \"x\"}}", "true"},
        Case{"lt_int", "{{lt 1 2}}", "true"}, Case{"le_float", "{{le .count 3.0}}", "true"},
        Case{"gt_string", "{{gt \"b\" \"a\"}}", "true"}, Case{"ge", "{{ge (len .nums) 3}}", "true"},
        Case{"print_spacing", "{{print 1 2 \"a\" 3}}", "1 2a3"},
        Case{"println", "{{println \"a\" 1}}", "a 1\n"},
        Case{"printf_verbs", "{{printf \"%s|%d|%v|%q|%x\" \"s\" 42 .ratio \"q\" 255}}",
             "s|42|1.5|\"q\"|ff"},
        Case{"printf_width", "{{printf \"%05d|%-6s|%6s|\" 42 \"ab\" \"cd\"}}",
             "00042|ab    |    cd|"},
        Case{"printf_float_as_d", "{{printf \"%d\" .count}}", "%!d(float64=3)"},
        Case{"printf_missing", "{{printf \"%s %s\" \"a\"}}", "a %!s(MISSING)"},
        Case{"printf_extra", "{{printf \"%s\" \"a\" \"b\"}}", "a%!(EXTRA string=b)"},
        Case{"printf_list", "{{printf \"%v\" .list}}", "[a b]"},
        Case{"printf_precision", "{{printf \"%.2f\" .ratio}}", "1.50"},
        Case{"printf_int_of_len", "{{printf \"%03d\" (len .list)}}", "002"},
        Case{"html", "{{html \"<a href='x'>&</a>\"}}", "&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;"},
        Case{"js", "{{js \"a'b<c\"}}", "a\\'b\\u003Cc"},
        Case{"urlquery", "{{urlquery \"a b&c\"}}", "a+b%26c"}),
    [](const auto& info) { return info.param.name; });

struct ErrorCase {
  const char* name;
  const char* tmpl;
  const char* want_substring;
  MissingKey missing = MissingKey::kDefault;
};

class RenderError : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(RenderError, Fails) {
  const ErrorCase& c = GetParam();
  auto out = RenderGoTemplate(c.tmpl, Data(), {.missing_key = c.missing});
  ASSERT_FALSE(out.has_value()) << c.tmpl << " rendered " << *out;
  EXPECT_EQ(out.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(out.error().message().find(c.want_substring), std::string::npos)
      << c.tmpl << ": " << out.error().message();
}

INSTANTIATE_TEST_SUITE_P(
    Errors, RenderError,
    ::testing::Values(
        ErrorCase{"unknown_function", "{{ nosuch .x }}", "1:4: function \"nosuch\" not defined"},
        ErrorCase{"unclosed_action", "a {{ .x ", "1:3: unclosed action"},
        ErrorCase{"unclosed_quote", "{{ \"abc }}", "unterminated quoted string"},
        ErrorCase{"unexpected_end", "{{end}}", "unexpected {{end}}"},
        ErrorCase{"missing_end", "{{if .x}}a", "unexpected EOF"},
        ErrorCase{"undefined_variable", "{{$x}}", "undefined variable \"$x\""},
        ErrorCase{"break_outside_range", "{{break}}", "{{break}} outside {{range}}"},
        ErrorCase{"bad_comment", "{{/* a */ .x}}", "comment ends before closing delimiter"},
        ErrorCase{"line_col", "line1\n  {{ .a | nosuch }}", "2:11: function"},
        ErrorCase{"missingkey_error", "{{.nope}}", "map has no entry for key \"nope\"",
                  MissingKey::kError},
        ErrorCase{"missingkey_error_position", "ab{{ .path.nope }}",
                  "1:6: at <.path.nope>: map has no entry", MissingKey::kError},
        ErrorCase{"nil_pointer_chain", "{{.nothing.x}}", "nil pointer evaluating interface {}.x"},
        ErrorCase{"zero_then_field", "{{.nope.x}}", "nil pointer evaluating", MissingKey::kZero},
        ErrorCase{"field_on_string", "{{.name.x}}", "can't evaluate field x in type string"},
        ErrorCase{"eq_float_int", "{{eq .count 3}}",
                  "error calling eq: incompatible types for comparison"},
        ErrorCase{"lt_float_int", "{{lt .count 4}}", "incompatible types for comparison"},
        ErrorCase{"lt_missing", "{{lt .nope 4}}", "invalid type for comparison"},
        ErrorCase{"eq_lists", "{{eq .list .list}}", "non-comparable type"},
        ErrorCase{"index_out_of_range", "{{index .list 5}}",
                  "error calling index: index out of range: 5"},
        ErrorCase{"index_float", "{{index .list .count}}",
                  "cannot index slice/array with type float64"},
        ErrorCase{"len_of_int", "{{len 3}}", "len of type int"},
        ErrorCase{"lower_missing", "{{lower .nope}}", "invalid value; expected string"},
        ErrorCase{"trunc_float", "{{trunc .count .name}}",
                  "wrong type for value; expected int; got float64"},
        ErrorCase{"arg_to_nonfunction", "{{.name 1}}", "name is not a method but has arguments"},
        ErrorCase{"nil_command", "{{nil}}", "nil is not a command"},
        ErrorCase{"no_such_template", "{{template \"x\"}}", "no such template \"x\""},
        ErrorCase{"wrong_arg_count", "{{lower \"a\" \"b\"}}",
                  "wrong number of args for lower: want 1 got 2"},
        ErrorCase{"range_string", "{{range .name}}{{end}}", "range can't iterate over cell-1"},
        ErrorCase{"div_zero", "{{div 1 0}}", "integer divide by zero"}),
    [](const auto& info) { return info.param.name; });

TEST(Options, MissingKeyZeroPrintsNoValueForMaps) {
  // Go's missingkey=zero yields a nil interface{} for map[string]interface{}, printed as
  // "<no value>" like the default.
  auto out = RenderGoTemplate("{{.nope}}", Data(), {.missing_key = MissingKey::kZero});
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(*out, "<no value>");
}

TEST(Options, ParsesArgoGoTemplateOptions) {
  auto o = ParseGoTemplateOptions({"missingkey=error"});
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->missing_key, MissingKey::kError);
  auto bad = ParseGoTemplateOptions({"missingkey=explode"});
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message().find("missingkey=explode"), std::string::npos);
}

TEST(Limits, OutputSizeIsBounded) {
  TemplateOptions o;
  o.limits.max_output_bytes = 100;
  auto out = RenderGoTemplate("{{range 1000}}xxxxxxxxxx{{end}}", Data(), o);
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().code(), ErrorCode::kResourceExhausted);
}

TEST(Limits, StepsAreBounded) {
  TemplateOptions o;
  o.limits.max_steps = 10'000;
  auto out = RenderGoTemplate("{{range 100000}}{{end}}", Data(), o);
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_NE(out.error().message().find("evaluation steps"), std::string::npos);
}

TEST(Limits, RecursiveTemplatesAreBounded) {
  auto out =
      RenderGoTemplate("{{define \"r\"}}{{template \"r\" .}}{{end}}{{template \"r\" .}}", Data());
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_NE(out.error().message().find("template depth"), std::string::npos);
}

TEST(Limits, DoublingStringsAreBounded) {
  TemplateOptions o;
  o.limits.max_output_bytes = 1 << 16;
  auto out = RenderGoTemplate(
      "{{$x := \"ab\"}}{{range 40}}{{$x = printf \"%s%s\" $x $x}}{{end}}{{len $x}}", Data(), o);
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().code(), ErrorCode::kResourceExhausted);
}

TEST(Template, ParsedOnceExecutedWithDifferentData) {
  auto t = Template::Parse("{{.name}}");
  ASSERT_TRUE(t.has_value());
  auto a = t->Execute(Value::FromJson(Json{{"name", "a"}}));
  auto b = t->Execute(Value::FromJson(Json{{"name", "b"}}));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a + *b, "ab");
}

}  // namespace
}  // namespace cellgate::tmpl

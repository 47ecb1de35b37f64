// Sprig's functions as Argo CD's ApplicationSet controller offers them (sprig.GenericFuncMap
// minus env, expandenv and getHostByName), as a behaviour table. The facts come from Sprig's
// own tests (Masterminds/sprig strings_test.go, defaults_test.go, numeric_test.go,
// regex_test.go, dict_test.go, list_test.go), rewritten as template, data, and output or
// error. Functions this engine does not implement are listed at the end: each must fail to
// parse with a clear "function ... not defined" (README.md lists them).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/yaml.h"
#include "template/template.h"

namespace cellgate::tmpl {
namespace {

struct Row {
  std::string tmpl;
  const char* data;   // JSON
  const char* want;   // output when error is null
  const char* error;  // a piece of the expected error; null: must succeed
};

std::vector<Row> StringRows() {  // strings_test.go
  return {
      {R"({{"fooo" | substr 0 3 }})", "null", "foo", nullptr},
      {R"({{"foo" | substr 0 10 }})", "null", "foo", nullptr},
      {R"({{ "foooooo" | trunc 3 }})", "null", "foo", nullptr},
      {R"({{ "baaaaaar" | trunc -3 }})", "null", "aar", nullptr},
      {R"({{ "baaaaaar" | trunc -999 }})", "null", "baaaaaar", nullptr},
      {R"({{ "baaaaaz" | trunc 0 }})", "null", "", nullptr},
      {R"({{quote "a" "b" "c"}})", "null", R"("a" "b" "c")", nullptr},
      {R"({{quote "\"a\"" "b" "c"}})", "null", R"("\"a\"" "b" "c")", nullptr},
      {R"({{quote 1 2 3 }})", "null", R"("1" "2" "3")", nullptr},
      {R"({{ .value | quote }})", R"({"value": null})", "", nullptr},
      {R"({{squote "a" "b" "c"}})", "null", "'a' 'b' 'c'", nullptr},
      {R"({{squote 1 2 3 }})", "null", "'1' '2' '3'", nullptr},
      {R"({{ .value | squote }})", R"({"value": null})", "", nullptr},
      {R"({{if contains "cat" "fair catch"}}1{{end}})", "null", "1", nullptr},
      {R"({{if hasPrefix "cat" "catch"}}1{{end}})", "null", "1", nullptr},
      {R"({{if hasSuffix "cat" "ducat"}}1{{end}})", "null", "1", nullptr},
      {R"({{trim "   5.00   "}})", "null", "5.00", nullptr},
      {R"({{trimAll "$" "$5.00$"}})", "null", "5.00", nullptr},
      {R"({{trimPrefix "$" "$5.00"}})", "null", "5.00", nullptr},
      {R"({{trimSuffix "$" "5.00$"}})", "null", "5.00", nullptr},
      {R"({{$v := "foo$bar$baz" | split "$"}}{{$v._0}})", "null", "foo", nullptr},
      {R"({{$v := "foo$bar$baz" | split "$"}}{{$v._2}})", "null", "baz", nullptr},
      {R"({{ list "a" "b" "c" | join "-" }})", "null", "a-b-c", nullptr},
      {R"({{ list 1 2 3 | join "-" }})", "null", "1-2-3", nullptr},
      {R"({{ join "-" .V }})", R"({"V": ["a", "b", "c"]})", "a-b-c", nullptr},
      {R"({{ join "-" .V }})", R"({"V": "abc"})", "abc", nullptr},
      {R"({{ join "-" .V }})", R"({"V": [1, 2, 3]})", "1-2-3", nullptr},
      {R"({{ join "-" .value }})", R"({"value": ["1", null, "2"]})", "1-2", nullptr},
      {R"({{ list "c" "a" "b" | sortAlpha | join "" }})", "null", "abc", nullptr},
      {R"({{ list 2 1 4 3 | sortAlpha | join "" }})", "null", "1234", nullptr},
      {R"({{b64enc "coffee"}})", "null", "Y29mZmVl", nullptr},
      {R"({{b64dec "Y29mZmVl"}})", "null", "coffee", nullptr},
      {R"({{nospace "h e l l o "}})", "null", "hello", nullptr},
      {R"({{untitle "First Try"}})", "null", "first try", nullptr},
      {R"({{$b := "b"}}{{"c" | cat "a" $b}})", "null", "a b c", nullptr},
      {R"({{ .value | cat "a" "b"}})", R"({"value": null})", "a b", nullptr},
      {R"({{indent 4 "a\nb\nc"}})", "null", "    a\n    b\n    c", nullptr},
      {R"({{nindent 4 "a\nb\nc"}})", "null", "\n    a\n    b\n    c", nullptr},
      {R"({{"I Am Henry VIII" | replace " " "-"}})", "null", "I-Am-Henry-VIII", nullptr},
      {R"({{ list 1 .value 2 | join "," }})", R"({"value": null})", "1,2", nullptr},
  };
}

std::vector<Row> DefaultRows() {  // defaults_test.go
  const char* const nested = R"({"top": {}, "Input": "{\"foo\": 55}",
      "Top": {"bool": true, "string": "test", "number": 42, "html": "<HEAD>"}})";
  return {
      {R"({{"" | default "foo"}})", "null", "foo", nullptr},
      {R"({{default "foo" 234}})", "null", "234", nullptr},
      {R"({{default "foo" 2.34}})", "null", "2.34", nullptr},
      {R"({{ .Nothing | default "123" }})", "{}", "123", nullptr},
      {R"({{ default "123" }})", "null", "123", nullptr},
      {"{{if empty 1}}1{{else}}0{{end}}", "null", "0", nullptr},
      {"{{if empty 0}}1{{else}}0{{end}}", "null", "1", nullptr},
      {R"({{if empty ""}}1{{else}}0{{end}})", "null", "1", nullptr},
      {"{{if empty 0.0}}1{{else}}0{{end}}", "null", "1", nullptr},
      {"{{if empty false}}1{{else}}0{{end}}", "null", "1", nullptr},
      {"{{if empty .top.NoSuchThing}}1{{else}}0{{end}}", nested, "1", nullptr},
      {"{{if empty .bottom.NoSuchThing}}1{{else}}0{{end}}", nested, "1", nullptr},
      {"{{ coalesce 1 }}", "null", "1", nullptr},
      {R"({{ coalesce "" 0 nil 2 }})", "null", "2", nullptr},
      {R"({{ $two := 2 }}{{ coalesce "" 0 nil $two }})", "null", "2", nullptr},
      {R"({{ $two := 2 }}{{ coalesce "" $two 0 0 0 }})", "null", "2", nullptr},
      {"{{ coalesce }}", "null", "<no value>", nullptr},
      {R"({{ coalesce .top.NoSuchThing .bottom .bottom.dollar "airplane"}})", nested, "airplane",
       nullptr},
      {"{{.Input | fromJson}}", nested, "map[foo:55]", nullptr},
      {"{{(.Input | fromJson).foo}}", nested, "55", nullptr},
      {"{{.Top | toJson}}", nested,
       R"({"bool":true,"html":"\u003cHEAD\u003e","number":42,"string":"test"})", nullptr},
      {"{{.Top | toRawJson}}", nested,
       R"({"bool":true,"html":"<HEAD>","number":42,"string":"test"})", nullptr},
      {"{{.Top | toPrettyJson}}", nested,
       "{\n  \"bool\": true,\n  \"html\": \"\\u003cHEAD\\u003e\",\n  \"number\": 42,\n"
       "  \"string\": \"test\"\n}",
       nullptr},
      {R"({{true | ternary "foo" "bar"}})", "null", "foo", nullptr},
      {R"({{ternary "foo" "bar" true}})", "null", "foo", nullptr},
      {R"({{false | ternary "foo" "bar"}})", "null", "bar", nullptr},
      {R"({{ternary "foo" "bar" false}})", "null", "bar", nullptr},
  };
}

std::vector<Row> NumericRows() {  // numeric_test.go
  return {
      {"{{ max 345}}", "null", "345", nullptr},
      {"{{ max 1 2 3 345 5 6 7}}", "null", "345", nullptr},
      {"{{ min 1 2 3 345 5 6 7}}", "null", "1", nullptr},
      {"{{ min 345}}", "null", "345", nullptr},
      {"{{ 3 | add1 }}", "null", "4", nullptr},
      {"{{ 3 | add 1 2}}", "null", "6", nullptr},
      {"{{ 4 | div 5 }}", "null", "1", nullptr},
      {R"({{ 1 | mul "2" 3 "4"}})", "null", "24", nullptr},
      {"{{ 3 | sub 14 }}", "null", "11", nullptr},
      {"{{ mod 10 3 }}", "null", "1", nullptr},
      {R"({{ "102" | float64 }})", "null", "102", nullptr},
      {R"({{ "frankie" | float64 }})", "null", "0", nullptr},
      {"{{ 102.1234 | float64 }}", "null", "102.1234", nullptr},
      {R"({{ int64 "102" }})", "null", "102", nullptr},
      {R"({{ int64 "frankie" }})", "null", "0", nullptr},
      {"{{ int 102.1234 }}", "null", "102", nullptr},
      {R"({{ atoi "102" }})", "null", "102", nullptr},
      {"{{ add .n 1 }}", R"({"n": 2.5})", "3", nullptr},  // cast.ToInt64 truncates a float64
      {"{{ div 1 0 }}", "null", "", "integer divide by zero"},
  };
}

std::vector<Row> RegexRows() {  // regex_test.go
  const std::string email = R"([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,})";
  auto match = [&](const std::string& s) {
    return "{{regexMatch \"" + email + "\" \"" + s + "\"}}";
  };
  return {
      {match("test@acme.com"), "null", "true", nullptr},
      {match("Test@Acme.Com"), "null", "true", nullptr},
      {match("test"), "null", "false", nullptr},
      {match("test.com"), "null", "false", nullptr},
      {match("test@acme"), "null", "false", nullptr},
      {R"({{ regexFindAll "a{2}" "aa" -1 | len }})", "null", "1", nullptr},
      {R"({{ regexFindAll "a{2}" "aaaaaaaa" 1 | len }})", "null", "1", nullptr},
      {R"({{ regexFindAll "a{2}" "aaaa" -1 | len }})", "null", "2", nullptr},
      {R"({{ regexFindAll "a{2}" "none" -1 | len }})", "null", "0", nullptr},
      {R"({{ regexFind "fo.?" "foorbar" }})", "null", "foo", nullptr},
      {R"({{ regexFind "fo.?" "foo foe fome" }})", "null", "foo", nullptr},
      {R"({{ regexFind "fo.?" "none" }})", "null", "", nullptr},
      {R"({{ regexReplaceAll "a(x*)b" "-ab-axxb-" "T" }})", "null", "-T-T-", nullptr},
      {R"({{ regexReplaceAll "a(x*)b" "-ab-axxb-" "$1" }})", "null", "--xx-", nullptr},
      {R"({{ regexReplaceAll "a(x*)b" "-ab-axxb-" "$1W" }})", "null", "---", nullptr},
      {R"({{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }})", "null", "-W-xxW-", nullptr},
      {R"({{ regexReplaceAllLiteral "a(x*)b" "-ab-axxb-" "$1" }})", "null", "-$1-$1-", nullptr},
      // regexMatch (not mustRegexMatch) drops the compile error: false.
      {R"({{ regexMatch "(" "x" }})", "null", "false", nullptr},
  };
}

std::vector<Row> DictAndListRows() {  // dict_test.go, list_test.go
  return {
      {R"({{$t := dict "I" "shot" "the" "albatross"}}{{$t.the}} {{$t.I}})", "null",
       "albatross shot", nullptr},
      // dict's keys go through strval; a missing last value is "".
      {R"({{$d := dict 1 2 "three" "four" 5}}{{range $k, $v := $d}}{{$k}}{{$v}}{{end}})", "null",
       "125threefour", nullptr},
      {R"({{ dict "foo" 1 "bar" 2 | keys | sortAlpha }})", "null", "[bar foo]", nullptr},
      {"{{ dict | keys }}", "null", "[]", nullptr},
      {R"({{ keys (dict "foo" 1) (dict "bar" 2) (dict "bar" 3) | uniq | sortAlpha }})", "null",
       "[bar foo]", nullptr},
      {R"({{- $d := dict "one" 1 }}{{ get $d "one" -}})", "null", "1", nullptr},
      {R"({{- $d := dict "one" 1 "two" "2" }}{{ get $d "two" -}})", "null", "2", nullptr},
      {R"({{- $d := dict }}{{ get $d "two" -}})", "null", "", nullptr},
      {R"({{- $d := dict "a" 1 "b" 2 }}{{ values $d | sortAlpha | join "," }})", "null", "1,2",
       nullptr},
      {R"({{- $d := dict "a" "first" "b" 2 }}{{ values $d | sortAlpha | join "," }})", "null",
       "2,first", nullptr},
      {R"({{ hasKey (dict "a" 1) "a" }} {{ hasKey (dict "a" 1) "b" }})", "null", "true false",
       nullptr},
      {R"({{$t := list 1 "a" "foo"}}{{index $t 2}}{{index $t 0 }}{{index $t 1}})", "null", "foo1a",
       nullptr},
      {"{{ list 1 2 3 | first }}", "null", "1", nullptr},
      {"{{ list | first }}", "null", "<no value>", nullptr},
      {"{{ list 1 2 3 | last }}", "null", "3", nullptr},
      {"{{ list | last }}", "null", "<no value>", nullptr},
      {"{{ list 1 2 3 4 | uniq }}", "null", "[1 2 3 4]", nullptr},
      {R"({{ list "a" "b" "c" "d" | uniq }})", "null", "[a b c d]", nullptr},
      {"{{ list 1 1 1 1 2 2 2 2 | uniq }}", "null", "[1 2]", nullptr},
      {R"({{ list "foo" 1 1 1 1 "foo" "foo" | uniq }})", "null", "[foo 1]", nullptr},
      {"{{ list | uniq }}", "null", "[]", nullptr},
      {"{{ list 1 2 3 | has 1 }}", "null", "true", nullptr},
      {"{{ list 1 2 3 | has 4 }}", "null", "false", nullptr},
      {R"({{ has "bar" nil }})", "null", "false", nullptr},
      {R"({{ splitList "/" "foo/bar/baz" | has "bar" }})", "null", "true", nullptr},
  };
}

// Sprig functions Argo CD offers that this engine does not implement: a template using one
// fails at parse time, naming the function.
std::vector<const char*> Unsupported() {
  return {"tuple",
          "splitn",
          "abbrev",
          "abbrevboth",
          "initials",
          "wrap",
          "wrapWith",
          "plural",
          "b32enc",
          "b32dec",
          "until",
          "untilStep",
          "seq",
          "addf",
          "add1f",
          "subf",
          "mulf",
          "divf",
          "maxf",
          "minf",
          "biggest",
          "floor",
          "ceil",
          "round",
          "toStrings",
          "kindOf",
          "typeOf",
          "kindIs",
          "typeIs",
          "deepEqual",
          "all",
          "any",
          "compact",
          "append",
          "prepend",
          "rest",
          "initial",
          "reverse",
          "without",
          "concat",
          "chunk",
          "regexSplit",
          "mustRegexMatch",
          "pick",
          "omit",
          "merge",
          "mergeOverwrite",
          "dig",
          "deepCopy",
          "set",
          "unset",
          "pluck",
          "semver",
          "semverCompare",
          "now",
          "date",
          "dateInZone",
          "toDate",
          "duration",
          "uuidv4",
          "randAlphaNum",
          "sha512sum",
          "adler32sum",
          "htpasswd",
          "genPrivateKey",
          "encryptAES",
          "urlParse",
          "urlJoin",
          "snakecase",
          "camelcase",
          "kebabcase",
          "swapcase",
          "shuffle",
          "fail",
          "toDecimal"};
}

void Check(const std::vector<Row>& rows) {
  for (const Row& row : rows) {
    SCOPED_TRACE(row.tmpl);
    auto json = ParseJson(row.data, "data");
    ASSERT_TRUE(json) << row.data;
    auto out = RenderGoTemplate(row.tmpl, Value::FromJson(*json));
    if (row.error == nullptr) {
      if (!out) {
        ADD_FAILURE() << "error: " << out.error().message();
        continue;
      }
      EXPECT_EQ(*out, row.want);
    } else if (out) {
      ADD_FAILURE() << "no error; output " << *out;
    } else {
      EXPECT_NE(out.error().message().find(row.error), std::string::npos) << out.error().message();
    }
  }
}

TEST(SprigTable, Strings) { Check(StringRows()); }
TEST(SprigTable, Defaults) { Check(DefaultRows()); }
TEST(SprigTable, Numeric) { Check(NumericRows()); }
TEST(SprigTable, Regex) { Check(RegexRows()); }
TEST(SprigTable, DictAndList) { Check(DictAndListRows()); }

TEST(SprigTable, UnsupportedFunctionsFailToParseByName) {
  for (const char* name : Unsupported()) {
    SCOPED_TRACE(name);
    auto t = Template::Parse(std::string("{{ ") + name + " 1 }}");
    ASSERT_FALSE(t);
    EXPECT_EQ(t.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(t.error().message().find(std::string("function \"") + name + "\" not defined"),
              std::string::npos)
        << t.error().message();
  }
}

}  // namespace
}  // namespace cellgate::tmpl

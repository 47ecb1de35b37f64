// Go text/template execution, as a behaviour table. The facts come from Go's own tests
// (golang/go src/text/template/exec_test.go: execTests, cmpTests, TestMissingMapKey,
// TestExecError, TestBlock, TestMaxExecDepth, TestInterfaceValues, TestUnterminatedStringError),
// rewritten for the data ApplicationSets give a template: JSON decoded by encoding/json into
// map[string]interface{}, so every number in the data is a float64 (Go's struct fields, typed
// maps, methods, channels, complex numbers and custom delimiters have no counterpart here).
// Where a fact depends on that (printf "%d" of a data number, eq of a data number with an int
// constant), the row states what Go does with float64 data.
//
// A row is a template, its data (JSON text), and either the output or a piece of the error.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/yaml.h"
#include "template/template.h"

namespace cellgate::tmpl {
namespace {

// exec_test.go's tVal, as JSON.
const char* const kT = R"({
  "True": true, "I": 17, "X": "x", "FloatZero": 0, "U": {"V": "v"},
  "SI": [3, 4, 5], "SIEmpty": [], "SB": [true, false], "S": "xyz", "PSI": [21, 22, 23],
  "MSI": {"one": 1, "two": 2, "three": 3}, "MSIone": {"one": 1}, "MSIEmpty": {},
  "SMSI": [{"one": 1, "two": 2}, {"eleven": 11, "twelve": 12}],
  "Empty0": null, "Empty2": "empty2", "Empty3": [7, 8], "Empty4": {"V": "UinEmpty"}
})";

struct Row {
  const char* name;
  const char* tmpl;
  const char* data;   // JSON; nullptr: no data (Go's Execute with nil)
  const char* want;   // output when error is null
  const char* error;  // a piece of the expected error; null: must succeed
  MissingKey missing = MissingKey::kDefault;
};

std::vector<Row> ExecRows() {
  return {
      // Trivial cases.
      {"empty", "", "null", "", nullptr},
      {"text", "some text", "null", "some text", nullptr},
      {"nil action", "{{nil}}", "null", "", "nil is not a command"},
      // Fields (map keys, in JSON data).
      {".X", "-{{.X}}-", kT, "-x-", nullptr},
      {".U.V", "-{{.U.V}}-", kT, "-v-", nullptr},
      {"map .one", "{{.MSI.one}}", kT, "1", nullptr},
      {"map .NO", "{{.MSI.NO}}", kT, "<no value>", nullptr},
      {"map .WRONG args", "{{.MSI.one 1}}", kT, "", "is not a method but has arguments"},
      {"lower-case key (bug9)", "{{.cause}}", R"({"cause": "neglect"})", "neglect", nullptr},
      // Dots of all kinds.
      {"dot int", "<{{.}}>", "13", "<13>", nullptr},
      {"dot float", "<{{.}}>", "15.1", "<15.1>", nullptr},
      {"dot bool", "<{{.}}>", "true", "<true>", nullptr},
      {"dot string", "<{{.}}>", R"("hello")", "<hello>", nullptr},
      {"dot slice", "<{{.}}>", "[-1, -2, -3]", "<[-1 -2 -3]>", nullptr},
      {"dot map", "<{{.}}>", R"({"two": 22})", "<map[two:22]>", nullptr},
      // Variables.
      {"$ int", "{{$}}", "123", "123", nullptr},
      {"$.I", "{{$.I}}", kT, "17", nullptr},
      {"$.U.V", "{{$.U.V}}", kT, "v", nullptr},
      {"declare in action", "{{$x := $.U.V}}{{$x}}", kT, "v", nullptr},
      // Empty interfaces holding values.
      {"empty nil", "{{.Empty0}}", kT, "<no value>", nullptr},
      {"empty with string", "{{.Empty2}}", kT, "empty2", nullptr},
      {"empty with slice", "{{.Empty3}}", kT, "[7 8]", nullptr},
      {"empty with map", "{{.Empty4}}", kT, "map[V:UinEmpty]", nullptr},
      {"empty with map, field", "{{.Empty4.V}}", kT, "UinEmpty", nullptr},
      // Parenthesized expressions.
      {"parens in pipeline", "{{printf `%d %d %d` (1) (2 | add 3) (add 4 (add 5 6))}}", kT,
       "1 5 15", nullptr},
      {"parens: $ in paren", "{{($).X}}", kT, "x", nullptr},
      {"parens: spaces and args", R"({{(dict "up" "down" "left" "right").left}})", kT, "right",
       nullptr},
      {"field of a function result (bug10)", "{{(dict `three` 3).three}}", "null", "3", nullptr},
      // If.
      {"if true", "{{if true}}TRUE{{end}}", kT, "TRUE", nullptr},
      {"if false", "{{if false}}TRUE{{else}}FALSE{{end}}", kT, "FALSE", nullptr},
      {"if nil", "{{if nil}}TRUE{{end}}", kT, "", "nil is not a command"},
      {"if 1", "{{if 1}}NON-ZERO{{else}}ZERO{{end}}", kT, "NON-ZERO", nullptr},
      {"if 0", "{{if 0}}NON-ZERO{{else}}ZERO{{end}}", kT, "ZERO", nullptr},
      {"if 1.5", "{{if 1.5}}NON-ZERO{{else}}ZERO{{end}}", kT, "NON-ZERO", nullptr},
      {"if 0.0", "{{if .FloatZero}}NON-ZERO{{else}}ZERO{{end}}", kT, "ZERO", nullptr},
      {"if emptystring", "{{if ``}}NON-EMPTY{{else}}EMPTY{{end}}", kT, "EMPTY", nullptr},
      {"if string", "{{if `notempty`}}NON-EMPTY{{else}}EMPTY{{end}}", kT, "NON-EMPTY", nullptr},
      {"if emptyslice", "{{if .SIEmpty}}NON-EMPTY{{else}}EMPTY{{end}}", kT, "EMPTY", nullptr},
      {"if slice", "{{if .SI}}NON-EMPTY{{else}}EMPTY{{end}}", kT, "NON-EMPTY", nullptr},
      {"if emptymap", "{{if .MSIEmpty}}NON-EMPTY{{else}}EMPTY{{end}}", kT, "EMPTY", nullptr},
      {"if map", "{{if .MSI}}NON-EMPTY{{else}}EMPTY{{end}}", kT, "NON-EMPTY", nullptr},
      {"if map unset", "{{if .MSI.none}}NON-ZERO{{else}}ZERO{{end}}", kT, "ZERO", nullptr},
      {"if map not unset", "{{if not .MSI.none}}ZERO{{else}}NON-ZERO{{end}}", kT, "ZERO", nullptr},
      {"if $x with $y int", "{{if $x := true}}{{with $y := .I}}{{$x}},{{$y}}{{end}}{{end}}", kT,
       "true,17", nullptr},
      {"if $x with $x int", "{{if $x := true}}{{with $x := .I}}{{$x}},{{end}}{{$x}}{{end}}", kT,
       "17,true", nullptr},
      {"if else if", "{{if false}}FALSE{{else if true}}TRUE{{end}}", kT, "TRUE", nullptr},
      {"if else chain", "{{if eq 1 3}}1{{else if eq 2 3}}2{{else if eq 3 3}}3{{end}}", kT, "3",
       nullptr},
      {"nil value in if (bug4)", "{{if .Empty0}}non-nil{{else}}nil{{end}}", kT, "nil", nullptr},
      // Print etc.
      {"print", R"({{print "hello, print"}})", kT, "hello, print", nullptr},
      {"print 123", "{{print 1 2 3}}", kT, "1 2 3", nullptr},
      {"print nil", "{{print nil}}", kT, "<nil>", nullptr},
      {"println", "{{println 1 2 3}}", kT, "1 2 3\n", nullptr},
      {"printf int", R"({{printf "%04x" 127}})", kT, "007f", nullptr},
      {"printf float", R"({{printf "%g" 3.5}})", kT, "3.5", nullptr},
      {"printf string", R"({{printf "%s" "hello"}})", kT, "hello", nullptr},
      {"printf field", R"({{printf "%s" .U.V}})", kT, "v", nullptr},
      {"printf %d of a data number (a float64)", R"({{with .I}}{{printf "%d" .}}{{end}})", kT,
       "%!d(float64=17)", nullptr},
      {"printf %v of a data number", R"({{with $x := .I}}{{printf "%v" $x}}{{end}})", kT, "17",
       nullptr},
      {"printf %T of a hex constant (bug12)", "{{printf `%T` 0xef}}", kT, "int", nullptr},
      {"printf %T of a data number", "{{printf `%T` .I}}", kT, "float64", nullptr},
      // HTML, JavaScript, URL query.
      {"html", R"({{html "<script>alert(\"XSS\");</script>"}})", "null",
       "&lt;script&gt;alert(&#34;XSS&#34;);&lt;/script&gt;", nullptr},
      {"html pipeline", R"({{printf "<script>alert(\"XSS\");</script>" | html}})", "null",
       "&lt;script&gt;alert(&#34;XSS&#34;);&lt;/script&gt;", nullptr},
      {"html untyped nil", "{{html .Empty0}}", kT, "&lt;no value&gt;", nullptr},
      {"js", "{{js .}}", R"("It'd be nice.")", R"(It\'d be nice.)", nullptr},
      {"urlquery", R"({{"http://www.example.org/"|urlquery}})", "null",
       "http%3A%2F%2Fwww.example.org%2F", nullptr},
      // Booleans.
      {"not", "{{not true}} {{not false}}", "null", "false true", nullptr},
      {"and", "{{and false 0}} {{and 1 0}} {{and 0 true}} {{and 1 1}}", "null", "false 0 0 1",
       nullptr},
      {"or", "{{or 0 0}} {{or 1 0}} {{or 0 true}} {{or 1 1}}", "null", "0 1 true 1", nullptr},
      {"or short-circuit", "{{or 0 1 (index .SI 10)}}", kT, "1", nullptr},
      {"and short-circuit", "{{and 1 0 (index .SI 10)}}", kT, "0", nullptr},
      {"or short-circuit2", "{{or 0 0 (index .SI 10)}}", kT, "", "index out of range: 10"},
      {"and short-circuit2", "{{and 1 1 (index .SI 10)}}", kT, "", "index out of range: 10"},
      {"and pipe-true", "{{1 | and 1}}", "null", "1", nullptr},
      {"and pipe-false", "{{0 | and 1}}", "null", "0", nullptr},
      {"or pipe-true", "{{1 | or 0}}", "null", "1", nullptr},
      {"or pipe-false", "{{0 | or 0}}", "null", "0", nullptr},
      {"and undef", "{{and 1 .Unknown}}", "{}", "<no value>", nullptr},
      {"or undef", "{{or 0 .Unknown}}", "{}", "<no value>", nullptr},
      {"boolean if", "{{if and true 1 `hi`}}TRUE{{else}}FALSE{{end}}", kT, "TRUE", nullptr},
      {"boolean if not", "{{if and true 1 `hi` | not}}TRUE{{else}}FALSE{{end}}", "null", "FALSE",
       nullptr},
      {"boolean if pipe", "{{if true | not | and 1}}TRUE{{else}}FALSE{{end}}", "null", "FALSE",
       nullptr},
      {"or as if true", R"({{or .SI "slice is empty"}})", kT, "[3 4 5]", nullptr},
      {"or as if false", R"({{or .SIEmpty "slice is empty"}})", kT, "slice is empty", nullptr},
      // Indexing.
      {"slice[0]", "{{index .SI 0}}", kT, "3", nullptr},
      {"slice[1]", "{{index .SI 1}}", kT, "4", nullptr},
      {"slice[HUGE]", "{{index .SI 10}}", kT, "", "index out of range: 10"},
      {"slice[WRONG]", "{{index .SI `hello`}}", kT, "",
       "cannot index slice/array with type string"},
      {"slice[nil]", "{{index .SI nil}}", kT, "", "cannot index slice/array with nil"},
      {"map[one]", "{{index .MSI `one`}}", kT, "1", nullptr},
      {"map[NO] of interface values", "{{index .MSI `XXX`}}", kT, "<no value>", nullptr},
      {"map[``]", "{{index .MSI ``}}", kT, "<no value>", nullptr},
      {"map[WRONG]", "{{index .MSI 10}}", kT, "", "value has type int; should be string"},
      {"double index", "{{index .SMSI 1 `eleven`}}", kT, "11", nullptr},
      {"nil[1]", "{{index nil 1}}", kT, "", "index of untyped nil"},
      {"index of an interface field", "{{index .Empty3 0}}", kT, "7", nullptr},
      {"index of a string is a byte", "{{index .S 1}}", kT, "121", nullptr},
      // Slicing.
      {"slice[:]", "{{slice .SI}}", kT, "[3 4 5]", nullptr},
      {"slice[1:]", "{{slice .SI 1}}", kT, "[4 5]", nullptr},
      {"slice[1:2]", "{{slice .SI 1 2}}", kT, "[4]", nullptr},
      {"slice[-1:]", "{{slice .SI -1}}", kT, "", "index out of range: -1"},
      {"slice[1:-2]", "{{slice .SI 1 -2}}", kT, "", "index out of range: -2"},
      {"slice[1:2:-1]", "{{slice .SI 1 2 -1}}", kT, "", "index out of range: -1"},
      {"slice[2:1]", "{{slice .SI 2 1}}", kT, "", "invalid slice index: 2 > 1"},
      {"slice[2:2:1]", "{{slice .SI 2 2 1}}", kT, "", "invalid slice index: 2 > 1"},
      {"out of range", "{{slice .SI 4 5}}", kT, "", "index out of range: 4"},
      {"out of range, 3 indexes", "{{slice .SI 2 2 5}}", kT, "", "index out of range: 5"},
      {"string[:]", "{{slice .S}}", kT, "xyz", nullptr},
      {"string[0:1]", "{{slice .S 0 1}}", kT, "x", nullptr},
      {"string[1:]", "{{slice .S 1}}", kT, "yz", nullptr},
      {"string[1:2]", "{{slice .S 1 2}}", kT, "y", nullptr},
      {"string out of range", "{{slice .S 1 5}}", kT, "", "index out of range: 5"},
      {"3-index slice of string", "{{slice .S 1 2 2}}", kT, "", "cannot 3-index slice a string"},
      {"slice of an interface field", "{{slice .Empty3 0 1}}", kT, "[7]", nullptr},
      // Len.
      {"len slice", "{{len .SI}}", kT, "3", nullptr},
      {"len map", "{{len .MSI }}", kT, "3", nullptr},
      {"len of int", "{{len 3}}", kT, "", "len of type int"},
      {"len of nothing", "{{len .Empty0}}", kT, "", "len of nil pointer"},
      {"len of an interface field", "{{len .Empty3}}", kT, "2", nullptr},
      // With.
      {"with true", "{{with true}}{{.}}{{end}}", kT, "true", nullptr},
      {"with false", "{{with false}}{{.}}{{else}}FALSE{{end}}", kT, "FALSE", nullptr},
      {"with 1", "{{with 1}}{{.}}{{else}}ZERO{{end}}", kT, "1", nullptr},
      {"with 0", "{{with 0}}{{.}}{{else}}ZERO{{end}}", kT, "ZERO", nullptr},
      {"with 1.5", "{{with 1.5}}{{.}}{{else}}ZERO{{end}}", kT, "1.5", nullptr},
      {"with 0.0", "{{with .FloatZero}}{{.}}{{else}}ZERO{{end}}", kT, "ZERO", nullptr},
      {"with emptystring", "{{with ``}}{{.}}{{else}}EMPTY{{end}}", kT, "EMPTY", nullptr},
      {"with string", "{{with `notempty`}}{{.}}{{else}}EMPTY{{end}}", kT, "notempty", nullptr},
      {"with emptyslice", "{{with .SIEmpty}}{{.}}{{else}}EMPTY{{end}}", kT, "EMPTY", nullptr},
      {"with slice", "{{with .SI}}{{.}}{{else}}EMPTY{{end}}", kT, "[3 4 5]", nullptr},
      {"with emptymap", "{{with .MSIEmpty}}{{.}}{{else}}EMPTY{{end}}", kT, "EMPTY", nullptr},
      {"with map", "{{with .MSIone}}{{.}}{{else}}EMPTY{{end}}", kT, "map[one:1]", nullptr},
      {"with empty interface, field", "{{with .Empty4}}{{.V}}{{end}}", kT, "UinEmpty", nullptr},
      {"with $x int", "{{with $x := .I}}{{$x}}{{end}}", kT, "17", nullptr},
      {"with $x struct.U.V", "{{with $x := $}}{{$x.U.V}}{{end}}", kT, "v", nullptr},
      {"with variable and action", "{{with $x := $}}{{$y := $.U.V}}{{$y}}{{end}}", kT, "v",
       nullptr},
      {"with else with", "{{with 0}}{{.}}{{else with true}}{{.}}{{end}}", kT, "true", nullptr},
      {"with else with chain",
       "{{with 0}}{{.}}{{else with false}}{{.}}{{else with `notempty`}}{{.}}{{end}}", kT,
       "notempty", nullptr},
      // Range.
      {"range []int", "{{range .SI}}-{{.}}-{{end}}", kT, "-3--4--5-", nullptr},
      {"range empty no else", "{{range .SIEmpty}}-{{.}}-{{end}}", kT, "", nullptr},
      {"range []int else", "{{range .SI}}-{{.}}-{{else}}EMPTY{{end}}", kT, "-3--4--5-", nullptr},
      {"range empty else", "{{range .SIEmpty}}-{{.}}-{{else}}EMPTY{{end}}", kT, "EMPTY", nullptr},
      {"range []int break else", "{{range .SI}}-{{.}}-{{break}}NOTREACHED{{else}}EMPTY{{end}}", kT,
       "-3-", nullptr},
      {"range []int continue else",
       "{{range .SI}}-{{.}}-{{continue}}NOTREACHED{{else}}EMPTY{{end}}", kT, "-3--4--5-", nullptr},
      {"range []bool", "{{range .SB}}-{{.}}-{{end}}", kT, "-true--false-", nullptr},
      {"range map", "{{range .MSI}}-{{.}}-{{end}}", kT, "-1--3--2-", nullptr},
      {"range empty map no else", "{{range .MSIEmpty}}-{{.}}-{{end}}", kT, "", nullptr},
      {"range map else", "{{range .MSI}}-{{.}}-{{else}}EMPTY{{end}}", kT, "-1--3--2-", nullptr},
      {"range empty map else", "{{range .MSIEmpty}}-{{.}}-{{else}}EMPTY{{end}}", kT, "EMPTY",
       nullptr},
      {"range empty interface", "{{range .Empty3}}-{{.}}-{{else}}EMPTY{{end}}", kT, "-7--8-",
       nullptr},
      {"range empty nil", "{{range .Empty0}}-{{.}}-{{end}}", kT, "", nullptr},
      {"range $x SI", "{{range $x := .SI}}<{{$x}}>{{end}}", kT, "<3><4><5>", nullptr},
      {"range $x $y SI", "{{range $x, $y := .SI}}<{{$x}}={{$y}}>{{end}}", kT, "<0=3><1=4><2=5>",
       nullptr},
      {"range $x MSIone", "{{range $x := .MSIone}}<{{$x}}>{{end}}", kT, "<1>", nullptr},
      {"range $x $y MSIone", "{{range $x, $y := .MSIone}}<{{$x}}={{$y}}>{{end}}", kT, "<one=1>",
       nullptr},
      {"range $x PSI", "{{range $x := .PSI}}<{{$x}}>{{end}}", kT, "<21><22><23>", nullptr},
      {"declare in range", "{{range $x := .PSI}}<{{$foo:=$x}}{{$x}}>{{end}}", kT, "<21><22><23>",
       nullptr},
      {"range 5", R"({{range $v := 5}}{{printf "%T%d" $v $v}}{{end}})", "null",
       "int0int1int2int3int4", nullptr},
      {"range 0 else", "{{range $v := 0}}{{$v}}{{else}}empty{{end}}", "null", "empty", nullptr},
      {"range a data number (float64)", "{{range .I}}{{.}}{{end}}", kT, "",
       "range can't iterate over 17"},
      {"range with two variables over an int", "{{range $i, $c := 3}}{{$c}}{{end}}", "null", "",
       "can't use 3 to iterate over more than one variable"},
      {"range with two variables over 0 is still an error",
       "{{range $i, $c := 0}}{{$c}}{{else}}empty{{end}}", "null", "",
       "can't use 0 to iterate over more than one variable"},
      {"range = assigns the element (issue56490)",
       "{{$i := 0}}{{$x := 0}}{{range $i = .SI}}{{end}}{{$i}}", kT, "5", nullptr},
      {"range $k, $v = (issue60801)",
       "{{$k := 0}}{{$v := 0}}{{range $k, $v = .SI}}{{$k}}={{$v}} {{end}}", kT, "0=3 1=4 2=5 ",
       nullptr},
      // Numbers.
      {"decimal", "{{print 1234}}", "null", "1234", nullptr},
      {"decimal _", "{{print 12_34}}", "null", "1234", nullptr},
      {"binary", "{{print 0b101}}", "null", "5", nullptr},
      {"binary _", "{{print 0b_1_0_1}}", "null", "5", nullptr},
      {"BINARY", "{{print 0B101}}", "null", "5", nullptr},
      {"octal0", "{{print 0377}}", "null", "255", nullptr},
      {"octal", "{{print 0o377}}", "null", "255", nullptr},
      {"octal _", "{{print 0o_3_7_7}}", "null", "255", nullptr},
      {"OCTAL", "{{print 0O377}}", "null", "255", nullptr},
      {"hex", "{{print 0x123}}", "null", "291", nullptr},
      {"hex _", "{{print 0x1_23}}", "null", "291", nullptr},
      {"HEX", "{{print 0X123ABC}}", "null", "1194684", nullptr},
      {"float", "{{print 123.4}}", "null", "123.4", nullptr},
      {"float _", "{{print 0_0_1_2_3.4}}", "null", "123.4", nullptr},
      {"hex float", "{{print +0x1.ep+2}}", "null", "7.5", nullptr},
      {"hex float _", "{{print +0x_1.e_0p+0_2}}", "null", "7.5", nullptr},
      {"HEX float", "{{print +0X1.EP+2}}", "null", "7.5", nullptr},
      {"print multi", "{{print 1_2_3_4 7.5_00_00_00}}", "null", "1234 7.5", nullptr},
      {"print multi2", "{{print 1234 0x0_1.e_0p+02}}", "null", "1234 7.5", nullptr},
      {"character constant", "{{print 'x'}}", "null", "120", nullptr},
      // Fixed bugs.
      {"bug7a: a constant takes no arguments", "{{3 2}}", kT, "",
       "can't give argument to non-function 3"},
      {"bug7b: a variable takes no arguments", "{{$x := 1}}{{$x 2}}", kT, "",
       "can't give argument to non-function $x"},
      {"bug7c: nor a piped one", "{{$x := 1}}{{3 | $x}}", kT, "",
       "can't give argument to non-function $x"},
      // (nil) is a parenthesized pipeline: its command fails first.
      {"bug14a: field of nil", "{{(nil).True}}", kT, "", "nil is not a command"},
      {"field of a bare nil does not parse", "{{nil.True}}", kT, "", "unexpected . after term"},
      {"bug14b: field of a nil variable", "{{$x := nil}}{{$x.anything}}", kT, "",
       "nil is not a command"},
      {"bug14c: field of a constant", R"({{$x := (1.0)}}{{$y := ("hello")}}{{$x.anything}})", kT,
       "", "can't evaluate field anything in type float64"},
      {"bug16a: printf of a bool", "{{true|printf}}", kT, "",
       "wrong type for value; expected string; got bool"},
      {"bug16b: printf of an int", "{{1|printf}}", kT, "",
       "wrong type for value; expected string; got int"},
      {"bug16c: printf of a float", "{{1.1|printf}}", kT, "",
       "wrong type for value; expected string; got float64"},
      {"bug16k: printf of a string", R"({{"aaa"|printf }})", kT, "aaa", nullptr},
      {"execError: field of a number", "hello, {{.X.Y}}", "0", "",
       "can't evaluate field X in type float64"},
  };
}

// cmpTests: comparisons, wrapped as Go's TestComparison wraps them.
std::vector<Row> ComparisonRows() {
  return {
      {"eq true true", "{{if eq true true}}true{{else}}false{{end}}", "null", "true", nullptr},
      {"eq true false", "{{if eq true false}}true{{else}}false{{end}}", "null", "false", nullptr},
      {"eq 1.5 1.5", "{{if eq 1.5 1.5}}true{{else}}false{{end}}", "null", "true", nullptr},
      {"eq 1.5 2.5", "{{if eq 1.5 2.5}}true{{else}}false{{end}}", "null", "false", nullptr},
      {"eq 1 1", "{{if eq 1 1}}true{{else}}false{{end}}", "null", "true", nullptr},
      {"eq 1 2", "{{if eq 1 2}}true{{else}}false{{end}}", "null", "false", nullptr},
      {"eq `xy` `xy`", "{{if eq `xy` `xy`}}true{{else}}false{{end}}", "null", "true", nullptr},
      {"eq `xy` `xyz`", "{{if eq `xy` `xyz`}}true{{else}}false{{end}}", "null", "false", nullptr},
      {"eq 3 4 5 6 3", "{{if eq 3 4 5 6 3}}true{{else}}false{{end}}", "null", "true", nullptr},
      {"eq 3 4 5 6 7", "{{if eq 3 4 5 6 7}}true{{else}}false{{end}}", "null", "false", nullptr},
      {"ne true true", "{{if ne true true}}true{{else}}false{{end}}", "null", "false", nullptr},
      {"ne 1.5 2.5", "{{if ne 1.5 2.5}}true{{else}}false{{end}}", "null", "true", nullptr},
      {"ne `xy` `xy`", "{{if ne `xy` `xy`}}true{{else}}false{{end}}", "null", "false", nullptr},
      {"lt 1.5 1.5", "{{if lt 1.5 1.5}}true{{else}}false{{end}}", "null", "false", nullptr},
      {"lt 1.5 2.5", "{{if lt 1.5 2.5}}true{{else}}false{{end}}", "null", "true", nullptr},
      {"lt 1 2", "{{if lt 1 2}}true{{else}}false{{end}}", "null", "true", nullptr},
      {"lt `xy` `xyz`", "{{if lt `xy` `xyz`}}true{{else}}false{{end}}", "null", "true", nullptr},
      {"le 2.5 1.5", "{{if le 2.5 1.5}}true{{else}}false{{end}}", "null", "false", nullptr},
      {"le 1 1", "{{if le 1 1}}true{{else}}false{{end}}", "null", "true", nullptr},
      {"le `xyz` `xy`", "{{if le `xyz` `xy`}}true{{else}}false{{end}}", "null", "false", nullptr},
      {"gt 2 1", "{{if gt 2 1}}true{{else}}false{{end}}", "null", "true", nullptr},
      {"gt `xy` `xyz`", "{{if gt `xy` `xyz`}}true{{else}}false{{end}}", "null", "false", nullptr},
      {"ge 1.5 1.5", "{{if ge 1.5 1.5}}true{{else}}false{{end}}", "null", "true", nullptr},
      {"ge 1 2", "{{if ge 1 2}}true{{else}}false{{end}}", "null", "false", nullptr},
      {"ge `xyz` `xy`", "{{if ge `xyz` `xy`}}true{{else}}false{{end}}", "null", "true", nullptr},
      {"eq (index `x` 0) 'x'", "{{if eq (index `x` 0) 'x'}}true{{else}}false{{end}}", "null",
       "true", nullptr},
      {"eq (index `x` 0) 'y'", "{{if eq (index `x` 0) 'y'}}true{{else}}false{{end}}", "null",
       "false", nullptr},
      {"eq `xy` 1", "{{if eq `xy` 1}}true{{else}}false{{end}}", "null", "",
       "incompatible types for comparison"},
      {"eq 2 2.0", "{{if eq 2 2.0}}true{{else}}false{{end}}", "null", "",
       "incompatible types for comparison"},
      {"lt true true", "{{if lt true true}}true{{else}}false{{end}}", "null", "",
       "invalid type for comparison"},
      // JSON data: numbers are float64.
      {"eq data number and float constant", "{{if eq .I 17.0}}true{{else}}false{{end}}", kT, "true",
       nullptr},
      {"eq data number and int constant", "{{if eq .I 17}}true{{else}}false{{end}}", kT, "",
       "incompatible types for comparison"},
      // TestInterfaceValues, with JSON data.
      {"and of a zero element", "{{and (index .Slice 0) true}}", R"({"Slice": [0, 1, 2, 3]})", "0",
       nullptr},
      {"or of a zero element", "{{or (index .Slice 0) false}}", R"({"Slice": [0, 1, 2, 3]})",
       "false", nullptr},
      {"not of a zero element", "{{not (index .Slice 0)}}", R"({"Slice": [0, 1, 2, 3]})", "true",
       nullptr},
      {"eq of two data numbers", "{{eq (index .Slice 1) .One}}",
       R"({"Slice": [0, 1, 2, 3], "One": 1})", "true", nullptr},
      {"lt of two data numbers", "{{lt (index .Slice 0) .One}}",
       R"({"Slice": [0, 1, 2, 3], "One": 1})", "true", nullptr},
      {"index of a nil value", "{{index .Nil 1}}", R"({"Nil": null})", "", "index of untyped nil"},
  };
}

// Templates and errors: TestMissingMapKey, TestExecError, TestBlock, TestMaxExecDepth,
// TestUnterminatedStringError.
std::vector<Row> TemplateRows() {
  const char* const nested =
      "line 1\nline 2\nline 3\n{{template \"one\" .}}\n"
      "{{define \"one\"}}{{template \"two\" .}}{{end}}\n"
      "{{define \"two\"}}{{template \"three\" .}}{{end}}\n"
      "{{define \"three\"}}{{index \"hi\" 5}}{{end}}";
  return {
      {"missingkey default", "{{.x}} {{.y}}", R"({"x": 99})", "99 <no value>", nullptr},
      // Go prints "0" here for a map[string]int; JSON data is a map[string]interface{}, whose
      // zero value prints "<no value>".
      {"missingkey zero", "{{.x}} {{.y}}", R"({"x": 99})", "99 <no value>", nullptr,
       MissingKey::kZero},
      {"missingkey error", "{{.x}} {{.y}}", R"({"x": 99})", "", "map has no entry for key \"y\"",
       MissingKey::kError},
      // Execute with nil data (no JSON at all).
      {"missingkey error, nil data", "{{.x}}", nullptr, "", "nil data; no entry for key \"x\"",
       MissingKey::kError},
      {"missingkey default, nil data", "{{.x}}", nullptr, "<no value>", nullptr},
      // A JSON null inside the data is a nil interface{}: a field of it is an error.
      {"field of a null value", "{{.a.x}}", R"({"a": null})", "",
       "nil pointer evaluating interface {}.x"},
      // Go: `top:7:20: executing "three" at <index "hi" $>: ...` with 0-based columns; this
      // engine's messages give line:column (1-based) and the failing node (README.md). Go's test
      // indexes with $ = int 5; a JSON 5 is a float64 ("cannot index slice/array with type
      // float64"), hence the constant.
      {"error in a nested template", nested, "null", "",
       "7:21: at <index>: error calling index: index out of range: 5"},
      {"index with a data number (float64)", "{{index .SI .I}}", kT, "",
       "cannot index slice/array with type float64"},
      {"block", R"(a({{block "inner" .}}bar({{.}})baz{{end}})b)", R"("hello")", "a(bar(hello)baz)b",
       nullptr},
      {"template recursion", R"({{define "t"}}{{template "t" .}}{{end}}{{template "t" .}})", "null",
       "", "exceeded maximum template depth"},
      {"unterminated raw string", "hello\n\n{{`unterminated\n\n\n\n}}\n some more\n\n", "null", "",
       "3:"},
      {"unterminated raw string, message", "hello\n\n{{`unterminated\n\n\n\n}}\n some more\n\n",
       "null", "", "unterminated raw quoted string"},
  };
}

void Check(const std::vector<Row>& rows) {
  for (const Row& row : rows) {
    SCOPED_TRACE(std::string(row.name) + ": " + row.tmpl);
    Value data;  // nullptr: no data at all
    if (row.data != nullptr) {
      auto json = ParseJson(row.data, "data");
      ASSERT_TRUE(json) << row.data;
      data = Value::FromJson(*json);
    }
    auto out = RenderGoTemplate(row.tmpl, data, {.missing_key = row.missing});
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

TEST(GoExecTable, ExecTests) { Check(ExecRows()); }
TEST(GoExecTable, ComparisonTests) { Check(ComparisonRows()); }
TEST(GoExecTable, TemplatesAndErrors) { Check(TemplateRows()); }

}  // namespace
}  // namespace cellgate::tmpl

// Go's fmt and encoding/json output for template values, so printf, print, toJson and
// friends produce the bytes Argo CD's Go controller would.
//
// Sprintf implements the verbs templates use: %v %s %d %q %x %X %o %b %c %t %e %E %f %F %g
// %G %U %%, flags '-' '+' '#' ' ' '0', width and precision (also '*'). Wrong types print
// as Go does ("%!d(string=abc)"), missing operands as "%!d(MISSING)", extra operands as
// "%!(EXTRA string=x)". Lists and maps apply the verb to each element as fmt does.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "template/value.h"

namespace cellgate::tmpl {

std::string GoSprintf(std::string_view format, const std::vector<Value>& args);
// fmt.Sprint: operands separated by a space when neither side is a string.
std::string GoSprint(const std::vector<Value>& args);
// fmt.Sprintln: always separated by spaces, newline appended.
std::string GoSprintln(const std::vector<Value>& args);

// strconv.Quote: double-quoted with Go escapes.
std::string GoQuote(std::string_view s);

// encoding/json Marshal (HTML-escaping <, >, & as json.Marshal does) and MarshalIndent with
// two spaces. Map keys sorted; missing and nil encode as null.
std::string GoJson(const Value& v, bool pretty, bool escape_html = true);

// text/template's html, js and urlquery escapers.
std::string GoHtmlEscape(std::string_view s);
std::string GoJsEscape(std::string_view s);
std::string GoQueryEscape(std::string_view s);

}  // namespace cellgate::tmpl

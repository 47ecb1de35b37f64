// Parsing Go template source into a Tree, with text/template/parse's grammar and checks:
// functions must exist at parse time, variables must be declared before use, {{break}} and
// {{continue}} only inside {{range}}, one {{end}} closes an if / else if chain, {{define}}
// only at the top level. Parse errors are kInvalidArgument "line:col: message".
//
// Thread-safety: pure function.
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "core/result.h"
#include "template/ast.h"

namespace cellgate::tmpl {

// `is_function` says whether an identifier names a function (builtins, Sprig, Argo CD's).
Result<std::shared_ptr<const Tree>> ParseTree(
    std::string_view source, const std::function<bool(std::string_view)>& is_function);

}  // namespace cellgate::tmpl

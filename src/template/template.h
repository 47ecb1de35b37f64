// Go text/template for ApplicationSets with `goTemplate: true`: a parser and evaluator
// written to Go's semantics (no C++ library implements them), with the Sprig and Argo CD
// functions listed in README.md.
//
//   auto t = tmpl::Template::Parse("{{ .path.basename }}-{{ .name | lower }}");
//   if (!t) ...;                       // "1:7: function \"lowr\" not defined"
//   auto out = t->Execute(tmpl::Value::FromJson(params), {.missing_key = kError});
//   if (!out) ...;                     // "1:4: at <.path.basename>: map has no entry ..."
//
// Go semantics kept: truthiness, sorted map ranges, "<no value>" for missing keys (the
// missingkey option: default and zero both print "<no value>" for map[string]interface{}
// data, as in Go; error fails), printing of maps and lists, float64 vs int comparisons,
// short-circuit and/or, variables and their scopes, break/continue, define/template/block.
//
// Limits (TemplateLimits) bound hostile templates: output size per execution, the size of
// any string a function builds, nesting of template calls, and the number of evaluation
// steps (each node, range iteration and function call counts one). Hitting one is a
// kResourceExhausted error; template errors are kInvalidArgument. Messages start with
// "line:col" and quote the expression so callers can prefix where the template came from.
//
// Thread-safety: a parsed Template is immutable; Execute may run on many threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "template/ast.h"
#include "template/value.h"

namespace cellgate::tmpl {

enum class MissingKey { kDefault, kZero, kError };

struct TemplateLimits {
  std::size_t max_output_bytes = 1 << 20;
  std::uint64_t max_steps = 1'000'000;
  int max_depth = 100;  // nested {{template}} calls and parenthesised pipelines
};

struct TemplateOptions {
  MissingKey missing_key = MissingKey::kDefault;
  TemplateLimits limits;
};

// Argo CD's spec.goTemplateOptions: "missingkey=default|invalid|zero|error".
Result<TemplateOptions> ParseGoTemplateOptions(const std::vector<std::string>& options);

class Template {
 public:
  static Result<Template> Parse(std::string_view text);

  Result<std::string> Execute(const Value& data, const TemplateOptions& options = {}) const;

 private:
  explicit Template(std::shared_ptr<const Tree> tree) : tree_(std::move(tree)) {}
  std::shared_ptr<const Tree> tree_;
};

// Parse + Execute in one call.
Result<std::string> RenderGoTemplate(std::string_view text, const Value& data,
                                     const TemplateOptions& options = {});

}  // namespace cellgate::tmpl

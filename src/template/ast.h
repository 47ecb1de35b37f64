// The parse tree of a Go template, as text/template/parse builds it. Produced by Parse
// (parser.h), walked by the executor (template.cc). Nodes keep their source span so that
// execution errors can quote the expression ("at <.a.b>").
//
// Thread-safety: immutable after parsing; shared between threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace cellgate::tmpl {

enum class NodeKind {
  kList,
  kText,
  kAction,
  kIf,
  kRange,
  kWith,
  kTemplate,  // {{template "name" pipe}} (and the call half of {{block}})
  kBreak,
  kContinue,
  kPipe,
  kCommand,
  kField,       // .a.b           fields = {"a", "b"}
  kVariable,    // $x.a           text = "$x", fields = {"a"}
  kChain,       // (pipe).a.b     base = the term, fields = {"a", "b"}
  kIdentifier,  // function name  text
  kDot,
  kNil,
  kBool,
  kNumber,
  kString,
};

struct Node {
  NodeKind kind = NodeKind::kList;
  std::size_t pos = 0;  // byte offset where the node starts
  std::size_t end = 0;  // byte offset just past it (for quoting in errors)
  std::string text;
  std::vector<std::string> fields;

  // literals
  bool bool_value = false;
  bool is_int = false;
  bool is_float = false;
  bool float_syntax = false;  // written with '.', 'e' or 'p': an untyped float constant
  std::int64_t int_value = 0;
  double float_value = 0;

  std::vector<std::unique_ptr<Node>> children;  // list items, pipe commands, command args
  std::vector<std::string> decl;                // pipe: declared or assigned variables
  bool is_assign = false;                       // pipe: "=" rather than ":="

  std::unique_ptr<Node> pipe;       // action, if, range, with, template
  std::unique_ptr<Node> list;       // if, range, with
  std::unique_ptr<Node> else_list;  // if, range, with
  std::unique_ptr<Node> base;       // chain
};

// A parsed template: the root plus every {{define}}d or {{block}} template.
struct Tree {
  std::string source;
  std::unique_ptr<Node> root;
  std::map<std::string, std::unique_ptr<Node>, std::less<>> defined;
};

}  // namespace cellgate::tmpl

// The executor: walks a Tree with text/template's evaluation rules (exec.go), written anew.
#include "template/template.h"

#include <string>
#include <utility>
#include <vector>

#include "template/functions.h"
#include "template/lexer.h"
#include "template/parser.h"

namespace cellgate::tmpl {
namespace {

enum class Flow { kNormal, kBreak, kContinue };

std::string_view ParamTypeName(ParamType t) {
  switch (t) {
    case ParamType::kString:
      return "string";
    case ParamType::kInt:
      return "int";
    case ParamType::kBool:
      return "bool";
    case ParamType::kMap:
      return "map[string]interface {}";
    case ParamType::kReflect:
      return "reflect.Value";
    case ParamType::kAny:
      return "interface {}";
  }
  return "?";
}

class Exec {
 public:
  Exec(const Tree& tree, const TemplateOptions& opt) : tree_(tree), opt_(opt) {}

  Result<std::string> Run(const Value& data) {
    vars_.emplace_back("$", data);
    auto flow = Walk(data, *tree_.root);
    CG_TRY(flow);
    return std::move(out_);
  }

 private:
  std::unexpected<Error> Fail(const Node& n, const std::string& msg,
                              ErrorCode code = ErrorCode::kInvalidArgument) {
    std::string_view src = tree_.source;
    std::string expr(src.substr(std::min(n.pos, src.size()),
                                n.end > n.pos ? std::min(n.end - n.pos, std::size_t{80}) : 0));
    std::string where = PositionOf(src, n.pos);
    if (!expr.empty()) where += ": at <" + expr + ">";
    return std::unexpected(Error(code, where + ": " + msg));
  }

  Status Step(const Node& n) {
    if (++steps_ > opt_.limits.max_steps) {
      return Fail(
          n, "template exceeded " + std::to_string(opt_.limits.max_steps) + " evaluation steps",
          ErrorCode::kResourceExhausted);
    }
    return Ok();
  }

  Status Emit(const Node& n, std::string_view s) {
    if (out_.size() + s.size() > opt_.limits.max_output_bytes) {
      return Fail(
          n, "template output exceeds " + std::to_string(opt_.limits.max_output_bytes) + " bytes",
          ErrorCode::kResourceExhausted);
    }
    out_ += s;
    return Ok();
  }

  Result<Flow> Walk(const Value& dot, const Node& n) {
    CG_TRY(Step(n));
    switch (n.kind) {
      case NodeKind::kList:
        for (const auto& c : n.children) {
          auto f = Walk(dot, *c);
          if (!f || *f != Flow::kNormal) return f;
        }
        return Flow::kNormal;
      case NodeKind::kText:
        CG_TRY(Emit(n, n.text));
        return Flow::kNormal;
      case NodeKind::kAction: {
        auto v = EvalPipeline(dot, *n.pipe);
        CG_TRY(v);
        if (n.pipe->decl.empty()) {
          CG_TRY(Emit(n, FormatGoValue(*v)));
        }
        return Flow::kNormal;
      }
      case NodeKind::kIf:
      case NodeKind::kWith: {
        std::size_t mark = vars_.size();
        auto v = EvalPipeline(dot, *n.pipe);
        CG_TRY(v);
        Result<Flow> f = Flow::kNormal;
        if (v->Truthy()) {
          f = Walk(n.kind == NodeKind::kWith ? *v : dot, *n.list);
        } else if (n.else_list) {
          f = Walk(dot, *n.else_list);
        }
        vars_.resize(mark);
        return f;
      }
      case NodeKind::kRange:
        return WalkRange(dot, n);
      case NodeKind::kBreak:
        return Flow::kBreak;
      case NodeKind::kContinue:
        return Flow::kContinue;
      case NodeKind::kTemplate:
        return WalkTemplate(dot, n);
      default:
        return Fail(n, "unknown node");
    }
  }

  Result<Flow> WalkRange(const Value& dot, const Node& n) {
    std::size_t mark = vars_.size();
    auto v = EvalPipeline(dot, *n.pipe);
    CG_TRY(v);
    const auto& decl = n.pipe->decl;
    auto one = [&](const Value& key, const Value& elem) -> Result<Flow> {
      CG_TRY(Step(n));
      if (!decl.empty()) {
        if (n.pipe->is_assign) {
          SetVar(decl.size() == 1 ? decl[0] : decl[1], elem);
          if (decl.size() > 1) SetVar(decl[0], key);
        } else {
          vars_[vars_.size() - 1].second = elem;
          if (decl.size() > 1) vars_[vars_.size() - 2].second = key;
        }
      }
      // Variables the body declares end with the iteration (Go pops to a mark taken here),
      // so the next iteration sets the range's own variables again.
      const std::size_t body_mark = vars_.size();
      auto f = Walk(elem, *n.list);
      vars_.resize(body_mark);
      if (!f) return f;
      return *f == Flow::kContinue ? Flow::kNormal : *f;
    };
    bool any = false;
    Result<Flow> result = Flow::kNormal;
    switch (v->kind()) {
      case Value::Kind::kList:
        for (std::size_t i = 0; i < v->list().size(); ++i) {
          any = true;
          auto f = one(Value::Int(static_cast<std::int64_t>(i)), v->list()[i]);
          if (!f) return f;
          if (*f == Flow::kBreak) break;
        }
        break;
      case Value::Kind::kMap:
        for (const auto& [k, e] : v->map()) {
          any = true;
          auto f = one(Value::String(k), e);
          if (!f) return f;
          if (*f == Flow::kBreak) break;
        }
        break;
      case Value::Kind::kInt:
        if (decl.size() > 1) {
          return Fail(n,
                      "can't use " + FormatGoValue(*v) + " to iterate over more than one variable");
        }
        for (std::int64_t i = 0; i < v->int_value(); ++i) {
          any = true;
          auto f = one(Value::Int(i), Value::Int(i));
          if (!f) return f;
          if (*f == Flow::kBreak) break;
        }
        break;
      case Value::Kind::kMissing:
      case Value::Kind::kNil:
        break;
      default:
        return Fail(n, "range can't iterate over " + FormatGoValue(*v));
    }
    if (!any && n.else_list) result = Walk(dot, *n.else_list);
    vars_.resize(mark);
    if (result && *result == Flow::kBreak) return Flow::kNormal;
    return result;
  }

  Result<Flow> WalkTemplate(const Value& dot, const Node& n) {
    auto it = tree_.defined.find(n.text);
    if (it == tree_.defined.end()) return Fail(n, "no such template \"" + n.text + "\"");
    Value new_dot;
    if (n.pipe) {
      auto v = EvalPipeline(dot, *n.pipe);
      CG_TRY(v);
      new_dot = *v;
    }
    if (++depth_ > opt_.limits.max_depth) {
      return Fail(n,
                  "exceeded maximum template depth (" + std::to_string(opt_.limits.max_depth) + ")",
                  ErrorCode::kResourceExhausted);
    }
    auto saved = std::move(vars_);
    vars_ = {{"$", new_dot}};
    auto f = Walk(new_dot, *it->second);
    vars_ = std::move(saved);
    --depth_;
    if (!f) return f;
    return Flow::kNormal;
  }

  void SetVar(const std::string& name, const Value& v) {
    for (auto it = vars_.rbegin(); it != vars_.rend(); ++it) {
      if (it->first == name) {
        it->second = v;
        return;
      }
    }
  }

  Result<Value> EvalPipeline(const Value& dot, const Node& pipe) {
    if (++depth_ > opt_.limits.max_depth * 10) {
      return Fail(pipe, "expression nested too deeply", ErrorCode::kResourceExhausted);
    }
    Value value;
    bool have_final = false;
    for (const auto& cmd : pipe.children) {
      auto v = EvalCommand(dot, *cmd, have_final ? &value : nullptr);
      if (!v) {
        --depth_;
        return v;
      }
      value = std::move(*v);
      have_final = true;
    }
    --depth_;
    // text/template turns a nil interface{} into "no value" at the end of a pipeline.
    if (value.kind() == Value::Kind::kNil) value = Value();
    for (const auto& name : pipe.decl) {
      if (pipe.is_assign) {
        SetVar(name, value);
      } else {
        vars_.emplace_back(name, value);
      }
    }
    return value;
  }

  Status NotAFunction(const Node& cmd, const Value* final) {
    if (cmd.children.size() > 1 || final != nullptr) {
      return Fail(cmd, "can't give argument to non-function " +
                           std::string(tree_.source.substr(
                               cmd.children[0]->pos, cmd.children[0]->end - cmd.children[0]->pos)));
    }
    return Ok();
  }

  static Value IdealConstant(const Node& n) {
    if (n.float_syntax || !n.is_int) return Value::Float(n.float_value);
    return Value::Int(n.int_value);
  }

  Result<Value> EvalCommand(const Value& dot, const Node& cmd, const Value* final) {
    CG_TRY(Step(cmd));
    const Node& first = *cmd.children[0];
    switch (first.kind) {
      case NodeKind::kField:
        return EvalFieldChain(dot, dot, first, first.fields, cmd, final);
      case NodeKind::kChain: {
        if (cmd.children.size() > 1) return Fail(cmd, "can't give argument to non-function");
        auto base = EvalArg(dot, *first.base, ParamType::kAny);
        if (!base) return base;
        return EvalFieldChain(dot, *base, first, first.fields, cmd, final);
      }
      case NodeKind::kIdentifier:
        return EvalFunction(dot, first, cmd, final);
      case NodeKind::kPipe: {
        CG_TRY(NotAFunction(cmd, final));
        return EvalPipeline(dot, first);
      }
      case NodeKind::kVariable: {
        Value v = LookupVar(first.text);
        if (first.fields.empty()) {
          CG_TRY(NotAFunction(cmd, final));
          return v;
        }
        return EvalFieldChain(dot, v, first, first.fields, cmd, final);
      }
      default:
        break;
    }
    CG_TRY(NotAFunction(cmd, final));
    switch (first.kind) {
      case NodeKind::kBool:
        return Value::Bool(first.bool_value);
      case NodeKind::kDot:
        return dot;
      case NodeKind::kNil:
        return Fail(first, "nil is not a command");
      case NodeKind::kNumber:
        return IdealConstant(first);
      case NodeKind::kString:
        return Value::String(first.text);
      default:
        return Fail(first, "can't evaluate command");
    }
  }

  Value LookupVar(const std::string& name) const {
    for (auto it = vars_.rbegin(); it != vars_.rend(); ++it) {
      if (it->first == name) return it->second;
    }
    return Value();
  }

  Result<Value> EvalFieldChain(const Value& dot, Value receiver, const Node& node,
                               const std::vector<std::string>& idents, const Node& cmd,
                               const Value* final) {
    (void)dot;
    bool has_args = cmd.children.size() > 1 || final != nullptr;
    for (std::size_t i = 0; i < idents.size(); ++i) {
      bool last = i + 1 == idents.size();
      auto r = EvalField(receiver, idents[i], node, last && has_args);
      if (!r) return r;
      receiver = std::move(*r);
    }
    return receiver;
  }

  Result<Value> EvalField(const Value& receiver, const std::string& name, const Node& node,
                          bool has_args) {
    switch (receiver.kind()) {
      case Value::Kind::kMissing:
        if (opt_.missing_key == MissingKey::kError) {
          return Fail(node, "nil data; no entry for key \"" + name + "\"");
        }
        return Value();
      case Value::Kind::kNil:
        return Fail(node, "nil pointer evaluating interface {}." + name);
      case Value::Kind::kMap: {
        if (has_args) return Fail(node, name + " is not a method but has arguments");
        auto it = receiver.map().find(name);
        if (it != receiver.map().end()) return it->second;
        switch (opt_.missing_key) {
          case MissingKey::kDefault:
            return Value();
          case MissingKey::kZero:
            return Value::Nil();
          case MissingKey::kError:
            return Fail(node, "map has no entry for key \"" + name + "\"");
        }
        return Value();
      }
      default:
        return Fail(node, "can't evaluate field " + name + " in type " + receiver.GoTypeName());
    }
  }

  Result<Value> EvalFunction(const Value& dot, const Node& ident, const Node& cmd,
                             const Value* final) {
    const std::string& name = ident.text;
    std::size_t nargs = cmd.children.size() - 1 + (final ? 1 : 0);
    if (name == "and" || name == "or") {
      if (nargs == 0)
        return Fail(ident, "wrong number of args for " + name + ": want at least 1 got 0");
      Value v;
      for (std::size_t i = 1; i < cmd.children.size(); ++i) {
        auto a = EvalArg(dot, *cmd.children[i], ParamType::kReflect);
        if (!a) return a;
        v = *a;
        if (v.Truthy() == (name == "or")) return v;
      }
      if (final) v = *final;
      return v;
    }
    const Function* fn = FindFunction(name);
    if (fn == nullptr) return Fail(ident, "function \"" + name + "\" not defined");
    std::size_t fixed = fn->params.size() - (fn->variadic ? 1 : 0);
    if (fn->variadic ? nargs < fixed : nargs != fn->params.size()) {
      return Fail(ident, "wrong number of args for " + name + ": want " +
                             (fn->variadic ? "at least " : "") + std::to_string(fixed) + " got " +
                             std::to_string(nargs));
    }
    std::vector<Value> args;
    args.reserve(nargs);
    auto type_at = [&](std::size_t i) { return i < fixed ? fn->params[i] : fn->params.back(); };
    for (std::size_t i = 1; i < cmd.children.size(); ++i) {
      auto a = EvalArg(dot, *cmd.children[i], type_at(i - 1));
      if (!a) return a;
      args.push_back(std::move(*a));
    }
    if (final) {
      auto a = ValidateType(*final, type_at(args.size()), cmd);
      if (!a) return a;
      args.push_back(std::move(*a));
    }
    auto r = fn->call(args);
    if (!r) {
      if (r.error().code() == ErrorCode::kResourceExhausted)
        return Fail(ident, r.error().message(), ErrorCode::kResourceExhausted);
      return Fail(ident, "error calling " + name + ": " + r.error().message());
    }
    if (r->ApproxSize() > opt_.limits.max_output_bytes) {
      return Fail(ident,
                  "value built by " + name + " exceeds " +
                      std::to_string(opt_.limits.max_output_bytes) + " bytes",
                  ErrorCode::kResourceExhausted);
    }
    return r;
  }

  Result<Value> ValidateType(const Value& v, ParamType t, const Node& at) {
    if (v.is_nil_like()) {
      switch (t) {
        case ParamType::kAny:
        case ParamType::kMap:
          return Value::Nil();
        case ParamType::kReflect:
          return Value();
        default:
          if (v.is_missing())
            return Fail(at, "invalid value; expected " + std::string(ParamTypeName(t)));
          return Fail(at, "wrong type for value; expected " + std::string(ParamTypeName(t)) +
                              "; got <nil>");
      }
    }
    bool ok = true;
    switch (t) {
      case ParamType::kString:
        ok = v.kind() == Value::Kind::kString;
        break;
      case ParamType::kInt:
        ok = v.kind() == Value::Kind::kInt;
        break;
      case ParamType::kBool:
        ok = v.kind() == Value::Kind::kBool;
        break;
      case ParamType::kMap:
        ok = v.kind() == Value::Kind::kMap;
        break;
      default:
        break;
    }
    if (!ok) {
      return Fail(at, "wrong type for value; expected " + std::string(ParamTypeName(t)) + "; got " +
                          v.GoTypeName());
    }
    return v;
  }

  Result<Value> EvalArg(const Value& dot, const Node& n, ParamType t) {
    switch (n.kind) {
      case NodeKind::kDot:
        return ValidateType(dot, t, n);
      case NodeKind::kNil:
        if (t == ParamType::kAny || t == ParamType::kMap || t == ParamType::kReflect)
          return Value::Nil();
        return Fail(n, "cannot assign nil to " + std::string(ParamTypeName(t)));
      case NodeKind::kField: {
        auto v = EvalFieldChain(dot, dot, n, n.fields, SingleArg(), nullptr);
        if (!v) return v;
        return ValidateType(*v, t, n);
      }
      case NodeKind::kVariable: {
        Value v = LookupVar(n.text);
        if (!n.fields.empty()) {
          auto r = EvalFieldChain(dot, v, n, n.fields, SingleArg(), nullptr);
          if (!r) return r;
          v = *r;
        }
        return ValidateType(v, t, n);
      }
      case NodeKind::kPipe: {
        auto v = EvalPipeline(dot, n);
        if (!v) return v;
        return ValidateType(*v, t, n);
      }
      case NodeKind::kIdentifier: {
        // A function used as an argument is called with no arguments.
        auto v = EvalFunctionNoArgs(dot, n);
        if (!v) return v;
        return ValidateType(*v, t, n);
      }
      case NodeKind::kChain: {
        auto base = EvalArg(dot, *n.base, ParamType::kAny);
        if (!base) return base;
        auto v = EvalFieldChain(dot, *base, n, n.fields, SingleArg(), nullptr);
        if (!v) return v;
        return ValidateType(*v, t, n);
      }
      default:
        break;
    }
    switch (t) {
      case ParamType::kBool:
        if (n.kind == NodeKind::kBool) return Value::Bool(n.bool_value);
        return Fail(n, "expected bool; found " + Literal(n));
      case ParamType::kString:
        if (n.kind == NodeKind::kString) return Value::String(n.text);
        return Fail(n, "expected string; found " + Literal(n));
      case ParamType::kInt:
        if (n.kind == NodeKind::kNumber && n.is_int) return Value::Int(n.int_value);
        return Fail(n, "expected integer; found " + Literal(n));
      case ParamType::kMap:
        return Fail(n, "can't handle " + Literal(n) + " for arg of type map[string]interface {}");
      default:
        if (n.kind == NodeKind::kBool) return Value::Bool(n.bool_value);
        if (n.kind == NodeKind::kString) return Value::String(n.text);
        if (n.kind == NodeKind::kNumber) return IdealConstant(n);
        return Fail(n, "can't handle " + Literal(n) + " as an argument");
    }
  }

  std::string Literal(const Node& n) const {
    return std::string(tree_.source.substr(n.pos, n.end > n.pos ? n.end - n.pos : 0));
  }

  // A command node with one operand, for evaluating fields used as arguments.
  static const Node& SingleArg() {
    static const Node kOne = [] {
      Node n;
      n.kind = NodeKind::kCommand;
      n.children.push_back(std::make_unique<Node>());
      return n;
    }();
    return kOne;
  }

  Result<Value> EvalFunctionNoArgs(const Value& dot, const Node& ident) {
    Node cmd;
    cmd.kind = NodeKind::kCommand;
    cmd.pos = ident.pos;
    cmd.end = ident.end;
    cmd.children.push_back(std::make_unique<Node>(Node{
        .kind = NodeKind::kIdentifier, .pos = ident.pos, .end = ident.end, .text = ident.text}));
    return EvalFunction(dot, ident, cmd, nullptr);
  }

  const Tree& tree_;
  const TemplateOptions& opt_;
  std::string out_;
  std::vector<std::pair<std::string, Value>> vars_;
  std::uint64_t steps_ = 0;
  int depth_ = 0;
};

}  // namespace

Result<TemplateOptions> ParseGoTemplateOptions(const std::vector<std::string>& options) {
  TemplateOptions out;
  for (const auto& o : options) {
    if (o == "missingkey=default" || o == "missingkey=invalid") {
      out.missing_key = MissingKey::kDefault;
    } else if (o == "missingkey=zero") {
      out.missing_key = MissingKey::kZero;
    } else if (o == "missingkey=error") {
      out.missing_key = MissingKey::kError;
    } else {
      return MakeError(ErrorCode::kInvalidArgument,
                       "unrecognized goTemplateOptions entry \"" + o + "\"");
    }
  }
  return out;
}

Result<Template> Template::Parse(std::string_view text) {
  auto tree = ParseTree(text, [](std::string_view name) {
    return name == "and" || name == "or" || FindFunction(name) != nullptr;
  });
  CG_TRY(tree);
  return Template(std::move(*tree));
}

Result<std::string> Template::Execute(const Value& data, const TemplateOptions& options) const {
  return Exec(*tree_, options).Run(data);
}

Result<std::string> RenderGoTemplate(std::string_view text, const Value& data,
                                     const TemplateOptions& options) {
  auto t = Template::Parse(text);
  CG_TRY(t);
  return t->Execute(data, options);
}

}  // namespace cellgate::tmpl

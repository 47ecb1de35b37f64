#include "template/parser.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "template/lexer.h"

namespace cellgate::tmpl {
namespace {

using NodePtr = std::unique_ptr<Node>;

// Fills a number node from Go literal text; false when it is not a number.
bool ParseNumber(const std::string& raw, Node& n) {
  std::string t;
  for (char c : raw) {
    if (c != '_') t += c;
  }
  bool neg = false;
  std::string body = t;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    neg = body[0] == '-';
    body = body.substr(1);
  }
  if (body.empty()) return false;
  auto lower = [](std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  std::string lb = lower(body);
  int base = 10;
  std::string digits = lb;
  if (lb.starts_with("0x")) {
    base = 16;
    digits = lb.substr(2);
  } else if (lb.starts_with("0o")) {
    base = 8;
    digits = lb.substr(2);
  } else if (lb.starts_with("0b")) {
    base = 2;
    digits = lb.substr(2);
  } else if (lb.size() > 1 && lb[0] == '0' &&
             lb.find_first_not_of("01234567") == std::string::npos) {
    base = 8;
    digits = lb.substr(1);
  }
  bool hex_float = base == 16 && digits.find('p') != std::string::npos;
  bool float_syntax = !(base == 16 && !hex_float) && lb.find_first_of(".ep") != std::string::npos;
  if (base == 10 && lb.find_first_of(".e") != std::string::npos) float_syntax = true;
  n.float_syntax = float_syntax;
  if (!float_syntax) {
    std::uint64_t u = 0;
    auto res = std::from_chars(digits.data(), digits.data() + digits.size(), u, base);
    if (res.ec == std::errc() && res.ptr == digits.data() + digits.size() && !digits.empty()) {
      if (u <= static_cast<std::uint64_t>(INT64_MAX) + (neg ? 1u : 0u)) {
        n.is_int = true;
        n.int_value = neg ? static_cast<std::int64_t>(-static_cast<std::int64_t>(u - 1) - 1)
                          : static_cast<std::int64_t>(u);
      }
      n.is_float = true;
      n.float_value = neg ? -static_cast<double>(u) : static_cast<double>(u);
      return true;
    }
    if (base != 10 || digits.find_first_not_of("0123456789") != std::string::npos) return false;
  }
  // Decimal or hexadecimal floating point.
  const char* begin = t.c_str();
  char* endp = nullptr;
  double f = std::strtod(begin, &endp);
  if (endp != begin + t.size() || lb.find("inf") != std::string::npos ||
      lb.find("nan") != std::string::npos) {
    return false;
  }
  n.is_float = true;
  n.float_value = f;
  if (std::isfinite(f) && f == std::trunc(f) && std::fabs(f) < 9.2e18) {
    n.is_int = true;
    n.int_value = static_cast<std::int64_t>(f);
  }
  return true;
}

class Parser {
 public:
  Parser(std::string_view src, std::vector<Token> toks,
         const std::function<bool(std::string_view)>& is_function)
      : src_(src), toks_(std::move(toks)), is_function_(is_function) {}

  Result<std::shared_ptr<const Tree>> Run() {
    auto tree = std::make_shared<Tree>();
    tree->source = std::string(src_);
    tree->root = MakeNode(NodeKind::kList, 0);
    vars_ = {"$"};
    while (Peek().type != Tok::kEof) {
      if (Peek().type == Tok::kLeftDelim && PeekNonSpaceAfterDelim() == Tok::kDefine) {
        Next();          // {{
        NextNonSpace();  // define
        auto d = Definition(*tree);
        CG_TRY(d);
        continue;
      }
      auto n = TextOrAction();
      CG_TRY(n);
      if (!*n) continue;
      if (IsMarker(**n, "end")) return Fail((*n)->pos, "unexpected {{end}}");
      if (IsMarker(**n, "else")) return Fail((*n)->pos, "unexpected {{else}}");
      tree->root->children.push_back(std::move(*n));
    }
    tree->root->end = src_.size();
    return std::shared_ptr<const Tree>(std::move(tree));
  }

 private:
  // Markers returned by TextOrAction for {{end}} and {{else}}: a list node whose text says
  // which (they are never stored in the tree).
  static NodePtr Marker(const char* what, std::size_t pos) {
    auto n = std::make_unique<Node>();
    n->kind = NodeKind::kList;
    n->text = what;
    n->pos = pos;
    return n;
  }
  static bool IsMarker(const Node& n, const char* what) {
    return n.kind == NodeKind::kList && n.text == what;
  }

  NodePtr MakeNode(NodeKind k, std::size_t pos) {
    auto n = std::make_unique<Node>();
    n->kind = k;
    n->pos = pos;
    n->end = pos;
    return n;
  }

  std::unexpected<Error> Fail(std::size_t pos, const std::string& msg) {
    return std::unexpected(Error(ErrorCode::kInvalidArgument, PositionOf(src_, pos) + ": " + msg));
  }

  const Token& Peek() const { return toks_[std::min(i_, toks_.size() - 1)]; }
  const Token& Next() { return toks_[std::min(i_++, toks_.size() - 1)]; }
  const Token& PeekNonSpace() {
    while (Peek().type == Tok::kSpace) ++i_;
    return Peek();
  }
  const Token& NextNonSpace() {
    PeekNonSpace();
    return Next();
  }
  Tok PeekNonSpaceAfterDelim() const {
    std::size_t j = i_ + 1;
    while (j < toks_.size() && toks_[j].type == Tok::kSpace) ++j;
    return j < toks_.size() ? toks_[j].type : Tok::kEof;
  }
  std::unexpected<Error> Unexpected(const Token& t, const std::string& context) {
    std::string what = t.type == Tok::kEof ? "EOF" : "\"" + t.text + "\"";
    if (t.type == Tok::kRightDelim) what = "\"}}\"";
    return Fail(t.pos, "unexpected " + what + " in " + context);
  }
  Status Expect(Tok t, const std::string& context) {
    const Token& tok = NextNonSpace();
    if (tok.type != t) return Unexpected(tok, context);
    return Ok();
  }

  // {{define "name"}} ... {{end}}
  Status Definition(Tree& tree) {
    const Token& name = NextNonSpace();
    if (name.type != Tok::kString && name.type != Tok::kRawString) {
      return Unexpected(name, "define clause");
    }
    std::string n = name.text;
    if (auto s = Expect(Tok::kRightDelim, "define clause"); !s) return s;
    auto saved = vars_;
    vars_ = {"$"};
    auto body = ItemList();
    vars_ = saved;
    CG_TRY(body);
    if (!IsMarker(*body->second, "end"))
      return Fail(body->second->pos, "unexpected {{else}} in define");
    tree.defined[n] = std::move(body->first);
    return Ok();
  }

  Result<NodePtr> TextOrAction() {
    const Token& t = NextNonSpaceTopLevel();
    switch (t.type) {
      case Tok::kText: {
        auto n = MakeNode(NodeKind::kText, t.pos);
        n->text = t.text;
        n->end = t.pos + t.text.size();
        return n;
      }
      case Tok::kComment:
        return NodePtr();
      case Tok::kLeftDelim:
        return Action(t.pos);
      default:
        return Unexpected(t, "input");
    }
  }
  const Token& NextNonSpaceTopLevel() { return Next(); }

  // Parses items until {{end}} or {{else}}; returns the list and the marker.
  Result<std::pair<NodePtr, NodePtr>> ItemList() {
    auto list = MakeNode(NodeKind::kList, Peek().pos);
    while (Peek().type != Tok::kEof) {
      auto n = TextOrAction();
      CG_TRY(n);
      if (!*n) continue;
      if (IsMarker(**n, "end") || IsMarker(**n, "else")) {
        list->end = (*n)->pos;
        return std::make_pair(std::move(list), std::move(*n));
      }
      list->children.push_back(std::move(*n));
    }
    return Fail(src_.size(), "unexpected EOF");
  }

  Result<NodePtr> Action(std::size_t open) {
    const Token& t = NextNonSpace();
    switch (t.type) {
      case Tok::kBlock:
        return BlockControl(open);
      case Tok::kBreak:
      case Tok::kContinue: {
        bool is_break = t.type == Tok::kBreak;
        if (range_depth_ == 0) {
          return Fail(t.pos, std::string("{{") + (is_break ? "break" : "continue") +
                                 "}} outside {{range}}");
        }
        CG_TRY(Expect(Tok::kRightDelim, is_break ? "break" : "continue"));
        return MakeNode(is_break ? NodeKind::kBreak : NodeKind::kContinue, open);
      }
      case Tok::kElse: {
        Tok p = PeekNonSpace().type;
        if (p == Tok::kIf || p == Tok::kWith) return Marker("else", open);
        CG_TRY(Expect(Tok::kRightDelim, "else"));
        return Marker("else", open);
      }
      case Tok::kEnd:
        CG_TRY(Expect(Tok::kRightDelim, "end"));
        return Marker("end", open);
      case Tok::kIf:
        return Control(NodeKind::kIf, "if", open);
      case Tok::kRange:
        return Control(NodeKind::kRange, "range", open);
      case Tok::kWith:
        return Control(NodeKind::kWith, "with", open);
      case Tok::kTemplate:
        return TemplateControl(open);
      default:
        break;
    }
    --i_;
    auto action = MakeNode(NodeKind::kAction, open);
    auto pipe = Pipeline("command", Tok::kRightDelim);
    CG_TRY(pipe);
    action->pipe = std::move(*pipe);
    action->end = action->pipe->end;
    return action;
  }

  Result<NodePtr> Control(NodeKind kind, const std::string& context, std::size_t open) {
    std::size_t vars_mark = vars_.size();
    auto node = MakeNode(kind, open);
    auto pipe = Pipeline(context, Tok::kRightDelim);
    CG_TRY(pipe);
    node->pipe = std::move(*pipe);
    if (kind == NodeKind::kRange) ++range_depth_;
    auto body = ItemList();
    if (kind == NodeKind::kRange) --range_depth_;
    CG_TRY(body);
    node->list = std::move(body->first);
    if (IsMarker(*body->second, "else")) {
      Tok p = PeekNonSpace().type;
      if ((kind == NodeKind::kIf && p == Tok::kIf) ||
          (kind == NodeKind::kWith && p == Tok::kWith)) {
        // "else if" / "else with": one {{end}} closes the whole chain.
        std::size_t at = Next().pos;
        auto else_list = MakeNode(NodeKind::kList, at);
        auto nested = Control(kind, context, at);
        if (!nested) return std::unexpected(nested.error());
        else_list->children.push_back(std::move(*nested));
        node->else_list = std::move(else_list);
      } else {
        auto rest = ItemList();
        CG_TRY(rest);
        if (!IsMarker(*rest->second, "end"))
          return Fail(rest->second->pos, "expected end; found {{else}}");
        node->else_list = std::move(rest->first);
      }
    }
    vars_.resize(vars_mark);
    return node;
  }

  Result<NodePtr> TemplateControl(std::size_t open) {
    const Token& name = NextNonSpace();
    if (name.type != Tok::kString && name.type != Tok::kRawString) {
      return Unexpected(name, "template clause");
    }
    auto node = MakeNode(NodeKind::kTemplate, open);
    node->text = name.text;
    if (PeekNonSpace().type != Tok::kRightDelim) {
      auto pipe = Pipeline("template clause", Tok::kRightDelim);
      CG_TRY(pipe);
      node->pipe = std::move(*pipe);
    } else {
      Next();
    }
    return node;
  }

  Result<NodePtr> BlockControl(std::size_t open) {
    const Token& name = NextNonSpace();
    if (name.type != Tok::kString && name.type != Tok::kRawString) {
      return Unexpected(name, "block clause");
    }
    auto node = MakeNode(NodeKind::kTemplate, open);
    node->text = name.text;
    auto pipe = Pipeline("block clause", Tok::kRightDelim);
    CG_TRY(pipe);
    node->pipe = std::move(*pipe);
    auto saved = vars_;
    vars_ = {"$"};
    auto body = ItemList();
    vars_ = saved;
    CG_TRY(body);
    if (!IsMarker(*body->second, "end"))
      return Fail(body->second->pos, "unexpected {{else}} in block");
    blocks_.emplace_back(node->text, std::move(body->first));
    return node;
  }

 public:
  std::vector<std::pair<std::string, NodePtr>> blocks_;

 private:
  Result<NodePtr> Pipeline(const std::string& context, Tok end) {
    auto pipe = MakeNode(NodeKind::kPipe, PeekNonSpace().pos);
    // Declarations: $x := / $x = / $i, $v :=
    if (PeekNonSpace().type == Tok::kVariable) {
      std::size_t save = i_;
      std::vector<std::string> names{Next().text};
      bool ok = false;
      while (true) {
        const Token& after = PeekNonSpace();
        if (after.type == Tok::kDeclare || after.type == Tok::kAssign) {
          pipe->is_assign = after.type == Tok::kAssign;
          Next();
          ok = true;
          break;
        }
        if (after.type == Tok::kComma) {
          Next();
          if (context != "range" || names.size() >= 2) {
            return Fail(after.pos, "too many declarations in " + context);
          }
          if (PeekNonSpace().type != Tok::kVariable)
            return Fail(after.pos, "range can only initialize variables");
          names.push_back(Next().text);
          continue;
        }
        break;
      }
      if (ok) {
        for (const auto& n : names) {
          if (pipe->is_assign) {
            if (!HasVar(n)) return Fail(pipe->pos, "undefined variable \"" + n + "\"");
          } else {
            vars_.push_back(n);
          }
        }
        pipe->decl = std::move(names);
      } else {
        i_ = save;
      }
    }
    while (true) {
      const Token& t = PeekNonSpace();
      if (t.type == end) {
        Next();
        if (pipe->children.empty()) return Fail(t.pos, "missing value for " + context);
        for (std::size_t k = 1; k < pipe->children.size(); ++k) {
          const Node& first = *pipe->children[k]->children[0];
          if (first.kind == NodeKind::kBool || first.kind == NodeKind::kDot ||
              first.kind == NodeKind::kNil || first.kind == NodeKind::kNumber ||
              first.kind == NodeKind::kString) {
            return Fail(first.pos,
                        "non executable command in pipeline stage " + std::to_string(k + 1));
          }
        }
        pipe->end = t.pos;
        return pipe;
      }
      switch (t.type) {
        case Tok::kBool:
        case Tok::kChar:
        case Tok::kDot:
        case Tok::kField:
        case Tok::kIdentifier:
        case Tok::kNumber:
        case Tok::kNil:
        case Tok::kRawString:
        case Tok::kString:
        case Tok::kVariable:
        case Tok::kLeftParen: {
          auto cmd = Command(end);
          CG_TRY(cmd);
          pipe->children.push_back(std::move(*cmd));
          break;
        }
        default:
          return Unexpected(t, context);
      }
    }
  }

  Result<NodePtr> Command(Tok end) {
    auto cmd = MakeNode(NodeKind::kCommand, PeekNonSpace().pos);
    while (true) {
      PeekNonSpace();
      auto op = Operand();
      CG_TRY(op);
      if (*op) {
        cmd->end = (*op)->end;
        cmd->children.push_back(std::move(*op));
      }
      const Token& t = Peek();
      if (t.type == Tok::kSpace) {
        Next();
        continue;
      }
      if (t.type == Tok::kRightDelim || t.type == Tok::kRightParen) {
        if (t.type != end) return Unexpected(t, "operand");
        break;
      }
      if (t.type == Tok::kPipe) {
        Next();
        break;
      }
      return Unexpected(t, "operand");
    }
    if (cmd->children.empty()) return Fail(cmd->pos, "empty command");
    return cmd;
  }

  bool HasVar(const std::string& name) const {
    for (const auto& v : vars_) {
      if (v == name) return true;
    }
    return false;
  }

  Result<NodePtr> Operand() {
    auto term = Term();
    if (!term || !*term) return term;
    if (Peek().type != Tok::kField) return term;
    NodePtr node = std::move(*term);
    std::vector<std::string> chain;
    std::size_t end = node->end;
    while (Peek().type == Tok::kField) {
      const Token& f = Next();
      chain.push_back(f.text);
      end = f.pos + f.text.size() + 1;
    }
    switch (node->kind) {
      case NodeKind::kField:
      case NodeKind::kVariable:
        for (auto& c : chain) node->fields.push_back(std::move(c));
        node->end = end;
        return node;
      case NodeKind::kBool:
      case NodeKind::kString:
      case NodeKind::kNumber:
      case NodeKind::kNil:
      case NodeKind::kDot:
        return Fail(node->pos, "unexpected . after term");
      default: {
        auto c = MakeNode(NodeKind::kChain, node->pos);
        c->base = std::move(node);
        c->fields = std::move(chain);
        c->end = end;
        return c;
      }
    }
  }

  Result<NodePtr> Term() {
    const Token& t = PeekNonSpace();
    switch (t.type) {
      case Tok::kIdentifier: {
        Next();
        if (!is_function_(t.text)) return Fail(t.pos, "function \"" + t.text + "\" not defined");
        auto n = MakeNode(NodeKind::kIdentifier, t.pos);
        n->text = t.text;
        n->end = t.pos + t.text.size();
        return n;
      }
      case Tok::kDot: {
        Next();
        auto n = MakeNode(NodeKind::kDot, t.pos);
        n->end = t.pos + 1;
        return n;
      }
      case Tok::kNil: {
        Next();
        auto n = MakeNode(NodeKind::kNil, t.pos);
        n->end = t.pos + 3;
        return n;
      }
      case Tok::kVariable: {
        Next();
        if (!HasVar(t.text)) return Fail(t.pos, "undefined variable \"" + t.text + "\"");
        auto n = MakeNode(NodeKind::kVariable, t.pos);
        n->text = t.text;
        n->end = t.pos + t.text.size();
        return n;
      }
      case Tok::kField: {
        Next();
        auto n = MakeNode(NodeKind::kField, t.pos);
        n->fields.push_back(t.text);
        n->end = t.pos + t.text.size() + 1;
        return n;
      }
      case Tok::kBool: {
        Next();
        auto n = MakeNode(NodeKind::kBool, t.pos);
        n->bool_value = t.text == "true";
        n->end = t.pos + t.text.size();
        return n;
      }
      case Tok::kChar:
      case Tok::kNumber: {
        Next();
        auto n = MakeNode(NodeKind::kNumber, t.pos);
        n->text = t.text;
        if (t.type == Tok::kChar) {
          n->is_int = n->is_float = true;
          n->int_value = std::stoll(t.text);
          n->float_value = static_cast<double>(n->int_value);
          n->end = t.pos + 3;
        } else {
          if (!ParseNumber(t.text, *n))
            return Fail(t.pos, "illegal number syntax: \"" + t.text + "\"");
          n->end = t.pos + t.text.size();
        }
        return n;
      }
      case Tok::kLeftParen: {
        Next();
        auto pipe = Pipeline("parenthesized pipeline", Tok::kRightParen);
        CG_TRY(pipe);
        (*pipe)->pos = t.pos;
        (*pipe)->end = (*pipe)->end + 1;
        return std::move(*pipe);
      }
      case Tok::kString:
      case Tok::kRawString: {
        Next();
        auto n = MakeNode(NodeKind::kString, t.pos);
        n->text = t.text;
        n->end = t.pos + t.text.size() + 2;
        return n;
      }
      default:
        return NodePtr();
    }
  }

  std::string_view src_;
  std::vector<Token> toks_;
  const std::function<bool(std::string_view)>& is_function_;
  std::size_t i_ = 0;
  std::vector<std::string> vars_;
  int range_depth_ = 0;
};

}  // namespace

Result<std::shared_ptr<const Tree>> ParseTree(
    std::string_view source, const std::function<bool(std::string_view)>& is_function) {
  auto toks = Lex(source);
  CG_TRY(toks);
  Parser p(source, std::move(*toks), is_function);
  auto tree = p.Run();
  if (!tree) return tree;
  auto mutable_tree = std::const_pointer_cast<Tree>(*tree);
  for (auto& [name, body] : p.blocks_) mutable_tree->defined[name] = std::move(body);
  return tree;
}

}  // namespace cellgate::tmpl

// Go's text/template builtins (funcs.go semantics): not len index slice eq ne lt le gt ge
// print printf println html js urlquery. and/or live in the executor (short-circuit);
// call is refused because template data never holds functions.
#include <string>

#include "template/functions.h"
#include "template/go_format.h"

namespace cellgate::tmpl {
namespace {

enum class Basic { kInvalid, kBool, kInt, kFloat, kString, kOther };

Basic BasicOf(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kBool:
      return Basic::kBool;
    case Value::Kind::kInt:
      return Basic::kInt;
    case Value::Kind::kFloat:
      return Basic::kFloat;
    case Value::Kind::kString:
      return Basic::kString;
    case Value::Kind::kList:
    case Value::Kind::kMap:
      return Basic::kOther;
    default:
      return Basic::kInvalid;
  }
}

Result<bool> Equal(const Value& a, const Value& b) {
  Basic ka = BasicOf(a), kb = BasicOf(b);
  if (ka != kb) {
    if (ka != Basic::kInvalid && kb != Basic::kInvalid) {
      return FuncError("incompatible types for comparison");
    }
    return false;
  }
  switch (ka) {
    case Basic::kBool:
      return a.bool_value() == b.bool_value();
    case Basic::kInt:
      return a.int_value() == b.int_value();
    case Basic::kFloat:
      return a.float_value() == b.float_value();
    case Basic::kString:
      return a.string_value() == b.string_value();
    case Basic::kInvalid:
      return true;  // both nil
    case Basic::kOther:
      return FuncError("non-comparable type " + FormatGoValue(b) + ": " + b.GoTypeName());
  }
  return false;
}

Result<bool> Less(const Value& a, const Value& b) {
  Basic ka = BasicOf(a), kb = BasicOf(b);
  if (ka == Basic::kInvalid || ka == Basic::kOther || kb == Basic::kInvalid ||
      kb == Basic::kOther) {
    return FuncError("invalid type for comparison");
  }
  if (ka != kb) return FuncError("incompatible types for comparison");
  switch (ka) {
    case Basic::kInt:
      return a.int_value() < b.int_value();
    case Basic::kFloat:
      return a.float_value() < b.float_value();
    case Basic::kString:
      return a.string_value() < b.string_value();
    default:
      return FuncError("invalid type for comparison");
  }
}

Result<std::int64_t> IndexArg(const Value& idx, std::size_t cap, bool allow_cap) {
  if (idx.is_nil_like()) return FuncError("cannot index slice/array with nil");
  if (idx.kind() != Value::Kind::kInt) {
    return FuncError("cannot index slice/array with type " + idx.GoTypeName());
  }
  std::int64_t x = idx.int_value();
  if (x < 0 || static_cast<std::size_t>(x) > cap ||
      (!allow_cap && static_cast<std::size_t>(x) == cap)) {
    return FuncError("index out of range: " + std::to_string(x));
  }
  return x;
}

Result<Value> Index(std::vector<Value>& a) {
  Value item = a[0];
  if (item.is_nil_like()) return FuncError("index of untyped nil");
  for (std::size_t k = 1; k < a.size(); ++k) {
    const Value& idx = a[k];
    if (item.is_nil_like()) return FuncError("index of nil pointer");
    switch (item.kind()) {
      case Value::Kind::kList: {
        auto x = IndexArg(idx, item.list().size(), false);
        CG_TRY(x);
        item = item.list()[static_cast<std::size_t>(*x)];
        break;
      }
      case Value::Kind::kString: {
        auto x = IndexArg(idx, item.string_value().size(), false);
        CG_TRY(x);
        item = Value::Int(
            static_cast<unsigned char>(item.string_value()[static_cast<std::size_t>(*x)]));
        break;
      }
      case Value::Kind::kMap: {
        if (idx.kind() != Value::Kind::kString) {
          return FuncError("value has type " + idx.GoTypeName() + "; should be string");
        }
        auto it = item.map().find(idx.string_value());
        item = it == item.map().end() ? Value::Nil() : it->second;
        break;
      }
      default:
        return FuncError("can't index item of type " + item.GoTypeName());
    }
  }
  return item;
}

Result<Value> Slice(std::vector<Value>& a) {
  const Value& item = a[0];
  if (item.is_nil_like()) return FuncError("slice of untyped nil");
  if (a.size() > 4) return FuncError("too many slice indexes: " + std::to_string(a.size() - 1));
  std::size_t len = 0;
  if (item.kind() == Value::Kind::kString) {
    if (a.size() == 4) return FuncError("cannot 3-index slice a string");
    len = item.string_value().size();
  } else if (item.kind() == Value::Kind::kList) {
    len = item.list().size();
  } else {
    return FuncError("can't slice item of type " + item.GoTypeName());
  }
  std::int64_t idx[3] = {0, static_cast<std::int64_t>(len), static_cast<std::int64_t>(len)};
  for (std::size_t k = 1; k < a.size(); ++k) {
    auto x = IndexArg(a[k], len, true);
    CG_TRY(x);
    idx[k - 1] = *x;
  }
  if (idx[0] > idx[1]) {
    return FuncError("invalid slice index: " + std::to_string(idx[0]) + " > " +
                     std::to_string(idx[1]));
  }
  if (a.size() == 4 && idx[1] > idx[2]) {
    return FuncError("invalid slice index: " + std::to_string(idx[1]) + " > " +
                     std::to_string(idx[2]));
  }
  if (item.kind() == Value::Kind::kString) {
    return Value::String(item.string_value().substr(static_cast<std::size_t>(idx[0]),
                                                    static_cast<std::size_t>(idx[1] - idx[0])));
  }
  Value::List out(item.list().begin() + idx[0], item.list().begin() + idx[1]);
  return Value::MakeList(std::move(out));
}

// html, js and urlquery's view of their arguments (text/template's evalArgs): one string as
// is, else fmt.Sprint of them with each nil or missing value printed as "<no value>".
std::string EvalArgs(const std::vector<Value>& a) {
  if (a.size() == 1 && a[0].kind() == Value::Kind::kString) return a[0].string_value();
  std::vector<Value> printable = a;
  for (Value& v : printable) {
    if (v.is_nil_like()) v = Value::String("<no value>");
  }
  return GoSprint(printable);
}

}  // namespace

std::unexpected<Error> FuncError(std::string message) {
  return std::unexpected(Error(ErrorCode::kInvalidArgument, std::move(message)));
}

void AddBuiltinFunctions(FunctionTable& t) {
  using P = ParamType;
  t.emplace_back("not", Function{{P::kReflect}, false, [](std::vector<Value>& a) {
                                   return Done(Value::Bool(!a[0].Truthy()));
                                 }});
  t.emplace_back(
      "len", Function{{P::kReflect}, false, [](std::vector<Value>& a) -> Result<Value> {
                        const Value& v = a[0];
                        switch (v.kind()) {
                          case Value::Kind::kString:
                            return Value::Int(static_cast<std::int64_t>(v.string_value().size()));
                          case Value::Kind::kList:
                            return Value::Int(static_cast<std::int64_t>(v.list().size()));
                          case Value::Kind::kMap:
                            return Value::Int(static_cast<std::int64_t>(v.map().size()));
                          case Value::Kind::kMissing:
                          case Value::Kind::kNil:
                            return FuncError("len of nil pointer");
                          default:
                            return FuncError("len of type " + v.GoTypeName());
                        }
                      }});
  t.emplace_back("index", Function{{P::kReflect, P::kReflect}, true, Index});
  t.emplace_back("slice", Function{{P::kReflect, P::kReflect}, true, Slice});
  t.emplace_back(
      "eq", Function{{P::kReflect, P::kReflect}, true, [](std::vector<Value>& a) -> Result<Value> {
                       if (a.size() < 2) return FuncError("missing argument for comparison");
                       for (std::size_t k = 1; k < a.size(); ++k) {
                         auto e = Equal(a[0], a[k]);
                         CG_TRY(e);
                         if (*e) return Value::Bool(true);
                       }
                       return Value::Bool(false);
                     }});
  t.emplace_back(
      "ne", Function{{P::kReflect, P::kReflect}, false, [](std::vector<Value>& a) -> Result<Value> {
                       auto e = Equal(a[0], a[1]);
                       CG_TRY(e);
                       return Value::Bool(!*e);
                     }});
  t.emplace_back(
      "lt", Function{{P::kReflect, P::kReflect}, false, [](std::vector<Value>& a) -> Result<Value> {
                       auto l = Less(a[0], a[1]);
                       CG_TRY(l);
                       return Value::Bool(*l);
                     }});
  t.emplace_back(
      "le", Function{{P::kReflect, P::kReflect}, false, [](std::vector<Value>& a) -> Result<Value> {
                       auto l = Less(a[0], a[1]);
                       CG_TRY(l);
                       if (*l) return Value::Bool(true);
                       auto e = Equal(a[0], a[1]);
                       CG_TRY(e);
                       return Value::Bool(*e);
                     }});
  t.emplace_back(
      "gt", Function{{P::kReflect, P::kReflect}, false, [](std::vector<Value>& a) -> Result<Value> {
                       auto l = Less(a[0], a[1]);
                       CG_TRY(l);
                       auto e = Equal(a[0], a[1]);
                       CG_TRY(e);
                       return Value::Bool(!*l && !*e);
                     }});
  t.emplace_back(
      "ge", Function{{P::kReflect, P::kReflect}, false, [](std::vector<Value>& a) -> Result<Value> {
                       auto l = Less(a[0], a[1]);
                       CG_TRY(l);
                       return Value::Bool(!*l);
                     }});
  t.emplace_back("print", Function{{P::kAny}, true, [](std::vector<Value>& a) {
                                     return Done(Value::String(GoSprint(a)));
                                   }});
  t.emplace_back("println", Function{{P::kAny}, true, [](std::vector<Value>& a) {
                                       return Done(Value::String(GoSprintln(a)));
                                     }});
  t.emplace_back("printf",
                 Function{{P::kString, P::kAny}, true, [](std::vector<Value>& a) {
                            std::vector<Value> rest(a.begin() + 1, a.end());
                            return Done(Value::String(GoSprintf(a[0].string_value(), rest)));
                          }});
  t.emplace_back("html", Function{{P::kAny}, true, [](std::vector<Value>& a) {
                                    return Done(Value::String(GoHtmlEscape(EvalArgs(a))));
                                  }});
  t.emplace_back("js", Function{{P::kAny}, true, [](std::vector<Value>& a) {
                                  return Done(Value::String(GoJsEscape(EvalArgs(a))));
                                }});
  t.emplace_back("urlquery", Function{{P::kAny}, true, [](std::vector<Value>& a) {
                                        return Done(Value::String(GoQueryEscape(EvalArgs(a))));
                                      }});
  t.emplace_back(
      "call", Function{{P::kReflect, P::kReflect}, true, [](std::vector<Value>&) -> Result<Value> {
                         return FuncError("call of non-function: template data holds no functions");
                       }});
}

}  // namespace cellgate::tmpl

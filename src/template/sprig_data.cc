// Sprig's data functions: defaults, lists, dicts, JSON, type conversion and integer math
// (Masterminds/sprig v3: add/sub/mul/div/mod/max/min work on int64 through cast.ToInt64).
// keys returns its keys sorted (Sprig's order is Go's random map order).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>
#include <string>

#include "core/yaml.h"
#include "template/functions.h"
#include "template/go_format.h"

namespace cellgate::tmpl {
namespace {

using P = ParamType;
using A = std::vector<Value>;

// cast's trimZeroDecimal: "3.000" -> "3".
std::string TrimZeroDecimal(const std::string& s) {
  auto dot = s.find('.');
  if (dot == std::string::npos || dot == 0) return s;
  for (std::size_t i = dot + 1; i < s.size(); ++i) {
    if (s[i] != '0') return s;
  }
  return s.substr(0, dot);
}

std::int64_t ParseGoInt(const std::string& raw, bool& ok) {
  std::string s = TrimZeroDecimal(raw);
  ok = false;
  bool neg = false;
  std::string_view v = s;
  if (!v.empty() && (v[0] == '+' || v[0] == '-')) {
    neg = v[0] == '-';
    v.remove_prefix(1);
  }
  int base = 10;
  if (v.size() > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
    base = 16;
    v.remove_prefix(2);
  } else if (v.size() > 2 && v[0] == '0' && (v[1] == 'b' || v[1] == 'B')) {
    base = 2;
    v.remove_prefix(2);
  } else if (v.size() > 2 && v[0] == '0' && (v[1] == 'o' || v[1] == 'O')) {
    base = 8;
    v.remove_prefix(2);
  } else if (v.size() > 1 && v[0] == '0') {
    base = 8;
    v.remove_prefix(1);
  }
  std::int64_t out = 0;
  auto res = std::from_chars(v.data(), v.data() + v.size(), out, base);
  if (v.empty() || res.ec != std::errc() || res.ptr != v.data() + v.size()) return 0;
  ok = true;
  return neg ? -out : out;
}

bool Empty(const Value& v) { return !v.Truthy(); }

Result<Value> FirstOrLast(const Value& v, bool first) {
  if (v.kind() != Value::Kind::kList) {
    return FuncError(std::string("Cannot find ") + (first ? "first" : "last") + " on type " +
                     (v.is_nil_like()                 ? "<nil>"
                      : v.kind() == Value::Kind::kMap ? "map"
                                                      : v.GoTypeName()));
  }
  if (v.list().empty()) return Value::Nil();
  return first ? v.list().front() : v.list().back();
}

Result<Value> FromJson(const std::string& text) {
  auto j = ParseJson(text, "fromJson");
  if (!j) return Value::Nil();  // Sprig's fromJson swallows the error
  return Value::FromJson(*j);
}

std::int64_t CheckedOp(std::int64_t a, std::int64_t b, char op) {
  std::int64_t r = 0;
  bool overflow = false;
  switch (op) {
    case '+':
      overflow = __builtin_add_overflow(a, b, &r);
      break;
    case '-':
      overflow = __builtin_sub_overflow(a, b, &r);
      break;
    default:
      overflow = __builtin_mul_overflow(a, b, &r);
      break;
  }
  // Go wraps around on overflow.
  if (overflow) {
    auto ua = static_cast<std::uint64_t>(a), ub = static_cast<std::uint64_t>(b);
    std::uint64_t ur = op == '+' ? ua + ub : op == '-' ? ua - ub : ua * ub;
    r = static_cast<std::int64_t>(ur);
  }
  return r;
}

}  // namespace

std::string SprigStrval(const Value& v) {
  if (v.kind() == Value::Kind::kString) return v.string_value();
  if (v.is_missing()) return "<nil>";
  return FormatGoValue(v);
}

std::vector<std::string> SprigStrslice(const Value& v) {
  std::vector<std::string> out;
  if (v.kind() == Value::Kind::kList) {
    for (const auto& e : v.list()) {
      if (!e.is_nil_like()) out.push_back(SprigStrval(e));
    }
    return out;
  }
  if (v.is_nil_like()) return out;
  out.push_back(SprigStrval(v));
  return out;
}

std::int64_t SprigToInt64(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kInt:
      return v.int_value();
    case Value::Kind::kFloat: {
      double f = v.float_value();
      if (!std::isfinite(f) || std::fabs(f) >= 9.2e18) return INT64_MIN;
      return static_cast<std::int64_t>(f);
    }
    case Value::Kind::kBool:
      return v.bool_value() ? 1 : 0;
    case Value::Kind::kString: {
      bool ok = false;
      return ParseGoInt(v.string_value(), ok);
    }
    default:
      return 0;
  }
}

void AddSprigDataFunctions(FunctionTable& t) {
  t.emplace_back("default", Function{{P::kAny, P::kAny}, true, [](A& a) {
                                       if (a.size() < 2 || Empty(a[1])) return Done(a[0]);
                                       return Done(a[1]);
                                     }});
  t.emplace_back("empty",
                 Function{{P::kAny}, false, [](A& a) { return Done(Value::Bool(Empty(a[0]))); }});
  t.emplace_back("coalesce", Function{{P::kAny}, true, [](A& a) {
                                        for (const auto& v : a) {
                                          if (!Empty(v)) return Done(v);
                                        }
                                        return Done(Value::Nil());
                                      }});
  t.emplace_back("ternary", Function{{P::kAny, P::kAny, P::kBool}, false, [](A& a) {
                                       return Done(a[2].bool_value() ? a[0] : a[1]);
                                     }});
  t.emplace_back("list", Function{{P::kAny}, true, [](A& a) { return Done(Value::MakeList(a)); }});
  t.emplace_back("dict", Function{{P::kAny}, true, [](A& a) {
                                    Value::Map m;
                                    for (std::size_t i = 0; i < a.size(); i += 2) {
                                      std::string key = SprigStrval(a[i]);
                                      m.insert_or_assign(
                                          key, i + 1 < a.size() ? a[i + 1] : Value::String(""));
                                    }
                                    return Done(Value::MakeMap(std::move(m)));
                                  }});
  t.emplace_back("get",
                 Function{{P::kMap, P::kString}, false, [](A& a) {
                            auto it = a[0].map().find(a[1].string_value());
                            return Done(it == a[0].map().end() ? Value::String("") : it->second);
                          }});
  t.emplace_back("hasKey",
                 Function{{P::kMap, P::kString}, false, [](A& a) {
                            return Done(Value::Bool(a[0].map().contains(a[1].string_value())));
                          }});
  t.emplace_back("keys", Function{{P::kMap}, true, [](A& a) {
                                    std::vector<std::string> all;
                                    for (const auto& m : a) {
                                      for (const auto& [k, v] : m.map()) all.push_back(k);
                                    }
                                    std::sort(all.begin(), all.end());
                                    Value::List l;
                                    for (auto& k : all) l.push_back(Value::String(std::move(k)));
                                    return Done(Value::MakeList(std::move(l)));
                                  }});
  t.emplace_back("values", Function{{P::kMap}, false, [](A& a) {
                                      Value::List l;
                                      for (const auto& [k, v] : a[0].map()) l.push_back(v);
                                      return Done(Value::MakeList(std::move(l)));
                                    }});
  t.emplace_back("first", Function{{P::kAny}, false, [](A& a) { return FirstOrLast(a[0], true); }});
  t.emplace_back("last", Function{{P::kAny}, false, [](A& a) { return FirstOrLast(a[0], false); }});
  t.emplace_back(
      "has", Function{{P::kAny, P::kAny}, false, [](A& a) {
                        if (a[1].kind() != Value::Kind::kList) return Done(Value::Bool(false));
                        for (const auto& e : a[1].list()) {
                          if (GoJson(e, false) == GoJson(a[0], false) && e.kind() == a[0].kind()) {
                            return Done(Value::Bool(true));
                          }
                        }
                        return Done(Value::Bool(false));
                      }});
  t.emplace_back("sortAlpha", Function{{P::kAny}, false, [](A& a) {
                                         auto s = SprigStrslice(a[0]);
                                         std::sort(s.begin(), s.end());
                                         Value::List l;
                                         for (auto& e : s) l.push_back(Value::String(std::move(e)));
                                         return Done(Value::MakeList(std::move(l)));
                                       }});
  t.emplace_back("uniq",
                 Function{{P::kAny}, false, [](A& a) -> Result<Value> {
                            if (a[0].kind() != Value::Kind::kList)
                              return FuncError("Cannot find uniq on type " + a[0].GoTypeName());
                            Value::List out;
                            std::set<std::string> seen;
                            for (const auto& e : a[0].list()) {
                              if (seen.insert(e.GoTypeName() + GoJson(e, false)).second)
                                out.push_back(e);
                            }
                            return Value::MakeList(std::move(out));
                          }});
  t.emplace_back("toJson", Function{{P::kAny}, false, [](A& a) {
                                      return Done(Value::String(GoJson(a[0], false)));
                                    }});
  t.emplace_back("toRawJson", Function{{P::kAny}, false, [](A& a) {
                                         return Done(Value::String(GoJson(a[0], false, false)));
                                       }});
  t.emplace_back("toPrettyJson", Function{{P::kAny}, false, [](A& a) {
                                            return Done(Value::String(GoJson(a[0], true)));
                                          }});
  t.emplace_back("fromJson",
                 Function{{P::kString}, false, [](A& a) { return FromJson(a[0].string_value()); }});
  t.emplace_back("toString", Function{{P::kAny}, false, [](A& a) {
                                        return Done(Value::String(SprigStrval(a[0])));
                                      }});
  t.emplace_back(
      "int", Function{{P::kAny}, false, [](A& a) { return Done(Value::Int(SprigToInt64(a[0]))); }});
  t.emplace_back("int64", Function{{P::kAny}, false, [](A& a) {
                                     return Done(Value::Int(SprigToInt64(a[0])));
                                   }});
  t.emplace_back("atoi", Function{{P::kString}, false, [](A& a) {
                                    const std::string& s = a[0].string_value();
                                    std::int64_t v = 0;
                                    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
                                    if (r.ec != std::errc() || r.ptr != s.data() + s.size()) v = 0;
                                    return Done(Value::Int(v));
                                  }});
  t.emplace_back("float64",
                 Function{{P::kAny}, false, [](A& a) {
                            const Value& v = a[0];
                            if (v.kind() == Value::Kind::kFloat) return Done(v);
                            if (v.kind() == Value::Kind::kString) {
                              char* end = nullptr;
                              double d = std::strtod(v.string_value().c_str(), &end);
                              return Done(Value::Float(end != nullptr && *end == '\0' ? d : 0));
                            }
                            return Done(Value::Float(static_cast<double>(SprigToInt64(v))));
                          }});
  t.emplace_back("add", Function{{P::kAny}, true, [](A& a) {
                                   std::int64_t s = 0;
                                   for (const auto& v : a) s = CheckedOp(s, SprigToInt64(v), '+');
                                   return Done(Value::Int(s));
                                 }});
  t.emplace_back("add1", Function{{P::kAny}, false, [](A& a) {
                                    return Done(Value::Int(CheckedOp(SprigToInt64(a[0]), 1, '+')));
                                  }});
  t.emplace_back("sub", Function{{P::kAny, P::kAny}, false, [](A& a) {
                                   return Done(Value::Int(
                                       CheckedOp(SprigToInt64(a[0]), SprigToInt64(a[1]), '-')));
                                 }});
  t.emplace_back("mul", Function{{P::kAny, P::kAny}, true, [](A& a) {
                                   std::int64_t p = SprigToInt64(a[0]);
                                   for (std::size_t i = 1; i < a.size(); ++i)
                                     p = CheckedOp(p, SprigToInt64(a[i]), '*');
                                   return Done(Value::Int(p));
                                 }});
  t.emplace_back("div", Function{{P::kAny, P::kAny}, false, [](A& a) -> Result<Value> {
                                   std::int64_t d = SprigToInt64(a[1]);
                                   if (d == 0)
                                     return FuncError("runtime error: integer divide by zero");
                                   std::int64_t n = SprigToInt64(a[0]);
                                   if (n == INT64_MIN && d == -1) return Value::Int(n);
                                   return Value::Int(n / d);
                                 }});
  t.emplace_back("mod", Function{{P::kAny, P::kAny}, false, [](A& a) -> Result<Value> {
                                   std::int64_t d = SprigToInt64(a[1]);
                                   if (d == 0)
                                     return FuncError("runtime error: integer divide by zero");
                                   std::int64_t n = SprigToInt64(a[0]);
                                   if (d == -1) return Value::Int(0);
                                   return Value::Int(n % d);
                                 }});
  t.emplace_back("max", Function{{P::kAny, P::kAny}, true, [](A& a) {
                                   std::int64_t m = SprigToInt64(a[0]);
                                   for (std::size_t i = 1; i < a.size(); ++i)
                                     m = std::max(m, SprigToInt64(a[i]));
                                   return Done(Value::Int(m));
                                 }});
  t.emplace_back("min", Function{{P::kAny, P::kAny}, true, [](A& a) {
                                   std::int64_t m = SprigToInt64(a[0]);
                                   for (std::size_t i = 1; i < a.size(); ++i)
                                     m = std::min(m, SprigToInt64(a[i]));
                                   return Done(Value::Int(m));
                                 }});
}

}  // namespace cellgate::tmpl

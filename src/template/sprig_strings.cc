// Sprig's string functions (Masterminds/sprig v3 semantics, including argument order:
// `trimPrefix "v" .s`, `hasPrefix "v" .s`, `replace "old" "new" .s`). Case mapping is
// ASCII-only: letters outside ASCII keep their case.
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <string>

#include "core/base64.h"
#include "core/regex.h"
#include "template/functions.h"
#include "template/go_format.h"

namespace cellgate::tmpl {
namespace {

bool IsGoSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

std::string MapAscii(std::string s, int (*f)(int)) {
  for (auto& c : s) {
    if (static_cast<unsigned char>(c) < 0x80)
      c = static_cast<char>(f(static_cast<unsigned char>(c)));
  }
  return s;
}

// strings.Title: upper-cases letters that follow a separator (ASCII other than letters,
// digits and '_'; white space).
std::string Title(std::string s) {
  bool prev_sep = true;
  for (auto& c : s) {
    auto u = static_cast<unsigned char>(c);
    if (prev_sep && u < 0x80) c = static_cast<char>(std::toupper(u));
    prev_sep = u < 0x80 && !(std::isalnum(u) || c == '_');
  }
  return s;
}

std::string Untitle(std::string s) {
  bool prev_space = true;
  for (auto& c : s) {
    auto u = static_cast<unsigned char>(c);
    if (prev_space && u < 0x80) c = static_cast<char>(std::tolower(u));
    prev_space = IsGoSpace(c);
  }
  return s;
}

std::string ReplaceAll(std::string src, const std::string& from, const std::string& to) {
  if (from.empty()) {
    // strings.Replace with an empty old string inserts `to` around every rune.
    std::string r = to;
    for (std::size_t i = 0; i < src.size();) {
      std::size_t n = 1;
      while (i + n < src.size() && (static_cast<unsigned char>(src[i + n]) & 0xC0) == 0x80) ++n;
      r += src.substr(i, n) + to;
      i += n;
    }
    return r;
  }
  std::string out;
  std::size_t pos = 0;
  while (true) {
    std::size_t at = src.find(from, pos);
    if (at == std::string::npos) break;
    out.append(src, pos, at - pos);
    out += to;
    pos = at + from.size();
  }
  out.append(src, pos);
  return out;
}

std::string TrimCutset(std::string_view s, std::string_view cutset) {
  auto in = [&](char c) { return cutset.find(c) != std::string_view::npos; };
  while (!s.empty() && in(s.front())) s.remove_prefix(1);
  while (!s.empty() && in(s.back())) s.remove_suffix(1);
  return std::string(s);
}

std::string TrimSpace(std::string_view s) {
  while (!s.empty() && IsGoSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsGoSpace(s.back())) s.remove_suffix(1);
  return std::string(s);
}

std::vector<std::string> Split(const std::string& s, const std::string& sep) {
  std::vector<std::string> out;
  if (sep.empty()) {
    for (std::size_t i = 0; i < s.size();) {
      std::size_t n = 1;
      while (i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80) ++n;
      out.push_back(s.substr(i, n));
      i += n;
    }
    return out;
  }
  std::size_t pos = 0;
  while (true) {
    std::size_t at = s.find(sep, pos);
    if (at == std::string::npos) break;
    out.push_back(s.substr(pos, at - pos));
    pos = at + sep.size();
  }
  out.push_back(s.substr(pos));
  return out;
}

Value StringList(const std::vector<std::string>& v) {
  Value::List l;
  l.reserve(v.size());
  for (const auto& s : v) l.push_back(Value::String(s));
  return Value::MakeList(std::move(l));
}

std::string Hex(const unsigned char* d, std::size_t n) {
  static const char* k = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out += k[d[i] >> 4];
    out += k[d[i] & 15];
  }
  return out;
}

std::string Indent(int spaces, const std::string& v) {
  std::string pad(static_cast<std::size_t>(std::max(spaces, 0)), ' ');
  return pad + ReplaceAll(v, "\n", "\n" + pad);
}

Result<Value> Str(Result<std::string> r) {
  CG_TRY(r);
  return Value::String(std::move(*r));
}

}  // namespace

void AddSprigStringFunctions(FunctionTable& t) {
  using P = ParamType;
  using A = std::vector<Value>;
  auto s1 = [](std::string (*f)(const std::string&)) {
    return Function{
        {P::kString}, false, [f](A& a) { return Done(Value::String(f(a[0].string_value()))); }};
  };
  t.emplace_back("lower", s1([](const std::string& s) { return MapAscii(s, std::tolower); }));
  t.emplace_back("upper", s1([](const std::string& s) { return MapAscii(s, std::toupper); }));
  t.emplace_back("title", s1([](const std::string& s) { return Title(s); }));
  t.emplace_back("untitle", s1([](const std::string& s) { return Untitle(s); }));
  t.emplace_back("trim", s1([](const std::string& s) { return TrimSpace(s); }));
  t.emplace_back("nospace", s1([](const std::string& s) {
                   std::string out;
                   for (char c : s) {
                     if (!IsGoSpace(c)) out += c;
                   }
                   return out;
                 }));
  t.emplace_back("b64enc", s1([](const std::string& s) { return Base64Encode(s); }));
  t.emplace_back("b64dec", s1([](const std::string& s) {
                   // base64.StdEncoding.DecodeString; Sprig returns the error text as the result.
                   auto d = Base64DecodeGo(s);
                   return d ? *d : d.error().message();
                 }));
  t.emplace_back("sha256sum", s1([](const std::string& s) {
                   unsigned char d[SHA256_DIGEST_LENGTH];
                   SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), d);
                   return Hex(d, sizeof d);
                 }));
  t.emplace_back("sha1sum", s1([](const std::string& s) {
                   unsigned char d[SHA_DIGEST_LENGTH];
                   SHA1(reinterpret_cast<const unsigned char*>(s.data()), s.size(), d);
                   return Hex(d, sizeof d);
                 }));
  t.emplace_back("replace",
                 Function{{P::kString, P::kString, P::kString}, false, [](A& a) {
                            return Done(Value::String(ReplaceAll(
                                a[2].string_value(), a[0].string_value(), a[1].string_value())));
                          }});
  t.emplace_back(
      "trunc", Function{{P::kInt, P::kString}, false, [](A& a) {
                          std::int64_t c = a[0].int_value();
                          const std::string& s = a[1].string_value();
                          auto len = static_cast<std::int64_t>(s.size());
                          if (c < 0 && len + c > 0)
                            return Done(Value::String(s.substr(static_cast<std::size_t>(len + c))));
                          if (c >= 0 && len > c)
                            return Done(Value::String(s.substr(0, static_cast<std::size_t>(c))));
                          return Done(Value::String(s));
                        }});
  t.emplace_back(
      "substr",
      Function{{P::kInt, P::kInt, P::kString}, false, [](A& a) {
                 std::int64_t start = a[0].int_value(), end = a[1].int_value();
                 const std::string& s = a[2].string_value();
                 auto len = static_cast<std::int64_t>(s.size());
                 if (start < 0)
                   return Done(Value::String(s.substr(
                       0, static_cast<std::size_t>(std::clamp<std::int64_t>(end, 0, len)))));
                 if (end < 0 || end > len)
                   return Done(
                       Value::String(start > len ? "" : s.substr(static_cast<std::size_t>(start))));
                 if (start > end) return Done(Value::String(""));
                 return Done(Value::String(s.substr(static_cast<std::size_t>(start),
                                                    static_cast<std::size_t>(end - start))));
               }});
  auto s2 = [](auto f) {
    return Function{{P::kString, P::kString}, false, [f](A& a) {
                      return Done(f(a[0].string_value(), a[1].string_value()));
                    }};
  };
  t.emplace_back("trimAll", s2([](const std::string& cut, const std::string& s) {
                   return Value::String(TrimCutset(s, cut));
                 }));
  t.emplace_back("trimPrefix", s2([](const std::string& p, const std::string& s) {
                   return Value::String(s.starts_with(p) ? s.substr(p.size()) : s);
                 }));
  t.emplace_back("trimSuffix", s2([](const std::string& p, const std::string& s) {
                   return Value::String(s.ends_with(p) ? s.substr(0, s.size() - p.size()) : s);
                 }));
  t.emplace_back("hasPrefix", s2([](const std::string& p, const std::string& s) {
                   return Value::Bool(s.starts_with(p));
                 }));
  t.emplace_back("hasSuffix", s2([](const std::string& p, const std::string& s) {
                   return Value::Bool(s.ends_with(p));
                 }));
  t.emplace_back("contains", s2([](const std::string& sub, const std::string& s) {
                   return Value::Bool(s.find(sub) != std::string::npos);
                 }));
  t.emplace_back("splitList", s2([](const std::string& sep, const std::string& s) {
                   return StringList(Split(s, sep));
                 }));
  t.emplace_back("split", s2([](const std::string& sep, const std::string& s) {
                   Value::Map m;
                   auto parts = Split(s, sep);
                   for (std::size_t i = 0; i < parts.size(); ++i)
                     m["_" + std::to_string(i)] = Value::String(parts[i]);
                   return Value::MakeMap(std::move(m));
                 }));
  t.emplace_back("indent",
                 Function{{P::kInt, P::kString}, false, [](A& a) {
                            return Done(Value::String(
                                Indent(static_cast<int>(a[0].int_value()), a[1].string_value())));
                          }});
  t.emplace_back("nindent", Function{{P::kInt, P::kString}, false, [](A& a) {
                                       return Done(Value::String(
                                           "\n" + Indent(static_cast<int>(a[0].int_value()),
                                                         a[1].string_value())));
                                     }});
  t.emplace_back("repeat", Function{{P::kInt, P::kString}, false, [](A& a) -> Result<Value> {
                                      std::int64_t n = a[0].int_value();
                                      const std::string& s = a[1].string_value();
                                      if (n < 0) return FuncError("strings: negative Repeat count");
                                      if (!s.empty() && static_cast<std::uint64_t>(n) >
                                                            (std::uint64_t{1} << 20) / s.size()) {
                                        return MakeError(ErrorCode::kResourceExhausted,
                                                         "repeat would build more than 1 MiB");
                                      }
                                      std::string out;
                                      for (std::int64_t i = 0; i < n; ++i) out += s;
                                      return Value::String(std::move(out));
                                    }});
  t.emplace_back("quote", Function{{P::kAny}, true, [](A& a) {
                                     std::string out;
                                     bool first = true;
                                     for (const auto& v : a) {
                                       if (v.is_nil_like()) continue;
                                       if (!first) out += ' ';
                                       first = false;
                                       out += GoQuote(SprigStrval(v));
                                     }
                                     return Done(Value::String(out));
                                   }});
  t.emplace_back("squote", Function{{P::kAny}, true, [](A& a) {
                                      std::string out;
                                      bool first = true;
                                      for (const auto& v : a) {
                                        if (v.is_nil_like()) continue;
                                        if (!first) out += ' ';
                                        first = false;
                                        out += "'" + SprigStrval(v) + "'";
                                      }
                                      return Done(Value::String(out));
                                    }});
  t.emplace_back("cat", Function{{P::kAny}, true, [](A& a) {
                                   std::string out;
                                   bool first = true;
                                   for (const auto& v : a) {
                                     if (v.is_nil_like()) continue;
                                     if (!first) out += ' ';
                                     first = false;
                                     out += SprigStrval(v);
                                   }
                                   return Done(Value::String(out));
                                 }});
  t.emplace_back("join", Function{{P::kString, P::kAny}, false, [](A& a) {
                                    std::string out;
                                    auto parts = SprigStrslice(a[1]);
                                    for (std::size_t i = 0; i < parts.size(); ++i) {
                                      if (i > 0) out += a[0].string_value();
                                      out += parts[i];
                                    }
                                    return Done(Value::String(out));
                                  }});
  t.emplace_back("regexMatch", Function{{P::kString, P::kString}, false, [](A& a) -> Result<Value> {
                                          auto m =
                                              RegexMatch(a[0].string_value(), a[1].string_value());
                                          // Sprig's regexMatch drops a compile error: false.
                                          if (!m && m.error().code() == ErrorCode::kInvalidArgument)
                                            return Value::Bool(false);
                                          CG_TRY(m);
                                          return Value::Bool(*m);
                                        }});
  t.emplace_back("regexReplaceAll",
                 Function{{P::kString, P::kString, P::kString}, false, [](A& a) {
                            return Str(RegexReplaceAll(a[0].string_value(), a[1].string_value(),
                                                       a[2].string_value(), false));
                          }});
  t.emplace_back("regexReplaceAllLiteral",
                 Function{{P::kString, P::kString, P::kString}, false, [](A& a) {
                            return Str(RegexReplaceAll(a[0].string_value(), a[1].string_value(),
                                                       a[2].string_value(), true));
                          }});
  t.emplace_back("regexFind", Function{{P::kString, P::kString}, false, [](A& a) -> Result<Value> {
                                         auto m = RegexFindAll(a[0].string_value(),
                                                               a[1].string_value(), 1);
                                         CG_TRY(m);
                                         return Value::String(m->empty() ? "" : (*m)[0]);
                                       }});
  t.emplace_back("regexFindAll",
                 Function{{P::kString, P::kString, P::kInt}, false, [](A& a) -> Result<Value> {
                            auto m = RegexFindAll(a[0].string_value(), a[1].string_value(),
                                                  static_cast<int>(a[2].int_value()));
                            CG_TRY(m);
                            return StringList(*m);
                          }});
}

}  // namespace cellgate::tmpl

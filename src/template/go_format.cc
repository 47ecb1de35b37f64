#include "template/go_format.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

namespace cellgate::tmpl {
namespace {

constexpr char kLowerHex[] = "0123456789abcdef";
constexpr char kUpperHex[] = "0123456789ABCDEF";

struct Spec {
  bool minus = false, plus = false, sharp = false, space = false, zero = false;
  int width = -1;
  int prec = -1;
  char verb = 'v';
};

// Length of the valid UTF-8 sequence at s[i], or 0 when invalid.
std::size_t Utf8Len(std::string_view s, std::size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  return n;
}

std::string Pad(std::string body, const Spec& sp, bool numeric) {
  if (sp.width < 0) return body;
  std::size_t runes = 0;
  for (std::size_t i = 0; i < body.size(); ++i) {
    if ((static_cast<unsigned char>(body[i]) & 0xC0) != 0x80) ++runes;
  }
  if (runes >= static_cast<std::size_t>(sp.width)) return body;
  std::size_t fill = static_cast<std::size_t>(sp.width) - runes;
  if (sp.minus) return body + std::string(fill, ' ');
  if (sp.zero && numeric) {
    std::size_t at =
        (!body.empty() && (body[0] == '-' || body[0] == '+' || body[0] == ' ')) ? 1 : 0;
    if (body.size() > at + 1 && body[at] == '0' && (body[at + 1] == 'x' || body[at + 1] == 'X')) {
      at += 2;
    }
    return body.insert(at, fill, '0');
  }
  return std::string(fill, ' ') + body;
}

std::string BadVerb(const Spec& sp, const Value& v) {
  std::string out = "%!";
  out += sp.verb;
  out += '(';
  if (v.is_nil_like()) return out + "<nil>)";
  return out + v.GoTypeName() + "=" + FormatGoValue(v) + ")";
}

std::string FormatInt(std::int64_t i, const Spec& sp) {
  bool neg = i < 0;
  auto u = neg ? static_cast<std::uint64_t>(-(i + 1)) + 1 : static_cast<std::uint64_t>(i);
  std::string digits;
  auto base = [&](unsigned b, const char* table) {
    if (u == 0) digits = "0";
    while (u > 0) {
      digits.insert(digits.begin(), table[u % b]);
      u /= b;
    }
  };
  std::string prefix;
  switch (sp.verb) {
    case 'd':
    case 'v':
      base(10, kLowerHex);
      break;
    case 'b':
      base(2, kLowerHex);
      break;
    case 'o':
    case 'O':
      base(8, kLowerHex);
      if (sp.verb == 'O') prefix = "0o";
      if (sp.sharp && digits != "0") prefix = "0";
      break;
    case 'x':
      base(16, kLowerHex);
      if (sp.sharp) prefix = "0x";
      break;
    case 'X':
      base(16, kUpperHex);
      if (sp.sharp) prefix = "0X";
      break;
    default:
      return "";
  }
  if (sp.prec >= 0 && digits.size() < static_cast<std::size_t>(sp.prec)) {
    digits.insert(0, static_cast<std::size_t>(sp.prec) - digits.size(), '0');
  }
  if (sp.prec == 0 && i == 0) digits.clear();
  std::string sign = neg ? "-" : sp.plus ? "+" : sp.space ? " " : "";
  Spec pad = sp;
  if (sp.prec >= 0) pad.zero = false;
  return Pad(sign + prefix + digits, pad, true);
}

std::string EncodeRune(std::uint32_t r) {
  std::string out;
  if (r < 0x80) {
    out += static_cast<char>(r);
  } else if (r < 0x800) {
    out += static_cast<char>(0xC0 | (r >> 6));
    out += static_cast<char>(0x80 | (r & 0x3F));
  } else if (r < 0x10000) {
    out += static_cast<char>(0xE0 | (r >> 12));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (r & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (r >> 18));
    out += static_cast<char>(0x80 | ((r >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (r & 0x3F));
  }
  return out;
}

std::string FormatFloat(double f, const Spec& sp) {
  std::string body;
  if (sp.verb == 'v' || ((sp.verb == 'g' || sp.verb == 'G') && sp.prec < 0)) {
    body = FormatGoFloat(f);
    if (sp.verb == 'G') {
      for (auto& c : body) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    if (sp.plus && body[0] != '-' && body[0] != '+') body = "+" + body;
    if (sp.space && body[0] != '-' && body[0] != '+') body = " " + body;
  } else {
    if (std::isinf(f) || std::isnan(f)) {
      body = std::isnan(f) ? "NaN" : (f > 0 ? (sp.plus ? "+Inf" : "Inf") : "-Inf");
      Spec pad = sp;
      pad.zero = false;
      return Pad(body, pad, true);
    }
    std::string fmt = "%";
    if (sp.plus) fmt += '+';
    if (sp.space) fmt += ' ';
    if (sp.sharp) fmt += '#';
    int prec = sp.prec < 0 ? 6 : sp.prec;
    char verb = sp.verb == 'F' ? 'f' : sp.verb;
    fmt += "." + std::to_string(prec) + verb;
    char buf[512];
    std::snprintf(buf, sizeof buf, fmt.c_str(), f);
    body = buf;
  }
  return Pad(body, sp, true);
}

std::string FormatString(const std::string& s, const Spec& sp) {
  switch (sp.verb) {
    case 'v':
    case 's': {
      std::string body = s;
      if (sp.prec >= 0) {
        std::size_t i = 0;
        for (int n = 0; i < s.size() && n < sp.prec; ++n) {
          std::size_t len = Utf8Len(s, i);
          i += len == 0 ? 1 : len;
        }
        body = s.substr(0, i);
      }
      return Pad(body, sp, false);
    }
    case 'q':
      return Pad(sp.sharp && s.find('`') == std::string::npos ? "`" + s + "`" : GoQuote(s), sp,
                 false);
    case 'x':
    case 'X': {
      const char* table = sp.verb == 'x' ? kLowerHex : kUpperHex;
      std::string body;
      for (std::size_t i = 0; i < s.size(); ++i) {
        if (sp.space && i > 0) body += ' ';
        if (sp.sharp && (sp.space || i == 0)) body += sp.verb == 'x' ? "0x" : "0X";
        auto c = static_cast<unsigned char>(s[i]);
        body += table[c >> 4];
        body += table[c & 15];
      }
      return Pad(body, sp, false);
    }
    default:
      return BadVerb(sp, Value::String(s));
  }
}

std::string FormatOne(const Value& v, const Spec& sp) {
  if (sp.verb == 'T') return Pad(v.is_nil_like() ? "<nil>" : v.GoTypeName(), sp, false);
  switch (v.kind()) {
    case Value::Kind::kMissing:
    case Value::Kind::kNil:
      if (sp.verb == 'v') return Pad("<nil>", sp, false);
      return BadVerb(sp, v);
    case Value::Kind::kBool:
      if (sp.verb == 'v' || sp.verb == 't') {
        return Pad(v.bool_value() ? "true" : "false", sp, false);
      }
      return BadVerb(sp, v);
    case Value::Kind::kInt: {
      std::int64_t i = v.int_value();
      switch (sp.verb) {
        case 'v':
        case 'd':
        case 'b':
        case 'o':
        case 'O':
        case 'x':
        case 'X':
          return FormatInt(i, sp);
        case 'c':
          return Pad(EncodeRune(static_cast<std::uint32_t>(i)), sp, false);
        case 'q':
          return Pad("'" + EncodeRune(static_cast<std::uint32_t>(i)) + "'", sp, false);
        case 'U': {
          Spec hex = sp;
          hex.verb = 'X';
          hex.sharp = false;
          hex.width = -1;
          hex.prec = 4;
          return Pad("U+" + FormatInt(i, hex), sp, false);
        }
        default:
          return BadVerb(sp, v);
      }
    }
    case Value::Kind::kFloat:
      switch (sp.verb) {
        case 'v':
        case 'e':
        case 'E':
        case 'f':
        case 'F':
        case 'g':
        case 'G':
          return FormatFloat(v.float_value(), sp);
        default:
          return BadVerb(sp, v);
      }
    case Value::Kind::kString:
      return FormatString(v.string_value(), sp);
    case Value::Kind::kList: {
      std::string out = "[";
      bool first = true;
      for (const auto& e : v.list()) {
        if (!first) out += ' ';
        first = false;
        out += FormatOne(e, sp);
      }
      return out + "]";
    }
    case Value::Kind::kMap: {
      std::string out = "map[";
      bool first = true;
      for (const auto& [k, e] : v.map()) {
        if (!first) out += ' ';
        first = false;
        out += FormatOne(Value::String(k), sp) + ":" + FormatOne(e, sp);
      }
      return out + "]";
    }
  }
  return "";
}

void JsonString(std::string& out, std::string_view s, bool escape_html) {
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c == '"' || c == '\\') {
        out += '\\';
        out += static_cast<char>(c);
      } else if (c == '\n') {
        out += "\\n";
      } else if (c == '\r') {
        out += "\\r";
      } else if (c == '\t') {
        out += "\\t";
      } else if (c < 0x20 || (escape_html && (c == '<' || c == '>' || c == '&'))) {
        out += "\\u00";
        out += kLowerHex[c >> 4];
        out += kLowerHex[c & 15];
      } else {
        out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    std::size_t n = Utf8Len(s, i);
    if (n == 0) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    std::string_view rune = s.substr(i, n);
    if (rune == "\u2028" || rune == "\u2029") {
      out += rune == "\u2028" ? "\\u2028" : "\\u2029";
    } else {
      out += rune;
    }
    i += n;
  }
  out += '"';
}

void JsonValue(std::string& out, const Value& v, bool pretty, bool escape_html, int depth) {
  auto newline = [&](int d) {
    if (!pretty) return;
    out += '\n';
    out.append(static_cast<std::size_t>(d) * 2, ' ');
  };
  switch (v.kind()) {
    case Value::Kind::kMissing:
    case Value::Kind::kNil:
      out += "null";
      return;
    case Value::Kind::kBool:
      out += v.bool_value() ? "true" : "false";
      return;
    case Value::Kind::kInt:
      out += std::to_string(v.int_value());
      return;
    case Value::Kind::kFloat:
      out += FormatJsonFloat(v.float_value());
      return;
    case Value::Kind::kString:
      JsonString(out, v.string_value(), escape_html);
      return;
    case Value::Kind::kList: {
      if (v.list().empty()) {
        out += "[]";
        return;
      }
      out += '[';
      bool first = true;
      for (const auto& e : v.list()) {
        if (!first) out += ',';
        first = false;
        newline(depth + 1);
        JsonValue(out, e, pretty, escape_html, depth + 1);
      }
      newline(depth);
      out += ']';
      return;
    }
    case Value::Kind::kMap: {
      if (v.map().empty()) {
        out += "{}";
        return;
      }
      out += '{';
      bool first = true;
      for (const auto& [k, e] : v.map()) {
        if (!first) out += ',';
        first = false;
        newline(depth + 1);
        JsonString(out, k, escape_html);
        out += pretty ? ": " : ":";
        JsonValue(out, e, pretty, escape_html, depth + 1);
      }
      newline(depth);
      out += '}';
      return;
    }
  }
}

}  // namespace

std::string GoSprintf(std::string_view format, const std::vector<Value>& args) {
  std::string out;
  std::size_t argi = 0;
  for (std::size_t i = 0; i < format.size();) {
    char c = format[i];
    if (c != '%') {
      out += c;
      ++i;
      continue;
    }
    ++i;
    if (i >= format.size()) {
      out += "%!(NOVERB)";
      break;
    }
    Spec sp;
    for (; i < format.size(); ++i) {
      char f = format[i];
      if (f == '-') {
        sp.minus = true;
      } else if (f == '+') {
        sp.plus = true;
      } else if (f == '#') {
        sp.sharp = true;
      } else if (f == ' ') {
        sp.space = true;
      } else if (f == '0') {
        sp.zero = !sp.minus;
      } else {
        break;
      }
    }
    auto number = [&](int& target) {
      if (i < format.size() && format[i] == '*') {
        ++i;
        if (argi < args.size() && args[argi].kind() == Value::Kind::kInt) {
          target = static_cast<int>(args[argi].int_value());
          if (target < 0) {
            sp.minus = true;
            target = -target;
          }
        } else {
          out += "%!(BADWIDTH)";
        }
        ++argi;
        return;
      }
      if (i < format.size() && std::isdigit(static_cast<unsigned char>(format[i]))) {
        target = 0;
        while (i < format.size() && std::isdigit(static_cast<unsigned char>(format[i]))) {
          target = std::min(target * 10 + (format[i] - '0'), 1'000'000);
          ++i;
        }
      }
    };
    number(sp.width);
    if (i < format.size() && format[i] == '.') {
      ++i;
      sp.prec = 0;
      number(sp.prec);
    }
    if (i >= format.size()) {
      out += "%!(NOVERB)";
      break;
    }
    sp.verb = format[i++];
    if (sp.verb == '%') {
      out += '%';
      continue;
    }
    if (argi >= args.size()) {
      out += "%!";
      out += sp.verb;
      out += "(MISSING)";
      continue;
    }
    out += FormatOne(args[argi++], sp);
  }
  if (argi < args.size()) {
    out += "%!(EXTRA ";
    for (std::size_t k = argi; k < args.size(); ++k) {
      if (k > argi) out += ", ";
      const Value& v = args[k];
      out += v.is_nil_like() ? "<nil>" : v.GoTypeName() + "=" + FormatGoValue(v);
    }
    out += ")";
  }
  return out;
}

std::string GoSprint(const std::vector<Value>& args) {
  std::string out;
  for (std::size_t k = 0; k < args.size(); ++k) {
    bool is_string = args[k].kind() == Value::Kind::kString;
    if (k > 0 && !is_string && args[k - 1].kind() != Value::Kind::kString) out += ' ';
    out += args[k].is_missing() ? "<nil>" : FormatGoValue(args[k]);
  }
  return out;
}

std::string GoSprintln(const std::vector<Value>& args) {
  std::string out;
  for (std::size_t k = 0; k < args.size(); ++k) {
    if (k > 0) out += ' ';
    out += args[k].is_missing() ? "<nil>" : FormatGoValue(args[k]);
  }
  return out + "\n";
}

std::string GoQuote(std::string_view s) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = Utf8Len(s, i);
    if (n == 0) {
      out += "\\x";
      out += kLowerHex[c >> 4];
      out += kLowerHex[c & 15];
      ++i;
      continue;
    }
    if (n > 1) {
      out.append(s.substr(i, n));
      i += n;
      continue;
    }
    switch (c) {
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\v':
        out += "\\v";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\x";
          out += kLowerHex[c >> 4];
          out += kLowerHex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  return out + "\"";
}

std::string GoJson(const Value& v, bool pretty, bool escape_html) {
  std::string out;
  JsonValue(out, v, pretty, escape_html, 0);
  return out;
}

std::string GoHtmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '\0':
        out += "\uFFFD";
        break;
      case '"':
        out += "&#34;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string GoJsEscape(std::string_view s) {
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\'':
        out += "\\'";
        break;
      case '"':
        out += "\\\"";
        break;
      case '<':
        out += "\\u003C";
        break;
      case '>':
        out += "\\u003E";
        break;
      case '&':
        out += "\\u0026";
        break;
      case '=':
        out += "\\u003D";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kUpperHex[c >> 4];
          out += kUpperHex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

std::string GoQueryEscape(std::string_view s) {
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kUpperHex[c >> 4];
      out += kUpperHex[c & 15];
    }
  }
  return out;
}

}  // namespace cellgate::tmpl

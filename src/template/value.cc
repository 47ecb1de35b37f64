#include "template/value.h"

#include <charconv>
#include <cmath>
#include <string>

namespace cellgate::tmpl {
namespace {

const std::string& EmptyString() {
  static const std::string kEmpty;
  return kEmpty;
}

// Shortest round-trip digits of |f| and the decimal point position, as strconv computes
// them: f = 0.<digits> * 10^point.
struct ShortestDigits {
  std::string digits;
  int point = 0;
};

ShortestDigits Shortest(double f) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, std::fabs(f), std::chars_format::scientific);
  std::string_view s(buf, static_cast<std::size_t>(res.ptr - buf));
  auto e = s.find('e');
  std::string mant(s.substr(0, e));
  int exp = std::stoi(std::string(s.substr(e + 1)));
  ShortestDigits out;
  for (char c : mant) {
    if (c != '.') out.digits += c;
  }
  while (out.digits.size() > 1 && out.digits.back() == '0') out.digits.pop_back();
  out.point = exp + 1;
  return out;
}

std::string ExponentForm(const ShortestDigits& d, bool negative, bool two_digit_min) {
  std::string out = negative ? "-" : "";
  out += d.digits[0];
  if (d.digits.size() > 1) {
    out += '.';
    out.append(d.digits, 1);
  }
  int exp = d.point - 1;
  out += 'e';
  out += exp < 0 ? '-' : '+';
  std::string e = std::to_string(std::abs(exp));
  if (two_digit_min && e.size() < 2) e = "0" + e;
  return out + e;
}

std::string FixedForm(const ShortestDigits& d, bool negative) {
  std::string out = negative ? "-" : "";
  if (d.point <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-d.point), '0');
    out += d.digits;
  } else if (static_cast<std::size_t>(d.point) >= d.digits.size()) {
    out += d.digits;
    out.append(static_cast<std::size_t>(d.point) - d.digits.size(), '0');
  } else {
    out.append(d.digits, 0, static_cast<std::size_t>(d.point));
    out += '.';
    out.append(d.digits, static_cast<std::size_t>(d.point));
  }
  return out;
}

}  // namespace

Value Value::Nil() {
  Value v;
  v.kind_ = Kind::kNil;
  return v;
}
Value Value::Bool(bool b) {
  Value v;
  v.kind_ = Kind::kBool;
  v.b_ = b;
  return v;
}
Value Value::Int(std::int64_t i) {
  Value v;
  v.kind_ = Kind::kInt;
  v.i_ = i;
  return v;
}
Value Value::Float(double d) {
  Value v;
  v.kind_ = Kind::kFloat;
  v.d_ = d;
  return v;
}
Value Value::String(std::string s) {
  Value v;
  v.kind_ = Kind::kString;
  v.s_ = std::make_shared<const std::string>(std::move(s));
  return v;
}
Value Value::MakeList(List items) {
  Value v;
  v.kind_ = Kind::kList;
  v.list_ = std::make_shared<const List>(std::move(items));
  return v;
}
Value Value::MakeMap(Map entries) {
  Value v;
  v.kind_ = Kind::kMap;
  v.map_ = std::make_shared<const Map>(std::move(entries));
  return v;
}

const std::string& Value::string_value() const { return s_ ? *s_ : EmptyString(); }
const Value::List& Value::list() const {
  static const List kEmpty;
  return list_ ? *list_ : kEmpty;
}
const Value::Map& Value::map() const {
  static const Map kEmpty;
  return map_ ? *map_ : kEmpty;
}

Value Value::FromJson(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null:
      return Nil();
    case Json::value_t::boolean:
      return Bool(j.get<bool>());
    case Json::value_t::number_integer:
      return Float(static_cast<double>(j.get<std::int64_t>()));
    case Json::value_t::number_unsigned:
      return Float(static_cast<double>(j.get<std::uint64_t>()));
    case Json::value_t::number_float:
      return Float(j.get<double>());
    case Json::value_t::string:
      return String(j.get<std::string>());
    case Json::value_t::array: {
      List items;
      items.reserve(j.size());
      for (const auto& e : j) items.push_back(FromJson(e));
      return MakeList(std::move(items));
    }
    case Json::value_t::object: {
      Map m;
      for (const auto& [k, e] : j.items()) m.insert_or_assign(k, FromJson(e));
      return MakeMap(std::move(m));
    }
    default:
      return Nil();
  }
}

Json Value::ToJson() const {
  switch (kind_) {
    case Kind::kMissing:
    case Kind::kNil:
      return nullptr;
    case Kind::kBool:
      return b_;
    case Kind::kInt:
      return i_;
    case Kind::kFloat:
      if (std::isfinite(d_) && d_ == std::trunc(d_) && std::fabs(d_) < 9.007199254740992e15) {
        return static_cast<std::int64_t>(d_);
      }
      return d_;
    case Kind::kString:
      return string_value();
    case Kind::kList: {
      Json a = Json::array();
      for (const auto& e : list()) a.push_back(e.ToJson());
      return a;
    }
    case Kind::kMap: {
      Json o = Json::object();
      for (const auto& [k, e] : map()) o[k] = e.ToJson();
      return o;
    }
  }
  return nullptr;
}

std::string Value::GoTypeName() const {
  switch (kind_) {
    case Kind::kMissing:
      return "<invalid>";
    case Kind::kNil:
      return "<nil>";
    case Kind::kBool:
      return "bool";
    case Kind::kInt:
      return "int";
    case Kind::kFloat:
      return "float64";
    case Kind::kString:
      return "string";
    case Kind::kList:
      return "[]interface {}";
    case Kind::kMap:
      return "map[string]interface {}";
  }
  return "?";
}

bool Value::Truthy() const {
  switch (kind_) {
    case Kind::kMissing:
    case Kind::kNil:
      return false;
    case Kind::kBool:
      return b_;
    case Kind::kInt:
      return i_ != 0;
    case Kind::kFloat:
      return d_ != 0;
    case Kind::kString:
      return !string_value().empty();
    case Kind::kList:
      return !list().empty();
    case Kind::kMap:
      return !map().empty();
  }
  return false;
}

std::size_t Value::ApproxSize() const {
  switch (kind_) {
    case Kind::kString:
      return string_value().size();
    case Kind::kList: {
      std::size_t n = 8;
      for (const auto& e : list()) n += e.ApproxSize();
      return n;
    }
    case Kind::kMap: {
      std::size_t n = 8;
      for (const auto& [k, e] : map()) n += k.size() + e.ApproxSize();
      return n;
    }
    default:
      return 8;
  }
}

std::string FormatGoFloat(double f) {
  if (std::isnan(f)) return "NaN";
  if (std::isinf(f)) return f > 0 ? "+Inf" : "-Inf";
  if (f == 0) return std::signbit(f) ? "-0" : "0";
  ShortestDigits d = Shortest(f);
  // strconv 'g' with the shortest precision switches to %e when the exponent is below -4
  // or at least 6 (so 1e6 prints as "1e+06", as fmt.Println does).
  int exp = d.point - 1;
  if (exp < -4 || exp >= 6) return ExponentForm(d, f < 0, true);
  return FixedForm(d, f < 0);
}

std::string FormatJsonFloat(double f) {
  if (!std::isfinite(f)) return "null";
  if (f == 0) return "0";
  ShortestDigits d = Shortest(f);
  double a = std::fabs(f);
  if (a < 1e-6 || a >= 1e21) {
    // encoding/json cleans e-09 to e-9.
    return ExponentForm(d, f < 0, false);
  }
  return FixedForm(d, f < 0);
}

std::string FormatGoValue(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kMissing:
      return "<no value>";
    case Value::Kind::kNil:
      return "<nil>";
    case Value::Kind::kBool:
      return v.bool_value() ? "true" : "false";
    case Value::Kind::kInt:
      return std::to_string(v.int_value());
    case Value::Kind::kFloat:
      return FormatGoFloat(v.float_value());
    case Value::Kind::kString:
      return v.string_value();
    case Value::Kind::kList: {
      std::string out = "[";
      bool first = true;
      for (const auto& e : v.list()) {
        if (!first) out += ' ';
        first = false;
        out += e.is_missing() ? "<nil>" : FormatGoValue(e);
      }
      return out + "]";
    }
    case Value::Kind::kMap: {
      std::string out = "map[";
      bool first = true;
      for (const auto& [k, e] : v.map()) {
        if (!first) out += ' ';
        first = false;
        out += k + ":" + (e.is_missing() ? "<nil>" : FormatGoValue(e));
      }
      return out + "]";
    }
  }
  return "";
}

}  // namespace cellgate::tmpl

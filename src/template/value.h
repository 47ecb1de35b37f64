// Values seen by Go templates, and how JSON maps onto Go's types.
//
// Argo CD feeds text/template with map[string]interface{} built by encoding/json, so a
// template sees exactly these Go types, which this Value models:
//
//   JSON null          -> nil interface{}           (Kind::kNil)
//   true / false       -> bool                      (Kind::kBool)
//   any number         -> float64                   (Kind::kFloat; JSON has no ints in Go)
//   string             -> string                    (Kind::kString)
//   array              -> []interface{}             (Kind::kList)
//   object             -> map[string]interface{}    (Kind::kMap; keys kept sorted, as Go
//                                                    prints and ranges over them sorted)
//
// Integer literals in a template and the results of len, add, int... are Go ints
// (Kind::kInt). Keeping float64 and int apart matters: Go refuses `eq 3.0 3` style
// comparisons of a float64 parameter with an int literal, prints 1e6 as "1e+06", and
// `printf "%d"` of a float64 prints "%!d(float64=3)"; templates behave here as they do in
// Argo CD. Kind::kMissing is Go's invalid reflect.Value: a map key that is not there.
//
// Lists and maps share their storage (copy-on-write is never needed: values are immutable
// once built), so copying a Value is cheap.
//
// Thread-safety: immutable values; safe to share between threads.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/object.h"

namespace cellgate::tmpl {

class Value {
 public:
  enum class Kind { kMissing, kNil, kBool, kInt, kFloat, kString, kList, kMap };
  using List = std::vector<Value>;
  using Map = std::map<std::string, Value, std::less<>>;

  Value() = default;  // missing
  static Value Nil();
  static Value Bool(bool b);
  static Value Int(std::int64_t i);
  static Value Float(double d);
  static Value String(std::string s);
  static Value MakeList(List items);
  static Value MakeMap(Map entries);

  // JSON to Go values as encoding/json would decode them (numbers become float64).
  static Value FromJson(const Json& j);
  // Back to JSON: ints and integral floats become JSON integers.
  Json ToJson() const;

  Kind kind() const { return kind_; }
  bool is_missing() const { return kind_ == Kind::kMissing; }
  // nil interface or missing: what Go's indirectInterface turns into an invalid value.
  bool is_nil_like() const { return kind_ == Kind::kMissing || kind_ == Kind::kNil; }

  bool bool_value() const { return b_; }
  std::int64_t int_value() const { return i_; }
  double float_value() const { return d_; }
  const std::string& string_value() const;
  const List& list() const;
  const Map& map() const;

  // Go's type name for error messages: "float64", "[]interface {}", ...
  std::string GoTypeName() const;

  // text/template's truth: false for missing, nil, false, 0, "", empty list or map.
  bool Truthy() const;

  // Approximate size in bytes, for output limits.
  std::size_t ApproxSize() const;

 private:
  Kind kind_ = Kind::kMissing;
  bool b_ = false;
  std::int64_t i_ = 0;
  double d_ = 0;
  std::shared_ptr<const std::string> s_;
  std::shared_ptr<const List> list_;
  std::shared_ptr<const Map> map_;
};

// fmt's %v of one value as an interface{} operand: nil prints "<nil>", floats in Go's
// shortest 'g' form, lists "[a b]", maps "map[a:1 b:2]".
std::string FormatGoValue(const Value& v);

// Go's strconv.FormatFloat(f, 'g', -1, 64) (what %v prints).
std::string FormatGoFloat(double f);

// encoding/json's formatting of a float64 ('f' between 1e-6 and 1e21, else 'e').
std::string FormatJsonFloat(double f);

}  // namespace cellgate::tmpl

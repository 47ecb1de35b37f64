// The function table templates can call: Go's builtins, the Sprig functions Argo CD
// exposes (sprig.GenericFuncMap minus env, expandenv and getHostByName) and Argo CD's own
// normalize, slugify, toYaml, fromYaml and fromYamlArray. See README.md for the list.
//
// Each function declares Go parameter types so the executor can apply text/template's
// argument rules: a missing value passed where a string is expected is "invalid value;
// expected string", a float64 where an int is expected is "wrong type for value; expected
// int; got float64", while interface{} parameters accept anything (a missing value
// arrives as nil). kReflect parameters (Go builtins taking reflect.Value) see the missing
// value itself.
//
// and / or are not here: the executor evaluates them lazily (Go short-circuits them).
//
// Thread-safety: the table is immutable after first use.
#pragma once

#include <functional>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "template/value.h"

namespace cellgate::tmpl {

enum class ParamType { kAny, kString, kInt, kBool, kMap, kReflect };

struct Function {
  std::vector<ParamType> params;
  bool variadic = false;  // the last entry of params repeats
  std::function<Result<Value>(std::vector<Value>& args)> call;
};

const Function* FindFunction(std::string_view name);

// Registration helpers, one per group of functions (builtins.cc, sprig_*.cc, argo_funcs.cc).
using FunctionTable = std::vector<std::pair<std::string_view, Function>>;
void AddBuiltinFunctions(FunctionTable& table);
void AddSprigStringFunctions(FunctionTable& table);
void AddSprigDataFunctions(FunctionTable& table);
void AddArgoFunctions(FunctionTable& table);

// Sprig's helpers, shared by the groups.
std::string SprigStrval(const Value& v);                 // strval: %v, strings as is
std::vector<std::string> SprigStrslice(const Value& v);  // strslice: nil elements dropped
std::int64_t SprigToInt64(const Value& v);               // cast.ToInt64, errors become 0
inline Result<Value> Done(Value v) { return v; }
std::unexpected<Error> FuncError(std::string message);

}  // namespace cellgate::tmpl

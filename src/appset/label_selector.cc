#include "appset/label_selector.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace cellgate::appset {
namespace {

bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
}

// A label value or the name part of a key: <= 63 chars, alphanumerics with -_. inside.
bool ValidName(const std::string& s, bool allow_empty) {
  if (s.empty()) return allow_empty;
  if (s.size() > 63) return false;
  if (!std::isalnum(static_cast<unsigned char>(s.front())) ||
      !std::isalnum(static_cast<unsigned char>(s.back()))) {
    return false;
  }
  return std::all_of(s.begin(), s.end(), IsNameChar);
}

bool ValidDnsSubdomain(const std::string& s) {
  if (s.empty() || s.size() > 253) return false;
  for (char c : s) {
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.')) {
      return false;
    }
  }
  return std::isalnum(static_cast<unsigned char>(s.front())) &&
         std::isalnum(static_cast<unsigned char>(s.back()));
}

// IsQualifiedName: [prefix/]name.
Status ValidateKey(const std::string& key) {
  auto slash = key.find('/');
  std::string name = slash == std::string::npos ? key : key.substr(slash + 1);
  if (slash != std::string::npos && !ValidDnsSubdomain(key.substr(0, slash))) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "invalid label key \"" + key + "\": prefix must be a DNS-1123 subdomain");
  }
  if (!ValidName(name, false)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "invalid label key \"" + key +
                         "\": name part must be 63 characters or less, alphanumerics with '-', '_' "
                         "or '.' inside");
  }
  return Ok();
}

}  // namespace

Result<LabelSelector> LabelSelector::Parse(const Json& json, bool validate_values) {
  LabelSelector sel;
  if (json.is_null()) return sel;
  if (!json.is_object())
    return MakeError(ErrorCode::kInvalidArgument, "selector must be an object");
  auto check_value = [&](const std::string& key, const std::string& v) -> Status {
    if (validate_values && !ValidName(v, true)) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "invalid label value \"" + v + "\" for key \"" + key + "\"");
    }
    return Ok();
  };
  if (auto it = json.find("matchLabels"); it != json.end() && !it->is_null()) {
    if (!it->is_object())
      return MakeError(ErrorCode::kInvalidArgument, "selector.matchLabels must be a map");
    for (const auto& [k, v] : it->items()) {
      if (!v.is_string())
        return MakeError(ErrorCode::kInvalidArgument,
                         "selector.matchLabels." + k + " must be a string");
      CG_TRY(ValidateKey(k));
      CG_TRY(check_value(k, v.get<std::string>()));
      sel.requirements_.push_back({k, LabelRequirement::Op::kIn, {v.get<std::string>()}});
    }
  }
  if (auto it = json.find("matchExpressions"); it != json.end() && !it->is_null()) {
    if (!it->is_array())
      return MakeError(ErrorCode::kInvalidArgument, "selector.matchExpressions must be a list");
    for (std::size_t i = 0; i < it->size(); ++i) {
      const Json& e = (*it)[i];
      std::string where = "selector.matchExpressions[" + std::to_string(i) + "]";
      if (!e.is_object() || !e.contains("key") || !e["key"].is_string()) {
        return MakeError(ErrorCode::kInvalidArgument, where + ": key must be a string");
      }
      LabelRequirement r;
      r.key = e["key"].get<std::string>();
      CG_TRY_WRAP(ValidateKey(r.key), where);
      std::string op = e.value("operator", "");
      if (op == "In") {
        r.op = LabelRequirement::Op::kIn;
      } else if (op == "NotIn") {
        r.op = LabelRequirement::Op::kNotIn;
      } else if (op == "Exists") {
        r.op = LabelRequirement::Op::kExists;
      } else if (op == "DoesNotExist") {
        r.op = LabelRequirement::Op::kDoesNotExist;
      } else {
        return MakeError(
            ErrorCode::kInvalidArgument,
            fmt::format("{}: \"{}\" is not a valid label selector operator", where, op));
      }
      if (auto v = e.find("values"); v != e.end() && !v->is_null()) {
        if (!v->is_array())
          return MakeError(ErrorCode::kInvalidArgument, where + ": values must be a list");
        for (const auto& x : *v) {
          if (!x.is_string())
            return MakeError(ErrorCode::kInvalidArgument, where + ": values must be strings");
          CG_TRY_WRAP(check_value(r.key, x.get<std::string>()), where);
          r.values.push_back(x.get<std::string>());
        }
      }
      bool set_op = r.op == LabelRequirement::Op::kIn || r.op == LabelRequirement::Op::kNotIn;
      if (set_op && r.values.empty()) {
        return MakeError(ErrorCode::kInvalidArgument,
                         where + ": for 'In', 'NotIn' operators, values set can't be empty");
      }
      if (!set_op && !r.values.empty()) {
        return MakeError(ErrorCode::kInvalidArgument,
                         where + ": values set must be empty for Exists and DoesNotExist");
      }
      sel.requirements_.push_back(std::move(r));
    }
  }
  return sel;
}

bool LabelSelector::Matches(const std::map<std::string, std::string>& labels) const {
  for (const auto& r : requirements_) {
    auto it = labels.find(r.key);
    bool has = it != labels.end();
    bool in = has && std::find(r.values.begin(), r.values.end(), it->second) != r.values.end();
    switch (r.op) {
      case LabelRequirement::Op::kIn:
        if (!in) return false;
        break;
      case LabelRequirement::Op::kNotIn:
        if (in) return false;
        break;
      case LabelRequirement::Op::kExists:
        if (!has) return false;
        break;
      case LabelRequirement::Op::kDoesNotExist:
        if (has) return false;
        break;
    }
  }
  return true;
}

}  // namespace cellgate::appset

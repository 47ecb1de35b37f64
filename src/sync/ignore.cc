#include "sync/ignore.h"

#include <algorithm>

#include "sync/json_path.h"
#include "sync/managed_fields.h"

namespace cellgate::sync {
namespace {

Result<std::vector<std::string>> StringList(const Json& entry, const char* field,
                                            const std::string& where) {
  std::vector<std::string> out;
  auto it = entry.find(field);
  if (it == entry.end() || it->is_null()) return out;
  if (!it->is_array()) {
    return MakeError(ErrorCode::kInvalidArgument, where + "." + field + ": expected a list");
  }
  for (const auto& v : *it) {
    if (!v.is_string()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       where + "." + field + ": expected a list of strings");
    }
    out.push_back(v.get<std::string>());
  }
  return out;
}

Result<std::string> StringField(const Json& entry, const char* field, const std::string& where) {
  auto it = entry.find(field);
  if (it == entry.end() || it->is_null()) return std::string();
  if (!it->is_string()) {
    return MakeError(ErrorCode::kInvalidArgument, where + "." + field + ": expected a string");
  }
  return it->get<std::string>();
}

bool EntryMatches(const IgnoreDifference& e, const ObjectKey& key) {
  return GlobMatch(e.group, key.group) && GlobMatch(e.kind, key.kind) &&
         (e.name.empty() || e.name == key.name) && (e.ns.empty() || e.ns == key.ns);
}

std::string RuleName(const IgnoreDifference& e) {
  return "ignoreDifferences " + (e.group.empty() ? std::string() : e.group + "/") + e.kind;
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view text) {
  // Iterative wildcard match with backtracking to the last '*'.
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

Result<std::vector<IgnoreDifference>> ParseIgnoreDifferences(const Json& list) {
  std::vector<IgnoreDifference> out;
  if (list.is_null()) return out;
  if (!list.is_array()) {
    return MakeError(ErrorCode::kInvalidArgument, "ignoreDifferences: expected a list");
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Json& entry = list[i];
    std::string where = "ignoreDifferences[" + std::to_string(i) + "]";
    if (!entry.is_object()) {
      return MakeError(ErrorCode::kInvalidArgument, where + ": expected a mapping");
    }
    IgnoreDifference d;
    for (auto [field, target] : {std::pair{"group", &d.group}, std::pair{"kind", &d.kind},
                                 std::pair{"name", &d.name}, std::pair{"namespace", &d.ns}}) {
      auto value = StringField(entry, field, where);
      CG_TRY(value);
      *target = std::move(*value);
    }
    for (auto [field, target] : {std::pair{"jsonPointers", &d.json_pointers},
                                 std::pair{"jqPathExpressions", &d.jq_path_expressions},
                                 std::pair{"managedFieldsManagers", &d.managed_fields_managers}}) {
      auto value = StringList(entry, field, where);
      CG_TRY(value);
      *target = std::move(*value);
    }
    out.push_back(std::move(d));
  }
  return out;
}

Result<IgnoreRules> IgnoreRules::Compile(std::vector<IgnoreDifference> entries) {
  IgnoreRules rules;
  for (auto& entry : entries) {
    Rule rule;
    for (const auto& pointer : entry.json_pointers) {
      auto tokens = ParseJsonPointer(pointer);
      CG_TRY_WRAP(tokens, RuleName(entry));
      rule.pointers.push_back(std::move(*tokens));
    }
    for (const auto& expression : entry.jq_path_expressions) {
      auto query = JqPathQuery::Compile(expression);
      CG_TRY_WRAP(query, RuleName(entry));
      rule.jq.push_back(std::move(*query));
    }
    rule.entry = std::move(entry);
    rules.rules_.push_back(std::move(rule));
  }
  return rules;
}

bool IgnoreRules::Matches(const ObjectKey& key) const {
  return std::any_of(rules_.begin(), rules_.end(),
                     [&](const Rule& r) { return EntryMatches(r.entry, key); });
}

void IgnoreRules::Apply(const ObjectKey& key, Json& desired, Json& live,
                        std::vector<std::string>* warnings) const {
  // Every path is resolved against the unmodified documents, then all are erased at once.
  std::vector<JsonPath> from_desired, from_live;
  auto jq_paths = [&](const JqPathQuery& q, const Json& doc, std::vector<JsonPath>& out) {
    if (!doc.is_object()) return;
    auto paths = q.Paths(doc);
    if (!paths) {
      if (warnings != nullptr) warnings->push_back(paths.error().message());
      return;
    }
    out.insert(out.end(), paths->begin(), paths->end());
  };
  for (const auto& rule : rules_) {
    const IgnoreDifference& e = rule.entry;
    if (!EntryMatches(e, key)) continue;
    for (const auto& tokens : rule.pointers) {
      if (auto p = ResolvePointer(desired, tokens)) from_desired.push_back(std::move(*p));
      if (auto p = ResolvePointer(live, tokens)) from_live.push_back(std::move(*p));
    }
    for (const auto& q : rule.jq) {
      jq_paths(q, desired, from_desired);
      jq_paths(q, live, from_live);
    }
    if (!e.managed_fields_managers.empty()) {
      for (auto& owned : OwnedFields(desired, live, e.managed_fields_managers)) {
        if (owned.desired) from_desired.push_back(std::move(*owned.desired));
        if (owned.live) from_live.push_back(std::move(*owned.live));
      }
    }
  }
  if (!from_desired.empty()) EraseAll(desired, std::move(from_desired));
  if (!from_live.empty()) EraseAll(live, std::move(from_live));
}

Object IgnoreRules::RespectIgnoreDifferences(const Object& desired, const Object& live,
                                             std::vector<std::string>* warnings) const {
  const ObjectKey key = desired.Key();
  const Json& l = live.body();
  Json d = desired.body();
  std::vector<JsonPath> erase;
  std::vector<std::pair<JsonPath, Json>> set;
  // Copies live's value at `live_path` to desired at `desired_path`, or, when live has no
  // value there, drops desired's. Pointers and jq paths that exist only in live are written
  // at the live path (same structure, since the same expression selected them).
  auto copy = [&](const std::optional<JsonPath>& live_path,
                  const std::optional<JsonPath>& desired_path) {
    const Json* value = live_path ? Find(l, *live_path) : nullptr;
    if (value != nullptr) {
      set.emplace_back(desired_path ? *desired_path : *live_path, *value);
    } else if (desired_path && Find(d, *desired_path) != nullptr) {
      erase.push_back(*desired_path);
    }
  };
  for (const auto& rule : rules_) {
    const IgnoreDifference& e = rule.entry;
    if (!EntryMatches(e, key)) continue;
    for (const auto& tokens : rule.pointers) {
      copy(ResolvePointer(l, tokens), ResolvePointer(d, tokens));
    }
    for (const auto& q : rule.jq) {
      auto live_paths = q.Paths(l);
      auto desired_paths = q.Paths(d);
      if (!live_paths || !desired_paths) {
        if (warnings != nullptr) {
          warnings->push_back(!live_paths ? live_paths.error().message()
                                          : desired_paths.error().message());
        }
        continue;
      }
      for (const auto& p : *live_paths) copy(p, p);
      for (const auto& p : *desired_paths) {
        if (std::find(live_paths->begin(), live_paths->end(), p) == live_paths->end()) {
          copy(std::nullopt, p);
        }
      }
    }
    if (!e.managed_fields_managers.empty()) {
      for (auto& owned : OwnedFields(d, l, e.managed_fields_managers)) {
        if (!owned.leaf) continue;  // whole nodes present on one side: nothing to pair
        std::optional<JsonPath> target = owned.desired;
        if (!target && owned.desired_parent) {
          target = *owned.desired_parent;
          target->push_back(PathStep::Key(owned.field_name));
        }
        if (target) copy(owned.live, target);
      }
    }
  }
  for (auto& [path, value] : set) SetAt(d, path, std::move(value));
  if (!erase.empty()) EraseAll(d, std::move(erase));
  return Object(std::move(d), desired.origin());
}

}  // namespace cellgate::sync

#include "sync/annotations.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <climits>

namespace cellgate::sync {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::optional<HookType> ParseArgoHookType(std::string_view s) {
  if (s == "PreSync") return HookType::kPreSync;
  if (s == "Sync") return HookType::kSync;
  if (s == "PostSync") return HookType::kPostSync;
  if (s == "SyncFail") return HookType::kSyncFail;
  if (s == "Skip") return HookType::kSkip;
  return std::nullopt;
}

std::optional<HookType> ParseHelmHookType(std::string_view s) {
  if (s == "pre-install" || s == "pre-upgrade") return HookType::kPreSync;
  if (s == "post-install" || s == "post-upgrade") return HookType::kPostSync;
  return std::nullopt;
}

bool HasAnnotation(const Object& obj, std::string_view key) {
  const Json& body = obj.body();
  auto meta = body.find("metadata");
  if (meta == body.end() || !meta->is_object()) return false;
  auto annotations = meta->find("annotations");
  return annotations != meta->end() && annotations->is_object() &&
         annotations->contains(std::string(key));
}

std::vector<HookType> ArgoHookTypes(const Object& obj) {
  std::vector<HookType> types;
  for (const auto& text : SplitCsv(obj.Annotation(kHookAnnotation))) {
    auto t = ParseArgoHookType(text);
    if (t && std::find(types.begin(), types.end(), *t) == types.end()) types.push_back(*t);
  }
  return types;
}

std::vector<HookType> HelmHookTypes(const Object& obj) {
  std::vector<HookType> types;
  for (const auto& text : SplitCsv(obj.Annotation(kHelmHookAnnotation))) {
    auto t = ParseHelmHookType(text);
    if (t && std::find(types.begin(), types.end(), *t) == types.end()) types.push_back(*t);
  }
  return types;
}

std::optional<int> ParseGoInt(std::string_view s) {
  if (s.empty()) return std::nullopt;
  if (s.front() == '+') {
    s.remove_prefix(1);
    if (s.empty() || s.front() == '-') return std::nullopt;
  }
  int value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string_view SyncPhaseName(SyncPhase phase) {
  switch (phase) {
    case SyncPhase::kPreSync:
      return "PreSync";
    case SyncPhase::kSync:
      return "Sync";
    case SyncPhase::kPostSync:
      return "PostSync";
    case SyncPhase::kSyncFail:
      return "SyncFail";
  }
  return "Sync";
}

std::string_view HookDeletePolicyName(HookDeletePolicy policy) {
  switch (policy) {
    case HookDeletePolicy::kHookSucceeded:
      return "HookSucceeded";
    case HookDeletePolicy::kHookFailed:
      return "HookFailed";
    case HookDeletePolicy::kBeforeHookCreation:
      return "BeforeHookCreation";
  }
  return "BeforeHookCreation";
}

std::vector<std::string> SplitCsv(std::string_view csv) {
  std::vector<std::string> out;
  while (!csv.empty()) {
    auto comma = csv.find(',');
    auto item = Trim(csv.substr(0, comma));
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    csv.remove_prefix(comma + 1);
  }
  return out;
}

std::vector<HookType> HookTypes(const Object& obj) {
  auto types = ArgoHookTypes(obj);
  if (types.empty()) types = HelmHookTypes(obj);
  return types;
}

bool IsSkipped(const Object& obj) {
  auto types = HookTypes(obj);
  return types.size() == 1 && types.front() == HookType::kSkip;
}

bool IsHook(const Object& obj) {
  if (HasAnnotation(obj, kHookAnnotation)) return !IsSkipped(obj);
  return !HelmHookTypes(obj).empty();
}

bool IsIgnored(const Object& obj) { return IsHook(obj) && HookTypes(obj).empty(); }

std::vector<SyncPhase> SyncPhasesOf(const Object& obj) {
  if (IsSkipped(obj)) return {};
  if (!IsHook(obj)) return {SyncPhase::kSync};
  auto types = HookTypes(obj);
  std::vector<SyncPhase> phases;
  auto add = [&](HookType t, SyncPhase p) {
    if (std::find(types.begin(), types.end(), t) != types.end()) phases.push_back(p);
  };
  add(HookType::kPreSync, SyncPhase::kPreSync);
  add(HookType::kSync, SyncPhase::kSync);
  add(HookType::kPostSync, SyncPhase::kPostSync);
  add(HookType::kSyncFail, SyncPhase::kSyncFail);
  return phases;
}

std::vector<HookDeletePolicy> HookDeletePolicies(const Object& obj) {
  std::vector<HookDeletePolicy> policies;
  auto add = [&](HookDeletePolicy p) {
    if (std::find(policies.begin(), policies.end(), p) == policies.end()) policies.push_back(p);
  };
  for (const auto& text : SplitCsv(obj.Annotation(kHookDeletePolicyAnnotation))) {
    if (text == "HookSucceeded") add(HookDeletePolicy::kHookSucceeded);
    if (text == "HookFailed") add(HookDeletePolicy::kHookFailed);
    if (text == "BeforeHookCreation") add(HookDeletePolicy::kBeforeHookCreation);
  }
  for (const auto& text : SplitCsv(obj.Annotation(kHelmHookDeletePolicyAnnotation))) {
    if (text == "hook-succeeded") add(HookDeletePolicy::kHookSucceeded);
    if (text == "hook-failed") add(HookDeletePolicy::kHookFailed);
    if (text == "before-hook-creation") add(HookDeletePolicy::kBeforeHookCreation);
  }
  if (policies.empty()) policies.push_back(HookDeletePolicy::kBeforeHookCreation);
  return policies;
}

int SyncWave(const Object& obj) {
  if (HasAnnotation(obj, kSyncWaveAnnotation)) {
    if (auto wave = ParseGoInt(obj.Annotation(kSyncWaveAnnotation))) return *wave;
  }
  if (auto weight = ParseGoInt(obj.Annotation(kHelmHookWeightAnnotation))) return *weight;
  return 0;
}

SyncOptionList::SyncOptionList(const std::vector<std::string>& entries) {
  for (const auto& raw : entries) {
    std::string_view entry = Trim(raw);
    auto eq = entry.find('=');
    if (eq == std::string_view::npos) {
      entries_.emplace_back(std::string(entry), "");
    } else {
      entries_.emplace_back(std::string(Trim(entry.substr(0, eq))),
                            std::string(Trim(entry.substr(eq + 1))));
    }
  }
}

SyncOptionList SyncOptionList::FromAnnotation(const Object& obj) {
  return SyncOptionList(SplitCsv(obj.Annotation(kSyncOptionsAnnotation)));
}

std::optional<std::string> SyncOptionList::Get(std::string_view name) const {
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if (it->first == name) return it->second;
  }
  return std::nullopt;
}

bool SyncOptionList::Has(std::string_view name, std::string_view value) const {
  auto v = Get(name);
  return v && EqualsIgnoreCase(*v, value);
}

}  // namespace cellgate::sync

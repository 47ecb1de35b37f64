#include "controller/argocd_cm.h"

#include <map>
#include <string>

#include "core/yaml.h"
#include "fleet/glob_match.h"

namespace cellgate::controller {
namespace {

constexpr std::string_view kCustomizations = "resource.customizations";
constexpr std::string_view kApplicationKey = "argoproj.io/Application";

Error Invalid(std::string_view key, const std::string& why) {
  return Error(ErrorCode::kInvalidArgument, "ConfigMap " + std::string(kArgoCdConfigMap) + " key " +
                                                std::string(key) + ": " + why);
}

// "<group>_<kind>" -> "<group>/<kind>", "<kind>" as is, "all" -> "*/*" (convertToOverrideKey).
Result<std::string> OverrideKey(std::string_view key, std::string_view group_kind) {
  if (group_kind == "all") return std::string("*/*");
  if (group_kind.empty()) {
    return std::unexpected(Invalid(key, "expected a group_kind after the customization type"));
  }
  auto underscore = group_kind.find('_');
  if (underscore == std::string_view::npos) return std::string(group_kind);
  if (group_kind.find('_', underscore + 1) != std::string_view::npos) {
    return std::unexpected(
        Invalid(key, "expected resource.customizations.<type>.<group>_<kind> or .<type>.<kind>"));
  }
  return std::string(group_kind.substr(0, underscore)) + "/" +
         std::string(group_kind.substr(underscore + 1));
}

// The legacy map's health scripts by override key.
Status ReadLegacy(const std::string& text, std::map<std::string, std::string>& health) {
  auto docs = ParseYamlDocuments(text, "argocd-cm resource.customizations");
  if (!docs) return std::unexpected(Invalid(kCustomizations, docs.error().message()));
  if (docs->empty() || docs->front().value.is_null()) return Ok();
  const Json& map = docs->front().value;
  if (!map.is_object()) return std::unexpected(Invalid(kCustomizations, "expected a map"));
  for (auto it = map.begin(); it != map.end(); ++it) {
    health[it.key()] = StringAt(*it, {"health.lua"});
  }
  return Ok();
}

bool MatchesApplication(const std::string& key) {
  if (key == kApplicationKey) return true;
  return fleet::GlobMatch(key, kApplicationKey, fleet::GlobDialect::kGobwas).value_or(false);
}

}  // namespace

Result<ArgoCdSettings> ParseArgoCdConfigMap(const Json& configmap) {
  ArgoCdSettings out;
  const Json* data = nullptr;
  if (configmap.is_object()) {
    if (auto it = configmap.find("data"); it != configmap.end() && it->is_object()) data = &*it;
  }
  if (data == nullptr) return out;

  std::map<std::string, std::string> health;  // override key -> health script
  if (auto it = data->find(kCustomizations); it != data->end() && it->is_string()) {
    CG_TRY(ReadLegacy(it->get<std::string>(), health));
  }
  for (auto it = data->begin(); it != data->end(); ++it) {
    const std::string& key = it.key();
    // resource.customizations.<type>.<group_kind>: SplitN(key, ".", 4), so the group_kind
    // keeps its own dots.
    if (!key.starts_with(kCustomizations) || key.size() <= kCustomizations.size() ||
        key[kCustomizations.size()] != '.') {
      continue;
    }
    std::string_view rest = std::string_view(key).substr(kCustomizations.size() + 1);
    auto dot = rest.find('.');
    if (dot == std::string_view::npos) continue;
    auto override_key = OverrideKey(key, rest.substr(dot + 1));
    CG_TRY(override_key);
    if (rest.substr(0, dot) != "health") continue;
    health[*override_key] = it->is_string() ? it->get<std::string>() : std::string();
  }
  for (const auto& [key, script] : health) {
    if (!script.empty() && MatchesApplication(key)) out.health.application_health = true;
  }
  return out;
}

}  // namespace cellgate::controller

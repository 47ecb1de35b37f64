#include "appset_controller/appset_status.h"

#include <algorithm>
#include <map>
#include <set>

namespace cellgate::appset_controller {
namespace {

constexpr std::string_view kGeneratedMessage =
    "Successfully generated parameters for all Applications";

Json Condition(std::string_view type, bool status, std::string_view reason,
               std::string_view message) {
  return Json{{"type", type},
              {"status", status ? "True" : "False"},
              {"reason", reason},
              {"message", message}};
}

std::string Str(const Json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

}  // namespace

std::string_view GenerationErrorReason(const Error& error) {
  const std::string& m = error.message();
  if (m.find("contains applications with duplicate name") != std::string::npos) {
    return reason::kApplicationValidationError;
  }
  // "ApplicationSet ns/x: generator 0 (list): element 2 {...}: ..."
  auto gen = m.find(": generator ");
  if (gen != std::string::npos && m.find("): element ", gen) != std::string::npos) {
    return reason::kRenderTemplateParamsError;
  }
  return reason::kParamsGenerationError;
}

Json OutcomeConditions(const ReconcileOutcome& o) {
  if (o.ok()) {
    return Json::array({Condition(condition::kErrorOccurred, false, reason::kApplicationSetUpToDate,
                                  kGeneratedMessage),
                        Condition(condition::kParametersGenerated, true,
                                  reason::kParametersGenerated, kGeneratedMessage),
                        Condition(condition::kResourcesUpToDate, true,
                                  reason::kApplicationSetUpToDate, "ApplicationSet up to date")});
  }
  Json params = o.parameters_generated ? Condition(condition::kParametersGenerated, true,
                                                   reason::kParametersGenerated, kGeneratedMessage)
                                       : Condition(condition::kParametersGenerated, false,
                                                   reason::kErrorOccurred, o.error_message);
  return Json::array(
      {Condition(condition::kErrorOccurred, true, o.error_reason, o.error_message),
       std::move(params),
       Condition(condition::kResourcesUpToDate, false, o.error_reason, o.error_message)});
}

Json MergeConditions(const Json& previous, const Json& fresh, runtime::WallTime now) {
  std::map<std::string, Json> before;
  if (previous.is_array()) {
    for (const auto& c : previous) {
      if (c.is_object()) before.emplace(Str(c, "type"), c);
    }
  }
  std::set<std::string> evaluated;
  std::vector<Json> out;
  for (Json c : fresh) {
    std::string type = Str(c, "type");
    evaluated.insert(type);
    auto it = before.find(type);
    if (it != before.end() && Str(it->second, "status") == Str(c, "status") &&
        Str(it->second, "reason") == Str(c, "reason") &&
        Str(it->second, "message") == Str(c, "message") &&
        !Str(it->second, "lastTransitionTime").empty()) {
      c["lastTransitionTime"] = it->second["lastTransitionTime"];
    } else {
      c["lastTransitionTime"] = runtime::Rfc3339(now);
    }
    out.push_back(std::move(c));
  }
  for (const auto& [type, c] : before) {
    if (!evaluated.contains(type)) out.push_back(c);
  }
  std::stable_sort(out.begin(), out.end(), [](const Json& a, const Json& b) {
    return std::pair(Str(a, "type"), Str(a, "message")) <
           std::pair(Str(b, "type"), Str(b, "message"));
  });
  Json arr = Json::array();
  for (auto& c : out) arr.push_back(std::move(c));
  return arr;
}

Json ResourcesStatus(std::vector<Object> owned, std::size_t max_resources) {
  std::sort(owned.begin(), owned.end(),
            [](const Object& a, const Object& b) { return a.Name() < b.Name(); });
  Json out = Json::array();
  for (const auto& app : owned) {
    if (out.size() >= max_resources) break;
    const Json& body = app.body();
    const Json& status = body.contains("status") ? body["status"] : Json();
    Json entry = {{"group", "argoproj.io"},
                  {"version", "v1alpha1"},
                  {"kind", "Application"},
                  {"namespace", app.Namespace()},
                  {"name", app.Name()}};
    std::string sync = StringAt(status, {"sync", "status"});
    if (!sync.empty()) entry["status"] = sync;
    Json health = Json::object();
    for (const char* k : {"status", "message", "lastTransitionTime"}) {
      std::string v = StringAt(status, {"health", k});
      if (!v.empty()) health[k] = v;
    }
    entry["health"] = std::move(health);
    out.push_back(std::move(entry));
  }
  return out;
}

Json StatusFields(Json conditions, Json resources, std::size_t count) {
  return Json{{"conditions", std::move(conditions)},
              {"resources", std::move(resources)},
              {"resourcesCount", count}};
}

bool StatusNeedsWrite(const Json& live_status, const Json& fields) {
  for (const auto& [key, want] : fields.items()) {
    Json have = live_status.is_object() && live_status.contains(key) ? live_status[key] : Json();
    // An absent field and an empty list mean the same to readers (and servers may drop one).
    if (have.is_null() && want.is_array() && want.empty()) continue;
    if (nlohmann::json::parse(have.dump()) != nlohmann::json::parse(want.dump())) return true;
  }
  return false;
}

}  // namespace cellgate::appset_controller

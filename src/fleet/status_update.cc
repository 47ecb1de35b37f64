#include "fleet/status_update.h"

#include <nlohmann/json.hpp>

namespace cellgate::fleet {
namespace {

// Key order carries no meaning in JSON; nlohmann::json (std::map) compares without it.
nlohmann::json Canonical(const Json& j) {
  if (j.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [k, v] : j.items()) out[k] = Canonical(v);
    return out;
  }
  if (j.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& v : j) out.push_back(Canonical(v));
    return out;
  }
  return nlohmann::json::parse(j.dump());
}

nlohmann::json WithoutTimestamps(const Json& status) {
  nlohmann::json c = Canonical(status.is_object() ? status : Json::object());
  c.erase("reconciledAt");
  c.erase("observedAt");
  return c;
}

}  // namespace

bool ReconciledAtDue(const Json& live_status, runtime::WallTime now,
                     const StatusUpdateOptions& options) {
  auto at = runtime::ParseRfc3339(StringAt(live_status, {"reconciledAt"}));
  return !at || now - *at >= options.reconciled_at_max_age;
}

StatusUpdate PlanStatusUpdate(const Json& live_status, const Json& desired_status,
                              runtime::WallTime now, const StatusUpdateOptions& options) {
  if (!live_status.is_object() || live_status.empty()) return {true, "new status"};
  nlohmann::json live = WithoutTimestamps(live_status);
  nlohmann::json desired = WithoutTimestamps(desired_status);
  if (live != desired) {
    std::string changed;
    for (const auto& [k, v] : desired.items()) {
      if (!live.contains(k) || live[k] != v) changed += (changed.empty() ? "" : ", ") + k;
    }
    for (const auto& [k, v] : live.items()) {
      if (!desired.contains(k)) changed += (changed.empty() ? "" : ", ") + k;
    }
    return {true, "changed: " + changed};
  }
  if (ReconciledAtDue(live_status, now, options)) {
    return {true, "reconciledAt older than " +
                      std::to_string(options.reconciled_at_max_age.count()) + "m"};
  }
  return {false, ""};
}

Object StatusApplyObject(const Object& application, const Json& status) {
  return Object(
      Json{{"apiVersion", application.ApiVersion()},
           {"kind", application.Kind()},
           {"metadata", {{"name", application.Name()}, {"namespace", application.Namespace()}}},
           {"status", status}});
}

}  // namespace cellgate::fleet

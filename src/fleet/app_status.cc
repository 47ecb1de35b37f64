#include "fleet/app_status.h"

#include <algorithm>
#include <set>
#include <tuple>

namespace cellgate::fleet {
namespace {

void SetIfNotEmpty(Json& j, const char* key, std::string_view value) {
  if (!value.empty()) j[key] = std::string(value);
}

Json InitiatorJson(const OperationInitiator& by) {
  Json j = Json::object();
  SetIfNotEmpty(j, "username", by.username);
  if (by.automated) j["automated"] = true;
  return j;
}

Json ResultJson(const ResourceSyncResult& r) {
  // Go marshals these five without omitempty: always present, empty or not.
  Json j = {{"group", r.group},
            {"version", r.version},
            {"kind", r.kind},
            {"namespace", r.ns},
            {"name", r.name}};
  SetIfNotEmpty(j, "status", r.status);
  SetIfNotEmpty(j, "message", r.message);
  SetIfNotEmpty(j, "hookType", r.hook_type);
  SetIfNotEmpty(j, "hookPhase", r.hook_phase);
  SetIfNotEmpty(j, "syncPhase", r.sync_phase);
  return j;
}

Json ObjectOrEmpty(const Json& j) { return j.is_object() ? j : Json::object(); }

}  // namespace

Json SyncStatusJson(std::string_view status, std::string_view revision, const Json& source,
                    const Json& destination) {
  Json j = {{"status", std::string(status)},
            {"comparedTo",
             {{"source", ObjectOrEmpty(source)}, {"destination", ObjectOrEmpty(destination)}}}};
  SetIfNotEmpty(j, "revision", revision);
  return j;
}

Json HealthStatusJson(std::string_view status, std::string_view message) {
  Json j = Json::object();
  SetIfNotEmpty(j, "status", status);
  SetIfNotEmpty(j, "message", message);
  return j;
}

Json ResourcesJson(std::vector<ResourceState> resources) {
  std::sort(resources.begin(), resources.end(), [](const auto& a, const auto& b) {
    return std::tie(a.group, a.kind, a.ns, a.name) < std::tie(b.group, b.kind, b.ns, b.name);
  });
  Json out = Json::array();
  for (const auto& r : resources) {
    Json j = Json::object();
    SetIfNotEmpty(j, "group", r.group);
    SetIfNotEmpty(j, "version", r.version);
    SetIfNotEmpty(j, "kind", r.kind);
    SetIfNotEmpty(j, "namespace", r.ns);
    SetIfNotEmpty(j, "name", r.name);
    SetIfNotEmpty(j, "status", r.sync_status);
    if (!r.health_status.empty()) j["health"] = HealthStatusJson(r.health_status, r.health_message);
    if (r.hook) j["hook"] = true;
    if (r.requires_pruning) j["requiresPruning"] = true;
    if (r.sync_wave != 0) j["syncWave"] = r.sync_wave;
    out.push_back(std::move(j));
  }
  return out;
}

Json OperationStateJson(const OperationStateInput& op) {
  Json j = {{"operation", ObjectOrEmpty(op.operation)}, {"phase", op.phase}};
  SetIfNotEmpty(j, "message", op.message);
  if (op.has_sync_result) {
    Json resources = Json::array();
    for (const auto& r : op.resources) resources.push_back(ResultJson(r));
    Json result = {{"revision", op.revision}, {"source", ObjectOrEmpty(op.source)}};
    if (!resources.empty()) result["resources"] = std::move(resources);
    j["syncResult"] = std::move(result);
  }
  j["startedAt"] = runtime::Rfc3339(op.started_at);
  if (op.finished_at) j["finishedAt"] = runtime::Rfc3339(*op.finished_at);
  if (op.retry_count != 0) j["retryCount"] = op.retry_count;
  return j;
}

Json AppendHistory(const Json& history, const HistoryEntryInput& entry, int limit) {
  Json out = history.is_array() ? history : Json::array();
  std::int64_t next_id = 0;
  if (!out.empty() && out.back().is_object()) {
    auto id = out.back().find("id");
    if (id != out.back().end() && id->is_number_integer()) next_id = id->get<std::int64_t>() + 1;
  }
  Json j = Json::object();
  SetIfNotEmpty(j, "revision", entry.revision);
  j["deployedAt"] = runtime::Rfc3339(entry.deployed_at);
  j["id"] = next_id;
  j["source"] = ObjectOrEmpty(entry.source);
  if (entry.deploy_started_at) j["deployStartedAt"] = runtime::Rfc3339(*entry.deploy_started_at);
  Json by = InitiatorJson(entry.initiated_by);
  if (!by.empty()) j["initiatedBy"] = std::move(by);
  out.push_back(std::move(j));
  const auto keep = static_cast<std::size_t>(std::max(limit, 0));
  if (out.size() > keep) {
    out.erase(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(out.size() - keep));
  }
  return out;
}

Json MergeConditions(const Json& previous, const std::vector<ConditionInput>& conditions,
                     const std::vector<std::string>& evaluated_types, runtime::WallTime now) {
  const std::set<std::string, std::less<>> evaluated(evaluated_types.begin(),
                                                     evaluated_types.end());
  const std::string stamp = runtime::Rfc3339(now);
  std::vector<Json> out;
  const Json old = previous.is_array() ? previous : Json::array();
  for (const auto& c : old) {
    if (!c.is_object() || evaluated.contains(StringAt(c, {"type"}))) continue;
    Json kept = c;
    if (!kept.contains("lastTransitionTime")) kept["lastTransitionTime"] = stamp;
    out.push_back(std::move(kept));
  }
  for (const auto& c : conditions) {
    const Json* same = nullptr;
    for (const auto& o : old) {
      if (o.is_object() && StringAt(o, {"type"}) == c.type) {
        if (StringAt(o, {"message"}) == c.message) same = &o;
        break;  // Argo CD compares with the first condition of the type only
      }
    }
    if (same != nullptr && same->contains("lastTransitionTime")) {
      out.push_back(*same);
    } else {
      out.push_back({{"type", c.type}, {"message", c.message}, {"lastTransitionTime", stamp}});
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const Json& a, const Json& b) {
    return std::make_tuple(StringAt(a, {"type"}), StringAt(a, {"message"}),
                           StringAt(a, {"lastTransitionTime"})) <
           std::make_tuple(StringAt(b, {"type"}), StringAt(b, {"message"}),
                           StringAt(b, {"lastTransitionTime"}));
  });
  Json arr = Json::array();
  for (auto& c : out) arr.push_back(std::move(c));
  return arr;
}

Json BuildStatus(const Json& previous, const StatusInput& input, runtime::WallTime now) {
  const Json prev = previous.is_object() ? previous : Json::object();
  auto prev_field = [&](const char* key) {
    auto it = prev.find(key);
    return it == prev.end() ? Json() : *it;
  };
  Json s = Json::object();
  Json resources = ResourcesJson(input.resources);
  if (!resources.empty()) s["resources"] = std::move(resources);
  s["sync"] = SyncStatusJson(input.sync_status, input.revision, input.compared_source,
                             input.compared_destination);
  s["health"] = HealthStatusJson(input.health_status, input.health_message);
  Json history = prev_field("history");
  if (input.new_history) {
    history = AppendHistory(history, *input.new_history, input.revision_history_limit);
  }
  if (history.is_array() && !history.empty()) s["history"] = std::move(history);
  Json conditions = MergeConditions(prev_field("conditions"), input.conditions,
                                    input.evaluated_condition_types, now);
  if (!conditions.empty()) s["conditions"] = std::move(conditions);
  s["reconciledAt"] = runtime::Rfc3339(now);
  if (input.operation_state) {
    s["operationState"] = OperationStateJson(*input.operation_state);
  } else if (Json op = prev_field("operationState"); op.is_object()) {
    s["operationState"] = std::move(op);
  }
  SetIfNotEmpty(s, "sourceType", input.source_type);
  std::set<std::string> images(input.images.begin(), input.images.end());
  Json summary = Json::object();
  if (!images.empty())
    summary["images"] = Json(std::vector<std::string>(images.begin(), images.end()));
  s["summary"] = std::move(summary);
  return s;
}

}  // namespace cellgate::fleet

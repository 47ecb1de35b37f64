#include "cli/app_view.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <tuple>

#include "cli/text_table.h"
#include "runtime/time_format.h"

namespace cellgate::cli {
namespace {

const Json& At(const Json& j, std::initializer_list<std::string_view> path) {
  static const Json kNull;
  const Json* cur = &j;
  for (std::string_view key : path) {
    if (!cur->is_object()) return kNull;
    auto it = cur->find(std::string(key));
    if (it == cur->end()) return kNull;
    cur = &*it;
  }
  return *cur;
}

std::string QualifiedName(const Json& app) {
  std::string ns = StringAt(app, {"metadata", "namespace"});
  std::string name = StringAt(app, {"metadata", "name"});
  return ns.empty() ? name : ns + "/" + name;
}

// spec.source, or the first of spec.sources.
const Json& Source(const Json& app) {
  const Json& single = At(app, {"spec", "source"});
  if (single.is_object()) return single;
  const Json& many = At(app, {"spec", "sources"});
  if (many.is_array() && !many.empty() && many.front().is_object()) return many.front();
  static const Json kEmpty = Json::object();
  return kEmpty;
}

std::string Server(const Json& app) {
  std::string server = StringAt(app, {"spec", "destination", "server"});
  return server.empty() ? StringAt(app, {"spec", "destination", "name"}) : server;
}

std::string Project(const Json& app) {
  std::string project = StringAt(app, {"spec", "project"});
  return project.empty() ? "default" : project;
}

bool Automated(const Json& app, bool& prune) {
  const Json& automated = At(app, {"spec", "syncPolicy", "automated"});
  prune = false;
  if (!automated.is_object()) return false;
  const Json& enabled = At(automated, {"enabled"});
  if (enabled.is_boolean() && !enabled.get<bool>()) return false;
  const Json& p = At(automated, {"prune"});
  prune = p.is_boolean() && p.get<bool>();
  return true;
}

bool LooksLikeCommit(const std::string& revision) {
  if (revision.size() < 7 || revision.size() > 40) return false;
  return std::all_of(revision.begin(), revision.end(),
                     [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
}

std::string GoDuration(long long seconds) {
  if (seconds < 0) seconds = 0;
  std::string out;
  if (seconds >= 3600) out += std::to_string(seconds / 3600) + "h";
  if (seconds >= 60) out += std::to_string((seconds % 3600) / 60) + "m";
  out += std::to_string(seconds % 60) + "s";
  return out;
}

void AppendSource(std::string& out, const Json& source) {
  out += FieldLine("- Repo:", StringAt(source, {"repoURL"}));
  out += FieldLine("  Target:", StringAt(source, {"targetRevision"}));
  if (std::string path = StringAt(source, {"path"}); !path.empty()) {
    out += FieldLine("  Path:", path);
  }
  if (std::string chart = StringAt(source, {"chart"}); !chart.empty()) {
    out += FieldLine("  Chart:", chart);
  }
  const Json& values = At(source, {"helm", "valueFiles"});
  if (values.is_array() && !values.empty()) {
    std::string joined;
    for (const auto& v : values) {
      if (!v.is_string()) continue;
      if (!joined.empty()) joined += ',';
      joined += v.get<std::string>();
    }
    out += FieldLine("  Helm Values:", joined);
  }
}

std::string SyncStatusLine(const Json& app) {
  std::string status = StringAt(app, {"status", "sync", "status"});
  std::string target = StringAt(Source(app), {"targetRevision"});
  std::string shown_target = target.empty() ? "HEAD" : target;
  std::string line = status.empty() ? "Unknown" : status;
  if (status == "Synced") line += " to " + shown_target;
  if (status == "OutOfSync") line += " from " + shown_target;
  std::string revision = StringAt(app, {"status", "sync", "revision"});
  if (!LooksLikeCommit(target) && revision.size() > 7) line += " (" + revision.substr(0, 7) + ")";
  return line;
}

void AppendOperation(std::string& out, const Json& op, std::chrono::system_clock::time_point now) {
  if (At(op, {"syncResult"}).is_object() || At(op, {"operation", "sync"}).is_object()) {
    out += FieldLine("Operation:", "Sync");
  }
  if (const Json& result = At(op, {"syncResult"}); result.is_object()) {
    out += FieldLine("Sync Revision:", StringAt(result, {"revision"}));
  }
  out += FieldLine("Phase:", StringAt(op, {"phase"}));
  std::string started = StringAt(op, {"startedAt"});
  std::string finished = StringAt(op, {"finishedAt"});
  out += FieldLine("Start:", started);
  out += FieldLine("Finished:", finished);
  auto start = runtime::ParseRfc3339(started);
  auto end = finished.empty() ? std::optional(now) : runtime::ParseRfc3339(finished);
  if (start && end) {
    out += FieldLine(
        "Duration:",
        GoDuration(std::chrono::duration_cast<std::chrono::seconds>(*end - *start).count()));
  }
  if (std::string message = StringAt(op, {"message"}); !message.empty()) {
    out += FieldLine("Message:", message);
  }
  if (const Json& retries = At(op, {"retryCount"}); retries.is_number_integer()) {
    out += FieldLine("Retries:", std::to_string(retries.get<long long>()));
  }
}

struct ResourceRow {
  std::string status, health, hook, message;
};

using ResourceKey = std::tuple<std::string, std::string, std::string, std::string>;

ResourceKey KeyOf(const Json& r) {
  return {StringAt(r, {"group"}), StringAt(r, {"kind"}), StringAt(r, {"namespace"}),
          StringAt(r, {"name"})};
}

std::map<ResourceKey, ResourceRow> ResourceRows(const Json& app) {
  std::map<ResourceKey, ResourceRow> rows;
  const Json& resources = At(app, {"status", "resources"});
  if (resources.is_array()) {
    for (const auto& r : resources) {
      if (!r.is_object()) continue;
      ResourceRow row{.status = StringAt(r, {"status"}),
                      .health = StringAt(r, {"health", "status"}),
                      .message = StringAt(r, {"health", "message"})};
      if (const Json& prune = At(r, {"requiresPruning"}); prune.is_boolean() && prune.get<bool>()) {
        row.message = "ignored (requires pruning)";
      }
      rows[KeyOf(r)] = std::move(row);
    }
  }
  const Json& results = At(app, {"status", "operationState", "syncResult", "resources"});
  if (results.is_array()) {
    for (const auto& r : results) {
      if (!r.is_object()) continue;
      auto it = rows.find(KeyOf(r));
      if (it != rows.end()) {
        if (std::string m = StringAt(r, {"message"}); !m.empty()) it->second.message = m;
        continue;
      }
      // Hooks and pruned objects are not in status.resources.
      ResourceRow row{.status = StringAt(r, {"status"}),
                      .health = StringAt(r, {"hookPhase"}),
                      .hook = StringAt(r, {"hookType"}),
                      .message = StringAt(r, {"message"})};
      rows[KeyOf(r)] = std::move(row);
    }
  }
  return rows;
}

}  // namespace

std::string SyncPolicySummary(const Json& app) {
  bool prune = false;
  if (!Automated(app, prune)) return "Manual";
  return prune ? "Auto-Prune" : "Auto";
}

std::string ConditionsSummary(const Json& app) {
  std::map<std::string, int> counts;
  const Json& conditions = At(app, {"status", "conditions"});
  if (conditions.is_array()) {
    for (const auto& c : conditions) {
      if (c.is_object()) ++counts[StringAt(c, {"type"})];
    }
  }
  if (counts.empty()) return "<none>";
  std::string out;
  for (const auto& [type, n] : counts) {
    if (!out.empty()) out += ',';
    out += type;
    if (n > 1) out += "(" + std::to_string(n) + ")";
  }
  return out;
}

std::string FormatAppList(const std::vector<Json>& apps, const AppListOptions& options) {
  std::vector<TableRow> rows;
  TableRow header = {"NAME",   "CLUSTER", "NAMESPACE",  "PROJECT",
                     "STATUS", "HEALTH",  "SYNCPOLICY", "CONDITIONS"};
  if (options.wide) header.insert(header.end(), {"REPO", "PATH", "TARGET"});
  rows.push_back(std::move(header));
  for (const auto& app : apps) {
    TableRow row = {QualifiedName(app),
                    Server(app),
                    StringAt(app, {"spec", "destination", "namespace"}),
                    Project(app),
                    StringAt(app, {"status", "sync", "status"}),
                    StringAt(app, {"status", "health", "status"}),
                    SyncPolicySummary(app),
                    ConditionsSummary(app)};
    if (options.wide) {
      const Json& source = Source(app);
      row.insert(row.end(), {StringAt(source, {"repoURL"}), StringAt(source, {"path"}),
                             StringAt(source, {"targetRevision"})});
    }
    rows.push_back(std::move(row));
  }
  return FormatTable(rows);
}

std::string FormatAppNames(const std::vector<Json>& apps) {
  std::string out;
  for (const auto& app : apps) out += QualifiedName(app) + "\n";
  return out;
}

std::string FormatAppDetails(const Json& app, std::chrono::system_clock::time_point now) {
  std::string out;
  out += FieldLine("Name:", QualifiedName(app));
  out += FieldLine("Project:", Project(app));
  out += FieldLine("Server:", Server(app));
  out += FieldLine("Namespace:", StringAt(app, {"spec", "destination", "namespace"}));
  const Json& sources = At(app, {"spec", "sources"});
  if (!At(app, {"spec", "source"}).is_object() && sources.is_array() && sources.size() > 1) {
    out += "Sources:\n";
    for (const auto& s : sources) AppendSource(out, s);
  } else {
    out += "Source:\n";
    AppendSource(out, Source(app));
  }
  bool prune = false;
  std::string policy =
      Automated(app, prune) ? (prune ? "Automated (Prune)" : "Automated") : std::string("Manual");
  out += FieldLine("Sync Policy:", policy);
  out += FieldLine("Sync Status:", SyncStatusLine(app));
  std::string health = StringAt(app, {"status", "health", "status"});
  if (health.empty()) health = "Unknown";
  if (std::string m = StringAt(app, {"status", "health", "message"}); !m.empty()) {
    health += " (" + m + ")";
  }
  out += FieldLine("Health Status:", health);
  if (const Json& pending = At(app, {"operation"}); pending.is_object()) {
    std::string by = StringAt(pending, {"initiatedBy", "username"});
    const Json& automated = At(pending, {"initiatedBy", "automated"});
    if (by.empty() && automated.is_boolean() && automated.get<bool>()) by = "automated sync";
    out += FieldLine("Pending Operation:", "Sync" + (by.empty() ? "" : " (by " + by + ")"));
  }

  const Json& conditions = At(app, {"status", "conditions"});
  if (conditions.is_array() && !conditions.empty()) {
    std::vector<TableRow> rows = {{"CONDITION", "MESSAGE", "LAST TRANSITION"}};
    for (const auto& c : conditions) {
      rows.push_back(
          {StringAt(c, {"type"}), StringAt(c, {"message"}), StringAt(c, {"lastTransitionTime"})});
    }
    out += "\n" + FormatTable(rows);
  }

  if (const Json& op = At(app, {"status", "operationState"}); op.is_object()) {
    out += "\n";
    AppendOperation(out, op, now);
  }

  auto resources = ResourceRows(app);
  if (!resources.empty()) {
    std::vector<TableRow> rows = {
        {"GROUP", "KIND", "NAMESPACE", "NAME", "STATUS", "HEALTH", "HOOK", "MESSAGE"}};
    for (const auto& [key, r] : resources) {
      const auto& [group, kind, ns, name] = key;
      rows.push_back({group, kind, ns, name, r.status, r.health, r.hook, r.message});
    }
    out += "\n" + FormatTable(rows);
  }
  return out;
}

Json AppForOutput(const Json& app) {
  Json out = app;
  EraseManagedFields(out);
  return out;
}

}  // namespace cellgate::cli

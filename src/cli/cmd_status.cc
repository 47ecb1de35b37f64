// `cellgate status`: sync and health of every object of the file's Applications in one cell,
// and of each Application as a whole.
//
//   cellgate status -f app.yaml --context CTX [--kubeconfig K] [--revision R] [--repo R]
//                   [-o table|json]
//
// Table output (default): a line per Application ("core-backend  Synced  Healthy") and a row
// per object. JSON output: per Application {name, sync, health, resources}, resources in
// Argo CD's status.resources[] shape. Exit code: 0 when every Application is Synced and
// Healthy, 1 when one is not, 2 on an error.
#include <iomanip>
#include <memory>
#include <ostream>

#include "cli/app.h"
#include "cli/cell_apps.h"
#include "engine/app_sync.h"

namespace cellgate::cli {
namespace {

struct StatusFlags {
  CellAppFlags app;
  std::string output = "table";
};

std::string Column(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s + " ";
}

void PrintTable(std::ostream& out, const sync::AppSyncSpec& spec, const std::string& cell,
                const engine::AppComparison& c) {
  out << "Application " << spec.name << " in " << cell << ": " << sync::SyncStatusName(c.sync)
      << ", " << sync::HealthStatusName(c.health.status);
  if (!c.health.message.empty()) out << " (" << c.health.message << ")";
  out << "\n";
  std::size_t kind_w = 4, ns_w = 9, name_w = 4;
  for (const auto& r : c.resources) {
    std::string kind = r.key.group.empty() ? r.key.kind : r.key.group + "/" + r.key.kind;
    kind_w = std::max(kind_w, kind.size());
    ns_w = std::max(ns_w, r.key.ns.size());
    name_w = std::max(name_w, r.key.name.size());
  }
  out << "  " << Column("KIND", kind_w) << Column("NAMESPACE", ns_w) << Column("NAME", name_w)
      << Column("STATUS", 10) << Column("HEALTH", 11) << "MESSAGE\n";
  for (const auto& r : c.resources) {
    std::string kind = r.key.group.empty() ? r.key.kind : r.key.group + "/" + r.key.kind;
    std::string health = r.health ? std::string(sync::HealthStatusName(r.health->status)) : "";
    std::string message = r.requires_pruning() ? "requires pruning"
                          : r.health           ? r.health->message
                                               : "";
    out << "  " << Column(kind, kind_w) << Column(r.key.ns, ns_w) << Column(r.key.name, name_w)
        << Column(std::string(sync::SyncStatusName(r.status())), 10) << Column(health, 11)
        << message << "\n";
  }
}

int RunStatus(const StatusFlags& flags, Streams io) {
  auto apps = LoadCellApps(flags.app, io.err);
  if (!apps) {
    io.err << "cellgate: " << apps.error().message() << "\n";
    return 2;
  }
  auto cell = CellTarget::Open(flags.app);
  if (!cell) {
    io.err << "cellgate: " << cell.error().message() << "\n";
    return 2;
  }
  engine::CellAccess access = (*cell)->Access();
  bool errors = false, all_good = true;
  Json json = Json::array();
  for (auto& app : *apps) {
    if (!app) {
      io.err << "cellgate: " << app.error().message() << "\n";
      errors = true;
      continue;
    }
    auto observed = engine::ObserveApp(access, app->spec, app->rendered.objects,
                                       {.all_kinds = true, .parallelism = 8});
    if (!observed) {
      io.err << "cellgate: " << observed.error().message() << "\n";
      errors = true;
      continue;
    }
    const engine::AppComparison& c = observed->comparison;
    all_good = all_good && c.sync == sync::SyncStatus::kSynced &&
               c.health.status == sync::HealthStatus::kHealthy;
    if (flags.output == "json") {
      Json entry = {{"name", app->spec.name},
                    {"cell", (*cell)->name()},
                    {"revision", app->rendered.revision},
                    {"sync", sync::SyncStatusName(c.sync)},
                    {"health", {{"status", sync::HealthStatusName(c.health.status)}}},
                    {"resources", engine::ResourceStatusesJson(c)}};
      if (!c.health.message.empty()) entry["health"]["message"] = c.health.message;
      json.push_back(std::move(entry));
    } else {
      PrintTable(io.out, app->spec, (*cell)->name(), c);
    }
  }
  if (flags.output == "json") io.out << json.dump(2) << "\n";
  if (errors) return 2;
  return all_good ? 0 : 1;
}

}  // namespace

void RegisterStatusCommand(CLI::App& app, Streams io, RunState& state) {
  auto flags = std::make_shared<StatusFlags>();
  auto* cmd = app.add_subcommand(
      "status",
      "Sync and health of each object of the Applications in a cell (exit 0: all "
      "Synced and Healthy, 1: not, 2: error)");
  AddCellAppOptions(cmd, flags->app);
  cmd->add_option("-o,--output", flags->output, "table or json")
      ->check(CLI::IsMember({"table", "json"}));
  cmd->callback([flags, io, &state] { state.exit_code = RunStatus(*flags, io); });
}

}  // namespace cellgate::cli

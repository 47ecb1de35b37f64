// `cellgate diff`: what a sync would change in one cell, like `kubectl diff`.
//
//   cellgate diff -f app.yaml --context CTX [--kubeconfig K] [--revision R] [--repo R]
//
// For every Application in the file: render, read the app's live objects in the cell, and
// compare them (server-side dry run, see sync/compare.h). Prints one unified diff per object
// that is OutOfSync, Missing (would be created) or Extraneous (tracked by the app, no longer
// rendered: a prune would delete it), Secret values masked. Exit code: 0 no differences, 1
// differences, 2 an error (an Application that could not be rendered or compared, a cell
// that cannot be reached); errors win over differences.
#include <memory>
#include <ostream>

#include "cli/app.h"
#include "cli/cell_apps.h"
#include "engine/app_sync.h"

namespace cellgate::cli {
namespace {

int RunDiff(const CellAppFlags& flags, Streams io) {
  auto apps = LoadCellApps(flags, io.err);
  if (!apps) {
    io.err << "cellgate: " << apps.error().message() << "\n";
    return 2;
  }
  auto cell = CellTarget::Open(flags);
  if (!cell) {
    io.err << "cellgate: " << cell.error().message() << "\n";
    return 2;
  }
  engine::CellAccess access = (*cell)->Access();
  bool errors = false, differences = false;
  for (auto& app : *apps) {
    if (!app) {
      io.err << "cellgate: " << app.error().message() << "\n";
      errors = true;
      continue;
    }
    for (const auto& note : app->rendered.notes) {
      io.err << "note: " << app->spec.name << ": " << note << "\n";
    }
    auto observed = engine::ObserveApp(access, app->spec, app->rendered.objects,
                                       {.all_kinds = true, .parallelism = 8});
    if (!observed) {
      io.err << "cellgate: " << observed.error().message() << "\n";
      errors = true;
      continue;
    }
    for (const auto& w : observed->comparison.warnings) {
      io.err << "note: " << app->spec.name << ": " << w << "\n";
    }
    for (const auto& r : observed->comparison.resources) {
      if (r.status() == sync::SyncStatus::kSynced) continue;
      differences = true;
      io.out << "diff " << r.key.ToString() << " (" << sync::SyncStatusName(r.status())
             << ", Application " << app->spec.name << ")\n";
      if (!r.message.empty()) io.out << "# " << r.message << "\n";
      io.out << r.diff.text;
      if (!r.diff.text.empty() && r.diff.text.back() != '\n') io.out << "\n";
    }
  }
  if (errors) return 2;
  return differences ? 1 : 0;
}

}  // namespace

void RegisterDiffCommand(CLI::App& app, Streams io, RunState& state) {
  auto flags = std::make_shared<CellAppFlags>();
  auto* cmd = app.add_subcommand(
      "diff", "Show what a sync would change in a cell (exit 0: none, 1: differences, 2: error)");
  AddCellAppOptions(cmd, *flags);
  cmd->callback([flags, io, &state] { state.exit_code = RunDiff(*flags, io); });
}

}  // namespace cellgate::cli

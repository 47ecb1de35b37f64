// `cellgate app diff NAME`: desired vs live for an Application of the hub in its destination
// cell, as `argocd app diff` shows it.
//
//   cellgate app diff NAME [--kubeconfig K] [--context C] [-n NS] [-N APPNS] [--revision R]
//                          [--work-dir D]
//
// The Application is read from the hub; its source is rendered at its targetRevision (or
// --revision) from its repoURL (a git mirror in --work-dir, as `cellgate diff` does); the
// destination cell is resolved from the hub's cluster Secrets in the controller namespace NS
// (controller_namespace.h; destination_cell.h), which is also the one namespace whose
// Applications track objects by their plain name; the rendered objects are compared with the
// cell by server-side dry run (sync/compare.h), honouring the app's ignoreDifferences. The kinds of
// status.resources are searched too, so objects the app deployed and no longer renders show as
// extraneous. Every object that differs is printed as
//   ===== apps/Deployment default/api (OutOfSync) ======
// followed by a unified diff, Secret values masked. Exit code: 0 equal, 1 different, 2 an
// error (no such app, the cell cannot be resolved or reached, the source cannot be rendered).
#include <memory>
#include <ostream>
#include <set>

#include "cli/app.h"
#include "cli/app_commands.h"
#include "cli/app_source.h"
#include "cli/destination_cell.h"
#include "engine/app_sync.h"
#include "render/renderer.h"
#include "sync/app_spec.h"

namespace cellgate::cli {
namespace {

struct DiffFlags {
  AppFlags app;
  std::string name;
  SourceFlags source;
};

std::vector<engine::GroupKind> StatusInventory(const Json& app) {
  std::vector<engine::GroupKind> out;
  std::set<engine::GroupKind> seen;
  auto status = app.find("status");
  if (status == app.end() || !status->is_object()) return out;
  auto resources = status->find("resources");
  if (resources == status->end() || !resources->is_array()) return out;
  for (const auto& r : *resources) {
    if (!r.is_object()) continue;
    engine::GroupKind gk{StringAt(r, {"group"}), StringAt(r, {"kind"})};
    if (!gk.kind.empty() && seen.insert(gk).second) out.push_back(std::move(gk));
  }
  return out;
}

int RunDiff(const DiffFlags& flags, Streams io) {
  auto fail = [&](const Error& e) {
    io.err << "cellgate: " << e.message() << "\n";
    return 2;
  };
  auto hub = Hub::Open(flags.app.hub);
  if (!hub) return fail(hub.error());
  const std::string& controller_namespace = (*hub)->controller_namespace();
  auto object = FindApplication((*hub)->client().reader(), flags.name,
                                AppNamespaces(flags.app.app_ns, controller_namespace));
  if (!object) return fail(object.error().Wrap("hub " + (*hub)->config().Describe()));
  const Json& manifest = object->body();
  const std::string qualified = object->Namespace() + "/" + object->Name();
  auto app = render::ParseApplication(manifest);
  if (!app) return fail(app.error().Wrap("application " + qualified));
  // As the controller names objects: plain in the controller namespace, else <ns>_<name>.
  auto spec = sync::ParseAppSyncSpec(manifest, controller_namespace);
  if (!spec) return fail(spec.error().Wrap("application " + qualified));

  auto cell = DestinationCell::Resolve((*hub)->client().watcher(), (*hub)->config(),
                                       controller_namespace, app->destination);
  if (!cell) return fail(cell.error().Wrap("application " + qualified));

  AppSources sources(flags.source, io.err);
  render::Renderer renderer(CliRendererOptions(flags.source));
  auto rendered = RenderApplication(*app, sources, renderer);
  if (!rendered) return fail(rendered.error());
  for (const auto& note : rendered->notes) io.err << "note: " << qualified << ": " << note << "\n";

  engine::CellAccess access = (*cell)->Access();
  auto observed = engine::ObserveApp(access, *spec, rendered->objects,
                                     {.inventory = StatusInventory(manifest), .parallelism = 8});
  if (!observed) return fail(observed.error().Wrap("application " + qualified));
  for (const auto& w : observed->comparison.warnings) {
    io.err << "note: " << qualified << ": " << w << "\n";
  }
  bool differences = false;
  for (const auto& r : observed->comparison.resources) {
    if (r.status() == sync::SyncStatus::kSynced) continue;
    differences = true;
    io.out << "===== " << r.key.ToString() << " (" << sync::SyncStatusName(r.status())
           << ") ======\n";
    if (!r.message.empty()) io.out << "# " << r.message << "\n";
    io.out << r.diff.text;
    if (!r.diff.text.empty() && r.diff.text.back() != '\n') io.out << "\n";
  }
  io.err << "application " << qualified << " in cell " << (*cell)->name() << " at "
         << (rendered->revision.size() > 12 ? rendered->revision.substr(0, 12) : rendered->revision)
         << ": " << (differences ? "differs" : "no differences") << "\n";
  return differences ? 1 : 0;
}

}  // namespace

void AddAppDiffCommand(CLI::App& app_cmd, Streams io, RunState& state) {
  auto flags = std::make_shared<DiffFlags>();
  auto* cmd = app_cmd.add_subcommand(
      "diff",
      "Desired (Git) vs live (its cell) for an Application (exit 0: equal, 1: differs, 2: error)");
  cmd->add_option("name", flags->name, "Application name, or <namespace>/<name>")->required();
  AddAppOptions(cmd, flags->app);
  cmd->add_option("--revision", flags->source.revision,
                  "Compare this revision instead of the app's targetRevision");
  cmd->add_option("--tools-dir", flags->source.tools_dir,
                  "Directory holding kustomize and helm (default: PATH)");
  cmd->add_option("--work-dir", flags->source.work_dir,
                  "Where git mirrors live (default $CELLGATE_CACHE/render)");
  cmd->callback([flags, io, &state] { state.exit_code = RunDiff(*flags, io); });
}

}  // namespace cellgate::cli

#include "cli/cell_apps.h"

#include <cctype>
#include <charconv>

#include "core/duration.h"
#include "kube/kubeconfig.h"

namespace cellgate::cli {

void AddCellAppOptions(CLI::App* cmd, CellAppFlags& flags) {
  cmd->add_option("-f,--file", flags.file, "File holding one or more Application manifests")
      ->required();
  cmd->add_option("--context", flags.context,
                  "Kubeconfig context of the cell (replaces each Application's destination)")
      ->required();
  cmd->add_option("--kubeconfig", flags.kubeconfig,
                  "Kubeconfig file (default $KUBECONFIG, else ~/.kube/config)");
  cmd->add_option("--revision", flags.source.revision,
                  "Use this revision instead of each source's targetRevision");
  cmd->add_option("--repo", flags.source.repo,
                  "Use this repository (URL or local directory) instead of the file's repoURL");
  cmd->add_option("--work-dir", flags.source.work_dir,
                  "Where git mirrors and checkouts live (default $CELLGATE_CACHE/render)");
  cmd->add_option("--tools-dir", flags.source.tools_dir,
                  "Directory holding kustomize and helm (default: PATH)");
}

Result<std::unique_ptr<CellTarget>> CellTarget::Open(const CellAppFlags& flags) {
  kube::KubeconfigOptions kubeconfig{.context = flags.context};
  if (!flags.kubeconfig.empty()) kubeconfig.paths = {flags.kubeconfig};
  auto config = kube::LoadKubeconfig(kubeconfig);
  CG_TRY(config);
  // A person is waiting: two retries (0.25 s, 0.5 s) ride out a blip; a cell that is down
  // is reported within a second, as kubectl would, not after the controller's 8 s of retries.
  kube::ClusterClientOptions options_for_cli;
  options_for_cli.transport.retry.max_retries = 2;
  auto client = kube::ClusterClient::Create(*config, options_for_cli);
  CG_TRY_WRAP(client, "context " + flags.context);
  return std::unique_ptr<CellTarget>(new CellTarget(flags.context, std::move(*client)));
}

Result<std::vector<Result<CellApp>>> LoadCellApps(const CellAppFlags& flags, std::ostream& notes) {
  auto loaded = ReadApplications(flags.file);
  CG_TRY(loaded);
  AppSources sources(flags.source, notes);
  for (const auto& l : *loaded) sources.AddOverridden(l.app.source.repo_url);
  render::Renderer renderer(CliRendererOptions(flags.source));
  std::vector<Result<CellApp>> out;
  for (auto& l : *loaded) {
    auto spec = engine::SyncSpecFor(l.app);
    if (!spec) {
      out.push_back(std::unexpected(spec.error().Wrap(flags.file + ":" + std::to_string(l.line))));
      continue;
    }
    auto rendered = RenderApplication(l.app, sources, renderer);
    if (!rendered) {
      out.push_back(std::unexpected(rendered.error()));
      continue;
    }
    out.push_back(CellApp{std::move(l), std::move(*spec), std::move(*rendered)});
  }
  return out;
}

Result<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  auto d = ParseDurationOrSeconds(text);
  if (!d || d->count() < 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "invalid duration '" + std::string(text) + "' (e.g. 90s, 5m, 1h30m)");
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(*d);
}

}  // namespace cellgate::cli

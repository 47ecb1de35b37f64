// `cellgate render`: renders Argo CD Applications offline, without a cluster, and prints the
// objects they produce (YAML documents or a JSON List).
//
//   cellgate render -f app.yaml [--revision R] [-o yaml|json] [--work-dir D] [--repo R]
//                   [--app-of-apps]
//
// Each Application in the file is rendered from its repoURL: http(s), ssh and file:// URLs
// (and local paths given with --revision) go through the git MirrorSource in --work-dir;
// a local directory without --revision is rendered as it is on disk (LocalSnapshot),
// uncommitted changes included. --repo replaces the repoURL of the file's Applications (and
// of child Applications that use the same repoURL). --app-of-apps also renders the
// Applications that the rendered output contains, as Argo CD would once the parent syncs.
// One Application's failure does not stop the others; the exit code is 1 if any failed.
#include <deque>
#include <memory>
#include <ostream>
#include <set>

#include "argo/application.h"
#include "cli/app.h"
#include "cli/app_source.h"
#include "core/yaml.h"
#include "git/url.h"
#include "render/renderer.h"

namespace cellgate::cli {
namespace {

struct RenderFlags {
  std::string file;
  SourceFlags source;
  std::string output = "yaml";
  bool app_of_apps = false;
  std::string kube_version = "1.32.0";
  std::string kustomize;
  std::string helm;
};

struct Rendered {
  std::string app;
  render::RenderResult result;
};

void PrintYaml(std::ostream& out, const std::vector<Rendered>& rendered) {
  for (const auto& r : rendered) {
    for (const auto& obj : r.result.objects()) {
      out << "---\n# Source: " << obj.origin().ToString() << " (Application " << r.app << ")\n"
          << ToYaml(obj.body());
    }
  }
}

void PrintJson(std::ostream& out, const std::vector<Rendered>& rendered) {
  Json list = {{"apiVersion", "v1"}, {"kind", "List"}, {"items", Json::array()}};
  for (const auto& r : rendered) {
    for (const auto& obj : r.result.objects()) list["items"].push_back(obj.body());
  }
  out << list.dump(2) << "\n";
}

int RunRender(const RenderFlags& flags, Streams io) {
  auto loaded = ReadApplications(flags.file);
  if (!loaded) {
    io.err << "cellgate: " << loaded.error().message() << "\n";
    return 1;
  }
  std::vector<argo::Application> apps;
  for (auto& l : *loaded) apps.push_back(std::move(l.app));
  render::RendererOptions options = CliRendererOptions(flags.source);
  options.kustomize_path = flags.kustomize;
  options.helm_path = flags.helm;
  options.kube_version = flags.kube_version;
  render::Renderer renderer(std::move(options));
  AppSources sources(flags.source, io.err);
  for (const auto& app : apps) sources.AddOverridden(app.source.repo_url);

  std::deque<std::pair<argo::Application, int>> queue;
  for (auto& app : apps) queue.emplace_back(std::move(app), 0);
  std::set<std::string> seen;
  std::vector<Rendered> rendered;
  int failures = 0;
  while (!queue.empty()) {
    auto [app, depth] = std::move(queue.front());
    queue.pop_front();
    if (!seen.insert(app.ns + "/" + app.name).second) continue;
    for (const auto& note : app.notes) io.err << "note: " << app.name << ": " << note << "\n";
    std::string url = sources.Effective(app.source.repo_url);
    auto snapshot = sources.Open(url, app.source.target_revision);
    if (!snapshot) {
      io.err << "cellgate: render " << app.name << ": " << git::RedactUrl(url) << ": "
             << snapshot.error().message() << "\n";
      ++failures;
      continue;
    }
    render::RenderRequest req{.repo_url = url,
                              .app_name = app.name,
                              .destination_namespace = app.destination.ns,
                              .source = app.source};
    auto result = renderer.Render(**snapshot, req);
    if (!result) {
      io.err << "cellgate: " << result.error().message() << "\n";
      ++failures;
      continue;
    }
    for (const auto& note : result->notes()) io.err << "note: " << app.name << ": " << note << "\n";
    if (flags.app_of_apps && depth < 10) {
      for (const auto& obj : result->objects()) {
        if (obj.Group() != "argoproj.io" || obj.Kind() != "Application") continue;
        auto child = argo::ParseApplication(obj.body());
        if (!child) {
          io.err << "cellgate: " << obj.origin().ToString() << ": " << child.error().message()
                 << "\n";
          ++failures;
          continue;
        }
        queue.emplace_back(std::move(*child), depth + 1);
      }
    }
    rendered.push_back({app.name, std::move(*result)});
  }
  if (flags.output == "json") {
    PrintJson(io.out, rendered);
  } else {
    PrintYaml(io.out, rendered);
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace

void RegisterRenderCommand(CLI::App& app, Streams io, RunState& state) {
  auto flags = std::make_shared<RenderFlags>();
  auto* cmd = app.add_subcommand(
      "render", "Render Argo CD Applications offline (no cluster) and print their objects");
  cmd->add_option("-f,--file", flags->file, "File holding one or more Application manifests")
      ->required();
  cmd->add_option("--revision", flags->source.revision,
                  "Render this revision instead of each source's targetRevision");
  cmd->add_option("-o,--output", flags->output, "yaml (documents) or json (a List)")
      ->check(CLI::IsMember({"yaml", "json"}));
  cmd->add_option("--tools-dir", flags->source.tools_dir,
                  "Directory holding kustomize and helm (default: PATH)");
  cmd->add_option("--work-dir", flags->source.work_dir,
                  "Where git mirrors and checkouts live (default $CELLGATE_CACHE/render)");
  cmd->add_option("--repo", flags->source.repo,
                  "Use this repository (URL or local directory) instead of the file's repoURL");
  cmd->add_flag("--app-of-apps", flags->app_of_apps,
                "Also render the Applications found in the output (app of apps)");
  cmd->add_option("--kube-version", flags->kube_version, "Kubernetes version passed to helm");
  cmd->add_option("--kustomize", flags->kustomize, "Path of the kustomize binary");
  cmd->add_option("--helm", flags->helm, "Path of the helm binary");
  cmd->callback([flags, io, &state] { state.exit_code = RunRender(*flags, io); });
}

}  // namespace cellgate::cli

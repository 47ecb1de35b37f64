#include "cli/app_source.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/yaml.h"
#include "git/url.h"
#include "render/local_snapshot.h"

namespace cellgate::cli {

namespace fs = std::filesystem;

fs::path DefaultWorkDir() {
  if (const char* c = std::getenv("CELLGATE_CACHE"); c && *c) return fs::path(c) / "render";
  if (const char* h = std::getenv("HOME"); h && *h) return fs::path(h) / ".cache/cellgate/render";
  return fs::temp_directory_path() / "cellgate-render";
}

render::RendererOptions CliRendererOptions(const SourceFlags& flags) {
  return {.tools_dir = flags.tools_dir,
          .writable_dirs = {flags.work_dir.empty() ? DefaultWorkDir() : fs::path(flags.work_dir)},
          .allow_remote_bases = true};
}

void AppSources::AddOverridden(const std::string& repo_url) {
  overridden_.insert(git::NormaliseRepoUrl(repo_url));
}

std::string AppSources::Effective(const std::string& repo_url) const {
  if (!flags_.repo.empty() && overridden_.count(git::NormaliseRepoUrl(repo_url))) {
    return flags_.repo;
  }
  return repo_url;
}

Result<std::shared_ptr<const git::Snapshot>> AppSources::Open(const std::string& url,
                                                              const std::string& target_revision) {
  std::string revision = flags_.revision.empty() ? target_revision : flags_.revision;
  std::string key = url + "\n" + revision;
  if (auto it = opened_.find(key); it != opened_.end()) return it->second;
  std::error_code ec;
  bool local_dir = url.find("://") == std::string::npos && fs::is_directory(url, ec);
  std::shared_ptr<const git::Snapshot> snap;
  if (local_dir && flags_.revision.empty()) {
    auto local = render::LocalSnapshot::Open(url);
    CG_TRY(local);
    notes_ << "note: rendering the files in " << url << " as they are on disk"
           << " (pass --revision to render a commit)\n";
    snap = *local;
  } else {
    if (!mirrors_) {
      fs::path work = flags_.work_dir.empty() ? DefaultWorkDir() : fs::path(flags_.work_dir);
      auto created = git::MirrorSource::Create({.work_dir = work});
      CG_TRY_WRAP(created, "git work directory");
      mirrors_ = std::move(*created);
    }
    std::string repo = local_dir ? fs::absolute(url).string() : url;
    auto commit = mirrors_->Resolve(repo, revision);
    CG_TRY(commit);
    auto opened = mirrors_->Open(repo, *commit);
    CG_TRY(opened);
    snap = *opened;
  }
  opened_[key] = snap;
  return snap;
}

Result<std::vector<LoadedApplication>> ReadApplications(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kNotFound, file + ": cannot open");
  std::stringstream ss;
  ss << in.rdbuf();
  auto docs = ParseYamlDocuments(ss.str(), file);
  CG_TRY(docs);
  std::vector<LoadedApplication> apps;
  for (const auto& doc : *docs) {
    if (doc.value.is_null()) continue;
    auto app = render::ParseApplication(doc.value);
    CG_TRY_WRAP(app, file + ":" + std::to_string(doc.line));
    apps.push_back({std::move(*app), doc.value, doc.line});
  }
  if (apps.empty()) return MakeError(ErrorCode::kInvalidArgument, file + ": no Application");
  return apps;
}

Result<RenderedApp> RenderApplication(const render::Application& app, AppSources& sources,
                                      render::Renderer& renderer) {
  std::string url = sources.Effective(app.source.repo_url);
  auto snapshot = sources.Open(url, app.source.target_revision);
  if (!snapshot) {
    return std::unexpected(
        snapshot.error().Wrap("render " + app.name + ": " + git::RedactUrl(url)));
  }
  render::RenderRequest req{.repo_url = url,
                            .app_name = app.name,
                            .destination_namespace = app.destination.ns,
                            .source = app.source};
  auto result = renderer.Render(**snapshot, req);
  CG_TRY(result);
  RenderedApp out{.objects = result->objects(), .revision = (*snapshot)->commit()};
  out.notes = app.notes;
  for (const auto& n : result->notes()) out.notes.push_back(n);
  return out;
}

}  // namespace cellgate::cli

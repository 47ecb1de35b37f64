// Where an Application's manifests come from, for every command that renders them (render,
// diff, sync, status): reading Application manifests from a file and opening each source's
// repository at a revision.
//
// A repoURL is opened as:
//   - the --repo override, for the file's Applications (and child Applications that use the
//     same repoURL);
//   - a local directory without --revision: its files as they are on disk (LocalSnapshot,
//     uncommitted changes included; commit "worktree");
//   - anything else (http(s), ssh, file:// URLs, local repositories with --revision): a git
//     mirror in the work directory (git::MirrorSource), resolved to a commit.
// Snapshots are cached per (URL, revision) for the life of the AppSources.
//
// Thread-safety: not thread-safe; one AppSources per command invocation.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "argo/application.h"
#include "core/object.h"
#include "core/result.h"
#include "git/mirror_source.h"
#include "git/source.h"
#include "render/renderer.h"

namespace cellgate::cli {

struct SourceFlags {
  std::string revision;   // overrides each source's targetRevision
  std::string work_dir;   // git mirrors and checkouts; "" = DefaultWorkDir()
  std::string repo;       // overrides the file's repoURLs
  std::string tools_dir;  // where kustomize and helm are; "" = PATH
};

// Renderer options for the CLI: tools from tools_dir or PATH (never inside the work
// directory), remote kustomize bases allowed (a person runs the command).
render::RendererOptions CliRendererOptions(const SourceFlags& flags);

// $CELLGATE_CACHE/render, else ~/.cache/cellgate/render, else a temporary directory.
std::filesystem::path DefaultWorkDir();

class AppSources {
 public:
  // Notes ("rendering the files in ... as they are on disk") go to `notes`.
  AppSources(SourceFlags flags, std::ostream& notes) : flags_(std::move(flags)), notes_(notes) {}

  // Marks a repoURL of the file's Applications as replaced by --repo.
  void AddOverridden(const std::string& repo_url);
  // The URL to read for `repo_url`: --repo when it is overridden, else itself.
  std::string Effective(const std::string& repo_url) const;
  Result<std::shared_ptr<const git::Snapshot>> Open(const std::string& url,
                                                    const std::string& target_revision);

 private:
  SourceFlags flags_;
  std::ostream& notes_;
  std::set<std::string> overridden_;
  std::unique_ptr<git::MirrorSource> mirrors_;
  std::map<std::string, std::shared_ptr<const git::Snapshot>> opened_;
};

struct LoadedApplication {
  argo::Application app;
  Json manifest;  // the whole Application document, for what rendering does not read
  int line = 0;   // of the document in its file
};

// Every Application document of a YAML file; kInvalidArgument when there is none.
Result<std::vector<LoadedApplication>> ReadApplications(const std::string& file);

struct RenderedApp {
  std::vector<Object> objects;
  std::string revision;  // the commit rendered ("worktree" for a directory on disk)
  std::vector<std::string> notes;
};

// Opens the app's source through `sources` and renders it with `renderer`. Errors name the
// Application and the (redacted) URL.
Result<RenderedApp> RenderApplication(const argo::Application& app, AppSources& sources,
                                      render::Renderer& renderer);

}  // namespace cellgate::cli

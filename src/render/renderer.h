// Renderer: one Argo CD ApplicationSource at one git Snapshot -> Kubernetes objects.
//
// It decides the source type as Argo CD does (an explicit directory/kustomize/helm block
// wins; otherwise a kustomization file in the app path means Kustomize, a Chart.yaml means
// Helm, anything else is a plain Directory), consults the RenderCache, and on a miss renders
// with directory.h, kustomize.h or helm.h. Objects from every type are checked for
// duplicates (same group/kind/namespace/name; the error names both origins).
//
// Cache keys (render_cache.h) hold the repository URL, the app path, the object ids of the
// trees the render reads, the effective options (after Argo CD's $ARGOCD_APP_* substitution)
// and the tool version, never the commit; renders of the same key that run at once are
// coalesced, so N cells asking for the same app on the same commit run the tool once.
//
// Jsonnet files in a directory app are evaluated in a child process (jsonnet.h); their
// imports may reach any file of the commit, so such an app's key holds the root tree id.
//
// Not supported yet, each refused with a clear kInvalidArgument: Helm repository charts
// (spec.source.chart), config management plugins, kustomize.version (Argo CD's per-app
// kustomize binaries), remote Helm value files.
//
// Thread-safety: Render and RenderAll are thread-safe; one Renderer serves a whole process
// (its ToolRunner is the global bound on concurrent tools, its cache is shared).
#pragma once

#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/mutex.h"
#include "core/result.h"
#include "git/source.h"
#include "render/application.h"
#include "render/directory.h"
#include "render/render_cache.h"
#include "render/tool_runner.h"

namespace cellgate::render {

struct RendererOptions {
  std::filesystem::path kustomize_path;  // "": <tools_dir>/kustomize, else PATH
  std::filesystem::path helm_path;       // "": <tools_dir>/helm, else PATH
  std::filesystem::path tools_dir;       // read-only directory holding kustomize and helm
  // Directories this process writes to (git cache, checkouts): never a tool location.
  std::vector<std::filesystem::path> writable_dirs;
  std::vector<std::string> kustomize_build_options;  // argocd-cm kustomize.buildOptions
  // Remote kustomize bases and helmCharts repositories reach the network at build time;
  // off, they are refused naming the kustomization and the entry (kustomize_deps.h).
  bool allow_remote_bases = false;
  // helm --kube-version when the source sets none (Argo CD uses the destination cluster's).
  std::string kube_version = "1.32.0";
  std::vector<std::string> api_versions;  // helm --api-versions
  // The binary that evaluates jsonnet in a child process (jsonnet_eval.h). "": this process's
  // own binary when its main() serves the subcommand (cellgate does), else jsonnet is refused.
  std::filesystem::path jsonnet_program;
  DirectoryLimits limits;
  ToolRunnerOptions tools;
  RenderCacheOptions cache;
  bool use_cache = true;
};

struct RenderRequest {
  std::string repo_url;  // part of the cache key and of $ARGOCD_APP_SOURCE_REPO_URL
  std::string app_name;  // Helm release name default; $ARGOCD_APP_NAME
  std::string destination_namespace;
  ApplicationSource source;
};

struct RenderResult {
  std::shared_ptr<const CachedRender> render;  // never null on success
  bool cache_hit = false;
  std::string cache_key;

  SourceType type() const { return render->type; }
  const std::vector<Object>& objects() const { return render->objects; }
  const std::vector<std::string>& notes() const { return render->notes; }
};

class Renderer {
 public:
  explicit Renderer(RendererOptions options = {});
  Renderer(const Renderer&) = delete;
  Renderer& operator=(const Renderer&) = delete;

  // Errors carry the app path; git errors (missing path, unreadable blob) pass through with
  // their codes.
  Result<RenderResult> Render(const git::Snapshot& snapshot, const RenderRequest& request);

  // Renders every request at the same snapshot on up to `parallelism` threads (0: hardware
  // threads). One application's error does not stop the others; results are in request order.
  // App paths that share a parent directory get their tree ids from one listing of it, so a
  // fleet of cached apps costs one tree read, not one per app.
  std::vector<Result<RenderResult>> RenderAll(const git::Snapshot& snapshot,
                                              const std::vector<RenderRequest>& requests,
                                              int parallelism = 0);

  ToolRunner& tools() { return tools_; }
  RenderCache& cache() { return cache_; }
  const RendererOptions& options() const { return options_; }

 private:
  using Shared = std::shared_ptr<const CachedRender>;
  struct Plan;

  // `path_oid` is the app path's tree id when the caller already knows it ("" otherwise).
  Result<RenderResult> RenderOne(const git::Snapshot& snapshot, const RenderRequest& request,
                                 const std::string& path_oid);
  Result<Plan> MakePlan(const git::Snapshot& snapshot, const RenderRequest& request,
                        const std::string& path_oid);
  Result<SourceType> DetectType(const git::Snapshot& snapshot, const ApplicationSource& source,
                                const std::string& path, const std::string& path_oid);
  Result<Shared> Execute(const git::Snapshot& snapshot, const Plan& plan);
  bool StillValid(const git::Snapshot& snapshot, const CachedRender& cached) const;
  Result<std::string> ToolVersion(const std::filesystem::path& binary);
  Result<std::filesystem::path> Tool(std::string_view name);
  Result<bool> HasJsonnet(const git::Snapshot& snapshot, const std::string& path,
                          const std::string& path_oid, bool recurse);
  Result<std::vector<std::vector<Object>>> EvaluateJsonnet(const git::Snapshot& snapshot,
                                                           const Plan& plan,
                                                           const std::vector<std::string>& files);

  const RendererOptions options_;
  ToolRunner tools_;
  RenderCache cache_;

  core::Mutex mu_;
  // Renders in progress by cache key (single flight).
  std::unordered_map<std::string, std::shared_future<Result<Shared>>> inflight_;
  // Source type by app tree id: detection depends only on the tree's direct entries.
  std::unordered_map<std::string, SourceType> detected_;
  // Whether an app tree (id, plus "/r" when recursive) holds *.jsonnet files.
  std::unordered_map<std::string, bool> has_jsonnet_;
  std::map<std::string, std::string> versions_;  // tool path -> version
  core::Mutex probe_mu_;  // one version probe at a time (they run once per binary)
  std::map<std::string, std::filesystem::path> tool_paths_;
};

}  // namespace cellgate::render

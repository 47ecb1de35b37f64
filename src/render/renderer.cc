#include "render/renderer.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include "core/digest.h"
#include "core/mutex.h"
#include "git/url.h"
#include "render/envsubst.h"
#include "render/helm.h"
#include "render/jsonnet.h"
#include "render/jsonnet_eval.h"
#include "render/kustomize.h"
#include "render/kustomize_deps.h"
#include "render/manifests.h"
#include "render/paths.h"

namespace cellgate::render {
namespace {

bool HasSuffix(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string Display(const std::string& path) { return path.empty() ? "." : path; }

// Argo CD expands $ARGOCD_APP_* in these fields before running the tools.
ApplicationSource Substitute(ApplicationSource s, const BuildEnv& env) {
  if (s.directory) {
    for (auto& v : s.directory->jsonnet.ext_vars) v.value = Envsubst(v.value, env);
    for (auto& v : s.directory->jsonnet.tlas) v.value = Envsubst(v.value, env);
  }
  if (s.helm) {
    for (auto& p : s.helm->parameters) p.value = Envsubst(p.value, env);
    for (auto& f : s.helm->value_files) f = Envsubst(f, env);
    for (auto& p : s.helm->file_parameters) p.path = Envsubst(p.path, env);
  }
  if (s.kustomize) {
    for (auto& i : s.kustomize->images) i = Envsubst(i, env);
    for (auto& [k, v] : s.kustomize->common_labels) v = Envsubst(v, env);
    if (s.kustomize->common_annotations_envsubst) {
      for (auto& [k, v] : s.kustomize->common_annotations) v = Envsubst(v, env);
    }
  }
  return s;
}

// Appends "name=<object id>" lines for each path.
Status AppendTreeIds(const git::Snapshot& snap, const std::vector<std::string>& paths,
                     std::string* key) {
  for (const auto& p : paths) {
    auto oid = snap.ObjectId(p);
    CG_TRY_WRAP(oid, "object id of " + Display(p));
    *key += Display(p) + "=" + *oid + "\n";
  }
  return Ok();
}

}  // namespace

struct Renderer::Plan {
  SourceType type = SourceType::kDirectory;
  std::string path;
  std::string key;
  RenderRequest request;  // with the effective (substituted) source
  KustomizeDeps kustomize_deps;
  HelmInputs helm_inputs;
  std::filesystem::path binary;
};

Renderer::Renderer(RendererOptions options)
    : options_(std::move(options)), tools_(options_.tools), cache_(options_.cache) {}

Result<SourceType> Renderer::DetectType(const git::Snapshot& snapshot,
                                        const ApplicationSource& source, const std::string& path,
                                        const std::string& path_oid) {
  std::vector<std::string> explicit_types;
  if (source.kustomize) explicit_types.emplace_back("Kustomize");
  if (source.helm) explicit_types.emplace_back("Helm");
  if (source.directory) explicit_types.emplace_back("Directory");
  if (explicit_types.size() > 1) {
    std::string names;
    for (const auto& t : explicit_types) names += (names.empty() ? "" : ",") + t;
    return MakeError(ErrorCode::kInvalidArgument, "multiple application sources defined: " + names);
  }
  if (source.kustomize) return SourceType::kKustomize;
  if (source.helm) return SourceType::kHelm;
  if (source.directory) return SourceType::kDirectory;
  {
    core::MutexLock lock(mu_);
    if (auto it = detected_.find(path_oid); it != detected_.end()) return it->second;
  }
  auto entries = snapshot.List(path, false);
  if (!entries) {
    if (entries.error().code() == ErrorCode::kNotFound) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "app path '" + Display(path) + "' is not a directory");
    }
    return std::unexpected(entries.error().Wrap("list " + Display(path)));
  }
  // Argo CD's discovery walks the files in name order; a later match overrides an earlier
  // one, so a kustomization wins over Chart.yaml ("*Chart.yaml" counts, as in Argo CD).
  std::vector<std::string_view> names;
  for (const auto& e : *entries) {
    if (e.type != git::EntryType::kDirectory) names.push_back(BaseName(e.path));
  }
  std::sort(names.begin(), names.end());
  SourceType type = SourceType::kDirectory;
  for (auto name : names) {
    if (HasSuffix(name, "Chart.yaml")) type = SourceType::kHelm;
    for (const char* k : kKustomizationNames) {
      if (name == k) type = SourceType::kKustomize;
    }
  }
  core::MutexLock lock(mu_);
  if (detected_.size() > 100'000) detected_.clear();
  detected_[path_oid] = type;
  return type;
}

Result<std::filesystem::path> Renderer::Tool(std::string_view name) {
  {
    core::MutexLock lock(mu_);
    if (auto it = tool_paths_.find(std::string(name)); it != tool_paths_.end()) return it->second;
  }
  auto path = FindTool(
      name, {.explicit_path = name == "helm" ? options_.helm_path : options_.kustomize_path,
             .tools_dir = options_.tools_dir,
             .writable_dirs = options_.writable_dirs});
  if (!path) return path;
  core::MutexLock lock(mu_);
  tool_paths_[std::string(name)] = *path;
  return path;
}

Result<std::string> Renderer::ToolVersion(const std::filesystem::path& binary) {
  core::MutexLock probe(probe_mu_);
  {
    core::MutexLock lock(mu_);
    if (auto it = versions_.find(binary.string()); it != versions_.end()) return it->second;
  }
  std::vector<std::string> args = {"version"};
  if (binary.filename() == "helm") args.emplace_back("--short");
  auto out = tools_.Run({.program = binary, .args = args});
  CG_TRY_WRAP(out, "tool version");
  std::string v = out->out;
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.pop_back();
  core::MutexLock lock(mu_);
  versions_[binary.string()] = v;
  return v;
}

Result<Renderer::Plan> Renderer::MakePlan(const git::Snapshot& snapshot,
                                          const RenderRequest& request,
                                          const std::string& path_oid) {
  const ApplicationSource& src = request.source;
  if (!src.chart.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "Helm repository charts (spec.source.chart '" + src.chart +
                         "') are not supported yet; put the chart in Git and set path");
  }
  if (src.has_plugin) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "config management plugins (spec.source.plugin) are not supported");
  }
  Plan plan;
  auto path = NormalizeRepoPath(src.path);
  CG_TRY_WRAP(path, "spec.source.path");
  plan.path = *path;
  auto oid = path_oid.empty() ? snapshot.ObjectId(plan.path) : Result<std::string>(path_oid);
  if (!oid) {
    if (oid.error().code() == ErrorCode::kNotFound) {
      return MakeError(ErrorCode::kNotFound, "app path '" + Display(plan.path) +
                                                 "' does not exist at commit " + snapshot.commit());
    }
    return std::unexpected(oid.error().Wrap("app path '" + Display(plan.path) + "'"));
  }
  auto type = DetectType(snapshot, src, plan.path, *oid);
  CG_TRY(type);
  plan.type = *type;

  BuildEnv env = MakeBuildEnv({.app_name = request.app_name,
                               .app_namespace = request.destination_namespace,
                               .revision = snapshot.commit(),
                               .repo_url = request.repo_url,
                               .source_path = src.path,
                               .target_revision = src.target_revision});
  plan.request = request;
  plan.request.source = Substitute(src, env);
  const ApplicationSource& eff = plan.request.source;

  std::string& key = plan.key;
  key = std::string(SourceTypeName(plan.type)) + "\n" + git::NormaliseRepoUrl(request.repo_url) +
        "\n" + Display(plan.path) + "=" + *oid + "\n" + Sha256Hex(SourceOptionsJson(eff).dump()) +
        "\n";
  switch (plan.type) {
    case SourceType::kDirectory: {
      const auto& l = options_.limits;
      key += std::to_string(l.max_combined_bytes) + "/" + std::to_string(l.yaml.max_bytes) + "/" +
             std::to_string(l.yaml.max_nodes) + "/" + std::to_string(l.yaml.max_depth) + "\n";
      auto jsonnet = HasJsonnet(snapshot, plan.path, *oid, eff.directory && eff.directory->recurse);
      CG_TRY(jsonnet);
      if (*jsonnet) {
        // Imports and libs may read any file of the commit.
        key += "jsonnet " + JsonnetVersion() + "\n";
        CG_TRY(AppendTreeIds(snapshot, {""}, &key));
      }
      return plan;
    }
    case SourceType::kKustomize: {
      if (eff.kustomize && !eff.kustomize->version.empty()) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "kustomize.version '" + eff.kustomize->version +
                             "' is not supported yet; cellgate runs one kustomize binary");
      }
      auto bin = Tool("kustomize");
      CG_TRY(bin);
      plan.binary = *bin;
      auto version = ToolVersion(plan.binary);
      CG_TRY(version);
      auto deps = FindKustomizeDeps(
          snapshot, plan.path,
          {.components = eff.kustomize ? eff.kustomize->components : std::vector<std::string>{},
           .ignore_missing_components = eff.kustomize && eff.kustomize->ignore_missing_components,
           .allow_remote = options_.allow_remote_bases});
      CG_TRY(deps);
      plan.kustomize_deps = std::move(*deps);
      key += "kustomize " + *version + "\n";
      for (const auto& o : options_.kustomize_build_options) key += o + " ";
      if (options_.allow_remote_bases) key += "remote";
      key += "\n";
      if (plan.kustomize_deps.whole_repository) {
        CG_TRY(AppendTreeIds(snapshot, {""}, &key));
      }
      CG_TRY(AppendTreeIds(snapshot, plan.kustomize_deps.dirs, &key));
      CG_TRY(AppendTreeIds(snapshot, plan.kustomize_deps.files, &key));
      return plan;
    }
    case SourceType::kHelm: {
      HelmOptions helm = eff.helm.value_or(HelmOptions{});
      if (!helm.version.empty() && helm.version != "3" && helm.version != "v3") {
        return MakeError(ErrorCode::kInvalidArgument,
                         "helm.version '" + helm.version + "' is not supported (Helm 3 only)");
      }
      auto bin = Tool("helm");
      CG_TRY(bin);
      plan.binary = *bin;
      auto version = ToolVersion(plan.binary);
      CG_TRY(version);
      auto inputs = ResolveHelmInputs(snapshot, plan.path, helm);
      CG_TRY(inputs);
      plan.helm_inputs = std::move(*inputs);
      key += "helm " + *version + "\n" + request.app_name + "\n" + request.destination_namespace +
             "\n" + options_.kube_version + "\n";
      for (const auto& v : options_.api_versions) key += v + " ";
      key += "\n";
      // A symlink in the chart may point anywhere in the repository: key on all of it.
      auto tree = snapshot.List(plan.path, true);
      CG_TRY_WRAP(tree, "list chart " + Display(plan.path));
      bool linked = std::any_of(tree->begin(), tree->end(), [](const git::TreeEntry& e) {
        return e.type == git::EntryType::kSymlink || e.type == git::EntryType::kSubmodule;
      });
      std::vector<std::string> outside;
      if (linked) outside.emplace_back("");
      for (const auto& f : plan.helm_inputs.value_files) {
        if (!IsWithin(f, plan.path)) outside.push_back(f);
      }
      for (const auto& [name, f] : plan.helm_inputs.file_params) {
        if (!IsWithin(f, plan.path)) outside.push_back(f);
      }
      CG_TRY(AppendTreeIds(snapshot, outside, &key));
      return plan;
    }
  }
  return MakeError(ErrorCode::kInternal, "unknown source type");
}

Result<bool> Renderer::HasJsonnet(const git::Snapshot& snapshot, const std::string& path,
                                  const std::string& path_oid, bool recurse) {
  const std::string memo = path_oid + (recurse ? "/r" : "");
  {
    core::MutexLock lock(mu_);
    if (auto it = has_jsonnet_.find(memo); it != has_jsonnet_.end()) return it->second;
  }
  auto entries = snapshot.List(path, recurse);
  CG_TRY_WRAP(entries, "list " + Display(path));
  bool found = std::any_of(entries->begin(), entries->end(), [](const git::TreeEntry& e) {
    return e.type != git::EntryType::kDirectory && HasSuffix(e.path, ".jsonnet");
  });
  core::MutexLock lock(mu_);
  if (has_jsonnet_.size() > 100'000) has_jsonnet_.clear();
  has_jsonnet_[memo] = found;
  return found;
}

Result<std::vector<std::vector<Object>>> Renderer::EvaluateJsonnet(
    const git::Snapshot& snapshot, const Plan& plan, const std::vector<std::string>& files) {
  std::filesystem::path program = options_.jsonnet_program;
  if (program.empty() && JsonnetEvalAvailable()) program = "/proc/self/exe";
  if (program.empty()) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     files.front() +
                         ": this program cannot evaluate jsonnet (RendererOptions::jsonnet_program "
                         "is unset and its main() does not serve the evaluator)");
  }
  const auto& dir = plan.request.source.directory;
  return render::EvaluateJsonnet(tools_, snapshot, plan.path, files,
                                 dir ? dir->jsonnet : JsonnetOptions{},
                                 {.program = program, .yaml = options_.limits.yaml});
}

Result<Renderer::Shared> Renderer::Execute(const git::Snapshot& snapshot, const Plan& plan) {
  auto out = std::make_shared<CachedRender>();
  out->type = plan.type;
  const ApplicationSource& src = plan.request.source;
  const YamlLimits& yaml = options_.limits.yaml;
  switch (plan.type) {
    case SourceType::kDirectory: {
      auto r = RenderDirectory(snapshot, plan.path, src.directory.value_or(DirectoryOptions{}),
                               options_.limits, [&](const std::vector<std::string>& files) {
                                 return EvaluateJsonnet(snapshot, plan, files);
                               });
      CG_TRY(r);
      out->objects = std::move(r->objects);
      out->notes = std::move(r->notes);
      out->content_deps = std::move(r->symlinked_files);
      break;
    }
    case SourceType::kKustomize: {
      auto r = RunKustomize(
          tools_, snapshot, plan.path, src.kustomize ? &*src.kustomize : nullptr,
          plan.kustomize_deps,
          {.binary = plan.binary, .build_options = options_.kustomize_build_options, .yaml = yaml});
      CG_TRY(r);
      out->objects = std::move(*r);
      break;
    }
    case SourceType::kHelm: {
      HelmOptions helm = src.helm.value_or(HelmOptions{});
      HelmTemplate t{
          .release_name = helm.release_name.empty() ? plan.request.app_name : helm.release_name,
          .ns = helm.ns.empty() ? plan.request.destination_namespace : helm.ns,
          .kube_version = helm.kube_version.empty() ? options_.kube_version : helm.kube_version,
          .api_versions = helm.api_versions.empty() ? options_.api_versions : helm.api_versions,
          .parameters = helm.parameters,
          .skip_crds = helm.skip_crds,
          .skip_tests = helm.skip_tests,
          .skip_schema_validation = helm.skip_schema_validation};
      auto r = RunHelmTemplate(tools_, snapshot, plan.path, helm, plan.helm_inputs, std::move(t),
                               {.binary = plan.binary, .yaml = yaml});
      CG_TRY(r);
      out->objects = std::move(*r);
      out->notes = plan.helm_inputs.notes;
      break;
    }
  }
  CG_TRY(CheckDuplicates(out->objects));
  out->bytes = ApproximateBytes(out->objects) + plan.key.size();
  return Shared(std::move(out));
}

bool Renderer::StillValid(const git::Snapshot& snapshot, const CachedRender& cached) const {
  for (const auto& dep : cached.content_deps) {
    auto text = snapshot.ReadFile(dep.path);
    if (!text || Sha256Hex(*text) != dep.sha256) return false;
  }
  return true;
}

Result<RenderResult> Renderer::Render(const git::Snapshot& snapshot, const RenderRequest& request) {
  return RenderOne(snapshot, request, "");
}

Result<RenderResult> Renderer::RenderOne(const git::Snapshot& snapshot,
                                         const RenderRequest& request,
                                         const std::string& path_oid) {
  const std::string context =
      request.app_name.empty() ? std::string("render") : "render " + request.app_name;
  auto plan = MakePlan(snapshot, request, path_oid);
  CG_TRY_WRAP(plan, context);
  const std::string& key = plan->key;
  auto cached = [&]() -> Shared {
    if (!options_.use_cache) return nullptr;
    auto hit = cache_.Get(key);
    return hit && StillValid(snapshot, *hit) ? hit : nullptr;
  };
  if (auto hit = cached()) return RenderResult{hit, true, key};

  std::promise<Result<Shared>> promise;
  std::shared_future<Result<Shared>> future;
  bool leader = false;
  {
    core::MutexLock lock(mu_);
    if (auto it = inflight_.find(key); it != inflight_.end()) {
      future = it->second;
    } else {
      future = promise.get_future().share();
      inflight_.emplace(key, future);
      leader = true;
    }
  }
  if (!leader) {
    const auto& r = future.get();
    CG_TRY_WRAP(r, context);
    return RenderResult{*r, true, key};
  }
  // Another leader may have finished between our cache check and taking the slot.
  Result<Shared> result = [&]() -> Result<Shared> {
    if (auto hit = cached()) return hit;
    return Execute(snapshot, *plan);
  }();
  if (result && options_.use_cache) cache_.Put(key, *result);
  promise.set_value(result);
  {
    core::MutexLock lock(mu_);
    inflight_.erase(key);
  }
  CG_TRY_WRAP(result, context);
  return RenderResult{*result, false, key};
}

std::vector<Result<RenderResult>> Renderer::RenderAll(const git::Snapshot& snapshot,
                                                      const std::vector<RenderRequest>& requests,
                                                      int parallelism) {
  std::vector<Result<RenderResult>> results(
      requests.size(), Result<RenderResult>(std::unexpected(Error(ErrorCode::kInternal, ""))));
  int threads = parallelism > 0
                    ? parallelism
                    : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  threads = std::min<int>(threads, static_cast<int>(requests.size()));
  // Tree ids of the app paths from one listing per parent directory. Only plain directory
  // entries count: a symlinked app path is resolved by ObjectId as usual.
  std::vector<std::string> oids(requests.size());
  if (requests.size() > 1) {
    std::map<std::string, std::vector<std::size_t>> by_parent;
    std::vector<std::string> paths(requests.size());
    for (std::size_t i = 0; i < requests.size(); ++i) {
      auto p = NormalizeRepoPath(requests[i].source.path);
      if (!p || p->empty()) continue;
      paths[i] = *p;
      auto slash = p->rfind('/');
      by_parent[slash == std::string::npos ? "" : p->substr(0, slash)].push_back(i);
    }
    for (const auto& [parent, members] : by_parent) {
      if (members.size() < 2) continue;
      auto entries = snapshot.List(parent, false);
      if (!entries) continue;  // each Render reports its own error
      std::unordered_map<std::string_view, const std::string*> dirs;
      for (const auto& e : *entries) {
        if (e.type == git::EntryType::kDirectory) dirs[e.path] = &e.oid;
      }
      for (std::size_t i : members) {
        if (auto it = dirs.find(paths[i]); it != dirs.end()) oids[i] = *it->second;
      }
    }
  }
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < requests.size(); i = next++) {
      results[i] = RenderOne(snapshot, requests[i], oids[i]);
    }
  };
  if (threads <= 1) {
    work();
    return results;
  }
  std::vector<std::jthread> pool;
  pool.reserve(threads);
  for (int t = 0; t < threads; ++t) pool.emplace_back(work);
  pool.clear();  // joins
  return results;
}

}  // namespace cellgate::render

// Rendering a fleet repository:
//  - 1,000 plain-YAML apps (Deployment, Service, ConfigMap each) from a real git repository
//    through the MirrorSource: a cold render of all, and the re-render after a commit that
//    touches one app (999 cache hits, one render). The same on an in-memory snapshot shows
//    what git reads cost.
//  - 50 Kustomize apps (base + overlay with prefix, labels and a patch): cold (50 builds)
//    and warm (a commit that touches none of them: no tool runs).
// Repositories are generated once per process under $TMPDIR and removed at exit.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

#include "corpus.h"
#include "git/mirror_source.h"
#include "render/renderer.h"
#include "render/testing/memory_snapshot.h"

namespace cellgate::bench {
namespace {

namespace fs = std::filesystem;
using render::Renderer;
using render::RenderRequest;

constexpr int kDirApps = 1000;
constexpr int kKustomizeApps = 50;
constexpr int kThreads = 2;

void Sh(const std::string& cmd) {
  if (std::system(cmd.c_str()) != 0) {
    std::fprintf(stderr, "command failed: %s\n", cmd.c_str());
    std::abort();
  }
}

void Write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

std::string Git(const fs::path& repo) {
  return "cd '" + repo.string() +
         "' && GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 git -c user.name=bench "
         "-c user.email=bench@example.com -c commit.gpgsign=false ";
}

std::string Commit(const fs::path& repo, const std::string& message) {
  Sh(Git(repo) + "add -A && " + Git(repo) + "commit -q -m '" + message + "'");
  std::string head_file = (repo / "HEAD.txt").string();
  Sh(Git(repo) + "rev-parse HEAD > '" + head_file + "'");
  std::ifstream in(head_file);
  std::string sha;
  in >> sha;
  fs::remove(head_file);
  return sha;
}

std::string AppName(const char* prefix, int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s-%04d", prefix, i);
  return buf;
}

struct Fleet {
  fs::path dir;
  std::unique_ptr<git::MirrorSource> source;
  std::string url;
  std::shared_ptr<const git::Snapshot> c1, c2;  // c2 touches one app (or none, for kustomize)
  std::vector<RenderRequest> requests;

  ~Fleet() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  std::shared_ptr<const git::Snapshot> Open(const std::string& commit) {
    auto resolved = source->Resolve(url, commit);
    if (!resolved) std::abort();
    auto snap = source->Open(url, *resolved);
    if (!snap) std::abort();
    return *snap;
  }
};

RenderRequest Request(const std::string& url, const std::string& path, const std::string& name) {
  RenderRequest r;
  r.repo_url = url;
  r.app_name = name;
  r.destination_namespace = "shop";
  r.source.repo_url = url;
  r.source.path = path;
  return r;
}

std::unique_ptr<Fleet> MakeFleet(bool kustomize) {
  auto f = std::make_unique<Fleet>();
  std::string tmpl = (fs::temp_directory_path() / "cellgate-bench-XXXXXX").string();
  f->dir = ::mkdtemp(tmpl.data());
  fs::path repo = f->dir / "repo";
  fs::create_directories(repo);
  Sh(Git(repo) + "init -q -b main");
  int n = kustomize ? kKustomizeApps : kDirApps;
  for (int i = 0; i < n; ++i) {
    std::string name = AppName(kustomize ? "kapp" : "app", i);
    fs::path app = repo / "apps" / name;
    fs::path base = kustomize ? app / "base" : app;
    Write(base / "deployment.yaml", Deployment(name, i));
    Write(base / "service.yaml", Service(name));
    Write(base / "configmap.yaml", ConfigMap(name, i));
    if (kustomize) {
      Write(base / "kustomization.yaml",
            "resources: [deployment.yaml, service.yaml, configmap.yaml]\n");
      Write(app / "overlays/prod/kustomization.yaml", R"(namePrefix: prod-
labels:
- pairs: {env: prod}
resources: [../../base]
patches:
- target: {kind: Deployment}
  patch: |-
    - op: replace
      path: /spec/replicas
      value: 5
)");
      f->requests.push_back(Request("", "apps/" + name + "/overlays/prod", name));
    } else {
      f->requests.push_back(Request("", "apps/" + name, name));
    }
  }
  Write(repo / "README.md", "fleet\n");
  std::string c1 = Commit(repo, "fleet");
  if (kustomize) {
    Write(repo / "README.md", "fleet, edited\n");  // touches no app
  } else {
    Write(repo / "apps" / AppName("app", 7) / "configmap.yaml", ConfigMap(AppName("app", 7), 99));
  }
  std::string c2 = Commit(repo, "second");
  auto src = git::MirrorSource::Create({.work_dir = f->dir / "cellgate"});
  if (!src) std::abort();
  f->source = std::move(*src);
  f->url = repo.string();
  for (auto& r : f->requests) r.repo_url = r.source.repo_url = f->url;
  f->c1 = f->Open(c1);
  f->c2 = f->Open(c2);
  return f;
}

Fleet& Dirs() {
  static auto f = MakeFleet(false);
  return *f;
}
Fleet& Kustomizations() {
  static auto f = MakeFleet(true);
  return *f;
}

// The same 1,000 apps as an in-memory snapshot (no git reads).
struct MemoryFleet {
  std::unique_ptr<render::testing::MemorySnapshot> c1, c2;
  std::vector<RenderRequest> requests;
};
MemoryFleet& Memory() {
  static MemoryFleet m = [] {
    MemoryFleet f;
    f.c1 = std::make_unique<render::testing::MemorySnapshot>();
    for (int i = 0; i < kDirApps; ++i) {
      std::string name = AppName("app", i);
      f.c1->AddFile("apps/" + name + "/deployment.yaml", Deployment(name, i));
      f.c1->AddFile("apps/" + name + "/service.yaml", Service(name));
      f.c1->AddFile("apps/" + name + "/configmap.yaml", ConfigMap(name, i));
      f.requests.push_back(Request("memory", "apps/" + name, name));
    }
    f.c2 = std::make_unique<render::testing::MemorySnapshot>(*f.c1);
    f.c2->SetCommit(std::string(40, 'b'));
    f.c2->AddFile("apps/app-0007/configmap.yaml", ConfigMap("app-0007", 99));
    return f;
  }();
  return m;
}

void CheckAll(benchmark::State& state, const std::vector<Result<render::RenderResult>>& results,
              std::size_t* objects) {
  *objects = 0;
  for (const auto& r : results) {
    if (!r) {
      state.SkipWithError(r.error().message().c_str());
      return;
    }
    *objects += r->objects().size();
  }
}

void Cold(benchmark::State& state, const git::Snapshot& snap,
          const std::vector<RenderRequest>& requests) {
  std::size_t objects = 0;
  std::uint64_t tools = 0;
  for (auto _ : state) {
    Renderer renderer;  // an empty cache
    auto results = renderer.RenderAll(snap, requests, kThreads);
    CheckAll(state, results, &objects);
    tools = renderer.tools().invocations();
  }
  state.counters["apps"] = static_cast<double>(requests.size());
  state.counters["objects"] = static_cast<double>(objects);
  state.counters["tool_runs"] = static_cast<double>(tools);
}

// Renders everything at c1, then times the render of everything at c2; before each timed
// round the entries c2 changed are dropped, so each round re-renders exactly them.
void AfterCommit(benchmark::State& state, const git::Snapshot& c1, const git::Snapshot& c2,
                 const std::vector<RenderRequest>& requests) {
  Renderer renderer;
  std::size_t objects = 0, hits = 0;
  CheckAll(state, renderer.RenderAll(c1, requests, kThreads), &objects);
  std::vector<std::string> changed;
  for (const auto& r : renderer.RenderAll(c2, requests, kThreads)) {
    if (r && !r->cache_hit) changed.push_back(r->cache_key);
  }
  const auto tools_before = renderer.tools().invocations();
  for (auto _ : state) {
    state.PauseTiming();
    for (const auto& k : changed) renderer.cache().Erase(k);
    state.ResumeTiming();
    auto results = renderer.RenderAll(c2, requests, kThreads);
    CheckAll(state, results, &objects);
    hits = 0;
    for (const auto& r : results) hits += r && r->cache_hit;
  }
  state.counters["apps"] = static_cast<double>(requests.size());
  state.counters["cache_hits"] = static_cast<double>(hits);
  state.counters["rerendered"] = static_cast<double>(changed.size());
  state.counters["tool_runs_per_round"] =
      static_cast<double>(renderer.tools().invocations() - tools_before) /
      static_cast<double>(state.iterations());
}

void BM_DirectoryCold_Git(benchmark::State& s) { Cold(s, *Dirs().c1, Dirs().requests); }
void BM_DirectoryAfterCommit_Git(benchmark::State& s) {
  AfterCommit(s, *Dirs().c1, *Dirs().c2, Dirs().requests);
}
void BM_DirectoryCold_Memory(benchmark::State& s) { Cold(s, *Memory().c1, Memory().requests); }
void BM_DirectoryAfterCommit_Memory(benchmark::State& s) {
  AfterCommit(s, *Memory().c1, *Memory().c2, Memory().requests);
}
void BM_ResolveAndOpenNewCommit_Git(benchmark::State& s) {
  Fleet& f = Dirs();
  for (auto _ : s) benchmark::DoNotOptimize(f.Open(f.c2->commit()));
}
void BM_KustomizeCold(benchmark::State& s) {
  Cold(s, *Kustomizations().c1, Kustomizations().requests);
}
void BM_KustomizeWarmAfterUnrelatedCommit(benchmark::State& s) {
  AfterCommit(s, *Kustomizations().c1, *Kustomizations().c2, Kustomizations().requests);
}

BENCHMARK(BM_DirectoryCold_Git)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);
BENCHMARK(BM_DirectoryAfterCommit_Git)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_DirectoryCold_Memory)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);
BENCHMARK(BM_DirectoryAfterCommit_Memory)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ResolveAndOpenNewCommit_Git)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_KustomizeCold)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);
BENCHMARK(BM_KustomizeWarmAfterUnrelatedCommit)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace cellgate::bench

BENCHMARK_MAIN();

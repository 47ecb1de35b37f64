#include "render/kustomize_deps.h"

#include <algorithm>
#include <deque>
#include <set>
#include <string_view>

#include "core/yaml.h"
#include "render/paths.h"

namespace cellgate::render {
namespace {

bool IsRemote(std::string_view s) {
  for (std::string_view prefix : {"git@", "github.com/", "gitlab.com/", "bitbucket.org/",
                                  "ssh:", "git::", "oci://", "file:"}) {
    if (s.substr(0, prefix.size()) == prefix) return true;
  }
  return s.find("://") != std::string_view::npos || s.find("?ref=") != std::string_view::npos ||
         s.find("?version=") != std::string_view::npos;
}

// A patchesStrategicMerge entry that kustomize would take as an inline patch.
bool LooksInline(std::string_view s) {
  return s.find('\n') != std::string_view::npos || s.find(": ") != std::string_view::npos ||
         (!s.empty() && s.front() == '{');
}

std::string Display(const std::string& path) { return path.empty() ? "." : path; }

// Top-level keys of builtin generator/transformer configs that name files or directories
// (PatchTransformer, PatchJson6902Transformer, PatchStrategicMergeTransformer,
// ConfigMap/SecretGenerator, HelmChartInflationGenerator, ReplacementTransformer).
constexpr const char* kConfigPathKeys[] = {"path",       "paths",      "files",
                                           "envs",       "env",        "chartHome",
                                           "configHome", "valuesFile", "additionalValuesFiles",
                                           "values"};

class Walker {
 public:
  Walker(const git::Snapshot& snapshot, std::string app_path, const KustomizeDepsOptions& options)
      : snap_(snapshot), app_path_(std::move(app_path)), options_(options) {}

  Result<KustomizeDeps> Run() {
    CG_TRY(Enqueue(app_path_));
    const std::string app_file = JoinRepoPath(app_path_, "kustomization");
    for (const auto& c : options_.components) {
      if (options_.ignore_missing_components) {
        auto p = ResolveRepoPath(app_path_, c);
        if (p && !snap_.ObjectId(*p)) continue;
      }
      CG_TRY(Reference(app_path_, app_file, "kustomize.components", c));
    }
    while (!queue_.empty()) {
      std::string dir = queue_.front();
      queue_.pop_front();
      CG_TRY(Visit(dir));
    }
    CheckTrees();
    return Finish();
  }

 private:
  void Whole(std::string reason) {
    if (deps_.whole_repository) return;
    deps_.whole_repository = true;
    deps_.reason = std::move(reason);
  }

  Status Enqueue(const std::string& dir) {
    if (!dirs_.insert(dir).second) return Ok();
    if (dirs_.size() > options_.max_directories) {
      return MakeError(ErrorCode::kResourceExhausted,
                       "kustomize app '" + Display(app_path_) + "' references more than " +
                           std::to_string(options_.max_directories) +
                           " directories (KustomizeDepsOptions::max_directories); refused");
    }
    queue_.push_back(dir);
    return Ok();
  }

  static Status Refuse(ErrorCode code, const std::string& file, std::string_view field,
                       std::string_view entry, const std::string& why) {
    return MakeError(
        code, file + ": " + std::string(field) + " entry '" + std::string(entry) + "' " + why);
  }

  // One entry of a kustomization field: a path relative to `dir`, or a remote reference.
  // `file` is the kustomization that holds it.
  Status Reference(const std::string& dir, const std::string& file, std::string_view field,
                   std::string_view entry) {
    if (entry.empty()) return Ok();
    if (IsRemote(entry)) {
      if (!options_.allow_remote) {
        return Refuse(ErrorCode::kPermissionDenied, file, field, entry,
                      "is a remote reference; remote kustomize bases are off (enable them with "
                      "--allow-remote-bases)");
      }
      Whole("remote reference '" + std::string(entry) + "' in " + file);
      return Ok();
    }
    if (entry.front() == '/') {
      return Refuse(ErrorCode::kPermissionDenied, file, field, entry, "is an absolute path");
    }
    if (++references_ > options_.max_references) {
      return MakeError(ErrorCode::kResourceExhausted,
                       "kustomize app '" + Display(app_path_) + "' makes more than " +
                           std::to_string(options_.max_references) +
                           " references (KustomizeDepsOptions::max_references); refused");
    }
    auto path = ResolveRepoPath(dir, entry);
    if (!path) {
      return Refuse(path.error().code(), file, field, entry, "leaves the repository");
    }
    auto oid = snap_.ObjectId(*path);
    if (!oid) {
      if (oid.error().code() == ErrorCode::kNotFound) {
        return Refuse(ErrorCode::kNotFound, file, field, entry, "does not exist");
      }
      return Refuse(oid.error().code(), file, field, entry, oid.error().message());
    }
    deps_.references.push_back({file, std::string(field), std::string(entry), *path});
    if (snap_.List(*path, false)) return Enqueue(*path);
    files_.insert(*path);
    return Ok();
  }

  // Reference() for a string or each string of a list; other shapes are kustomize's to judge.
  Status Each(const std::string& dir, const std::string& file, std::string_view field,
              const Json& value, bool strip_key = false) {
    auto one = [&](const Json& e) -> Status {
      if (!e.is_string()) return Ok();
      std::string_view s = e.get_ref<const std::string&>();
      if (strip_key) {
        if (auto eq = s.find('='); eq != std::string_view::npos) s = s.substr(eq + 1);
      }
      return Reference(dir, file, field, s);
    };
    if (!value.is_array()) return one(value);
    for (const auto& e : value) {
      if (auto st = one(e); !st) return st;
    }
    return Ok();
  }

  // The path-like keys of a generator/transformer/validator config (inline or in a file).
  Status ConfigPaths(const std::string& dir, const std::string& file, std::string_view field,
                     const Json& config) {
    if (!config.is_object()) return Ok();
    for (const char* key : kConfigPathKeys) {
      if (auto it = config.find(key); it != config.end()) {
        bool kv = std::string_view(key) == "files";
        if (auto st = Each(dir, file, std::string(field) + "." + key, *it, kv); !st) return st;
      }
    }
    if (auto r = config.find("replacements"); r != config.end() && r->is_array()) {
      for (const auto& e : *r) {
        if (e.is_object() && e.contains("path")) {
          if (auto st = Each(dir, file, std::string(field) + ".replacements", e["path"]); !st) {
            return st;
          }
        }
      }
    }
    return Ok();
  }

  Status Plugins(const std::string& dir, const std::string& file, const Json& k,
                 const char* field) {
    auto it = k.find(field);
    if (it == k.end() || !it->is_array()) return Ok();
    for (const auto& e : *it) {
      if (!e.is_string()) continue;
      const std::string& s = e.get_ref<const std::string&>();
      std::string text;
      std::string where = file;
      if (s.find('\n') != std::string::npos) {  // an inline config
        text = s;
      } else {
        if (auto st = Reference(dir, file, field, s); !st) return st;
        if (IsRemote(s)) continue;
        auto path = ResolveRepoPath(dir, s);
        if (!path || !files_.count(*path)) continue;  // a kustomization directory
        auto read = snap_.ReadFile(*path);
        if (!read) return Refuse(read.error().code(), file, field, s, read.error().message());
        text = std::move(*read);
        where = *path;
      }
      auto docs = ParseYamlDocuments(text, where);
      if (!docs) {
        return MakeError(ErrorCode::kInvalidArgument,
                         file + ": " + field + " config does not parse: " + docs.error().message());
      }
      for (const auto& d : *docs) {
        if (auto st = ConfigPaths(dir, file, field, d.value); !st) return st;
      }
    }
    return Ok();
  }

  Status Helm(const std::string& dir, const std::string& file, const Json& k) {
    std::string chart_home = "charts";
    if (auto g = k.find("helmGlobals"); g != k.end() && g->is_object()) {
      if (auto h = g->find("chartHome"); h != g->end() && h->is_string()) {
        chart_home = h->get<std::string>();
      }
      if (auto c = g->find("configHome"); c != g->end()) {
        if (auto st = Each(dir, file, "helmGlobals.configHome", *c); !st) return st;
      }
    }
    auto charts = k.find("helmCharts");
    if (charts != k.end() && charts->is_array()) {
      for (const auto& c : *charts) {
        if (!c.is_object()) continue;
        Whole(file + " uses helmCharts");
        for (const char* key : {"valuesFile", "additionalValuesFiles"}) {
          if (auto v = c.find(key); v != c.end()) {
            if (auto st = Each(dir, file, std::string("helmCharts.") + key, *v); !st) return st;
          }
        }
        auto repo = c.find("repo");
        if (repo != c.end() && repo->is_string() && !repo->get_ref<const std::string&>().empty()) {
          if (auto st = Reference(dir, file, "helmCharts.repo", repo->get<std::string>()); !st) {
            return st;
          }
        } else if (auto name = c.find("name"); name != c.end() && name->is_string()) {
          // A local chart: <chartHome>/<name>.
          auto p = JoinRepoPath(chart_home, name->get<std::string>());
          if (auto st = Reference(dir, file, "helmCharts.name", p); !st) return st;
        }
      }
    }
    auto gen = k.find("helmChartInflationGenerator");
    if (gen != k.end() && gen->is_array()) {
      for (const auto& g : *gen) {
        if (!g.is_object()) continue;
        Whole(file + " uses helmChartInflationGenerator");
        if (auto st = ConfigPaths(dir, file, "helmChartInflationGenerator", g); !st) return st;
        if (auto r = g.find("chartRepoUrl"); r != g.end() && r->is_string()) {
          std::string url = r->get<std::string>();
          if (!url.empty() && !IsRemote(url)) url.insert(0, "https://");  // always remote
          if (auto st = Reference(dir, file, "helmChartInflationGenerator.chartRepoUrl", url);
              !st) {
            return st;
          }
        }
      }
    }
    return Ok();
  }

  Status Visit(const std::string& dir) {
    auto entries = snap_.List(dir, false);
    CG_TRY_WRAP(entries, "list " + Display(dir));
    std::string file;
    for (const char* name : kKustomizationNames) {
      for (const auto& e : *entries) {
        if (BaseName(e.path) == name && e.type != git::EntryType::kDirectory) file = e.path;
      }
      if (!file.empty()) break;
    }
    if (file.empty()) return Ok();  // a plain directory of resources
    deps_.references.push_back({file, "kustomization", std::string(BaseName(file)), file});
    auto text = snap_.ReadFile(file);
    CG_TRY_WRAP(text, "read " + file);
    auto docs = ParseYamlDocuments(*text, file);
    if (!docs) {
      return MakeError(ErrorCode::kInvalidArgument,
                       file + " does not parse: " + docs.error().message());
    }
    if (docs->empty() || (*docs)[0].value.is_null()) return Ok();
    const Json& k = (*docs)[0].value;
    if (!k.is_object()) {
      return MakeError(ErrorCode::kInvalidArgument, file + " is not a mapping");
    }
    for (const char* f : {"resources", "bases", "components", "crds", "configurations"}) {
      if (auto it = k.find(f); it != k.end() && it->is_array()) {
        if (auto st = Each(dir, file, f, *it); !st) return st;
      }
    }
    for (const char* f : {"generators", "transformers", "validators"}) {
      if (auto st = Plugins(dir, file, k, f); !st) return st;
    }
    if (auto it = k.find("patchesStrategicMerge"); it != k.end() && it->is_array()) {
      for (const auto& e : *it) {
        if (!e.is_string() || LooksInline(e.get_ref<const std::string&>())) continue;
        if (auto st = Each(dir, file, "patchesStrategicMerge", e); !st) return st;
      }
    }
    for (const char* f : {"patches", "patchesJson6902", "replacements"}) {
      auto it = k.find(f);
      if (it == k.end() || !it->is_array()) continue;
      for (const auto& e : *it) {
        if (!e.is_object() || !e.contains("path")) continue;
        if (auto st = Each(dir, file, f, e["path"]); !st) return st;
      }
    }
    if (auto o = k.find("openapi"); o != k.end() && o->is_object() && o->contains("path")) {
      if (auto st = Each(dir, file, "openapi.path", (*o)["path"]); !st) return st;
    }
    for (const char* f : {"configMapGenerator", "secretGenerator"}) {
      auto it = k.find(f);
      if (it == k.end() || !it->is_array()) continue;
      for (const auto& g : *it) {
        if (auto st = ConfigPaths(dir, file, f, g); !st) return st;
      }
    }
    return Helm(dir, file, k);
  }

  // Symlinks and submodules inside a referenced tree can point anywhere; their target's
  // changes would not show in the tree ids.
  void CheckTrees() {
    if (deps_.whole_repository) return;
    for (const auto& dir : TopDirs()) {
      auto entries = snap_.List(dir, true);
      if (!entries) {
        Whole("cannot list " + dir);
        return;
      }
      for (const auto& e : *entries) {
        if (e.type == git::EntryType::kSymlink || e.type == git::EntryType::kSubmodule) {
          Whole((e.type == git::EntryType::kSymlink ? "symlink " : "submodule ") + e.path);
          return;
        }
      }
    }
  }

  std::vector<std::string> TopDirs() const {
    std::vector<std::string> out;
    for (const auto& d : dirs_) {  // std::set: a parent sorts before its children
      bool nested =
          std::any_of(out.begin(), out.end(), [&](const std::string& p) { return IsWithin(d, p); });
      if (!nested) out.push_back(d);
    }
    return out;
  }

  KustomizeDeps Finish() {
    auto top = TopDirs();
    // The app path leads (it may itself be nested in a referenced directory, e.g. ".." as a
    // resource; then the parent covers it and leads instead).
    auto app = std::find_if(top.begin(), top.end(),
                            [&](const std::string& d) { return IsWithin(app_path_, d); });
    if (app != top.end()) std::rotate(top.begin(), app, app + 1);
    deps_.dirs = std::move(top);
    for (const auto& f : files_) {
      bool covered = std::any_of(deps_.dirs.begin(), deps_.dirs.end(),
                                 [&](const std::string& d) { return IsWithin(f, d); });
      if (!covered) deps_.files.push_back(f);
    }
    return std::move(deps_);
  }

  const git::Snapshot& snap_;
  std::string app_path_;
  const KustomizeDepsOptions& options_;
  std::set<std::string> dirs_;
  std::set<std::string> files_;
  std::deque<std::string> queue_;
  std::size_t references_ = 0;
  KustomizeDeps deps_;
};

}  // namespace

Result<KustomizeDeps> FindKustomizeDeps(const git::Snapshot& snapshot, const std::string& app_path,
                                        const KustomizeDepsOptions& options) {
  Walker walker(snapshot, app_path, options);
  return walker.Run();
}

}  // namespace cellgate::render

#include "render/kustomize_deps.h"

#include <algorithm>
#include <deque>
#include <set>
#include <string_view>

#include "core/yaml.h"
#include "render/paths.h"

namespace cellgate::render {
namespace {

constexpr std::size_t kMaxDirs = 256;

bool IsRemote(std::string_view s) {
  for (std::string_view prefix :
       {"git@", "github.com/", "gitlab.com/", "bitbucket.org/", "ssh:", "git::", "oci://"}) {
    if (s.substr(0, prefix.size()) == prefix) return true;
  }
  return s.find("://") != std::string_view::npos || s.find("?ref=") != std::string_view::npos ||
         s.find("?version=") != std::string_view::npos;
}

class Walker {
 public:
  Walker(const git::Snapshot& snapshot, std::string app_path)
      : snap_(snapshot), app_path_(std::move(app_path)) {}

  Result<KustomizeDeps> Run(const std::vector<std::string>& components) {
    Enqueue(app_path_);
    for (const auto& c : components) {
      if (auto st = Reference(app_path_, "kustomize.components", c); !st) {
        return std::unexpected(st.error());
      }
    }
    while (!queue_.empty() && !deps_.whole_repository) {
      std::string dir = queue_.front();
      queue_.pop_front();
      if (auto st = Visit(dir); !st) return std::unexpected(st.error());
    }
    if (!deps_.whole_repository) CheckTrees();
    return Finish();
  }

 private:
  void Whole(std::string reason) {
    if (deps_.whole_repository) return;
    deps_.whole_repository = true;
    deps_.reason = std::move(reason);
  }

  void Enqueue(const std::string& dir) {
    if (!dirs_.insert(dir).second) return;
    if (dirs_.size() > kMaxDirs) {
      Whole("more than " + std::to_string(kMaxDirs) + " directories referenced");
      return;
    }
    queue_.push_back(dir);
  }

  // One entry of a kustomization field: a path relative to `dir`, a URL, or inline YAML.
  Status Reference(const std::string& dir, std::string_view field, std::string_view entry) {
    if (entry.empty() || entry.find('\n') != std::string_view::npos) return Ok();  // inline
    if (IsRemote(entry)) {
      Whole("remote reference '" + std::string(entry) + "' in " + std::string(field));
      return Ok();
    }
    if (entry.front() == '/') {
      return MakeError(ErrorCode::kPermissionDenied,
                       JoinRepoPath(dir, "kustomization") + ": " + std::string(field) + " entry '" +
                           std::string(entry) + "' is an absolute path");
    }
    auto path = ResolveRepoPath(dir, entry);
    if (!path) {
      return MakeError(path.error().code(), "kustomization in '" + (dir.empty() ? "." : dir) +
                                                "': " + std::string(field) + " entry '" +
                                                std::string(entry) + "' leaves the repository");
    }
    auto listing = snap_.List(*path, false);
    if (listing) {
      Enqueue(*path);
      return Ok();
    }
    if (auto oid = snap_.ObjectId(*path); oid) {
      files_.insert(*path);
      return Ok();
    }
    Whole("'" + std::string(entry) + "' referenced from '" + dir + "' does not exist");
    return Ok();
  }

  Status Strings(const std::string& dir, const Json& k, const char* field) {
    auto it = k.find(field);
    if (it == k.end() || !it->is_array()) return Ok();
    for (const auto& e : *it) {
      if (e.is_string()) {
        if (auto st = Reference(dir, field, e.get_ref<const std::string&>()); !st) return st;
      }
    }
    return Ok();
  }

  Status PathsOf(const std::string& dir, const Json& k, const char* field) {
    auto it = k.find(field);
    if (it == k.end() || !it->is_array()) return Ok();
    for (const auto& e : *it) {
      if (e.is_string()) {  // patchesStrategicMerge-style entry
        if (auto st = Reference(dir, field, e.get_ref<const std::string&>()); !st) return st;
      } else if (e.is_object() && e.contains("path") && e["path"].is_string()) {
        if (auto st = Reference(dir, field, e["path"].get_ref<const std::string&>()); !st) {
          return st;
        }
      }
    }
    return Ok();
  }

  Status Generators(const std::string& dir, const Json& k, const char* field) {
    auto it = k.find(field);
    if (it == k.end() || !it->is_array()) return Ok();
    for (const auto& g : *it) {
      if (!g.is_object()) continue;
      for (const char* list : {"files", "envs"}) {
        auto f = g.find(list);
        if (f == g.end() || !f->is_array()) continue;
        for (const auto& e : *f) {
          if (!e.is_string()) continue;
          std::string_view s = e.get_ref<const std::string&>();
          if (auto eq = s.find('='); eq != std::string_view::npos) s = s.substr(eq + 1);
          if (auto st = Reference(dir, field, s); !st) return st;
        }
      }
      if (auto env = g.find("env"); env != g.end() && env->is_string()) {
        if (auto st = Reference(dir, field, env->get_ref<const std::string&>()); !st) return st;
      }
    }
    return Ok();
  }

  Status Visit(const std::string& dir) {
    auto entries = snap_.List(dir, false);
    if (!entries) return std::unexpected(entries.error().Wrap("list " + dir));
    std::string file;
    for (const char* name : kKustomizationNames) {
      for (const auto& e : *entries) {
        if (BaseName(e.path) == name && e.type != git::EntryType::kDirectory) file = e.path;
      }
      if (!file.empty()) break;
    }
    if (file.empty()) return Ok();  // a plain directory of resources
    auto text = snap_.ReadFile(file);
    if (!text) return std::unexpected(text.error().Wrap("read " + file));
    auto docs = ParseYamlDocuments(*text, file);
    if (!docs || docs->empty() || !(*docs)[0].value.is_object()) {
      Whole(file + " does not parse");  // kustomize itself will report it
      return Ok();
    }
    const Json& k = (*docs)[0].value;
    for (const char* helm : {"helmCharts", "helmChartInflationGenerator", "helmGlobals"}) {
      if (k.contains(helm)) Whole(file + " uses " + helm);
    }
    for (const char* f : {"resources", "bases", "components", "crds", "configurations",
                          "generators", "transformers", "validators"}) {
      if (auto st = Strings(dir, k, f); !st) return st;
    }
    for (const char* f : {"patches", "patchesJson6902", "patchesStrategicMerge", "replacements"}) {
      if (auto st = PathsOf(dir, k, f); !st) return st;
    }
    if (auto o = k.find("openapi");
        o != k.end() && o->is_object() && o->contains("path") && (*o)["path"].is_string()) {
      if (auto st = Reference(dir, "openapi", (*o)["path"].get_ref<const std::string&>()); !st) {
        return st;
      }
    }
    for (const char* f : {"configMapGenerator", "secretGenerator"}) {
      if (auto st = Generators(dir, k, f); !st) return st;
    }
    return Ok();
  }

  // Symlinks and submodules inside a referenced tree can point anywhere; their target's
  // changes would not show in the tree ids.
  void CheckTrees() {
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
  std::set<std::string> dirs_;
  std::set<std::string> files_;
  std::deque<std::string> queue_;
  KustomizeDeps deps_;
};

}  // namespace

Result<KustomizeDeps> FindKustomizeDeps(const git::Snapshot& snapshot, const std::string& app_path,
                                        const std::vector<std::string>& components) {
  Walker walker(snapshot, app_path);
  return walker.Run(components);
}

}  // namespace cellgate::render

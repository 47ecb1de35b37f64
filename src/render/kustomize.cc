#include "render/kustomize.h"

#include <stdlib.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <system_error>

#include "render/manifests.h"
#include "render/paths.h"

namespace cellgate::render {
namespace {

namespace fs = std::filesystem;

class ScratchDir {
 public:
  static Result<ScratchDir> Create(const fs::path& parent) {
    std::string tmpl = (parent / "cellgate-kustomize-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
      return MakeError(ErrorCode::kInternal, "create scratch directory in " + parent.string());
    }
    ScratchDir d;
    d.path_ = tmpl;
    return d;
  }
  ScratchDir() = default;
  ScratchDir(ScratchDir&& o) noexcept : path_(std::exchange(o.path_, {})) {}
  ScratchDir& operator=(ScratchDir&&) = delete;
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

Status CopyInto(const fs::path& from_root, const fs::path& to_root, const std::string& rel) {
  std::error_code ec;
  fs::path src = rel.empty() ? from_root : from_root / rel;
  fs::path dst = rel.empty() ? to_root : to_root / rel;
  fs::create_directories(dst.parent_path(), ec);
  fs::copy(src, dst, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
  if (ec) {
    return MakeError(ErrorCode::kInternal, "copy " + (rel.empty() ? "." : rel) +
                                               " to a scratch directory: " + ec.message());
  }
  return Ok();
}

std::string LabelArg(const std::string& k, const std::string& v) { return k + ":" + v; }

}  // namespace

bool HasKustomizeOverrides(const KustomizeOptions& k) {
  return !k.name_prefix.empty() || !k.name_suffix.empty() || !k.images.empty() ||
         !k.replicas.empty() || !k.common_labels.empty() || !k.common_annotations.empty() ||
         !k.ns.empty() || !k.patches.empty() || !k.components.empty();
}

std::vector<std::vector<std::string>> KustomizeEditCommands(const KustomizeOptions& k) {
  std::vector<std::vector<std::string>> cmds;
  if (!k.name_prefix.empty()) cmds.push_back({"edit", "set", "nameprefix", "--", k.name_prefix});
  if (!k.name_suffix.empty()) cmds.push_back({"edit", "set", "namesuffix", "--", k.name_suffix});
  if (!k.images.empty()) {
    std::vector<std::string> c = {"edit", "set", "image"};
    c.insert(c.end(), k.images.begin(), k.images.end());
    cmds.push_back(std::move(c));
  }
  if (!k.replicas.empty()) {
    std::vector<std::string> c = {"edit", "set", "replicas"};
    for (const auto& r : k.replicas) c.push_back(r.name + "=" + std::to_string(r.count));
    cmds.push_back(std::move(c));
  }
  if (!k.common_labels.empty()) {
    std::vector<std::string> c = {"edit", "add", "label"};
    if (k.force_common_labels) c.push_back("--force");
    if (k.label_without_selector) c.push_back("--without-selector");
    if (k.label_include_templates) c.push_back("--include-templates");
    for (const auto& [key, v] : k.common_labels) c.push_back(LabelArg(key, v));
    cmds.push_back(std::move(c));
  }
  if (!k.common_annotations.empty()) {
    std::vector<std::string> c = {"edit", "add", "annotation"};
    if (k.force_common_annotations) c.push_back("--force");
    for (const auto& [key, v] : k.common_annotations) c.push_back(LabelArg(key, v));
    cmds.push_back(std::move(c));
  }
  if (!k.ns.empty()) cmds.push_back({"edit", "set", "namespace", "--", k.ns});
  return cmds;
}

Status AppendKustomizePatches(const fs::path& file, const Json& patches) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kNotFound, "kustomization file not found in the path");
  std::stringstream ss;
  ss << in.rdbuf();
  auto docs = ParseYamlDocuments(ss.str(), file.filename().string());
  if (!docs) return std::unexpected(docs.error().Wrap("load kustomization"));
  Json k = docs->empty() || docs->front().value.is_null() ? Json::object() : docs->front().value;
  if (!k.is_object()) {
    return MakeError(ErrorCode::kInvalidArgument, "kustomization file is not a mapping");
  }
  if (k.contains("patches") && !k["patches"].is_array()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "expected 'patches' field in kustomization to be a list");
  }
  if (!k.contains("patches")) k["patches"] = Json::array();
  for (const auto& p : patches) k["patches"].push_back(p);
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << ToYaml(k);
  if (!out) return MakeError(ErrorCode::kInternal, "write kustomization with patches");
  return Ok();
}

Result<std::vector<Object>> RunKustomize(ToolRunner& runner, const git::Snapshot& snapshot,
                                         const std::string& app_path,
                                         const KustomizeOptions* overrides,
                                         const KustomizeDeps& deps, const KustomizeBuild& build) {
  auto checkout = snapshot.Materialize();
  if (!checkout) return std::unexpected(checkout.error().Wrap("materialize"));
  const fs::path checkout_root = *checkout;
  std::vector<std::pair<std::string, std::string>> redactions = {{checkout_root.string() + "/", ""},
                                                                 {checkout_root.string(), "."}};

  fs::path root = checkout_root;
  std::optional<ScratchDir> scratch;
  if (overrides && HasKustomizeOverrides(*overrides)) {
    auto made = ScratchDir::Create(runner.options().temp_dir);
    if (!made) return std::unexpected(made.error());
    scratch.emplace(std::move(*made));
    root = scratch->path();
    redactions.insert(redactions.begin(), {{root.string() + "/", ""}, {root.string(), "."}});
    if (deps.whole_repository) {
      if (auto st = CopyInto(checkout_root, root, ""); !st) return std::unexpected(st.error());
    } else {
      for (const auto& d : deps.dirs) {
        if (auto st = CopyInto(checkout_root, root, d); !st) return std::unexpected(st.error());
      }
      for (const auto& f : deps.files) {
        if (auto st = CopyInto(checkout_root, root, f); !st) return std::unexpected(st.error());
      }
    }
    const fs::path app_dir = app_path.empty() ? root : root / app_path;
    for (auto& args : KustomizeEditCommands(*overrides)) {
      auto r = runner.Run(
          {.program = build.binary, .args = args, .cwd = app_dir, .redactions = redactions});
      if (!r) return std::unexpected(r.error());
    }
    if (!overrides->patches.empty()) {
      fs::path file;
      for (const char* name : kKustomizationNames) {
        if (fs::exists(app_dir / name)) {
          file = app_dir / name;
          break;
        }
      }
      if (auto st = AppendKustomizePatches(file, overrides->patches); !st) {
        return std::unexpected(st.error().Wrap("kustomize.patches"));
      }
    }
    if (!overrides->components.empty()) {
      std::vector<std::string> args = {"edit", "add", "component"};
      for (const auto& c : overrides->components) {
        std::error_code ec;
        if (overrides->ignore_missing_components && !fs::exists(app_dir / c, ec)) continue;
        args.push_back(c);
      }
      if (args.size() > 3) {
        auto r = runner.Run(
            {.program = build.binary, .args = args, .cwd = app_dir, .redactions = redactions});
        if (!r) return std::unexpected(r.error());
      }
    }
  }

  std::vector<std::string> args = {"build",
                                   app_path.empty() ? root.string() : (root / app_path).string()};
  args.insert(args.end(), build.build_options.begin(), build.build_options.end());
  auto out =
      runner.Run({.program = build.binary, .args = args, .cwd = root, .redactions = redactions});
  if (!out) return std::unexpected(out.error());
  ManifestParseOptions parse{.limits = build.yaml, .tool_output = true};
  auto parsed = ParseManifests(out->out, app_path.empty() ? "." : app_path, parse);
  if (!parsed) return std::unexpected(parsed.error().Wrap("kustomize build output"));
  return std::move(parsed->objects);
}

}  // namespace cellgate::render

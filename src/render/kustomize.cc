#include "render/kustomize.h"

#include <stdlib.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>

#include "render/manifests.h"
#include "render/paths.h"
#include "render/scratch_dir.h"

namespace cellgate::render {
namespace {

namespace fs = std::filesystem;

bool FsWithin(const fs::path& path, const fs::path& dir) {
  auto [dit, pit] = std::mismatch(dir.begin(), dir.end(), path.begin(), path.end());
  return dit == dir.end();
}

std::string Display(const std::string& rel) { return rel.empty() ? "." : rel; }

// Copies the trees a build reads from the shared checkout into a render's scratch root,
// checking every symlink on the way after resolution on disk: one that leads outside the
// checkout refuses the render; one that stays inside is copied as a link and its target is
// copied too, so the scratch root resolves it the same way.
class ScratchCopy {
 public:
  ScratchCopy(fs::path from, fs::path to) : from_(std::move(from)), to_(std::move(to)) {}

  Status Copy(const std::string& rel) {
    pending_.push_back(rel);
    while (!pending_.empty()) {
      std::string next = std::move(pending_.back());
      pending_.pop_back();
      if (auto st = CopyOne(next); !st) return st;
    }
    return Ok();
  }

 private:
  bool Covered(const std::string& rel) const {
    return std::any_of(done_.begin(), done_.end(),
                       [&](const std::string& d) { return IsWithin(rel, d); });
  }

  Status CopyOne(const std::string& rel) {
    if (Covered(rel)) return Ok();
    done_.push_back(rel);
    std::error_code ec;
    const fs::path src = rel.empty() ? from_ : from_ / rel;
    const fs::path dst = rel.empty() ? to_ : to_ / rel;
    fs::create_directories(dst.parent_path(), ec);
    auto status = fs::symlink_status(src, ec);
    if (ec) return IoError(rel, ec);
    if (fs::is_symlink(status)) return Link(src, dst, rel);
    if (!fs::is_directory(status)) return File(src, dst, rel);
    fs::create_directories(dst, ec);
    if (ec) return IoError(rel, ec);
    for (auto it = fs::recursive_directory_iterator(src, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const fs::path rel_entry = fs::relative(it->path(), from_);
      const fs::path out = to_ / rel_entry;
      auto st = it->symlink_status(ec);
      if (ec) break;
      Status done = Ok();
      if (fs::is_symlink(st)) {
        done = Link(it->path(), out, rel_entry.generic_string());
      } else if (fs::is_directory(st)) {
        fs::create_directory(out, ec);
      } else if (fs::is_regular_file(st)) {
        done = File(it->path(), out, rel_entry.generic_string());
      }
      if (!done) return done;
    }
    if (ec) return IoError(rel, ec);
    return Ok();
  }

  Status File(const fs::path& src, const fs::path& dst, const std::string& rel) {
    std::error_code ec;
    fs::copy_file(src, dst, fs::copy_options::overwrite_existing, ec);
    if (ec) return IoError(rel, ec);
    return Ok();
  }

  Status Link(const fs::path& src, const fs::path& dst, const std::string& rel) {
    std::error_code ec;
    fs::path target = fs::weakly_canonical(src, ec);
    if (ec || !FsWithin(target, from_)) {
      return MakeError(ErrorCode::kPermissionDenied,
                       "symlink " + rel + " points outside the repository");
    }
    fs::path text = fs::read_symlink(src, ec);
    if (!ec) fs::create_symlink(text, dst, ec);
    if (ec) return IoError(rel, ec);
    pending_.push_back(fs::relative(target, from_).generic_string());
    if (pending_.back() == ".") pending_.back().clear();
    return Ok();
  }

  static Status IoError(const std::string& rel, const std::error_code& ec) {
    return MakeError(ErrorCode::kInternal,
                     "copy " + Display(rel) + " to a scratch directory: " + ec.message());
  }

  fs::path from_, to_;
  std::vector<std::string> done_;
  std::vector<std::string> pending_;
};

// Every reference the walker resolved lexically, resolved again on disk: a symlink on the
// way must not lead outside the checkout.
Status CheckReferencesOnDisk(const fs::path& root, const KustomizeDeps& deps) {
  for (const auto& r : deps.references) {
    std::error_code ec;
    fs::path real = fs::weakly_canonical(root / r.path, ec);
    if (ec || !FsWithin(real, root)) {
      return MakeError(ErrorCode::kPermissionDenied,
                       r.kustomization + ": " + r.field + " entry '" + r.entry +
                           "' leads outside the repository through a symlink");
    }
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
  CG_TRY_WRAP(docs, "load kustomization");
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
  CG_TRY_WRAP(checkout, "materialize");
  std::error_code ec;
  const fs::path checkout_root = fs::canonical(*checkout, ec);
  if (ec) return MakeError(ErrorCode::kInternal, "checkout: " + ec.message());
  CG_TRY(CheckReferencesOnDisk(checkout_root, deps));
  // The build runs in <scratch>/repo, holding only what this commit's build reads: ".."
  // from the repository root reaches only the (otherwise empty, 0700) scratch directory,
  // never the shared checkout tree where other commits live.
  auto made = ScratchDir::Create(runner.options().temp_dir, "kustomize");
  CG_TRY(made);
  ScratchDir scratch(std::move(*made));
  const fs::path root = scratch.path() / "repo";
  std::vector<std::pair<std::string, std::string>> redactions = {{root.string() + "/", ""},
                                                                 {root.string(), "."},
                                                                 {checkout_root.string() + "/", ""},
                                                                 {checkout_root.string(), "."}};
  ScratchCopy copy(checkout_root, root);
  fs::create_directories(root, ec);
  for (const auto& list : {deps.dirs, deps.files}) {
    for (const auto& p : list) {
      CG_TRY(copy.Copy(p));
    }
  }
  if (overrides && HasKustomizeOverrides(*overrides)) {
    const fs::path app_dir = app_path.empty() ? root : root / app_path;
    for (auto& args : KustomizeEditCommands(*overrides)) {
      auto r = runner.Run(
          {.program = build.binary, .args = args, .cwd = app_dir, .redactions = redactions});
      CG_TRY(r);
    }
    if (!overrides->patches.empty()) {
      fs::path file;
      for (const char* name : kKustomizationNames) {
        if (fs::exists(app_dir / name)) {
          file = app_dir / name;
          break;
        }
      }
      CG_TRY_WRAP(AppendKustomizePatches(file, overrides->patches), "kustomize.patches");
    }
    if (!overrides->components.empty()) {
      std::vector<std::string> args = {"edit", "add", "component"};
      for (const auto& c : overrides->components) {
        if (overrides->ignore_missing_components && !fs::exists(app_dir / c, ec)) continue;
        args.push_back(c);
      }
      if (args.size() > 3) {
        auto r = runner.Run(
            {.program = build.binary, .args = args, .cwd = app_dir, .redactions = redactions});
        CG_TRY(r);
      }
    }
  }

  std::vector<std::string> args = {"build",
                                   app_path.empty() ? root.string() : (root / app_path).string()};
  args.insert(args.end(), build.build_options.begin(), build.build_options.end());
  auto out =
      runner.Run({.program = build.binary, .args = args, .cwd = root, .redactions = redactions});
  CG_TRY(out);
  ManifestParseOptions parse{.limits = build.yaml, .tool_output = true};
  auto parsed = ParseManifests(out->out, app_path.empty() ? "." : app_path, parse);
  CG_TRY_WRAP(parsed, "kustomize build output");
  return std::move(parsed->objects);
}

}  // namespace cellgate::render

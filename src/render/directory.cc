#include "render/directory.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "core/digest.h"
#include "render/glob.h"
#include "render/manifests.h"
#include "render/paths.h"

namespace cellgate::render {
namespace {

bool HasSuffix(std::string_view s, std::string_view suffix) {
  return s.size() > suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string DisplayPath(const std::string& app_path) {
  return app_path.empty() ? std::string(".") : app_path;
}

}  // namespace

Result<DirectoryRender> RenderDirectory(const git::Snapshot& snapshot, const std::string& app_path,
                                        const DirectoryOptions& options,
                                        const DirectoryLimits& limits,
                                        const JsonnetEvaluator& jsonnet) {
  std::optional<Glob> include, exclude;
  if (!options.include.empty()) {
    auto g = Glob::Compile(options.include);
    CG_TRY_WRAP(g, "directory.include");
    include = std::move(*g);
  }
  if (!options.exclude.empty()) {
    auto g = Glob::Compile(options.exclude);
    CG_TRY_WRAP(g, "directory.exclude");
    exclude = std::move(*g);
  }

  auto entries = snapshot.List(app_path, options.recurse);
  if (!entries) {
    if (entries.error().code() == ErrorCode::kNotFound) {
      return MakeError(ErrorCode::kNotFound, "app path '" + DisplayPath(app_path) +
                                                 "' does not exist at commit " + snapshot.commit());
    }
    return std::unexpected(entries.error().Wrap("list " + DisplayPath(app_path)));
  }

  // The files the rules select, in listing order; jsonnet files are evaluated together first.
  std::vector<const git::TreeEntry*> selected;
  std::vector<std::string> jsonnet_files;
  std::size_t planned = 0;
  DirectoryRender out;
  for (const auto& entry : *entries) {
    if (entry.type != git::EntryType::kFile && entry.type != git::EntryType::kSymlink) continue;
    std::string_view name = BaseName(entry.path);
    bool is_jsonnet = HasSuffix(name, ".jsonnet");
    if (!is_jsonnet && !HasSuffix(name, ".json") && !HasSuffix(name, ".yaml") &&
        !HasSuffix(name, ".yml")) {
      continue;
    }
    std::string rel = RelativeTo(entry.path, app_path);
    if (exclude && exclude->Match(rel)) continue;
    if (include && !include->Match(rel)) continue;
    if (is_jsonnet) {
      if (!jsonnet) {
        return MakeError(ErrorCode::kInvalidArgument,
                         entry.path + ": jsonnet cannot be evaluated here (no evaluator)");
      }
      if (entry.type == git::EntryType::kSymlink) {
        auto text = snapshot.ReadFile(entry.path);
        if (!text && text.error().code() != ErrorCode::kPermissionDenied) {
          out.notes.push_back(entry.path + ": symlink skipped (" + text.error().message() + ")");
          continue;
        }
        CG_TRY_WRAP(text, "read " + entry.path);
        out.symlinked_files.push_back({entry.path, Sha256Hex(*text)});
      }
      jsonnet_files.push_back(entry.path);
    } else if (entry.type == git::EntryType::kFile) {
      // Refuse an oversized directory before any program runs (checked again as files are read).
      planned += entry.size;
      if (planned > limits.max_combined_bytes) {
        return MakeError(ErrorCode::kResourceExhausted,
                         "manifests under '" + DisplayPath(app_path) + "' exceed " +
                             std::to_string(limits.max_combined_bytes) + " bytes combined (at " +
                             entry.path + ")");
      }
    }
    selected.push_back(&entry);
  }
  std::vector<std::vector<Object>> evaluated;
  if (!jsonnet_files.empty()) {
    auto r = jsonnet(jsonnet_files);
    CG_TRY(r);
    evaluated = std::move(*r);
  }

  std::size_t expanded = 0;  // scalar bytes after YAML alias expansion
  std::size_t next_jsonnet = 0;
  for (const git::TreeEntry* e : selected) {
    const git::TreeEntry& entry = *e;
    std::string_view name = BaseName(entry.path);
    if (HasSuffix(name, ".jsonnet")) {
      for (auto& obj : evaluated.at(next_jsonnet++)) out.objects.push_back(std::move(obj));
      continue;
    }
    bool is_json = HasSuffix(name, ".json");
    if (entry.type == git::EntryType::kFile && out.bytes + entry.size > limits.max_combined_bytes) {
      return MakeError(ErrorCode::kResourceExhausted,
                       "manifests under '" + DisplayPath(app_path) + "' exceed " +
                           std::to_string(limits.max_combined_bytes) + " bytes combined (at " +
                           entry.path + ")");
    }
    auto text = snapshot.ReadFile(entry.path);
    if (!text) {
      if (entry.type == git::EntryType::kSymlink &&
          text.error().code() != ErrorCode::kPermissionDenied) {
        out.notes.push_back(entry.path + ": symlink skipped (" + text.error().message() + ")");
        continue;
      }
      return std::unexpected(text.error().Wrap("read " + entry.path));
    }
    if (entry.type == git::EntryType::kSymlink) {
      out.symlinked_files.push_back({entry.path, Sha256Hex(*text)});
    }
    out.bytes += text->size();
    if (out.bytes > limits.max_combined_bytes) {
      return MakeError(ErrorCode::kResourceExhausted,
                       "manifests under '" + DisplayPath(app_path) + "' exceed " +
                           std::to_string(limits.max_combined_bytes) + " bytes combined (at " +
                           entry.path + ")");
    }
    ManifestParseOptions parse{
        .limits = limits.yaml, .json = is_json, .skip_unrelated_yaml = !is_json};
    // YAML aliases may not expand the directory past its combined limit either.
    parse.limits.max_expanded_bytes =
        std::min(limits.yaml.max_expanded_bytes, limits.max_combined_bytes - expanded);
    auto parsed = ParseManifests(*text, entry.path, parse);
    if (!parsed && parsed.error().code() == ErrorCode::kResourceExhausted) {
      return std::unexpected(parsed.error().Wrap("manifests under '" + DisplayPath(app_path) +
                                                 "' exceed " +
                                                 std::to_string(limits.max_combined_bytes) +
                                                 " bytes combined after YAML alias expansion"));
    }
    CG_TRY(parsed);
    expanded += parsed->expanded_bytes;
    if (!parsed->note.empty()) out.notes.push_back(std::move(parsed->note));
    for (auto& obj : parsed->objects) out.objects.push_back(std::move(obj));
  }
  return out;
}

}  // namespace cellgate::render

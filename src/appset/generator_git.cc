// The git generator at the commit the caller's resolver gives for (repoURL, revision).
//
// directories: every directory of the tree (depth first, names sorted; a directory whose
// name starts with '.' is skipped with everything below it, as the repo-server does) that
// matches an include path and no `exclude: true` path (Go path.Match). Parameters: path,
// path.basename, path.basenameNormalized, path[n] (flat) / path.segments (goTemplate), and
// commitSHA.
//
// files: the files matching any `files[].path` (git pathspec rules, or doublestar with
// new_git_file_globbing), de-duplicated and sorted by path. Each is parsed as YAML or JSON
// (the first document): a list of maps gives one parameter set per map, a map gives one,
// an empty file none. Without goTemplate the content is flattened with dots ("a.b",
// "list.0") and every value printed as Go's %v would (numbers as float64: 1e+06). Path
// parameters: path (the directory, "." at the root), path.basename, path.filename,
// path.basenameNormalized, path.filenameNormalized, path[n] / path.segments, commitSHA.
//
// pathParamPrefix nests the path parameters under a prefix ("prefix.path..." flat,
// .prefix.path... with goTemplate). `values` are rendered last.
#include <algorithm>
#include <set>

#include "appset/generators.h"
#include "appset/path_match.h"
#include "core/yaml.h"
#include "template/dns_names.h"
#include "template/value.h"

namespace cellgate::appset {
namespace {

std::string Dir(const std::string& p) {
  auto slash = p.rfind('/');
  return slash == std::string::npos ? "." : p.substr(0, slash);
}
std::string Base(const std::string& p) {
  auto slash = p.rfind('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}
std::vector<std::string> Segments(const std::string& p) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    auto slash = p.find('/', start);
    out.push_back(p.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return out;
}

bool HiddenComponent(const std::string& path) {
  for (const auto& s : Segments(path)) {
    if (!s.empty() && s[0] == '.') return true;
  }
  return false;
}

// jeremywohl/flatten in dot style, values as fmt %v.
void Flatten(const Json& v, const std::string& prefix, Json& out) {
  if (v.is_object()) {
    for (const auto& [k, e] : v.items()) {
      std::string key = prefix;
      if (!key.empty()) key += '.';
      key += k;
      Flatten(e, key, out);
    }
    return;
  }
  if (v.is_array()) {
    for (std::size_t i = 0; i < v.size(); ++i) {
      Flatten(v[i], prefix.empty() ? std::to_string(i) : prefix + "." + std::to_string(i), out);
    }
    return;
  }
  out[prefix] =
      v.is_string() ? v.get<std::string>() : tmpl::FormatGoValue(tmpl::Value::FromJson(v));
}

void AddPathParams(Json& params, const std::string& dir, const std::string* file,
                   const std::string& commit, const std::string& prefix, bool go_template) {
  std::string base = Base(dir);
  if (go_template) {
    Json path = {
        {"path", dir}, {"basename", base}, {"basenameNormalized", tmpl::SanitizeName(base)}};
    if (file != nullptr) {
      path["filename"] = Base(*file);
      path["filenameNormalized"] = tmpl::SanitizeName(Base(*file));
    }
    path["segments"] = Segments(dir);
    if (prefix.empty()) {
      params["path"] = std::move(path);
      params["commitSHA"] = commit;
    } else {
      params[prefix] = {{"path", std::move(path)}, {"commitSHA", commit}};
    }
    return;
  }
  std::string p = prefix.empty() ? "path" : prefix + ".path";
  params[prefix.empty() ? "commitSHA" : prefix + ".commitSHA"] = commit;
  params[p] = dir;
  params[p + ".basename"] = base;
  params[p + ".basenameNormalized"] = tmpl::SanitizeName(base);
  if (file != nullptr) {
    params[p + ".filename"] = Base(*file);
    params[p + ".filenameNormalized"] = tmpl::SanitizeName(Base(*file));
  }
  auto segs = Segments(dir);
  for (std::size_t i = 0; i < segs.size(); ++i) {
    if (!segs[i].empty()) params[p + "[" + std::to_string(i) + "]"] = segs[i];
  }
}

Result<std::vector<Json>> Directories(const Json& spec, const git::Snapshot& snap,
                                      const GeneratorEnv& env) {
  const Json& dirs = spec["directories"];
  if (!dirs.is_array())
    return MakeError(ErrorCode::kInvalidArgument, "git.directories must be a list");
  struct Rule {
    std::string path;
    bool exclude;
  };
  std::vector<Rule> rules;
  for (std::size_t i = 0; i < dirs.size(); ++i) {
    const Json& d = dirs[i];
    if (!d.is_object() || !d.contains("path") || !d["path"].is_string()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "git.directories[" + std::to_string(i) + "].path must be a string");
    }
    rules.push_back({d["path"].get<std::string>(), d.value("exclude", false)});
  }
  auto entries = snap.List("", /*recursive=*/true);
  CG_TRY(entries);
  std::string prefix = spec.value("pathParamPrefix", "");
  std::vector<Json> out;
  for (const auto& e : *entries) {
    if (e.type != git::EntryType::kDirectory || HiddenComponent(e.path)) continue;
    bool include = false, exclude = false;
    for (std::size_t i = 0; i < rules.size(); ++i) {
      auto m = GoPathMatch(rules[i].path, e.path);
      CG_TRY_WRAP(m, "git.directories[" + std::to_string(i) + "].path");
      if (*m) (rules[i].exclude ? exclude : include) = true;
    }
    if (!include || exclude) continue;
    Json params = Json::object();
    AddPathParams(params, e.path, nullptr, snap.commit(), prefix, env.go_template);
    CG_TRY_WRAP(AppendTemplatedValues(spec.value("values", Json()), params, env),
                "git directory " + e.path);
    out.push_back(std::move(params));
  }
  return out;
}

Result<std::vector<Json>> Files(const Json& spec, const git::Snapshot& snap,
                                const GeneratorEnv& env) {
  const Json& files = spec["files"];
  if (!files.is_array()) return MakeError(ErrorCode::kInvalidArgument, "git.files must be a list");
  std::vector<std::string> patterns;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const Json& f = files[i];
    if (!f.is_object() || !f.contains("path") || !f["path"].is_string()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "git.files[" + std::to_string(i) + "].path must be a string");
    }
    patterns.push_back(f["path"].get<std::string>());
  }
  auto entries = snap.List("", /*recursive=*/true);
  CG_TRY(entries);
  std::set<std::string> matched;
  for (const auto& e : *entries) {
    if (e.type != git::EntryType::kFile && e.type != git::EntryType::kSymlink) continue;
    for (std::size_t i = 0; i < patterns.size(); ++i) {
      bool m = false;
      if (env.inputs.new_git_file_globbing) {
        auto r = DoublestarMatch(patterns[i], e.path);
        CG_TRY_WRAP(r, "git.files[" + std::to_string(i) + "].path");
        m = *r;
      } else {
        m = GitPathspecMatch(patterns[i], e.path);
      }
      if (m) matched.insert(e.path);
    }
  }
  std::string prefix = spec.value("pathParamPrefix", "");
  std::vector<Json> out;
  for (const auto& path : matched) {  // std::set: sorted as Go's sort.Strings
    auto content = snap.ReadFile(path);
    CG_TRY_WRAP(content, "git file " + path);
    if (content->size() > env.inputs.max_git_file_bytes) {
      return MakeError(ErrorCode::kResourceExhausted,
                       "git file " + path + " is " + std::to_string(content->size()) +
                           " bytes, over the limit of " +
                           std::to_string(env.inputs.max_git_file_bytes));
    }
    auto docs = ParseYamlDocuments(*content, path);
    CG_TRY_WRAP(docs, "unable to process file '" + path + "'");
    Json doc = docs->empty() ? Json() : docs->front().value;
    std::vector<Json> objects;
    if (doc.is_array()) {
      for (const auto& o : doc) {
        if (!o.is_object()) {
          return MakeError(ErrorCode::kInvalidArgument,
                           "unable to process file '" + path + "': list entries must be maps");
        }
        objects.push_back(o);
      }
    } else if (doc.is_object()) {
      objects.push_back(doc);
    } else if (!doc.is_null()) {
      return MakeError(
          ErrorCode::kInvalidArgument,
          "unable to process file '" + path + "': content must be a map or a list of maps");
    }
    for (const auto& obj : objects) {
      Json params = Json::object();
      if (env.go_template) {
        params = obj;
      } else {
        Flatten(obj, "", params);
      }
      AddPathParams(params, Dir(path), &path, snap.commit(), prefix, env.go_template);
      CG_TRY_WRAP(AppendTemplatedValues(spec.value("values", Json()), params, env),
                  "git file " + path);
      out.push_back(std::move(params));
    }
  }
  return out;
}

}  // namespace

Result<std::vector<Json>> GenerateGit(const Json& spec, const GeneratorEnv& env) {
  std::string repo = spec.value("repoURL", "");
  std::string revision = spec.value("revision", "");
  if (repo.empty()) return MakeError(ErrorCode::kInvalidArgument, "git.repoURL is required");
  bool has_dirs = spec.contains("directories") && !spec["directories"].empty();
  bool has_files = spec.contains("files") && !spec["files"].empty();
  if (!has_dirs && !has_files)
    return MakeError(ErrorCode::kInvalidArgument, "git generator needs directories or files");
  if (!env.inputs.resolve_snapshot) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "git generator: no git source was given to resolve " + repo);
  }
  auto snap = env.inputs.resolve_snapshot(repo, revision);
  if (!snap)
    return std::unexpected(
        snap.error().Wrap("git " + repo + " at " + (revision.empty() ? "HEAD" : revision)));
  // Directories win when both are given, as in Argo CD.
  return has_dirs ? Directories(spec, **snap, env) : Files(spec, **snap, env);
}

}  // namespace cellgate::appset

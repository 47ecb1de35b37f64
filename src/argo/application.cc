#include "fleet/app_model.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <utility>

namespace cellgate::fleet {
namespace {

std::unexpected<Error> FieldError(const std::string& path, const std::string& what) {
  return MakeError(ErrorCode::kInvalidArgument, path + ": " + what);
}

// Typed access to optional fields; absent and null read as "not set".
class Fields {
 public:
  Fields(const Json& obj, std::string path) : obj_(obj), path_(std::move(path)) {}

  const Json* Find(const char* key) const {
    if (!obj_.is_object()) return nullptr;
    auto it = obj_.find(key);
    return it == obj_.end() || it->is_null() ? nullptr : &*it;
  }
  std::string Path(const char* key) const { return path_.empty() ? key : path_ + "." + key; }

  Result<std::string> String(const char* key) const {
    const Json* v = Find(key);
    if (v == nullptr) return std::string();
    if (!v->is_string()) return FieldError(Path(key), "must be a string");
    return v->get<std::string>();
  }
  Result<bool> Bool(const char* key, bool fallback = false) const {
    const Json* v = Find(key);
    if (v == nullptr) return fallback;
    if (!v->is_boolean()) return FieldError(Path(key), "must be a boolean");
    return v->get<bool>();
  }
  Result<std::optional<std::int64_t>> Int(const char* key) const {
    const Json* v = Find(key);
    if (v == nullptr) return std::optional<std::int64_t>();
    if (!v->is_number_integer()) return FieldError(Path(key), "must be an integer");
    return std::optional<std::int64_t>(v->get<std::int64_t>());
  }
  Result<const Json*> Object(const char* key) const {
    const Json* v = Find(key);
    if (v != nullptr && !v->is_object()) return FieldError(Path(key), "must be an object");
    return v;
  }
  Result<std::vector<std::string>> Strings(const char* key) const {
    std::vector<std::string> out;
    const Json* v = Find(key);
    if (v == nullptr) return out;
    if (!v->is_array()) return FieldError(Path(key), "must be a list of strings");
    for (std::size_t i = 0; i < v->size(); ++i) {
      if (!(*v)[i].is_string()) {
        return FieldError(Path(key) + "[" + std::to_string(i) + "]", "must be a string");
      }
      out.push_back((*v)[i].get<std::string>());
    }
    return out;
  }

 private:
  const Json& obj_;
  std::string path_;
};

Result<RetryStrategy> ParseRetry(const Json& j, const std::string& path) {
  Fields f(j, path);
  RetryStrategy r;
  std::optional<std::int64_t> limit;
  CG_ASSIGN(limit, f.Int("limit"));
  r.limit = limit.value_or(0);
  CG_ASSIGN(r.refresh, f.Bool("refresh"));
  const Json* backoff = nullptr;
  CG_ASSIGN(backoff, f.Object("backoff"));
  if (backoff != nullptr) {
    Fields b(*backoff, path + ".backoff");
    RetryBackoff rb;
    CG_ASSIGN(rb.duration, b.String("duration"));
    CG_ASSIGN(rb.max_duration, b.String("maxDuration"));
    CG_ASSIGN(rb.factor, b.Int("factor"));
    r.backoff = std::move(rb);
  }
  return r;
}

Result<SyncPolicy> ParseSyncPolicy(const Json& j) {
  Fields f(j, "spec.syncPolicy");
  SyncPolicy p;
  const Json* automated = nullptr;
  CG_ASSIGN(automated, f.Object("automated"));
  if (automated != nullptr) {
    Fields a(*automated, "spec.syncPolicy.automated");
    AutomatedSync s;
    CG_ASSIGN(s.prune, a.Bool("prune"));
    CG_ASSIGN(s.self_heal, a.Bool("selfHeal"));
    CG_ASSIGN(s.allow_empty, a.Bool("allowEmpty"));
    CG_ASSIGN(s.enabled, a.Bool("enabled", true));
    p.automated = s;
  }
  CG_ASSIGN(p.sync_options, f.Strings("syncOptions"));
  const Json* retry = nullptr;
  CG_ASSIGN(retry, f.Object("retry"));
  if (retry != nullptr) CG_ASSIGN(p.retry, ParseRetry(*retry, "spec.syncPolicy.retry"));
  const Json* nsmeta = nullptr;
  CG_ASSIGN(nsmeta, f.Object("managedNamespaceMetadata"));
  if (nsmeta != nullptr) p.managed_namespace_metadata = *nsmeta;
  return p;
}

Result<SyncOperation> ParseSyncOperation(const Json& j) {
  Fields f(j, "operation.sync");
  SyncOperation s;
  CG_ASSIGN(s.revision, f.String("revision"));
  CG_ASSIGN(s.revisions, f.Strings("revisions"));
  CG_ASSIGN(s.prune, f.Bool("prune"));
  CG_ASSIGN(s.dry_run, f.Bool("dryRun"));
  CG_ASSIGN(s.sync_options, f.Strings("syncOptions"));
  if (const Json* res = f.Find("resources")) {
    if (!res->is_array()) return FieldError("operation.sync.resources", "must be a list");
    for (std::size_t i = 0; i < res->size(); ++i) {
      std::string path = "operation.sync.resources[" + std::to_string(i) + "]";
      if (!(*res)[i].is_object()) return FieldError(path, "must be an object");
      Fields r((*res)[i], path);
      SyncOperationResource item;
      CG_ASSIGN(item.group, r.String("group"));
      CG_ASSIGN(item.kind, r.String("kind"));
      CG_ASSIGN(item.name, r.String("name"));
      CG_ASSIGN(item.ns, r.String("namespace"));
      s.resources.push_back(std::move(item));
    }
  }
  const Json* strategy = nullptr;
  CG_ASSIGN(strategy, f.Object("syncStrategy"));
  if (strategy != nullptr) {
    Fields st(*strategy, "operation.sync.syncStrategy");
    const Json* apply = nullptr;
    CG_ASSIGN(apply, st.Object("apply"));
    const Json* hook = nullptr;
    CG_ASSIGN(hook, st.Object("hook"));
    if (apply != nullptr) {
      s.strategy = SyncStrategyKind::kApply;
      CG_ASSIGN(s.force, Fields(*apply, "operation.sync.syncStrategy.apply").Bool("force"));
    } else if (hook != nullptr) {
      CG_ASSIGN(s.force, Fields(*hook, "operation.sync.syncStrategy.hook").Bool("force"));
    }
  }
  const Json* source = nullptr;
  CG_ASSIGN(source, f.Object("source"));
  if (source != nullptr) s.source = *source;
  return s;
}

Result<Operation> ParseOperation(const Json& j) {
  Fields f(j, "operation");
  Operation op;
  op.raw = j;
  const Json* sync = nullptr;
  CG_ASSIGN(sync, f.Object("sync"));
  if (sync != nullptr) CG_ASSIGN(op.sync, ParseSyncOperation(*sync));
  const Json* by = nullptr;
  CG_ASSIGN(by, f.Object("initiatedBy"));
  if (by != nullptr) {
    Fields b(*by, "operation.initiatedBy");
    CG_ASSIGN(op.initiated_by.username, b.String("username"));
    CG_ASSIGN(op.initiated_by.automated, b.Bool("automated"));
  }
  const Json* retry = nullptr;
  CG_ASSIGN(retry, f.Object("retry"));
  if (retry != nullptr) CG_ASSIGN(op.retry, ParseRetry(*retry, "operation.retry"));
  return op;
}

// Lexical path cleaning as Go's path.Clean, for repository-relative paths.
std::string CleanPath(std::string_view p) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= p.size()) {
    std::size_t end = p.find('/', start);
    if (end == std::string_view::npos) end = p.size();
    std::string_view seg = p.substr(start, end - start);
    if (seg == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!seg.empty() && seg != ".") {
      parts.emplace_back(seg);
    }
    start = end + 1;
  }
  std::string out;
  for (const auto& s : parts) out += (out.empty() ? "" : "/") + s;
  return out.empty() ? "." : out;
}

}  // namespace

std::string SyncPolicy::Option(std::string_view key) const {
  for (const auto& o : sync_options) {
    auto eq = o.find('=');
    if (eq != std::string::npos && std::string_view(o).substr(0, eq) == key) {
      return o.substr(eq + 1);
    }
  }
  return "";
}

Result<AppModel> ParseAppModel(const Json& manifest) {
  AppModel m;
  CG_ASSIGN(m.app, render::ParseApplication(manifest));
  const std::string where = "Application " + m.app.ns + "/" + m.app.name;
  auto in_app = [&](const Error& e) { return std::unexpected(e.Wrap(where)); };
  static const Json kNone;
  auto member = [&](const char* key) -> const Json& {
    auto it = manifest.find(key);
    return it == manifest.end() ? kNone : *it;
  };
  const Json& meta = member("metadata");
  Fields mf(meta, "metadata");
  auto uid = mf.String("uid");
  if (!uid) return in_app(uid.error());
  m.uid = *uid;
  m.resource_version = StringAt(meta, {"resourceVersion"});
  if (const Json* g = mf.Find("generation"); g != nullptr && g->is_number_integer()) {
    m.generation = g->get<std::int64_t>();
  }
  m.deleting = mf.Find("deletionTimestamp") != nullptr;
  auto finalizers = mf.Strings("finalizers");
  if (!finalizers) return in_app(finalizers.error());
  m.finalizers = *finalizers;
  for (const auto& f : m.finalizers) {
    if (f == kBackgroundFinalizer) {
      m.cascade = CascadeDeletion::kBackground;
      break;
    }
    if (f == kResourcesFinalizer || f == kForegroundFinalizer) {
      m.cascade = CascadeDeletion::kForeground;
      break;
    }
  }

  const Json& spec = member("spec");
  Fields sf(spec, "spec");
  if (const Json* sources = sf.Find("sources"); sources != nullptr && !sources->empty()) {
    m.source_json = (*sources)[0];
  } else if (const Json* source = sf.Find("source")) {
    m.source_json = *source;
  }
  if (const Json* dest = sf.Find("destination")) m.destination_json = *dest;
  const Json* policy = nullptr;
  auto policy_r = sf.Object("syncPolicy");
  if (!policy_r) return in_app(policy_r.error());
  policy = *policy_r;
  if (policy != nullptr) {
    auto p = ParseSyncPolicy(*policy);
    if (!p) return in_app(p.error());
    m.sync_policy = std::move(*p);
  }
  if (const Json* ignore = sf.Find("ignoreDifferences")) {
    if (!ignore->is_array())
      return in_app(Error(ErrorCode::kInvalidArgument, "spec.ignoreDifferences: must be a list"));
    m.ignore_differences = *ignore;
  }
  auto limit = sf.Int("revisionHistoryLimit");
  if (!limit) return in_app(limit.error());
  const std::int64_t history = limit->value_or(kDefaultRevisionHistoryLimit);
  m.revision_history_limit = static_cast<int>(std::clamp<std::int64_t>(history, 0, 1 << 20));

  if (const Json* op = Fields(manifest, "").Find("operation")) {
    if (!op->is_object()) {
      return in_app(Error(ErrorCode::kInvalidArgument, "operation: must be an object"));
    }
    auto parsed = ParseOperation(*op);
    if (!parsed) return in_app(parsed.error());
    m.operation = std::move(*parsed);
  }

  if (const Json* ann = mf.Find("annotations"); ann != nullptr && ann->is_object()) {
    if (auto it = ann->find(kRefreshAnnotation); it != ann->end() && it->is_string()) {
      m.refresh = it->get<std::string>() == "hard" ? RefreshType::kHard : RefreshType::kNormal;
    }
    if (auto it = ann->find(kManifestGeneratePathsAnnotation);
        it != ann->end() && it->is_string()) {
      std::string_view rest = it->get_ref<const std::string&>();
      while (true) {
        auto semi = rest.find(';');
        std::string_view item = rest.substr(0, semi);
        while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front()))) {
          item.remove_prefix(1);
        }
        while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back()))) {
          item.remove_suffix(1);
        }
        if (!item.empty()) m.manifest_generate_paths.emplace_back(item);
        if (semi == std::string_view::npos) break;
        rest.remove_prefix(semi + 1);
      }
    }
  }
  return m;
}

std::vector<std::string> ResolvedManifestGeneratePaths(const AppModel& app) {
  std::vector<std::string> out;
  for (const auto& p : app.manifest_generate_paths) {
    if (p.starts_with('/')) {
      out.push_back(CleanPath(p));
    } else {
      out.push_back(CleanPath(app.app.source.path + "/" + p));
    }
  }
  return out;
}

#undef CG_TRY

}  // namespace cellgate::fleet

#include "argo/applicationset.h"

namespace cellgate::argo {
namespace {

std::unexpected<Error> Invalid(const std::string& msg) {
  return MakeError(ErrorCode::kInvalidArgument, msg);
}

Result<std::vector<std::string>> StringList(const Json& j, const std::string& field) {
  std::vector<std::string> out;
  if (j.is_null()) return out;
  if (!j.is_array()) return Invalid(field + " must be a list of strings");
  for (const auto& e : j) {
    if (!e.is_string()) return Invalid(field + " must be a list of strings");
    out.push_back(e.get<std::string>());
  }
  return out;
}

Result<bool> Bool(const Json& obj, const char* key, const std::string& field) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return false;
  if (!it->is_boolean()) return Invalid(field + " must be a boolean");
  return it->get<bool>();
}

}  // namespace

bool PolicyAllowsUpdate(ApplicationsSyncPolicy p) {
  return p == ApplicationsSyncPolicy::kSync || p == ApplicationsSyncPolicy::kCreateUpdate;
}
bool PolicyAllowsDelete(ApplicationsSyncPolicy p) {
  return p == ApplicationsSyncPolicy::kSync || p == ApplicationsSyncPolicy::kCreateDelete;
}

std::string ApplicationSet::QualifiedName() const { return ns.empty() ? name : ns + "/" + name; }

Result<ApplicationSet> ParseApplicationSet(const Json& obj) {
  if (!obj.is_object()) return Invalid("ApplicationSet must be an object");
  ApplicationSet a;
  const Json& meta = obj.contains("metadata") ? obj["metadata"] : Json();
  if (meta.is_object()) {
    a.name = meta.value("name", "");
    a.ns = meta.value("namespace", "");
    a.uid = meta.value("uid", "");
  }
  if (a.name.empty()) return Invalid("ApplicationSet: metadata.name is required");
  auto fail = [&](const std::string& msg) {
    return Invalid("ApplicationSet " + a.QualifiedName() + ": " + msg);
  };
  if (obj.value("apiVersion", "") != "argoproj.io/v1alpha1" ||
      obj.value("kind", "") != "ApplicationSet") {
    return fail("apiVersion/kind must be argoproj.io/v1alpha1 ApplicationSet, not " +
                obj.value("apiVersion", "") + " " + obj.value("kind", ""));
  }
  if (!obj.contains("spec") || !obj["spec"].is_object()) return fail("spec is required");
  const Json& spec = obj["spec"];
  if (!spec.contains("generators") || !spec["generators"].is_array())
    return fail("spec.generators must be a list");
  a.generators = spec["generators"];
  if (!spec.contains("template") || !spec["template"].is_object())
    return fail("spec.template is required");
  a.app_template = spec["template"];
  auto go = Bool(spec, "goTemplate", "spec.goTemplate");
  if (!go) return fail(go.error().message());
  a.go_template = *go;
  auto opts = StringList(spec.value("goTemplateOptions", Json()), "spec.goTemplateOptions");
  if (!opts) return fail(opts.error().message());
  a.go_template_options = std::move(*opts);
  if (auto it = spec.find("templatePatch"); it != spec.end() && !it->is_null()) {
    if (!it->is_string()) return fail("spec.templatePatch must be a string");
    a.template_patch = it->get<std::string>();
  }
  if (auto it = spec.find("syncPolicy"); it != spec.end() && !it->is_null()) {
    if (!it->is_object()) return fail("spec.syncPolicy must be an object");
    std::string sync = it->value("applicationsSync", "");
    if (sync.empty() || sync == "sync") {
      a.applications_sync = ApplicationsSyncPolicy::kSync;
    } else if (sync == "create-only") {
      a.applications_sync = ApplicationsSyncPolicy::kCreateOnly;
    } else if (sync == "create-update") {
      a.applications_sync = ApplicationsSyncPolicy::kCreateUpdate;
    } else if (sync == "create-delete") {
      a.applications_sync = ApplicationsSyncPolicy::kCreateDelete;
    } else {
      return fail("spec.syncPolicy.applicationsSync \"" + sync +
                  "\" is not one of create-only, create-update, create-delete, sync");
    }
    auto p =
        Bool(*it, "preserveResourcesOnDeletion", "spec.syncPolicy.preserveResourcesOnDeletion");
    if (!p) return fail(p.error().message());
    a.preserve_resources_on_deletion = *p;
  }
  if (auto it = spec.find("preservedFields"); it != spec.end() && it->is_object()) {
    auto an = StringList(it->value("annotations", Json()), "spec.preservedFields.annotations");
    if (!an) return fail(an.error().message());
    a.preserved_annotations = std::move(*an);
    auto lb = StringList(it->value("labels", Json()), "spec.preservedFields.labels");
    if (!lb) return fail(lb.error().message());
    a.preserved_labels = std::move(*lb);
  }
  if (auto it = spec.find("strategy"); it != spec.end() && !it->is_null()) {
    if (!it->is_object()) return fail("spec.strategy must be an object");
    Strategy s;
    s.type = it->value("type", "");
    // Any string: the CRD has no enum and Argo CD's IsRollingSyncStrategy treats every
    // type but "RollingSync" as all at once.
    if (s.type == "RollingSync") {
      const Json& rs = it->value("rollingSync", Json::object());
      const Json& steps = rs.is_object() ? rs.value("steps", Json::array()) : Json::array();
      if (!steps.is_array()) return fail("spec.strategy.rollingSync.steps must be a list");
      for (const auto& st : steps) {
        RollingSyncStep step;
        step.match_expressions = st.value("matchExpressions", Json::array());
        if (auto mu = st.find("maxUpdate"); mu != st.end() && !mu->is_null()) {
          step.max_update = mu->is_string() ? mu->get<std::string>() : mu->dump();
        }
        s.steps.push_back(std::move(step));
      }
    }
    a.strategy = std::move(s);
  }
  return a;
}

}  // namespace cellgate::argo

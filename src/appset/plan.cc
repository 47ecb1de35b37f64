#include "appset/plan.h"

#include <map>
#include <optional>

#include "appset/applications.h"

namespace cellgate::appset {
namespace {

constexpr std::string_view kNotifiedAnnotation = "notified.notifications.argoproj.io";
constexpr std::string_view kRefreshAnnotation = "argocd.argoproj.io/refresh";
constexpr std::string_view kPostDeleteFinalizer = "post-delete-finalizer.argocd.argoproj.io";

std::optional<Json> ControllerRef(const Json& body) {
  auto meta = body.find("metadata");
  if (meta == body.end() || !meta->is_object()) return std::nullopt;
  auto refs = meta->find("ownerReferences");
  if (refs == meta->end() || !refs->is_array()) return std::nullopt;
  for (const auto& r : *refs) {
    if (r.value("controller", false)) return r;
  }
  return std::nullopt;
}

enum class Ownership { kOurs, kNobody, kOther };

Ownership OwnershipOf(const Object& app, const PlanOptions& o) {
  auto ref = ControllerRef(app.body());
  if (!ref) return Ownership::kNobody;
  if (ref->value("kind", "") != "ApplicationSet" ||
      ref->value("apiVersion", "") != "argoproj.io/v1alpha1") {
    return Ownership::kOther;
  }
  std::string uid = ref->value("uid", "");
  if (!uid.empty() && !o.appset_uid.empty())
    return uid == o.appset_uid ? Ownership::kOurs : Ownership::kOther;
  return ref->value("name", "") == o.appset_name ? Ownership::kOurs : Ownership::kOther;
}

Json Mutate(const Object& existing, const Object& desired, const PlanOptions& o) {
  Json found = existing.body();
  const Json& want = desired.body();
  found["spec"] = want.value("spec", Json::object());
  if (want.contains("operation") && !want["operation"].is_null())
    found["operation"] = want["operation"];
  Json& meta = found["metadata"];
  const Json& wmeta = want["metadata"];
  Json annotations = wmeta.value("annotations", Json::object());
  Json labels = wmeta.value("labels", Json::object());
  Json finalizers = wmeta.value("finalizers", Json::array());
  std::vector<std::string> keep_ann = o.preserved_annotations;
  keep_ann.emplace_back(kNotifiedAnnotation);
  keep_ann.emplace_back(kRefreshAnnotation);
  const Json& have_ann = meta.value("annotations", Json::object());
  for (const auto& k : keep_ann) {
    if (have_ann.contains(k)) annotations[k] = have_ann[k];
  }
  const Json& have_labels = meta.value("labels", Json::object());
  for (const auto& k : o.preserved_labels) {
    if (have_labels.contains(k)) labels[k] = have_labels[k];
  }
  for (const auto& f : meta.value("finalizers", Json::array())) {
    if (f.is_string() && f.get<std::string>().starts_with(kPostDeleteFinalizer))
      finalizers.push_back(f);
  }
  auto set_or_erase = [&](const char* key, Json v) {
    if (v.empty()) {
      meta.erase(key);
    } else {
      meta[key] = std::move(v);
    }
  };
  set_or_erase("annotations", std::move(annotations));
  set_or_erase("labels", std::move(labels));
  set_or_erase("finalizers", std::move(finalizers));
  if (wmeta.contains("ownerReferences")) {
    // SetControllerReference: replace a reference to the same owner, else append.
    Json refs = meta.value("ownerReferences", Json::array());
    const Json& ours = wmeta["ownerReferences"][0];
    bool replaced = false;
    for (auto& r : refs) {
      if (r.value("kind", "") == "ApplicationSet" &&
          r.value("name", "") == ours.value("name", "")) {
        r = ours;
        replaced = true;
      }
    }
    if (!replaced) refs.push_back(ours);
    meta["ownerReferences"] = std::move(refs);
  }
  return found;
}

bool DestinationKnown(const Object& app, const PlanOptions& o) {
  if (!o.known_destinations) return true;
  const Json& dest = app.body().contains("spec")
                         ? app.body()["spec"].value("destination", Json::object())
                         : Json::object();
  std::string server = dest.value("server", ""), name = dest.value("name", "");
  for (const auto& [n, s] : *o.known_destinations) {
    if ((!server.empty() && server == s) || (!name.empty() && name == n)) return true;
  }
  return false;
}

}  // namespace

bool OwnedByApplicationSet(const Object& app, const PlanOptions& options) {
  return OwnershipOf(app, options) == Ownership::kOurs;
}

PlanOptions PlanOptionsFor(const argo::ApplicationSet& appset) {
  return PlanOptions{.policy = appset.applications_sync,
                     .preserve_resources_on_deletion = appset.preserve_resources_on_deletion,
                     .appset_name = appset.name,
                     .appset_uid = appset.uid,
                     .preserved_annotations = appset.preserved_annotations,
                     .preserved_labels = appset.preserved_labels};
}

ApplicationPlan PlanApplicationChanges(const std::vector<Object>& desired,
                                       const std::vector<Object>& existing, const PlanOptions& o) {
  ApplicationPlan plan;
  std::map<std::string, const Object*> by_name;
  for (const auto& e : existing) by_name[e.Name()] = &e;
  std::map<std::string, bool> wanted;
  for (const auto& d : desired) {
    wanted[d.Name()] = true;
    auto it = by_name.find(d.Name());
    if (it == by_name.end()) {
      plan.creates.push_back(d);
      continue;
    }
    const Object& have = *it->second;
    Ownership own = OwnershipOf(have, o);
    if (own == Ownership::kOther) {
      plan.conflicts.push_back("Application " + d.Name() +
                               " is already owned by another controller");
      continue;
    }
    // Argo CD updates owned Applications only when the policy allows; an Application nobody
    // owns goes through CreateOrUpdate whatever the policy, and is adopted.
    if (own == Ownership::kOurs && !argo::PolicyAllowsUpdate(o.policy)) continue;
    Json updated = Mutate(have, d, o);
    // Key order means nothing to the API server.
    if (nlohmann::json::parse(updated.dump()) != nlohmann::json::parse(have.body().dump())) {
      plan.updates.emplace_back(std::move(updated), have.origin());
    }
  }
  if (argo::PolicyAllowsDelete(o.policy)) {
    for (const auto& e : existing) {
      if (wanted.contains(e.Name()) || OwnershipOf(e, o) != Ownership::kOurs) continue;
      ApplicationDeletion del{.app = e};
      const Json& fins = e.body()["metadata"].value("finalizers", Json::array());
      bool has_finalizer = false;
      for (const auto& f : fins) has_finalizer = has_finalizer || f == kResourcesFinalizer;
      if (has_finalizer && (o.preserve_resources_on_deletion || !DestinationKnown(e, o))) {
        del.remove_finalizer_first = true;
        Json body = e.body();
        Json kept = Json::array();
        for (const auto& f : fins) {
          if (f != kResourcesFinalizer) kept.push_back(f);
        }
        if (kept.empty()) {
          body["metadata"].erase("finalizers");
        } else {
          body["metadata"]["finalizers"] = std::move(kept);
        }
        del.without_finalizer = Object(std::move(body), e.origin());
      }
      plan.deletes.push_back(std::move(del));
    }
  }
  return plan;
}

}  // namespace cellgate::appset

#include "controller/app_writes.h"

#include <algorithm>

#include "fleet/app_model.h"
#include "fleet/status_update.h"

namespace cellgate::controller {

Result<std::string> WriteStatus(HomeCluster& home, const Object& application, const Json& status) {
  auto r = home.applier().Apply(fleet::StatusApplyObject(application, status),
                                {.field_manager = std::string(kControllerFieldManager)});
  CG_TRY_WRAP(r, "write status");
  return StringAt(r->body(), {"metadata", "resourceVersion"});
}

Status EditApplication(HomeCluster& home, const AppRef& ref,
                       const std::function<bool(Json& body)>& edit, int attempts) {
  for (int i = 0;; ++i) {
    auto live = home.reader().Get(kApplicationGvk, ref.ns, ref.name);
    CG_TRY(live);
    Json body = live->body();
    if (!edit(body)) return Ok();
    auto updated = home.applier().Update(Object(std::move(body)),
                                         {.field_manager = std::string(kControllerFieldManager)});
    if (updated) return Ok();
    if (updated.error().code() != ErrorCode::kConflict || i + 1 >= attempts) {
      return std::unexpected(updated.error());
    }
  }
}

Status ClearOperation(HomeCluster& home, const AppRef& ref) {
  return WithContext(EditApplication(home, ref,
                                     [](Json& body) {
                                       if (!body.contains("operation")) return false;
                                       body.erase("operation");
                                       return true;
                                     }),
                     "clear operation");
}

Status RemoveRefreshAnnotation(HomeCluster& home, const AppRef& ref) {
  return WithContext(EditApplication(home, ref,
                                     [](Json& body) {
                                       auto meta = body.find("metadata");
                                       if (meta == body.end() || !meta->is_object()) return false;
                                       auto ann = meta->find("annotations");
                                       if (ann == meta->end() || !ann->is_object() ||
                                           !ann->contains(std::string(fleet::kRefreshAnnotation))) {
                                         return false;
                                       }
                                       ann->erase(std::string(fleet::kRefreshAnnotation));
                                       return true;
                                     }),
                     "remove refresh annotation");
}

Status RemoveFinalizers(HomeCluster& home, const AppRef& ref,
                        const std::vector<std::string>& finalizers) {
  return WithContext(EditApplication(home, ref,
                                     [&](Json& body) {
                                       auto meta = body.find("metadata");
                                       if (meta == body.end() || !meta->is_object()) return false;
                                       auto list = meta->find("finalizers");
                                       if (list == meta->end() || !list->is_array()) return false;
                                       Json kept = Json::array();
                                       for (const auto& f : *list) {
                                         bool drop =
                                             f.is_string() &&
                                             std::find(finalizers.begin(), finalizers.end(),
                                                       f.get<std::string>()) != finalizers.end();
                                         if (!drop) kept.push_back(f);
                                       }
                                       if (kept.size() == list->size()) return false;
                                       *list = std::move(kept);
                                       return true;
                                     }),
                     "remove finalizer");
}

}  // namespace cellgate::controller

#include "appset_controller/plan_applier.h"

#include <spdlog/spdlog.h>

#include "appset_controller/change_detection.h"

namespace cellgate::appset_controller {
namespace {

class Applying {
 public:
  Applying(const Object& appset, const PlanApplierDeps& deps) : appset_(appset), deps_(deps) {}

  void Create(const Object& app) {
    if (deps_.observer) deps_.observer->WillWrite(app);
    auto stored = deps_.applier.Create(app, {.field_manager = deps_.field_manager});
    if (!stored) return WriteFailed(stored.error());
    Event("created", "created Application \"" + app.Name() + "\"");
    out_.written.push_back(std::move(*stored));
  }

  void Update(const Object& app) {
    if (deps_.observer) deps_.observer->WillWrite(app);
    auto stored = deps_.applier.Update(app, {.field_manager = deps_.field_manager});
    if (!stored) return WriteFailed(stored.error());
    Event("updated", "updated Application \"" + app.Name() + "\"");
    out_.written.push_back(std::move(*stored));
  }

  void Conflict(const std::string& message) {
    if (out_.write_error.empty()) out_.write_error = message;
  }

  void Delete(const appset::ApplicationDeletion& del) {
    const Object& app = del.app;
    if (BeingDeleted(app.body())) {
      out_.deleted.push_back(app.Name());
      return;
    }
    if (del.remove_finalizer_first) {
      if (deps_.observer) deps_.observer->WillWrite(del.without_finalizer);
      auto stored =
          deps_.applier.Update(del.without_finalizer, {.field_manager = deps_.field_manager});
      if (!stored) return DeleteFailed(stored.error());
      Event("Updated", "Updated Application \"" + app.Name() +
                           "\" finalizer before deletion, so that its resources are kept");
    }
    if (deps_.observer) deps_.observer->WillDelete(app);
    auto done =
        deps_.applier.Delete(app, {.precondition_uid = StringAt(app.body(), {"metadata", "uid"})});
    if (!done && done.error().code() != ErrorCode::kNotFound) return DeleteFailed(done.error());
    Event("Deleted", "Deleted Application \"" + app.Name() + "\"");
    out_.deleted.push_back(app.Name());
  }

  AppliedPlan Take() { return std::move(out_); }

 private:
  void Event(std::string_view reason, const std::string& message) {
    spdlog::info("ApplicationSet {}: {}", AppSetKeyOf(appset_), message);
    if (deps_.events) deps_.events->Record(appset_, runtime::EventType::kNormal, reason, message);
  }
  void WriteFailed(const Error& e) {
    spdlog::warn("ApplicationSet {}: {}", AppSetKeyOf(appset_), e.message());
    if (out_.write_error.empty()) out_.write_error = e.message();
    out_.retry = out_.retry || e.code() != ErrorCode::kInvalidArgument;
  }
  void DeleteFailed(const Error& e) {
    spdlog::warn("ApplicationSet {}: {}", AppSetKeyOf(appset_), e.message());
    if (out_.delete_error.empty()) out_.delete_error = e.message();
    out_.retry = out_.retry || e.code() != ErrorCode::kInvalidArgument;
  }

  const Object& appset_;
  const PlanApplierDeps& deps_;
  AppliedPlan out_;
};

}  // namespace

AppliedPlan ApplyPlan(const appset::ApplicationPlan& plan, const Object& appset,
                      const PlanApplierDeps& deps) {
  Applying run(appset, deps);
  for (const auto& message : plan.conflicts) run.Conflict(message);
  for (const auto& app : plan.creates) run.Create(app);
  for (const auto& app : plan.updates) run.Update(app);
  for (const auto& del : plan.deletes) run.Delete(del);
  return run.Take();
}

}  // namespace cellgate::appset_controller

#include "controller/status_inputs.h"

#include <set>

namespace cellgate::controller {
namespace {

void AddImages(const Json& pod_spec, std::set<std::string>& images) {
  if (!pod_spec.is_object()) return;
  for (const char* list : {"initContainers", "containers"}) {
    auto it = pod_spec.find(list);
    if (it == pod_spec.end() || !it->is_array()) continue;
    for (const auto& c : *it) {
      std::string image = StringAt(c, {"image"});
      if (!image.empty()) images.insert(std::move(image));
    }
  }
}

const Json* PodSpecOf(const Json& body) {
  const Json* spec = nullptr;
  auto walk = [](const Json* j, std::initializer_list<const char*> path) -> const Json* {
    for (const char* k : path) {
      if (j == nullptr || !j->is_object()) return nullptr;
      auto it = j->find(k);
      if (it == j->end()) return nullptr;
      j = &*it;
    }
    return j;
  };
  std::string kind = StringAt(body, {"kind"});
  if (kind == "Pod") {
    spec = walk(&body, {"spec"});
  } else if (kind == "CronJob") {
    spec = walk(&body, {"spec", "jobTemplate", "spec", "template", "spec"});
  } else {
    spec = walk(&body, {"spec", "template", "spec"});
  }
  return spec;
}

}  // namespace

std::vector<fleet::ResourceState> ResourceStatesFromJson(const Json& resources) {
  std::vector<fleet::ResourceState> out;
  if (!resources.is_array()) return out;
  for (const auto& r : resources) {
    if (!r.is_object()) continue;
    fleet::ResourceState s{.group = StringAt(r, {"group"}),
                           .version = StringAt(r, {"version"}),
                           .kind = StringAt(r, {"kind"}),
                           .ns = StringAt(r, {"namespace"}),
                           .name = StringAt(r, {"name"}),
                           .sync_status = StringAt(r, {"status"}),
                           .health_status = StringAt(r, {"health", "status"}),
                           .health_message = StringAt(r, {"health", "message"})};
    s.hook = r.value("hook", false);
    s.requires_pruning = r.value("requiresPruning", false);
    if (auto w = r.find("syncWave"); w != r.end() && w->is_number_integer()) {
      s.sync_wave = w->get<std::int64_t>();
    }
    if (s.kind.empty() || s.name.empty()) continue;
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<fleet::ResourceState> ComparedResources(const engine::AppComparison& comparison) {
  return ResourceStatesFromJson(engine::ResourceStatusesJson(comparison));
}

std::vector<engine::GroupKind> InventoryOf(const Json& status) {
  std::vector<engine::GroupKind> out;
  std::set<engine::GroupKind> seen;
  if (!status.is_object() || !status.contains("resources")) return out;
  for (const fleet::ResourceState& r : ResourceStatesFromJson(status["resources"])) {
    engine::GroupKind gk{r.group, r.kind};
    if (seen.insert(gk).second) out.push_back(std::move(gk));
  }
  return out;
}

fleet::OperationStateInput FinishedOperationState(const sync::SyncResult& result,
                                                  const SyncInvocation& invocation,
                                                  const Json& source) {
  fleet::OperationStateInput op{.operation = invocation.operation,
                                .phase = std::string(sync::OperationPhaseName(result.phase)),
                                .message = result.message,
                                .started_at = result.started_at,
                                .finished_at = result.finished_at,
                                .retry_count = invocation.retry_count,
                                .has_sync_result = true,
                                .revision = result.revision,
                                .source = source};
  Json engine = sync::OperationStateJson(result);
  for (const auto& r : engine["syncResult"]["resources"]) {
    op.resources.push_back(fleet::ResourceSyncResult{.group = StringAt(r, {"group"}),
                                                     .version = StringAt(r, {"version"}),
                                                     .kind = StringAt(r, {"kind"}),
                                                     .ns = StringAt(r, {"namespace"}),
                                                     .name = StringAt(r, {"name"}),
                                                     .status = StringAt(r, {"status"}),
                                                     .message = StringAt(r, {"message"}),
                                                     .hook_type = StringAt(r, {"hookType"}),
                                                     .hook_phase = StringAt(r, {"hookPhase"}),
                                                     .sync_phase = StringAt(r, {"syncPhase"})});
  }
  return op;
}

fleet::OperationStateInput RunningOperationState(const SyncInvocation& invocation,
                                                 runtime::WallTime started_at,
                                                 std::string message) {
  return fleet::OperationStateInput{.operation = invocation.operation,
                                    .phase = "Running",
                                    .message = std::move(message),
                                    .started_at = started_at,
                                    .retry_count = invocation.retry_count};
}

std::vector<std::string> ImagesOf(std::span<const Object> objects) {
  std::set<std::string> images;
  for (const Object& o : objects) {
    if (const Json* spec = PodSpecOf(o.body())) AddImages(*spec, images);
  }
  return {images.begin(), images.end()};
}

}  // namespace cellgate::controller

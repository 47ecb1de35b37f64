#include "engine/app_sync.h"

#include <algorithm>
#include <optional>

#include "engine/parallel.h"

namespace cellgate::engine {
namespace {

// A desired object whose live copy another app's tracking id claims, and that live copy.
struct Claimed {
  sync::SharedResource shared;
  Object live;
};

// Desired objects with no live copy of ours may exist under another app's tracking id: the
// live list is selected by our instance label, so ask for each by key (in parallel).
Result<std::vector<Claimed>> FindShared(CellAccess& cell, const AppComparison& comparison,
                                        const std::string& instance, int parallelism) {
  std::vector<const Object*> untracked;
  for (const auto& r : comparison.resources) {
    if (r.desired && !r.live && !r.desired->Name().empty()) untracked.push_back(&*r.desired);
  }
  std::vector<std::optional<Claimed>> found(untracked.size());
  std::vector<std::optional<Error>> errors(untracked.size());
  ParallelFor(untracked.size(), parallelism, [&](std::size_t i) {
    const Object& desired = *untracked[i];
    auto live =
        cell.reader.Get(kube::GroupVersionKind::Of(desired), desired.Namespace(), desired.Name());
    if (live) {
      if (auto shared = sync::SharedWith(*live, instance)) {
        found[i] = Claimed{.shared = std::move(*shared), .live = std::move(*live)};
      }
    } else if (IsUnreachable(live.error())) {
      errors[i] = live.error().Wrap("read " + desired.Key().ToString());
    }  // else absent, or not readable: no claim we can see
  });
  std::vector<Claimed> out;
  for (std::size_t i = 0; i < untracked.size(); ++i) {
    if (const std::optional<Error>& e = errors[i]; e.has_value()) return std::unexpected(*e);
    if (std::optional<Claimed>& c = found[i]; c.has_value()) out.push_back(std::move(*c));
  }
  std::sort(out.begin(), out.end(),
            [](const Claimed& a, const Claimed& b) { return a.shared.key < b.shared.key; });
  return out;
}

// Compares the claimed objects' live copies with what this app wants, in place of the
// Missing states, as Argo CD compares a target object with whatever live object has its key
// (gitops-engine's GetManagedLiveObjs; controller/state.go isSelfReferencedObj checks the
// key, not the app). The live copies stay out of the app's LiveState: they are not ours to
// prune or to list again.
Status CompareClaimed(CellAccess& cell, const std::vector<Claimed>& claimed,
                      const CompareOptions& options, AppComparison& comparison,
                      std::stop_token stop) {
  if (claimed.empty()) return Ok();
  std::vector<Object> wanted;
  LiveState live;
  for (const Claimed& c : claimed) {
    const ResourceState* state = comparison.Find(c.shared.key);
    if (state == nullptr || !state->desired) continue;
    wanted.push_back(*state->desired);
    live.objects.push_back(c.live);
  }
  auto again = CompareApp(cell, wanted, live, options, stop);
  CG_TRY(again);
  for (ResourceState& fresh : again->resources) {
    for (ResourceState& r : comparison.resources) {
      if (r.key == fresh.key && r.desired) {
        r = std::move(fresh);
        break;
      }
    }
  }
  for (auto& w : again->warnings) comparison.warnings.push_back(std::move(w));
  comparison.sync =
      comparison.OutOfSyncCount() == 0 ? sync::SyncStatus::kSynced : sync::SyncStatus::kOutOfSync;
  comparison.health = AppHealth(comparison.resources);
  return Ok();
}

}  // namespace

std::string QualifiedName(const sync::AppSyncSpec& spec) {
  return spec.app_namespace.empty() ? spec.name : spec.app_namespace + "/" + spec.name;
}

Result<AppObservation> ObserveApp(CellAccess& cell, const sync::AppSyncSpec& spec,
                                  std::span<const Object> rendered, const ObserveOptions& options,
                                  std::stop_token stop) {
  const std::string context = "app " + spec.name + " in " + cell.name;
  AppObservation out;
  auto rules = sync::IgnoreRules::Compile(spec.ignore_differences);
  CG_TRY_WRAP(rules, context);
  out.ignore = std::make_shared<const sync::IgnoreRules>(std::move(*rules));

  auto desired = PrepareDesired(rendered, spec.instance, spec.destination_namespace, cell.kinds);
  CG_TRY_WRAP(desired, context);
  out.desired = std::move(*desired);

  auto live = LoadLiveState(cell.reader, cell.kinds,
                            {.instance = spec.instance,
                             .desired_kinds = KindsOf(out.desired.objects),
                             .inventory = options.inventory,
                             .all_kinds = options.all_kinds,
                             .parallelism = options.parallelism,
                             .cache = options.use_cache ? cell.cache : nullptr},
                            stop);
  CG_TRY_WRAP(live, context);
  out.live = std::move(*live);

  auto plan_options = spec.PlanOptions(false);
  CG_TRY_WRAP(plan_options, context);
  const CompareOptions compare{
      .ignore = out.ignore.get(),
      .destination_namespace = spec.destination_namespace,
      .skip_dry_run_on_missing_resource = plan_options->skip_dry_run_on_missing_resource,
      .health = options.health,
      .parallelism = options.parallelism};
  auto comparison = CompareApp(cell, out.desired.objects, out.live, compare, stop);
  CG_TRY_WRAP(comparison, context);
  out.comparison = std::move(*comparison);
  auto claimed = FindShared(cell, out.comparison, spec.instance, options.parallelism);
  CG_TRY_WRAP(claimed, context);
  CG_TRY_WRAP(CompareClaimed(cell, *claimed, compare, out.comparison, stop), context);
  for (Claimed& c : *claimed) out.shared.push_back(std::move(c.shared));
  return out;
}

sync::SyncResult SyncApp(CellAccess& cell, const sync::AppSyncSpec& spec,
                         const AppObservation& observed, const SyncOverrides& overrides,
                         const ExecutorOptions& options, const ProgressCallback& progress,
                         std::stop_token stop) {
  auto plan_options = spec.PlanOptions(overrides.prune);
  if (!plan_options) {
    sync::SyncResult failed{.phase = sync::OperationPhase::kFailed,
                            .message = plan_options.error().message()};
    failed.started_at = failed.finished_at = cell.clock.WallNow();
    return failed;
  }
  plan_options->revision = overrides.revision;
  if (plan_options->fail_on_shared_resource && !observed.shared.empty()) {
    sync::SyncResult failed{
        .phase = sync::OperationPhase::kFailed,
        .message = "Shared resource found: " +
                   sync::SharedResourceMessage(observed.shared.front(), QualifiedName(spec)),
        .revision = overrides.revision};
    failed.started_at = failed.finished_at = cell.clock.WallNow();
    return failed;
  }
  SyncRequest request{.instance = spec.instance,
                      .options = *plan_options,
                      .desired = observed.desired.objects,
                      .live = &observed.live,
                      .comparison = &observed.comparison,
                      .ignore = observed.ignore.get()};
  SyncExecutor executor(cell, options);
  return executor.Run(request, progress, std::move(stop));
}

}  // namespace cellgate::engine

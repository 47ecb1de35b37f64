// AppRouting: which work queue reconciles an Application, and which Applications a change
// must re-queue.
//
// Queues (worker_pool.h): an app goes to the queue of its destination cell, so it is
// reconciled by that cell's workers. An app whose destination resolves to no usable cell, or
// to a cell the registry reports Unreachable or Invalid, goes to its home's queue
// ("home:<home>", "home:hub"): its reconcile only writes status there, and must not wait
// behind the workers of a cell that hangs. The last routed destination of every app is kept,
// so a cell's state change re-queues exactly its apps (and every app whose destination did
// not resolve: the change may resolve it).
//
// Relevance (what Argo CD's informer handlers and needRefreshAppStatus decide): a change of
// an Application re-queues it when its spec, `operation`, annotations, labels, finalizers or
// deletionTimestamp changed; a change of status alone (our own writes, mostly) does not.
// App of apps: a child whose status (sync or health) changed re-queues the parent named by
// its tracking annotation, whose health follows its children.
//
// Thread-safety: thread-safe; no network I/O.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cells/cell_registry.h"
#include "controller/app_ref.h"
#include "controller/cell_targets.h"
#include "controller/home_directory.h"
#include "core/mutex.h"

namespace cellgate::controller {

// "home:hub" or "home:<cell>".
std::string HomeQueueName(std::string_view home);

// True when `after` differs from `before` in what a reconcile acts on (see above).
bool RelevantChange(const Object& before, const Object& after);
// True when the sync or health status differs.
bool StatusSummaryChanged(const Object& before, const Object& after);

class AppRouting {
 public:
  AppRouting(const cells::CellRegistry& registry, const CellTargets& cells,
             const HomeDirectory& homes, std::string controller_namespace)
      : registry_(registry),
        cells_(cells),
        homes_(homes),
        controller_namespace_(std::move(controller_namespace)) {}

  // The queue for `ref` now; remembers its destination cell.
  std::string QueueFor(const AppRef& ref);
  // Apps last routed to `cell`, plus those whose destination did not resolve.
  std::vector<AppRef> AppsOf(std::string_view cell) const;
  void Forget(const AppRef& ref);

  // The parent Application of `child` in the same home (app of apps), from its tracking id.
  std::optional<AppRef> ParentOf(const AppRef& child, const Object& object) const;

 private:
  const cells::CellRegistry& registry_;
  const CellTargets& cells_;
  const HomeDirectory& homes_;
  const std::string controller_namespace_;
  mutable core::Mutex mu_;
  std::map<AppRef, std::string> destination_ GUARDED_BY(mu_);  // "" = did not resolve
};

}  // namespace cellgate::controller

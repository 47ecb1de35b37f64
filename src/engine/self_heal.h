// SelfHealer: keeps one application's objects in one cell equal to what was synced, by
// watching them and re-applying what drifts (Argo CD's selfHeal, but event-driven).
//
// Watches: the kinds the application renders (hooks excluded), through the cell's WatchHub
// (watch_hub.h): one label-selected watch per kind per cell, shared by every application, and
// each healer sees only objects with its own instance label (list, then watch with
// bookmarks; reconnects and 410 re-lists are kube::Watcher's). Nothing else is watched.
//
// What counts as drift. Each event's object is normalised (normalize.h) with the app's
// ignoreDifferences removed and compared with the last version known to be in sync; equal
// means a status or bookkeeping change and is dropped without a request. `baseline` seeds
// the known-in-sync versions: pass objects a comparison found Synced (BaselineFrom), not a
// sync's apply results, which admission may already have changed. Objects of the first list
// that are not in the baseline are checked once. Events caused by our own applies are dropped too:
// any event whose resourceVersion is not newer than our last apply of that object (resourceVersions
// compared as numbers, which every etcd-backed API server produces; otherwise by equality).
// Anything else is re-diffed exactly like CompareApp does (server-side dry run of the
// desired object, DiffObject in server-side mode, ignoreDifferences): OutOfSync or deleted
// is drift; Synced becomes the new known-good version.
//
// Healing: a drifted object is re-applied at once (server-side apply, force; a deleted one
// is re-created), on the worker thread, typically within tens of milliseconds of the event.
// The apply's result is compared with the dry-run's prediction: if they differ, something
// changed the object while it was written (a mutating webhook), and the object is checked
// again at once. HealGuard (heal_guard.h) turns repeated heals into backoff with a condition
// naming the object and the changed fields, instead of fighting forever.
//
// Snapshot() returns a state the controller can publish (heals, conditions, per-object
// state, watch errors). Heals are also reported to the callback, on the worker thread.
//
// Lifetime: Start() subscribes; Stop() (or the destructor) unsubscribes and waits for a check
// in progress. Checks and heals run on `runner` (heal_runner.h), shared by the healers of a
// cell; without one the healer makes its own with one thread. An idle healer costs no thread
// and no wake-ups. The CellAccess references, the hub and the runner must outlive the healer.
//
// Thread-safety: Snapshot() may be called from any thread; Start/Stop from one thread.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/mutex.h"
#include "engine/cell.h"
#include "engine/compare.h"
#include "engine/heal_guard.h"
#include "engine/heal_runner.h"
#include "engine/watch_hub.h"
#include "sync/diff.h"
#include "sync/ignore.h"

namespace cellgate::engine {

struct SelfHealTarget {
  std::string instance;  // tracking name
  std::string destination_namespace;
  std::vector<Object> desired;  // prepared (desired.h); hooks are left out
  std::shared_ptr<const sync::IgnoreRules> ignore;
  bool respect_ignore_differences = false;
  std::vector<Object> baseline;  // live objects a comparison found Synced
};

// The live objects of the resources `comparison` found Synced.
std::vector<Object> BaselineFrom(const AppComparison& comparison);

struct SelfHealOptions {
  HealGuardOptions guard;
  // Watches reconnect on their own; this only bounds how long Start() waits for the first
  // list of each kind (so Snapshot() is meaningful when Start returns).
  std::chrono::milliseconds initial_list_timeout{std::chrono::seconds(30)};
};

struct HealEvent {
  ObjectKey key;
  std::string action;  // "re-applied", "re-created", "backing off", "failed"
  std::vector<std::string> changed_paths;
  std::chrono::milliseconds latency{0};  // from the event's arrival to the apply's return
  std::string message;                   // the error, or the backoff condition
};

using HealCallback = std::function<void(const HealEvent&)>;

struct SelfHealStatus {
  bool running = false;
  std::size_t events = 0;                 // watch events received (bookmarks excluded)
  std::size_t ignored = 0;                // dropped: ours, or no change that matters
  std::size_t checks = 0;                 // re-diffs (each one dry run)
  std::size_t drifts = 0;                 // checks that found drift
  std::size_t heals = 0;                  // re-applies made
  std::size_t failures = 0;               // re-applies or checks that failed
  std::vector<GuardedObject> objects;     // every object that drifted at least once
  std::vector<std::string> conditions;    // SelfHealBackoff: ...
  std::vector<std::string> watch_errors;  // most recent first, at most 10
};

class SelfHealer final : private HealRunner::Client {
 public:
  SelfHealer(CellAccess cell, WatchHub& hub, SelfHealTarget target, SelfHealOptions options = {},
             HealCallback on_heal = {}, HealRunner* runner = nullptr);
  ~SelfHealer() override;
  SelfHealer(const SelfHealer&) = delete;
  SelfHealer& operator=(const SelfHealer&) = delete;

  // Subscribes to each rendered kind. Fails when a kind cannot be watched.
  cellgate::Status Start();
  void Stop();

  SelfHealStatus Snapshot() const;

 private:
  struct Pending {
    std::optional<Object> live;  // nullopt: deleted
    Clock::TimePoint seen{};
    Clock::TimePoint due{};
    bool recheck = false;  // our own write, to be checked again (not a stale event)
  };

  void OnEvent(const kube::GroupVersionKind& gvk, const kube::WatchEvent& event);
  void Offer(const ObjectKey& key, std::optional<Object> live) REQUIRES(mu_);
  bool Unchanged(const ObjectKey& key, const Object& live) const REQUIRES(mu_);
  // HealRunner::Client: checks what is due, returns when the next backoff ends.
  std::optional<Clock::TimePoint> RunDue() override;
  void Check(const ObjectKey& key, Pending pending);
  // SHA-256 of the object normalised, ignoreDifferences removed, keys sorted: equal means
  // "no change that matters".
  std::string Fingerprint(const ObjectKey& key, const Object& live) const;
  Object Outgoing(const Object& desired, const std::optional<Object>& live) const;

  CellAccess cell_;
  WatchHub& hub_;
  SelfHealTarget target_;  // baseline emptied by the constructor; otherwise unchanged
  const SelfHealOptions options_;
  HealCallback on_heal_;
  std::unique_ptr<HealRunner> own_runner_;  // when no runner was given
  HealRunner& runner_;
  std::map<ObjectKey, const Object*> desired_by_key_;

  mutable core::Mutex mu_;
  core::CondVar cv_;
  bool stopping_ = false;
  bool running_ = false;
  std::map<ObjectKey, Pending> pending_ GUARDED_BY(mu_);
  std::map<ObjectKey, std::string> known_good_ GUARDED_BY(mu_);    // Fingerprint
  std::map<ObjectKey, std::string> applied_rv_ GUARDED_BY(mu_);    // our last write
  std::map<kube::GroupVersionKind, bool> listed_ GUARDED_BY(mu_);  // first kReplace seen
  HealGuard guard_ GUARDED_BY(mu_);
  SelfHealStatus stats_ GUARDED_BY(mu_);
  std::vector<std::unique_ptr<WatchHub::Subscription>> watches_;
};

}  // namespace cellgate::engine

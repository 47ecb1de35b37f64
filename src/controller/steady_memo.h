// SteadyMemo: which Applications their last full reconcile found steady, and what that
// finding depended on, so the periodic reconcile of a quiet app can skip resolve-render-
// compare when none of it changed (at 1,000 apps, render and compare were most of the
// controller's idle CPU).
//
// The reconciler (reconciler.h) remembers an app after a reconcile that ran no sync or
// operation and found it Synced and Healthy with no condition, reading every live kind from
// the cell's watch cache. An entry holds:
//   - `inputs`: a digest of everything that comparison read apart from live objects (the
//     reconciler's SteadyInputs: spec, annotations, commit, destination, inventory kinds,
//     the status summary);
//   - `cached`: the live kinds and the cache versions read (engine::LiveState::cached);
//     engine::CacheUnchanged tells whether the app's live objects changed since;
//   - the memo's generation when that reconcile started: Invalidate() (an AppProject
//     changed, say) starts a new one, so a reconcile that began before it is not taken;
//   - when it was remembered: after `max_age` the app gets a full reconcile anyway.
//
// Thread-safety: thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/mutex.h"
#include "engine/live_state.h"

namespace cellgate::controller {

class SteadyMemo {
 public:
  struct Entry {
    std::string inputs;
    std::vector<engine::CachedKindVersion> cached;
    std::uint64_t generation = 0;
    Clock::TimePoint at;
  };

  std::uint64_t Generation() const;
  // Forgets every entry and starts a new generation.
  void Invalidate();
  // Keeps `entry` for `key` unless its generation is no longer the current one.
  void Remember(const std::string& key, Entry entry);
  void Forget(const std::string& key);
  // The cached kinds of `key`'s entry when it has these `inputs`, the current generation and
  // is younger than `max_age` at `now`; else nullopt.
  std::optional<std::vector<engine::CachedKindVersion>> Match(
      const std::string& key, const std::string& inputs, Clock::TimePoint now,
      std::chrono::nanoseconds max_age) const;
  std::size_t Size() const;

 private:
  mutable core::Mutex mu_;
  std::uint64_t generation_ GUARDED_BY(mu_) = 0;
  std::unordered_map<std::string, Entry> entries_ GUARDED_BY(mu_);
};

}  // namespace cellgate::controller

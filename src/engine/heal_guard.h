// HealGuard: when self-heal may re-apply a drifted object, and when it must stop fighting.
//
// Self-heal re-applies a managed object as soon as it drifts. If another actor keeps changing
// it (a mutating webhook adding a sidecar, an operator owning the same field), re-applying at
// once forever is a loop that hammers the API server and hides the conflict. The guard counts
// heals of an object that follow the previous heal within `loop_window`:
//   - the first `heals_before_backoff` of them happen at once;
//   - after that, each further attempt waits: initial_backoff, doubling, up to max_backoff;
//   - while waiting, the object carries a condition naming it, the changed fields and the
//     next attempt ("SelfHealBackoff: apps/Deployment shop/api: field
//     spec.template.spec.containers changed by another actor after 3 heals; next attempt
//     in 1s");
//   - a check that finds the object in sync after its backoff, or a drift more than
//     loop_window after the last heal, starts the count again and clears the condition.
//
// Pure: time comes in as arguments. Thread-safety: not thread-safe (the SelfHealer's worker
// owns it).
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/object.h"

namespace cellgate::engine {

struct HealGuardOptions {
  int heals_before_backoff = 3;
  std::chrono::milliseconds loop_window{std::chrono::seconds(30)};
  std::chrono::milliseconds initial_backoff{std::chrono::seconds(1)};
  std::chrono::milliseconds max_backoff{std::chrono::minutes(5)};
};

struct HealDecision {
  bool apply_now = false;
  std::optional<Clock::TimePoint> retry_at;  // when !apply_now: check again then
};

// What the guard knows about one object.
struct GuardedObject {
  ObjectKey key;
  std::size_t heals = 0;   // re-applies so far
  std::size_t streak = 0;  // heals in a row, each within loop_window of the previous
  std::optional<Clock::TimePoint> last_heal;
  std::optional<Clock::TimePoint> backoff_until;
  std::chrono::milliseconds backoff{0};
  std::vector<std::string> changed_paths;  // of the last drift
  std::string condition;                   // "" unless backing off
};

class HealGuard {
 public:
  explicit HealGuard(HealGuardOptions options = {}) : options_(options) {}

  // The object drifted (its diff shows `changed_paths`) at `now`: heal now, or wait.
  HealDecision OnDrift(const ObjectKey& key, const std::vector<std::string>& changed_paths,
                       Clock::TimePoint now);
  // The heal decided by OnDrift was made at `now`.
  void OnHealed(const ObjectKey& key, Clock::TimePoint now);
  // A check found the object in sync at `now`.
  void OnInSync(const ObjectKey& key, Clock::TimePoint now);

  const GuardedObject* Find(const ObjectKey& key) const;
  std::vector<GuardedObject> Objects() const;
  // Conditions of objects that are backing off.
  std::vector<std::string> Conditions() const;

 private:
  GuardedObject& Get(const ObjectKey& key);

  HealGuardOptions options_;
  std::map<ObjectKey, GuardedObject> objects_;
};

// "1s", "2m8s", "5m": a short human duration for messages.
std::string ShortDuration(std::chrono::milliseconds d);

// Paths (".spec.replicas" style, without the leading dot: "spec.replicas") where two
// normalised objects differ: objects are descended key by key, a list or scalar that differs
// is reported at its own path. At most `max` paths, in document order.
std::vector<std::string> ChangedPaths(const Json& a, const Json& b, std::size_t max = 5);

}  // namespace cellgate::engine

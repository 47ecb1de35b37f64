// WorkQueue: the level-based queue of reconcile requests between event sources (watches,
// timers, listeners) and the controller's workers, with the guarantees of client-go's
// rate-limited workqueue that controller-runtime builds on:
//
//  - A key is a string naming what to reconcile ("argocd/guestbook", or an (app, cell) pair
//    encoded by the caller). Adding a key that is already queued does nothing: many events
//    for one object become one reconcile (level-based: the worker reads current state).
//  - A key handed out by Get() is "processing" until Done(key). It is never handed to a
//    second worker meanwhile; adding it while it is processing marks it dirty, and Done()
//    queues it again, so the change that arrived during processing is not lost.
//  - AddAfter(key, d) queues the key once d has passed on the Clock (an earlier deadline for
//    the same key wins). AddRateLimited(key) is AddAfter with the key's exponential backoff
//    (base * 2^failures, capped at max), counting a failure; Forget(key) resets the count
//    once the key succeeds.
//  - ShutDown() wakes every blocked Get(), which then returns nullopt at once, even when keys
//    remain queued (client-go drains them first; a controller that loses its lease must stop
//    acting immediately). Adds after ShutDown() are ignored.
//
// Delayed keys are promoted when a worker asks for work: Get() waits on the Clock's notion
// of the earliest deadline, so no timer thread exists. With a FakeClock (single-threaded
// tests) use TryGet() after advancing the clock.
//
// Observers are plain callbacks so metrics can be wired without this part knowing about
// them. on_depth runs under the queue's lock (so reported depths are in order) and must not
// call back into the queue; on_wait and on_work run on the worker's thread without the lock.
//
// Thread-safety: thread-safe; any number of producers and workers. The Clock must outlive
// the queue.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "core/clock.h"
#include "core/mutex.h"

namespace cellgate::runtime {

struct WorkQueueOptions {
  std::string name = "default";  // for metrics and logs
  // Per-key failure backoff: the n-th failure waits base * 2^(n-1), capped at max_backoff
  // (controller-runtime's defaults; its extra overall 10 QPS bucket is not applied).
  std::chrono::milliseconds base_backoff{5};
  std::chrono::milliseconds max_backoff{std::chrono::seconds(1000)};
  // Queued (not delayed, not processing) keys after every change.
  std::function<void(std::size_t depth)> on_depth;
  // Time from a key becoming ready (added, or its delay elapsed) to a worker getting it.
  std::function<void(std::chrono::nanoseconds wait)> on_wait;
  // Time from Get() to Done() for one key.
  std::function<void(std::chrono::nanoseconds work)> on_work;
};

class WorkQueue {
 public:
  explicit WorkQueue(const Clock& clock, WorkQueueOptions options = {});
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  void Add(std::string_view key);
  // d <= 0 is Add(key).
  void AddAfter(std::string_view key, std::chrono::nanoseconds delay);
  // AddAfter(key, Backoff(key)) and counts one more failure for the key.
  void AddRateLimited(std::string_view key);
  // Clears the key's failure count (it does not remove a queued or delayed key).
  void Forget(std::string_view key);
  // Failures counted for the key since the last Forget.
  int NumRequeues(std::string_view key) const;

  // Blocks until a key is ready or the queue shuts down (nullopt). The caller must call
  // Done(key) when it has finished with the key.
  std::optional<std::string> Get();
  // Non-blocking Get: nullopt when nothing is ready now.
  std::optional<std::string> TryGet();
  void Done(std::string_view key);

  void ShutDown();
  bool ShuttingDown() const;

  // Ready keys (delayed and processing keys excluded), and delayed keys waiting.
  std::size_t Len() const;
  std::size_t DelayedLen() const;

 private:
  using TimePoint = Clock::TimePoint;

  // Takes the front key into processing; returns it and how long it waited to be handed out.
  std::pair<std::string, std::chrono::nanoseconds> PopLocked() REQUIRES(mu_);
  // Reports the wait of a popped key to options_.on_wait, without mu_; returns the key.
  std::string ReportWait(std::pair<std::string, std::chrono::nanoseconds> popped) const
      EXCLUDES(mu_);
  void AddLocked(const std::string& key, TimePoint ready_at) REQUIRES(mu_);
  void PromoteDueLocked(TimePoint now) REQUIRES(mu_);
  void ReportDepthLocked() const REQUIRES(mu_);
  std::chrono::nanoseconds BackoffLocked(const std::string& key) REQUIRES(mu_);

  const Clock& clock_;
  const WorkQueueOptions options_;

  mutable core::Mutex mu_;
  core::CondVar cv_;
  std::deque<std::string> queue_ GUARDED_BY(mu_);                     // FIFO of ready keys
  std::unordered_map<std::string, TimePoint> dirty_ GUARDED_BY(mu_);  // key -> ready since
  std::unordered_set<std::string> processing_ GUARDED_BY(mu_);
  std::unordered_map<std::string, TimePoint> started_ GUARDED_BY(mu_);  // key -> Get() time
  // Delayed keys, ordered by deadline; waiting_ maps a key to its entry in delayed_.
  std::set<std::pair<TimePoint, std::string>> delayed_ GUARDED_BY(mu_);
  std::unordered_map<std::string, TimePoint> waiting_ GUARDED_BY(mu_);
  std::unordered_map<std::string, int> failures_ GUARDED_BY(mu_);
  bool shutting_down_ GUARDED_BY(mu_) = false;
};

}  // namespace cellgate::runtime

// WorkerPool: one work queue and its own worker threads per destination cell, so a cell that
// hangs ties up only its own workers (DESIGN: one slow or dead cell never slows the others).
//
// Queues are named after what they serve: a cell's name, or "home:<home>" for reconciles that
// must not touch their destination (it is unknown or unreachable: the reconcile only writes
// status in the Application's home). A queue and its `workers_per_queue` threads are created
// the first time something is added to it and live until ShutDown(). Keys are work-queue keys
// (app_ref.h); within one queue a key is reconciled by one worker at a time (work_queue.h).
//
// The reconcile function says what happens to the key next: nothing (Forget, done), again
// after a delay (Forget, then AddAfter: the level-based poll), or again with the key's
// exponential backoff (a transient failure).
//
// Thread-safety: thread-safe. The reconcile function runs on worker threads, many at once
// (one key per worker); ShutDown() stops handing out keys at once (work_queue.h), then joins
// the workers, waiting for reconciles in progress to return.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/mutex.h"
#include "runtime/work_queue.h"

namespace cellgate::controller {

struct Requeue {
  enum class Kind { kNone, kAfter, kBackoff };
  Kind kind = Kind::kNone;
  std::chrono::nanoseconds after{0};

  static Requeue None() { return {}; }
  static Requeue After(std::chrono::nanoseconds d) { return {Kind::kAfter, d}; }
  static Requeue Backoff() { return {Kind::kBackoff, {}}; }
};

// queue name, key
using WorkFunction = std::function<Requeue(const std::string& queue, const std::string& key)>;

// Per-queue observers, for metrics; every member may be empty.
struct QueueObservers {
  std::function<void(const std::string& queue, std::chrono::nanoseconds wait)> on_wait;
};

struct WorkerPoolOptions {
  int workers_per_queue = 4;
  std::chrono::milliseconds base_backoff{std::chrono::milliseconds(500)};
  std::chrono::milliseconds max_backoff{std::chrono::minutes(5)};
  QueueObservers observers;
};

class WorkerPool {
 public:
  WorkerPool(const Clock& clock, WorkerPoolOptions options, WorkFunction work);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Add(std::string_view queue, std::string_view key);
  void AddAfter(std::string_view queue, std::string_view key, std::chrono::nanoseconds delay);

  // Ready keys per queue (delayed and in-progress keys excluded), by queue name.
  std::map<std::string, std::size_t> Depths() const;
  std::vector<std::string> QueueNames() const;

  // Stops every queue and joins every worker. Adds afterwards are ignored.
  void ShutDown();

 private:
  struct Queue {
    explicit Queue(const Clock& clock, runtime::WorkQueueOptions options)
        : queue(clock, std::move(options)) {}
    runtime::WorkQueue queue;
    std::vector<std::thread> workers;
  };

  Queue* Find(std::string_view name);  // creates it (and its workers) unless shut down
  void WorkerLoop(const std::string& name, runtime::WorkQueue& queue);

  const Clock& clock_;
  const WorkerPoolOptions options_;
  const WorkFunction work_;

  mutable core::Mutex mu_;
  std::map<std::string, std::unique_ptr<Queue>, std::less<>> queues_ GUARDED_BY(mu_);
  bool shut_down_ GUARDED_BY(mu_) = false;
};

}  // namespace cellgate::controller

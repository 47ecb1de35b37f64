#include "controller/worker_pool.h"

#include <spdlog/spdlog.h>

#include "core/mutex.h"

namespace cellgate::controller {

WorkerPool::WorkerPool(const Clock& clock, WorkerPoolOptions options, WorkFunction work)
    : clock_(clock), options_(std::move(options)), work_(std::move(work)) {}

WorkerPool::~WorkerPool() { ShutDown(); }

WorkerPool::Queue* WorkerPool::Find(std::string_view name) {
  core::MutexLock lock(mu_);
  if (shut_down_) return nullptr;
  auto it = queues_.find(name);
  if (it != queues_.end()) return it->second.get();
  std::string queue_name(name);
  runtime::WorkQueueOptions qo{.name = queue_name,
                               .base_backoff = options_.base_backoff,
                               .max_backoff = options_.max_backoff};
  if (options_.observers.on_wait) {
    qo.on_wait = [observer = options_.observers.on_wait, queue_name](std::chrono::nanoseconds w) {
      observer(queue_name, w);
    };
  }
  auto queue = std::make_unique<Queue>(clock_, std::move(qo));
  Queue* raw = queue.get();
  for (int i = 0; i < std::max(1, options_.workers_per_queue); ++i) {
    raw->workers.emplace_back([this, queue_name, raw] { WorkerLoop(queue_name, raw->queue); });
  }
  queues_.emplace(queue_name, std::move(queue));
  return raw;
}

void WorkerPool::Add(std::string_view queue, std::string_view key) {
  if (Queue* q = Find(queue)) q->queue.Add(key);
}

void WorkerPool::AddAfter(std::string_view queue, std::string_view key,
                          std::chrono::nanoseconds delay) {
  if (Queue* q = Find(queue)) q->queue.AddAfter(key, delay);
}

std::map<std::string, std::size_t> WorkerPool::Depths() const {
  core::MutexLock lock(mu_);
  std::map<std::string, std::size_t> out;
  for (const auto& [name, q] : queues_) out[name] = q->queue.Len();
  return out;
}

std::vector<std::string> WorkerPool::QueueNames() const {
  core::MutexLock lock(mu_);
  std::vector<std::string> out;
  for (const auto& [name, q] : queues_) out.push_back(name);
  return out;
}

void WorkerPool::WorkerLoop(const std::string& name, runtime::WorkQueue& queue) {
  while (auto popped = queue.Get()) {
    const std::string* key = &*popped;
    Requeue next;
    try {
      next = work_(name, *key);
    } catch (const std::exception& e) {
      // A reconcile must not take the process down over one application.
      spdlog::error("queue {}: reconcile {} threw: {}", name, *key, e.what());
      next = Requeue::Backoff();
    }
    switch (next.kind) {
      case Requeue::Kind::kNone:
        queue.Forget(*key);
        break;
      case Requeue::Kind::kAfter:
        queue.Forget(*key);
        queue.AddAfter(*key, next.after);
        break;
      case Requeue::Kind::kBackoff:
        queue.AddRateLimited(*key);
        break;
    }
    queue.Done(*key);
  }
}

void WorkerPool::ShutDown() {
  std::map<std::string, std::unique_ptr<Queue>, std::less<>> queues;
  {
    core::MutexLock lock(mu_);
    shut_down_ = true;
    for (auto& [name, q] : queues_) q->queue.ShutDown();
    queues.swap(queues_);
  }
  for (auto& [name, q] : queues) {
    for (auto& t : q->workers) t.join();
  }
}

}  // namespace cellgate::controller

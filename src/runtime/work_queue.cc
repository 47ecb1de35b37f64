#include "runtime/work_queue.h"

#include <algorithm>
#include <utility>

#include "core/mutex.h"

namespace cellgate::runtime {

WorkQueue::WorkQueue(const Clock& clock, WorkQueueOptions options)
    : clock_(clock), options_(std::move(options)) {}

WorkQueue::~WorkQueue() { ShutDown(); }

void WorkQueue::Add(std::string_view key) {
  core::MutexLock lock(mu_);
  AddLocked(std::string(key), clock_.Now());
}

void WorkQueue::AddLocked(const std::string& key, TimePoint ready_at) {
  if (shutting_down_) return;
  if (dirty_.contains(key)) return;  // already queued (or queued to run again after Done)
  dirty_.emplace(key, ready_at);
  // A key being processed is queued again by Done(), never handed to a second worker.
  if (processing_.contains(key)) return;
  queue_.push_back(key);
  ReportDepthLocked();
  cv_.notify_one();
}

void WorkQueue::AddAfter(std::string_view key, std::chrono::nanoseconds delay) {
  core::MutexLock lock(mu_);
  if (shutting_down_) return;
  const TimePoint now = clock_.Now();
  std::string k(key);
  if (delay <= std::chrono::nanoseconds::zero()) {
    AddLocked(k, now);
    return;
  }
  const TimePoint due = now + delay;
  if (auto it = waiting_.find(k); it != waiting_.end()) {
    if (it->second <= due) return;  // the earlier deadline wins
    delayed_.erase({it->second, k});
    it->second = due;
  } else {
    waiting_.emplace(k, due);
  }
  delayed_.emplace(due, std::move(k));
  // A blocked Get() may need to wake earlier than it planned.
  cv_.notify_all();
}

std::chrono::nanoseconds WorkQueue::BackoffLocked(const std::string& key) {
  int failures = failures_[key]++;
  // base * 2^failures without overflow: stop doubling once past the cap.
  std::chrono::nanoseconds d = options_.base_backoff;
  const std::chrono::nanoseconds cap = options_.max_backoff;
  for (int i = 0; i < failures && d < cap; ++i) d *= 2;
  return std::min(d, cap);
}

void WorkQueue::AddRateLimited(std::string_view key) {
  std::chrono::nanoseconds delay;
  {
    core::MutexLock lock(mu_);
    if (shutting_down_) return;
    delay = BackoffLocked(std::string(key));
  }
  AddAfter(key, delay);
}

void WorkQueue::Forget(std::string_view key) {
  core::MutexLock lock(mu_);
  failures_.erase(std::string(key));
}

int WorkQueue::NumRequeues(std::string_view key) const {
  core::MutexLock lock(mu_);
  auto it = failures_.find(std::string(key));
  return it == failures_.end() ? 0 : it->second;
}

void WorkQueue::PromoteDueLocked(TimePoint now) {
  while (!delayed_.empty() && delayed_.begin()->first <= now) {
    auto node = delayed_.extract(delayed_.begin());
    waiting_.erase(node.value().second);
    AddLocked(node.value().second, node.value().first);
  }
}

std::pair<std::string, std::chrono::nanoseconds> WorkQueue::PopLocked() {
  std::string key = std::move(queue_.front());
  queue_.pop_front();
  const TimePoint now = clock_.Now();
  TimePoint ready_since = now;
  if (auto it = dirty_.find(key); it != dirty_.end()) {
    ready_since = it->second;
    dirty_.erase(it);
  }
  processing_.insert(key);
  started_[key] = now;
  ReportDepthLocked();
  return {std::move(key), std::max(now - ready_since, std::chrono::nanoseconds(0))};
}

std::string WorkQueue::ReportWait(std::pair<std::string, std::chrono::nanoseconds> popped) const {
  if (options_.on_wait) options_.on_wait(popped.second);
  return std::move(popped.first);
}

std::optional<std::string> WorkQueue::Get() {
  core::MutexLock lock(mu_);
  while (true) {
    if (shutting_down_) return std::nullopt;
    PromoteDueLocked(clock_.Now());
    if (!queue_.empty()) {
      auto popped = PopLocked();
      lock.unlock();
      return ReportWait(std::move(popped));
    }
    if (delayed_.empty()) {
      cv_.wait(lock);
    } else {
      // Sleep until the earliest deadline; an earlier AddAfter, an Add or ShutDown wakes us.
      auto remaining = delayed_.begin()->first - clock_.Now();
      cv_.wait_for(lock, std::max(remaining, Clock::TimePoint::duration(0)));
    }
  }
}

std::optional<std::string> WorkQueue::TryGet() {
  core::MutexLock lock(mu_);
  if (shutting_down_) return std::nullopt;
  PromoteDueLocked(clock_.Now());
  if (queue_.empty()) return std::nullopt;
  auto popped = PopLocked();
  lock.unlock();
  return ReportWait(std::move(popped));
}

void WorkQueue::Done(std::string_view key) {
  core::MutexLock lock(mu_);
  std::string k(key);
  if (processing_.erase(k) == 0) return;  // not handed out: ignore, as client-go does
  std::chrono::nanoseconds worked{0};
  if (auto it = started_.find(k); it != started_.end()) {
    worked = clock_.Now() - it->second;
    started_.erase(it);
  }
  if (dirty_.contains(k) && !shutting_down_) {
    queue_.push_back(k);
    ReportDepthLocked();
    cv_.notify_one();
  }
  lock.unlock();
  if (options_.on_work) options_.on_work(worked);
}

void WorkQueue::ShutDown() {
  core::MutexLock lock(mu_);
  shutting_down_ = true;
  cv_.notify_all();
}

bool WorkQueue::ShuttingDown() const {
  core::MutexLock lock(mu_);
  return shutting_down_;
}

std::size_t WorkQueue::Len() const {
  core::MutexLock lock(mu_);
  return queue_.size();
}

std::size_t WorkQueue::DelayedLen() const {
  core::MutexLock lock(mu_);
  return delayed_.size();
}

void WorkQueue::ReportDepthLocked() const {
  if (options_.on_depth) options_.on_depth(queue_.size());
}

}  // namespace cellgate::runtime

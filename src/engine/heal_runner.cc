#include "engine/heal_runner.h"

#include <algorithm>
#include <chrono>

namespace cellgate::engine {

HealRunner::HealRunner(const Clock& clock, int threads) : clock_(clock) {
  for (int i = 0; i < std::max(threads, 1); ++i) {
    workers_.emplace_back([this] { WorkerLoop(); });
  }
}

HealRunner::~HealRunner() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& w : workers_) w.join();
}

void HealRunner::Schedule(Client* client, Clock::TimePoint due) {
  {
    std::lock_guard lock(mu_);
    Entry& e = entries_[client];
    e.due = e.due ? std::min(*e.due, due) : due;
  }
  cv_.notify_all();
}

void HealRunner::Cancel(Client* client) {
  std::unique_lock lock(mu_);
  auto found = entries_.find(client);
  if (found == entries_.end()) return;
  found->second.cancelled = true;  // a worker finishing a run must not pick it up again
  cv_.wait(lock, [&] {
    auto it = entries_.find(client);
    return it == entries_.end() || !it->second.running;
  });
  entries_.erase(client);
}

std::size_t HealRunner::Active() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

void HealRunner::WorkerLoop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    auto next = entries_.end();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->second.running || it->second.cancelled || !it->second.due) continue;
      if (next == entries_.end() || *it->second.due < *next->second.due) next = it;
    }
    if (next == entries_.end()) {
      cv_.wait(lock);
      continue;
    }
    const Clock::TimePoint now = clock_.Now();
    if (*next->second.due > now) {
      auto wait =
          std::min(std::chrono::milliseconds(100),
                   std::chrono::duration_cast<std::chrono::milliseconds>(*next->second.due - now) +
                       std::chrono::milliseconds(1));
      cv_.wait_for(lock, wait);
      continue;
    }
    Client* client = next->first;
    next->second.running = true;
    next->second.due.reset();
    lock.unlock();
    std::optional<Clock::TimePoint> again = client->RunDue();
    lock.lock();
    auto it = entries_.find(client);  // still there: Cancel waits for the run to end
    it->second.running = false;
    if (again) it->second.due = it->second.due ? std::min(*it->second.due, *again) : *again;
    if (!it->second.due && !it->second.cancelled) entries_.erase(it);
    cv_.notify_all();
  }
}

}  // namespace cellgate::engine

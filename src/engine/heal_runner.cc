#include "engine/heal_runner.h"

#include <algorithm>
#include <chrono>

#include "core/mutex.h"

namespace cellgate::engine {

HealRunner::HealRunner(const Clock& clock, int threads) : clock_(clock) {
  for (int i = 0; i < std::max(threads, 1); ++i) {
    workers_.emplace_back([this] { WorkerLoop(); });
  }
}

HealRunner::HealRunner(const Clock& clock) : clock_(clock) {}

std::unique_ptr<HealRunner> HealRunner::Manual(const Clock& clock) {
  return std::unique_ptr<HealRunner>(new HealRunner(clock));
}

HealRunner::~HealRunner() {
  {
    core::MutexLock lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& w : workers_) w.join();
}

void HealRunner::Schedule(Client* client, Clock::TimePoint due) {
  {
    core::MutexLock lock(mu_);
    Entry& e = entries_[client];
    e.due = e.due ? std::min(*e.due, due) : due;
  }
  cv_.notify_all();
}

void HealRunner::Cancel(Client* client) {
  core::MutexLock lock(mu_);
  auto found = entries_.find(client);
  if (found == entries_.end()) return;
  found->second.cancelled = true;  // a worker finishing a run must not pick it up again
  cv_.wait(lock, [&]() REQUIRES(mu_) {
    auto it = entries_.find(client);
    return it == entries_.end() || !it->second.running;
  });
  entries_.erase(client);
}

std::size_t HealRunner::Active() const {
  core::MutexLock lock(mu_);
  return entries_.size();
}

std::optional<Clock::TimePoint> HealRunner::NextDue() const {
  core::MutexLock lock(mu_);
  std::optional<Clock::TimePoint> next;
  for (const auto& [client, e] : entries_) {
    if (e.due && !e.cancelled && (!next || *e.due < *next)) next = e.due;
  }
  return next;
}

std::map<HealRunner::Client*, HealRunner::Entry>::iterator HealRunner::Earliest() {
  auto next = entries_.end();
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->second.running || it->second.cancelled || !it->second.due) continue;
    if (next == entries_.end() || *it->second.due < *next->second.due) next = it;
  }
  return next;
}

void HealRunner::RunOne(core::MutexLock& lock, std::map<Client*, Entry>::iterator entry) {
  Client* client = entry->first;
  entry->second.running = true;
  entry->second.due.reset();
  lock.unlock();
  std::optional<Clock::TimePoint> again = client->RunDue();
  lock.lock();
  auto it = entries_.find(client);  // still there: Cancel waits for the run to end
  it->second.running = false;
  if (again) it->second.due = it->second.due ? std::min(*it->second.due, *again) : *again;
  if (!it->second.due && !it->second.cancelled) entries_.erase(it);
  cv_.notify_all();
}

std::size_t HealRunner::RunReady() {
  std::size_t runs = 0;
  core::MutexLock lock(mu_);
  while (true) {
    auto next = Earliest();
    if (next == entries_.end() || *next->second.due > clock_.Now()) return runs;
    RunOne(lock, next);
    ++runs;
  }
}

void HealRunner::WorkerLoop() {
  core::MutexLock lock(mu_);
  while (!stopping_) {
    auto next = Earliest();
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
    RunOne(lock, next);
  }
}

}  // namespace cellgate::engine

#include "controller/steady_memo.h"

#include "core/mutex.h"

namespace cellgate::controller {

std::uint64_t SteadyMemo::Generation() const {
  core::MutexLock lock(mu_);
  return generation_;
}

void SteadyMemo::Invalidate() {
  core::MutexLock lock(mu_);
  ++generation_;
  entries_.clear();
}

void SteadyMemo::Remember(const std::string& key, Entry entry) {
  core::MutexLock lock(mu_);
  if (entry.generation != generation_) {
    entries_.erase(key);
    return;
  }
  entries_.insert_or_assign(key, std::move(entry));
}

void SteadyMemo::Forget(const std::string& key) {
  core::MutexLock lock(mu_);
  entries_.erase(key);
}

std::optional<std::vector<engine::CachedKindVersion>> SteadyMemo::Match(
    const std::string& key, const std::string& inputs, Clock::TimePoint now,
    std::chrono::nanoseconds max_age) const {
  core::MutexLock lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  const Entry& e = it->second;
  if (e.generation != generation_ || e.inputs != inputs || now - e.at >= max_age) {
    return std::nullopt;
  }
  return e.cached;
}

std::size_t SteadyMemo::Size() const {
  core::MutexLock lock(mu_);
  return entries_.size();
}

}  // namespace cellgate::controller

#include "controller/self_healers.h"

#include <vector>

#include "core/mutex.h"

namespace cellgate::controller {

SelfHealers::SelfHealers(HealListener on_heal, engine::SelfHealOptions options)
    : on_heal_(std::move(on_heal)), options_(options) {}

SelfHealers::~SelfHealers() { StopAll(); }

Status SelfHealers::Ensure(const AppRef& ref, const std::shared_ptr<CellTarget>& cell,
                           engine::SelfHealTarget target, const std::string& fingerprint) {
  {
    core::MutexLock lock(mu_);
    auto it = entries_.find(ref);
    if (it != entries_.end() && it->second->fingerprint == fingerprint &&
        it->second->cell == cell) {
      return Ok();
    }
  }
  auto entry = std::make_shared<Entry>();
  entry->cell = cell;
  entry->fingerprint = fingerprint;
  HealListener listener = on_heal_;
  entry->healer = std::make_unique<engine::SelfHealer>(
      cell->Access(), cell->watch_hub(), std::move(target), options_,
      [listener, ref](const engine::HealEvent& e) {
        if (listener) listener(ref, e);
      },
      &cell->heal_runner());
  if (auto s = entry->healer->Start(); !s) {
    Stop(ref);
    return std::unexpected(s.error().Wrap("self-heal of " + ref.ToString()));
  }
  std::shared_ptr<Entry> replaced;
  {
    core::MutexLock lock(mu_);
    auto& slot = entries_[ref];
    replaced = std::move(slot);
    slot = std::move(entry);
  }
  if (replaced) replaced->healer->Stop();
  return Ok();
}

void SelfHealers::Stop(const AppRef& ref) {
  std::shared_ptr<Entry> entry;
  {
    core::MutexLock lock(mu_);
    auto it = entries_.find(ref);
    if (it == entries_.end()) return;
    entry = std::move(it->second);
    entries_.erase(it);
  }
  entry->healer->Stop();
}

void SelfHealers::StopAll() {
  std::map<AppRef, std::shared_ptr<Entry>> all;
  {
    core::MutexLock lock(mu_);
    all.swap(entries_);
  }
  for (auto& [ref, entry] : all) entry->healer->Stop();
}

std::optional<engine::SelfHealStatus> SelfHealers::Snapshot(const AppRef& ref) const {
  std::shared_ptr<Entry> entry;
  {
    core::MutexLock lock(mu_);
    auto it = entries_.find(ref);
    if (it == entries_.end()) return std::nullopt;
    entry = it->second;
  }
  return entry->healer->Snapshot();
}

bool SelfHealers::Running(const AppRef& ref) const {
  core::MutexLock lock(mu_);
  return entries_.contains(ref);
}

std::size_t SelfHealers::Count() const {
  core::MutexLock lock(mu_);
  return entries_.size();
}

}  // namespace cellgate::controller

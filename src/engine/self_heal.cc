#include "engine/self_heal.h"

#include <algorithm>
#include <set>

#include "core/digest.h"
#include "core/mutex.h"
#include "sync/annotations.h"
#include "sync/key_order.h"
#include "sync/normalize.h"
#include "sync/tracking.h"

namespace cellgate::engine {
namespace {

std::string ResourceVersion(const Object& o) {
  return StringAt(o.body(), {"metadata", "resourceVersion"});
}

bool Counts(const Object& o) {
  return !sync::IsHook(o) && !sync::IsIgnored(o) && !sync::IsSkipped(o);
}

}  // namespace

std::vector<Object> BaselineFrom(const AppComparison& comparison) {
  std::vector<Object> out;
  for (const auto& r : comparison.resources) {
    if (r.status() == sync::SyncStatus::kSynced && r.live) out.push_back(*r.live);
  }
  return out;
}

SelfHealer::SelfHealer(CellAccess cell, WatchHub& hub, SelfHealTarget target,
                       SelfHealOptions options, HealCallback on_heal, HealRunner* runner)
    : cell_(cell),
      hub_(hub),
      target_(std::move(target)),
      options_(options),
      on_heal_(std::move(on_heal)),
      own_runner_(runner == nullptr ? std::make_unique<HealRunner>(cell_.clock, 1) : nullptr),
      runner_(runner == nullptr ? *own_runner_ : *runner),
      guard_(options.guard) {
  for (const auto& d : target_.desired) {
    if (Counts(d)) desired_by_key_[d.Key()] = &d;
  }
  for (const auto& b : target_.baseline) {
    ObjectKey key = b.Key();
    if (!desired_by_key_.contains(key)) continue;
    known_good_[key] = Fingerprint(key, b);
    applied_rv_[key] = ResourceVersion(b);
  }
  // Only the fingerprints and resourceVersions above are kept: a fleet has one healer per
  // app, and a copy of every live object would double the controller's memory.
  target_.baseline.clear();
  target_.baseline.shrink_to_fit();
}

SelfHealer::~SelfHealer() { Stop(); }

std::string SelfHealer::Fingerprint(const ObjectKey& key, const Object& live) const {
  Json none;
  Json body = live.body();
  if (target_.ignore != nullptr && !target_.ignore->empty()) {
    target_.ignore->Apply(key, none, body);
  }
  return Sha256Hex(sync::Canonical(sync::NormalizeForDiff(body)).dump());
}

Object SelfHealer::Outgoing(const Object& desired, const std::optional<Object>& live) const {
  if (target_.respect_ignore_differences && target_.ignore != nullptr && live) {
    return target_.ignore->RespectIgnoreDifferences(desired, *live);
  }
  return desired;
}

Status SelfHealer::Start() {
  std::set<kube::GroupVersionKind> kinds;
  for (const auto& [key, obj] : desired_by_key_) kinds.insert(kube::GroupVersionKind::Of(*obj));
  const std::string label = sync::InstanceLabelValue(target_.instance);
  {
    core::MutexLock lock(mu_);
    stopping_ = false;
    running_ = true;
    stats_.running = true;
  }
  for (const auto& gvk : kinds) {
    auto handle = hub_.Subscribe(
        gvk, label, [this, gvk](const kube::WatchEvent& e) REQUIRES(mu_) { OnEvent(gvk, e); });
    if (!handle) {
      Stop();
      return std::unexpected(handle.error().Wrap("self-heal watch " + gvk.ToString()));
    }
    watches_.push_back(std::move(*handle));
  }
  core::MutexLock lock(mu_);
  cv_.wait_for(lock, options_.initial_list_timeout,
               [&]() REQUIRES(mu_) { return stopping_ || listed_.size() >= kinds.size(); });
  return Ok();
}

void SelfHealer::Stop() {
  {
    core::MutexLock lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  // Without mu_: a watch thread may be waiting for it inside OnEvent, and a check running on
  // the runner takes it.
  watches_.clear();
  runner_.Cancel(this);
  core::MutexLock lock(mu_);
  running_ = false;
  stats_.running = false;
}

SelfHealStatus SelfHealer::Snapshot() const {
  core::MutexLock lock(mu_);
  SelfHealStatus s = stats_;
  s.running = running_;
  s.objects = guard_.Objects();
  s.conditions = guard_.Conditions();
  return s;
}

bool SelfHealer::Unchanged(const ObjectKey& key, const Object& live) const {
  auto it = known_good_.find(key);
  return it != known_good_.end() && it->second == Fingerprint(key, live);
}

void SelfHealer::Offer(const ObjectKey& key, std::optional<Object> live) {
  if (live) {
    auto applied = applied_rv_.find(key);
    if ((applied != applied_rv_.end() &&
         NotNewerVersion(ResourceVersion(*live), applied->second)) ||
        Unchanged(key, *live)) {
      ++stats_.ignored;
      return;
    }
  }
  Clock::TimePoint now = cell_.clock.Now();
  auto it = pending_.find(key);
  if (it == pending_.end()) {
    pending_[key] = Pending{.live = std::move(live), .seen = now, .due = now};
  } else {
    it->second.live = std::move(live);  // keep the first arrival for the latency figure
    it->second.recheck = false;
  }
  runner_.Schedule(this, now);
}

void SelfHealer::OnEvent(const kube::GroupVersionKind& gvk, const kube::WatchEvent& event) {
  core::MutexLock lock(mu_);
  if (stopping_ || event.type == kube::WatchEventType::kBookmark) return;
  ++stats_.events;
  switch (event.type) {
    case kube::WatchEventType::kError: {
      std::string message = StringAt(event.object.body(), {"message"});
      stats_.watch_errors.insert(stats_.watch_errors.begin(),
                                 gvk.ToString() + ": " + (message.empty() ? "error" : message));
      if (stats_.watch_errors.size() > 10) stats_.watch_errors.resize(10);
      return;
    }
    case kube::WatchEventType::kReplace: {
      std::set<ObjectKey> present;
      for (const auto& o : event.objects) {
        ObjectKey key = o.Key();
        if (!desired_by_key_.contains(key)) continue;
        present.insert(key);
        Offer(key, o);
      }
      for (const auto& [key, obj] : desired_by_key_) {
        if (key.group == gvk.group && key.kind == gvk.kind && !present.contains(key)) {
          Offer(key, std::nullopt);
        }
      }
      listed_[gvk] = true;
      cv_.notify_all();
      return;
    }
    case kube::WatchEventType::kAdded:
    case kube::WatchEventType::kModified:
      if (desired_by_key_.contains(event.object.Key())) Offer(event.object.Key(), event.object);
      return;
    case kube::WatchEventType::kDeleted:
      if (desired_by_key_.contains(event.object.Key())) {
        applied_rv_.erase(event.object.Key());
        Offer(event.object.Key(), std::nullopt);
      }
      return;
    case kube::WatchEventType::kBookmark:
      return;
  }
}

std::optional<Clock::TimePoint> SelfHealer::RunDue() {
  core::MutexLock lock(mu_);
  while (!stopping_ && !pending_.empty()) {
    Clock::TimePoint now = cell_.clock.Now();
    auto next = pending_.begin();
    for (auto it = pending_.begin(); it != pending_.end(); ++it) {
      if (it->second.due < next->second.due) next = it;
    }
    if (next->second.due > now) return next->second.due;  // a backoff
    ObjectKey key = next->first;
    Pending item = std::move(next->second);
    pending_.erase(next);
    // Queued before a heal of ours that has since returned: it shows the state we replaced.
    auto applied = applied_rv_.find(key);
    if (item.live && !item.recheck && applied != applied_rv_.end() &&
        NotNewerVersion(ResourceVersion(*item.live), applied->second)) {
      ++stats_.ignored;
      continue;
    }
    lock.unlock();
    Check(key, std::move(item));
    lock.lock();
  }
  return std::nullopt;
}

void SelfHealer::Check(const ObjectKey& key, Pending item) {
  const Object& desired = *desired_by_key_.at(key);
  const Clock::TimePoint now = cell_.clock.Now();
  auto requeue = [&](Clock::TimePoint due) {
    core::MutexLock lock(mu_);
    auto it = pending_.find(key);
    if (it == pending_.end()) {
      pending_[key] =
          Pending{.live = item.live, .seen = item.seen, .due = due, .recheck = item.recheck};
    } else {
      it->second.due = std::max(it->second.due, due);
    }
  };
  auto report = [&](HealEvent e) {
    if (on_heal_) on_heal_(e);
  };

  std::optional<Object> predicted;
  std::vector<std::string> paths;
  if (item.live) {
    {
      core::MutexLock lock(mu_);
      ++stats_.checks;
    }
    auto dry = cell_.applier.Apply(Outgoing(desired, item.live), {.dry_run = true});
    if (!dry) {
      {
        core::MutexLock lock(mu_);
        ++stats_.failures;
      }
      report({.key = key, .action = "failed", .message = dry.error().message()});
      requeue(now + std::chrono::seconds(1));
      return;
    }
    // A dry run answers with the resourceVersion of the object it was computed on. When that
    // is newer than the event's, the object changed again since (often a controller's own
    // write): its event will be checked; comparing with this older snapshot would see drift
    // in fields that merely moved on.
    if (ResourceVersion(*dry) != ResourceVersion(*item.live) &&
        !NotNewerVersion(ResourceVersion(*dry), ResourceVersion(*item.live))) {
      core::MutexLock lock(mu_);
      ++stats_.ignored;
      return;
    }
    sync::AlignKeyOrder(dry->mutable_body(), item.live->body());
    predicted = std::move(*dry);
    auto diff =
        sync::DiffObject({.desired = &desired, .live = &*item.live, .predicted_live = &*predicted},
                         {.ignore = target_.ignore.get()});
    if (diff && diff->status == sync::SyncStatus::kSynced) {
      core::MutexLock lock(mu_);
      known_good_[key] = Fingerprint(key, *item.live);
      guard_.OnInSync(key, now);
      return;
    }
    if (diff) paths = ChangedPaths(diff->live_state, diff->target_state);
  } else {
    paths = {"(the object was deleted)"};
  }

  HealDecision decision;
  {
    core::MutexLock lock(mu_);
    ++stats_.drifts;
    decision = guard_.OnDrift(key, paths, now);
  }
  if (!decision.apply_now) {
    requeue(*decision.retry_at);
    return;
  }
  auto written = cell_.applier.Apply(Outgoing(desired, item.live), {});
  auto latency =
      std::chrono::duration_cast<std::chrono::milliseconds>(cell_.clock.Now() - item.seen);
  if (!written) {
    {
      core::MutexLock lock(mu_);
      ++stats_.failures;
    }
    report({.key = key,
            .action = "failed",
            .changed_paths = paths,
            .latency = latency,
            .message = written.error().message()});
    requeue(now + std::chrono::seconds(1));
    return;
  }
  std::string condition;
  {
    core::MutexLock lock(mu_);
    ++stats_.heals;
    guard_.OnHealed(key, now);
    applied_rv_[key] = ResourceVersion(*written);
    std::string got = Fingerprint(key, *written);
    if (!predicted || got == Fingerprint(key, *predicted)) {
      known_good_[key] = std::move(got);
    } else {
      // Changed while it was written (admission): check the stored object again, unless a
      // newer event for it is already waiting (the echo of this write is not newer).
      auto it = pending_.find(key);
      if (it == pending_.end() || !it->second.live ||
          NotNewerVersion(ResourceVersion(*it->second.live), ResourceVersion(*written))) {
        // RunDue picks it up: this runs inside it.
        pending_[key] =
            Pending{.live = *written, .seen = cell_.clock.Now(), .due = now, .recheck = true};
      }
    }
    if (const GuardedObject* g = guard_.Find(key)) condition = g->condition;
  }
  report({.key = key,
          .action = item.live ? "re-applied" : "re-created",
          .changed_paths = paths,
          .latency = latency,
          .message = condition});
}

}  // namespace cellgate::engine

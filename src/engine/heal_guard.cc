#include "engine/heal_guard.h"

#include <algorithm>

namespace cellgate::engine {
namespace {

void CollectPaths(const Json& a, const Json& b, const std::string& prefix,
                  std::vector<std::string>& out, std::size_t max) {
  if (out.size() >= max || a == b) return;
  if (a.is_object() && b.is_object()) {
    auto visit = [&](const std::string& key) {
      if (out.size() >= max) return;
      std::string path = prefix.empty() ? key : prefix + "." + key;
      auto ia = a.find(key);
      auto ib = b.find(key);
      if (ia == a.end() || ib == b.end()) {
        out.push_back(path);
        return;
      }
      CollectPaths(*ia, *ib, path, out, max);
    };
    for (auto it = a.begin(); it != a.end(); ++it) visit(it.key());
    for (auto it = b.begin(); it != b.end(); ++it) {
      if (!a.contains(it.key())) visit(it.key());
    }
    return;
  }
  out.push_back(prefix.empty() ? "." : prefix);
}

}  // namespace

std::string ShortDuration(std::chrono::milliseconds d) {
  using std::chrono::duration_cast;
  if (d < std::chrono::seconds(1)) return std::to_string(d.count()) + "ms";
  auto s = duration_cast<std::chrono::seconds>(d).count();
  if (s < 60) return std::to_string(s) + "s";
  auto m = s / 60;
  s %= 60;
  if (m < 60) return std::to_string(m) + "m" + (s ? std::to_string(s) + "s" : "");
  return std::to_string(m / 60) + "h" + (m % 60 ? std::to_string(m % 60) + "m" : "");
}

std::vector<std::string> ChangedPaths(const Json& a, const Json& b, std::size_t max) {
  std::vector<std::string> out;
  CollectPaths(a, b, "", out, max);
  return out;
}

GuardedObject& HealGuard::Get(const ObjectKey& key) {
  auto it = objects_.find(key);
  if (it == objects_.end()) it = objects_.emplace(key, GuardedObject{.key = key}).first;
  return it->second;
}

HealDecision HealGuard::OnDrift(const ObjectKey& key, const std::vector<std::string>& changed_paths,
                                Clock::TimePoint now) {
  GuardedObject& o = Get(key);
  o.changed_paths = changed_paths;
  if (o.last_heal && now - *o.last_heal > options_.loop_window && !o.backoff_until) {
    o.streak = 0;  // the previous heal held long enough: this is a new drift, not the loop
  }
  if (o.backoff_until && now < *o.backoff_until) {
    return HealDecision{.apply_now = false, .retry_at = *o.backoff_until};
  }
  return HealDecision{.apply_now = true};
}

void HealGuard::OnHealed(const ObjectKey& key, Clock::TimePoint now) {
  GuardedObject& o = Get(key);
  bool recurring = o.last_heal && now - *o.last_heal <= options_.loop_window + o.backoff;
  o.streak = recurring ? o.streak + 1 : 1;
  o.heals += 1;
  o.last_heal = now;
  if (o.streak < static_cast<std::size_t>(std::max(options_.heals_before_backoff, 1))) {
    o.backoff_until.reset();
    o.backoff = std::chrono::milliseconds(0);
    o.condition.clear();
    return;
  }
  o.backoff = o.backoff.count() == 0 ? options_.initial_backoff
                                     : std::min(o.backoff * 2, options_.max_backoff);
  o.backoff_until = now + o.backoff;
  std::string fields;
  for (const auto& p : o.changed_paths) fields += (fields.empty() ? "" : ", ") + p;
  if (fields.empty()) fields = "(unknown)";
  o.condition = "SelfHealBackoff: " + key.ToString() + ": field" +
                (o.changed_paths.size() > 1 ? "s " : " ") + fields +
                " changed by another actor after " + std::to_string(o.streak) +
                " heals; next attempt in " + ShortDuration(o.backoff);
}

void HealGuard::OnInSync(const ObjectKey& key, Clock::TimePoint now) {
  auto it = objects_.find(key);
  if (it == objects_.end()) return;
  GuardedObject& o = it->second;
  // In sync once the backoff has run out: whoever fought us has stopped.
  if (o.backoff_until && now >= *o.backoff_until) {
    o.backoff_until.reset();
    o.backoff = std::chrono::milliseconds(0);
    o.streak = 0;
    o.condition.clear();
  }
}

const GuardedObject* HealGuard::Find(const ObjectKey& key) const {
  auto it = objects_.find(key);
  return it == objects_.end() ? nullptr : &it->second;
}

std::vector<GuardedObject> HealGuard::Objects() const {
  std::vector<GuardedObject> out;
  for (const auto& [k, v] : objects_) out.push_back(v);
  return out;
}

std::vector<std::string> HealGuard::Conditions() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : objects_) {
    if (!v.condition.empty()) out.push_back(v.condition);
  }
  return out;
}

}  // namespace cellgate::engine

#include "engine/prediction_memo.h"

#include "core/digest.h"
#include "core/mutex.h"

namespace cellgate::engine {

std::string LiveFingerprint(const Object& live) {
  const Json& body = live.body();
  auto meta_it = body.find("metadata");
  if (meta_it == body.end() || !meta_it->is_object()) return "none";
  const Json& meta = *meta_it;
  auto generation = meta.find("generation");
  if (generation == meta.end() || !generation->is_number_integer() ||
      generation->get<std::int64_t>() <= 0) {
    return "rv:" + StringAt(body, {"metadata", "resourceVersion"});
  }
  Json rest = meta;
  rest.erase("resourceVersion");
  rest.erase("managedFields");
  return "g:" + std::to_string(generation->get<std::int64_t>()) + ":" + Sha256Hex(rest.dump());
}

void PredictionMemo::RecordUnchanged(const Object& desired, const Object& live) {
  Entry entry{.desired_digest = Sha256Hex(desired.body().dump()),
              .live_fingerprint = LiveFingerprint(live)};
  core::MutexLock lock(mu_);
  if (entries_.size() >= max_entries_) entries_.clear();
  entries_[live.Key().ToString()] = std::move(entry);
}

bool PredictionMemo::KnownUnchanged(const Object& desired, const Object& live) const {
  const std::string key = live.Key().ToString();
  {
    core::MutexLock lock(mu_);
    if (!entries_.contains(key)) return false;
  }
  const std::string fingerprint = LiveFingerprint(live);
  const std::string digest = Sha256Hex(desired.body().dump());
  core::MutexLock lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.desired_digest != digest ||
      it->second.live_fingerprint != fingerprint) {
    return false;
  }
  ++hits_;
  return true;
}

void PredictionMemo::Forget(const ObjectKey& key) {
  core::MutexLock lock(mu_);
  entries_.erase(key.ToString());
}

void PredictionMemo::Clear() {
  core::MutexLock lock(mu_);
  entries_.clear();
}

std::size_t PredictionMemo::size() const {
  core::MutexLock lock(mu_);
  return entries_.size();
}

std::size_t PredictionMemo::hits() const {
  core::MutexLock lock(mu_);
  return hits_;
}

}  // namespace cellgate::engine

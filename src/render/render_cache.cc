#include "render/render_cache.h"

#include "core/mutex.h"

namespace cellgate::render {
namespace {

std::size_t JsonBytes(const Json& j) {
  std::size_t n = 16;
  switch (j.type()) {
    case Json::value_t::object:
      for (auto it = j.begin(); it != j.end(); ++it) n += it.key().size() + 32 + JsonBytes(*it);
      break;
    case Json::value_t::array:
      for (const auto& v : j) n += JsonBytes(v);
      break;
    case Json::value_t::string:
      n += j.get_ref<const std::string&>().size();
      break;
    default:
      break;
  }
  return n;
}

}  // namespace

std::string_view SourceTypeName(SourceType type) {
  switch (type) {
    case SourceType::kDirectory:
      return "Directory";
    case SourceType::kKustomize:
      return "Kustomize";
    case SourceType::kHelm:
      return "Helm";
  }
  return "Unknown";
}

std::size_t ApproximateBytes(const std::vector<Object>& objects) {
  std::size_t n = 0;
  for (const auto& o : objects) n += JsonBytes(o.body()) + o.origin().file.size() + 64;
  return n;
}

std::shared_ptr<const CachedRender> RenderCache::Get(const std::string& key) {
  core::MutexLock lock(mu_);
  auto it = index_.find(key);
  if (it == index_.end()) {
    ++stats_.misses;
    return nullptr;
  }
  lru_.splice(lru_.begin(), lru_, it->second);
  ++stats_.hits;
  return it->second->second;
}

void RenderCache::Put(const std::string& key, std::shared_ptr<const CachedRender> value) {
  if (!value) return;
  std::size_t bytes = value->bytes + key.size();
  core::MutexLock lock(mu_);
  if (auto it = index_.find(key); it != index_.end()) {
    stats_.bytes -= it->second->second->bytes + key.size();
    lru_.erase(it->second);
    index_.erase(it);
  }
  if (bytes > options_.max_bytes || options_.max_entries == 0) return;
  lru_.emplace_front(key, std::move(value));
  index_[key] = lru_.begin();
  stats_.bytes += bytes;
  EvictLocked();
}

void RenderCache::Erase(const std::string& key) {
  core::MutexLock lock(mu_);
  if (auto it = index_.find(key); it != index_.end()) {
    stats_.bytes -= it->second->second->bytes + key.size();
    lru_.erase(it->second);
    index_.erase(it);
  }
}

void RenderCache::Clear() {
  core::MutexLock lock(mu_);
  lru_.clear();
  index_.clear();
  stats_.bytes = 0;
}

RenderCacheStats RenderCache::stats() const {
  core::MutexLock lock(mu_);
  RenderCacheStats s = stats_;
  s.entries = index_.size();
  return s;
}

void RenderCache::EvictLocked() {
  while (!lru_.empty() &&
         (index_.size() > options_.max_entries || stats_.bytes > options_.max_bytes)) {
    auto& last = lru_.back();
    stats_.bytes -= last.second->bytes + last.first.size();
    index_.erase(last.first);
    lru_.pop_back();
    ++stats_.evictions;
  }
}

}  // namespace cellgate::render

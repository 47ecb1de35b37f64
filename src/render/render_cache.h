// The render cache: finished renders keyed by what they were made from, not by commit.
//
// The Renderer builds keys from the repository URL, the app path, the git object ids of
// every tree the render read (the app path; for Kustomize also the bases/components it
// references; for Helm also value files outside the chart), a digest of the effective
// options, and the tool's version. A commit that does not touch those trees produces the
// same key, so its render is reused without running any tool.
//
// Values are immutable and shared (shared_ptr), so a hit costs no copy. The cache is an LRU
// bounded by entries and by approximate bytes; an entry larger than the byte bound is not
// kept. Errors are never cached.
//
// Thread-safety: all methods are thread-safe (one mutex; critical sections are map and list
// operations only).
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/mutex.h"
#include "core/object.h"
#include "render/directory.h"

namespace cellgate::render {

enum class SourceType { kDirectory, kKustomize, kHelm };
std::string_view SourceTypeName(SourceType type);

struct CachedRender {
  SourceType type = SourceType::kDirectory;
  std::vector<Object> objects;
  std::vector<std::string> notes;
  // Files read through symlinks; the Renderer re-reads and compares them before a hit counts.
  std::vector<ContentDependency> content_deps;
  std::size_t bytes = 0;  // approximate memory held
};

struct RenderCacheOptions {
  std::size_t max_entries = 8192;
  std::size_t max_bytes = 512u << 20;
};

struct RenderCacheStats {
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  std::uint64_t evictions = 0;
  std::size_t entries = 0;
  std::size_t bytes = 0;
};

class RenderCache {
 public:
  explicit RenderCache(RenderCacheOptions options = {}) : options_(options) {}
  RenderCache(const RenderCache&) = delete;
  RenderCache& operator=(const RenderCache&) = delete;

  // nullptr on a miss. A hit becomes the most recently used entry.
  std::shared_ptr<const CachedRender> Get(const std::string& key);
  void Put(const std::string& key, std::shared_ptr<const CachedRender> value);
  void Erase(const std::string& key);
  void Clear();
  RenderCacheStats stats() const;

 private:
  using Entry = std::pair<std::string, std::shared_ptr<const CachedRender>>;
  void EvictLocked() REQUIRES(mu_);

  const RenderCacheOptions options_;
  mutable core::Mutex mu_;
  std::list<Entry> lru_ GUARDED_BY(mu_);  // front: most recent
  std::unordered_map<std::string, std::list<Entry>::iterator> index_ GUARDED_BY(mu_);
  RenderCacheStats stats_ GUARDED_BY(mu_);
};

// Approximate bytes an object list holds (serialized size plus overhead), for the bound.
std::size_t ApproximateBytes(const std::vector<Object>& objects);

}  // namespace cellgate::render

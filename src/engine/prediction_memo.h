// PredictionMemo: which server-side dry runs need not be asked again, per cell.
//
// Comparing an app asks the cell for a server-side apply dry run of every desired object that
// is live (compare.h). Most of the time nothing has changed since the last comparison and the
// cell answers with the live object itself, so the controller's periodic comparisons of a
// thousand quiet apps cost thousands of dry runs for nothing. The memo remembers, per object,
// "applying this desired object to the live object as it was then changes nothing":
//
//   - CompareApp records it when a dry run came back equal to live (the diff is Synced and the
//     dry run answered at live's resourceVersion);
//   - the executor records it after a real apply: the object it wrote is the desired object,
//     and what the cell stored is the live object that apply left (applying it again would
//     change nothing: server-side apply is idempotent).
//
// A later comparison skips the dry run when the desired object is byte-for-byte the same and
// the live object has the same fingerprint:
//   - objects with metadata.generation (Deployments, StatefulSets, custom resources): the
//     generation, the uid and a digest of the rest of metadata (labels, annotations,
//     finalizers, owners; not resourceVersion or managedFields). The API server bumps the
//     generation on every change outside metadata and status, so status updates by the
//     object's controller, which happen all the time, do not cost a dry run, while any edit of
//     spec or metadata does;
//   - other objects (ConfigMaps, Services, Secrets): the resourceVersion.
// Status is not compared (compare.h), so a status-only change cannot make an object OutOfSync.
//
// What a memo hit cannot see: a change of the cell's defaulting or admission webhooks that
// would now change the object. Clear() forgets everything (a hard refresh does that), and
// entries are dropped when the memo holds more than `max_entries` objects.
//
// Digests are hex SHA-256 (digest.h) of the JSON text; only digests are kept, never object contents
// (a Secret's values never stay in the memo).
//
// Thread-safety: thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>

#include "core/mutex.h"
#include "core/object.h"

namespace cellgate::engine {

class PredictionMemo {
 public:
  explicit PredictionMemo(std::size_t max_entries = 200'000) : max_entries_(max_entries) {}
  PredictionMemo(const PredictionMemo&) = delete;
  PredictionMemo& operator=(const PredictionMemo&) = delete;

  // Applying `desired` to `live` leaves `live` as it is.
  void RecordUnchanged(const Object& desired, const Object& live);
  // Whether RecordUnchanged was called for an equal `desired` and a `live` with the same
  // fingerprint (above), and not forgotten since.
  bool KnownUnchanged(const Object& desired, const Object& live) const;
  // Forgets the object's entry (it was deleted, or a write of it failed).
  void Forget(const ObjectKey& key);
  void Clear();

  std::size_t size() const;
  std::size_t hits() const;

 private:
  struct Entry {
    std::string desired_digest;
    std::string live_fingerprint;
  };
  const std::size_t max_entries_;
  mutable core::Mutex mu_;
  std::unordered_map<std::string, Entry> entries_ GUARDED_BY(mu_);  // by ObjectKey::ToString()
  mutable std::size_t hits_ GUARDED_BY(mu_) = 0;
};

// The live fingerprint described above (exposed for tests).
std::string LiveFingerprint(const Object& live);

}  // namespace cellgate::engine

// EventRecorder: Kubernetes Events (core/v1) on the objects the controller manages
// (Applications), so `kubectl describe application` and event-based alerting show what
// cellgate did, the way Argo CD's controller reports.
//
// Record() never blocks on the network: it rate-limits, then puts the event in a bounded
// queue that one sender thread drains through kube::Applier. A full queue or an exhausted
// rate limit drops the event and counts it (Stats()); a failed write is logged and counted.
//
// Aggregation, a simplified form of client-go's EventCorrelator: an event with the same
// involved object, type, reason and message as one sent less than `aggregation_window` ago
// updates that Event (count + 1, lastTimestamp; a server-side apply conditional on the
// Event's resourceVersion, so RBAC needs create and patch on events) instead of creating
// another; if the update fails (the Event expired or was changed), a new Event is created. Rate
// limit, as client-go's spam filter: per involved object a token bucket of `burst` events refilled
// one every `refill_interval` (25 and 5 minutes by default).
//
// Events are named "<object name>.<hex nanoseconds>" (Argo CD's and client-go's scheme), live
// in the involved object's namespace ("default" for cluster-scoped objects), carry
// source.component and reportingComponent `component` and reportingInstance. Messages longer
// than 1024 bytes are cut. Credential-looking text in a message is masked (core/redact.h's
// RedactCredentials) before the cut; callers that know Secret values mask those first.
//
// Reasons: Argo CD's own where one exists (kOperationStarted, kOperationCompleted,
// kResourceCreated, kResourceUpdated, kResourceDeleted, kResourceActionRan,
// kStatusRefreshed), plus cellgate's drift and prune reasons.
//
// Thread-safety: Record(), Flush() and Stats() are thread-safe. The Applier and Clock must
// outlive the recorder; the Applier is used from the sender thread, the Clock only inside
// Record() (so a FakeClock advanced between calls is fine). Destroying the recorder stops
// the sender after the write in flight; queued events are dropped (use Flush to wait).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "core/clock.h"
#include "core/mutex.h"
#include "core/object.h"
#include "kube/client.h"

namespace cellgate::runtime {

namespace event_reason {
// Argo CD's (util/argo audit logger).
inline constexpr std::string_view kOperationStarted = "OperationStarted";
inline constexpr std::string_view kOperationCompleted = "OperationCompleted";
inline constexpr std::string_view kResourceCreated = "ResourceCreated";
inline constexpr std::string_view kResourceUpdated = "ResourceUpdated";
inline constexpr std::string_view kResourceDeleted = "ResourceDeleted";
inline constexpr std::string_view kResourceActionRan = "ResourceActionRan";
inline constexpr std::string_view kStatusRefreshed = "StatusRefreshed";
// cellgate's.
inline constexpr std::string_view kDriftDetected = "DriftDetected";
inline constexpr std::string_view kDriftHealed = "DriftHealed";
inline constexpr std::string_view kSyncFailed = "SyncFailed";
inline constexpr std::string_view kPruned = "Pruned";
}  // namespace event_reason

enum class EventType { kNormal, kWarning };

// Argo CD's OperationCompleted message: "Sync operation to <rev> succeeded" or
// "Partial sync operation to <rev> failed: <message>" (no "to <rev>" without a revision).
std::string OperationCompletedMessage(bool partial, std::string_view revision, bool succeeded,
                                      std::string_view failure);

struct EventRecorderOptions {
  std::string component = "cellgate-controller";
  std::string reporting_instance;  // e.g. the pod name; "" to omit
  std::size_t queue_capacity = 1000;
  std::chrono::minutes aggregation_window{10};
  int burst = 25;
  std::chrono::seconds refill_interval{300};
  std::size_t remembered_events = 4096;  // for aggregation; the oldest are forgotten
};

struct EventRecorderStats {
  std::uint64_t recorded = 0;    // accepted into the queue
  std::uint64_t created = 0;     // new Events written
  std::uint64_t aggregated = 0;  // existing Events updated
  std::uint64_t failed = 0;      // writes that failed
  std::uint64_t dropped_queue_full = 0;
  std::uint64_t dropped_rate_limited = 0;
};

class EventRecorder {
 public:
  EventRecorder(kube::Applier& applier, const Clock& clock, EventRecorderOptions options = {});
  ~EventRecorder();
  EventRecorder(const EventRecorder&) = delete;
  EventRecorder& operator=(const EventRecorder&) = delete;

  // `involved` needs apiVersion, kind, metadata.name (and namespace, uid, resourceVersion
  // when it has them).
  void Record(const Object& involved, EventType type, std::string_view reason,
              std::string_view message);

  // Waits until every queued event has been handled; false on timeout.
  bool Flush(std::chrono::milliseconds timeout);

  EventRecorderStats Stats() const;

 private:
  struct Pending {
    Json involved;  // involvedObject
    std::string ns;
    std::string object_name;
    EventType type;
    std::string reason;
    std::string message;
    std::chrono::system_clock::time_point at;
  };
  struct Bucket {
    double tokens = 0;
    Clock::TimePoint last{};
  };
  // What aggregating into a sent Event needs, not the stored Event itself (the server's copy
  // carries managedFields and bookkeeping: ~4 KiB each, 4096 of them remembered).
  struct Sent {
    std::string name;
    std::string uid;               // so an update never recreates a deleted Event
    std::string resource_version;  // of the last write, for the conditional update
    std::string first_timestamp;
    Json involved;  // involvedObject as first sent (client-go keeps it on aggregation)
    std::int64_t count = 1;
    std::chrono::system_clock::time_point last;
    std::uint64_t sequence = 0;  // for forgetting the oldest
  };

  void Run();
  void Send(const Pending& p);
  // The Event as this recorder writes it for `p`, about `involved`: `name`, `count`, first and
  // last timestamp.
  Json EventBody(const Pending& p, const Json& involved, const std::string& name,
                 const std::string& first, const std::string& last, std::int64_t count) const;
  bool TakeToken(const std::string& object_key) REQUIRES(mu_);

  kube::Applier& applier_;
  const Clock& clock_;
  const EventRecorderOptions options_;

  mutable core::Mutex mu_;
  core::CondVar cv_;
  std::deque<Pending> queue_ GUARDED_BY(mu_);
  bool busy_ GUARDED_BY(mu_) = false;  // sender is writing
  bool stopping_ GUARDED_BY(mu_) = false;
  std::unordered_map<std::string, Bucket> buckets_ GUARDED_BY(mu_);
  EventRecorderStats stats_ GUARDED_BY(mu_);

  // Touched only by the sender thread.
  std::unordered_map<std::string, Sent> sent_;
  std::map<std::uint64_t, std::string> sent_order_;
  std::uint64_t sequence_ = 0;

  std::thread sender_;  // started last, joined first
};

}  // namespace cellgate::runtime

#include "runtime/event_recorder.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <utility>

#include "core/mutex.h"
#include "core/redact.h"
#include "runtime/time_format.h"

namespace cellgate::runtime {
namespace {

constexpr std::size_t kMaxMessage = 1024;

std::string_view TypeName(EventType t) { return t == EventType::kWarning ? "Warning" : "Normal"; }

std::string Hex(std::uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

std::string OperationCompletedMessage(bool partial, std::string_view revision, bool succeeded,
                                      std::string_view failure) {
  std::string m = partial ? "Partial sync operation" : "Sync operation";
  if (!revision.empty()) m += " to " + std::string(revision);
  if (succeeded) return m + " succeeded";
  return m + " failed: " + std::string(failure);
}

EventRecorder::EventRecorder(kube::Applier& applier, const Clock& clock,
                             EventRecorderOptions options)
    : applier_(applier), clock_(clock), options_(std::move(options)) {
  sender_ = std::thread([this] { Run(); });
}

EventRecorder::~EventRecorder() {
  {
    core::MutexLock lock(mu_);
    stopping_ = true;
    queue_.clear();
  }
  cv_.notify_all();
  sender_.join();
}

bool EventRecorder::TakeToken(const std::string& object_key) {
  const auto now = clock_.Now();
  auto [it, inserted] = buckets_.try_emplace(object_key);
  Bucket& b = it->second;
  if (inserted) {
    b.tokens = options_.burst;
    b.last = now;
  }
  const double interval = std::chrono::duration<double>(options_.refill_interval).count();
  const double per_second = 1.0 / std::max(1.0, interval);
  const double elapsed = std::chrono::duration<double>(now - b.last).count();
  b.tokens = std::min<double>(options_.burst, b.tokens + elapsed * per_second);
  b.last = now;
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  // Forget full buckets now and then so the map does not grow with every object ever seen.
  if (buckets_.size() > 4 * options_.remembered_events) {
    std::erase_if(buckets_, [&](const auto& kv)
                                REQUIRES(mu_) { return kv.second.tokens >= options_.burst - 1; });
  }
  return true;
}

void EventRecorder::Record(const Object& involved, EventType type, std::string_view reason,
                           std::string_view message) {
  Pending p;
  p.involved = Json::object();
  p.involved["apiVersion"] = involved.ApiVersion();
  p.involved["kind"] = involved.Kind();
  p.involved["name"] = involved.Name();
  if (!involved.Namespace().empty()) p.involved["namespace"] = involved.Namespace();
  for (const char* field : {"uid", "resourceVersion"}) {
    std::string v = StringAt(involved.body(), {"metadata", field});
    if (!v.empty()) p.involved[field] = v;
  }
  p.ns = involved.Namespace().empty() ? "default" : involved.Namespace();
  p.object_name = involved.Name();
  p.type = type;
  p.reason = std::string(reason);
  // Masked before the cut, so a cut cannot leave part of a credential unrecognised.
  p.message = RedactCredentials(message).substr(0, kMaxMessage);
  p.at = clock_.WallNow();
  const std::string object_key = involved.Key().ToString();
  {
    core::MutexLock lock(mu_);
    if (stopping_) return;
    if (!TakeToken(object_key)) {
      ++stats_.dropped_rate_limited;
      return;
    }
    if (queue_.size() >= options_.queue_capacity) {
      ++stats_.dropped_queue_full;
      return;
    }
    queue_.push_back(std::move(p));
    ++stats_.recorded;
  }
  cv_.notify_all();
}

bool EventRecorder::Flush(std::chrono::milliseconds timeout) {
  core::MutexLock lock(mu_);
  return cv_.wait_for(lock, timeout,
                      [&]() REQUIRES(mu_) { return (queue_.empty() && !busy_) || stopping_; });
}

EventRecorderStats EventRecorder::Stats() const {
  core::MutexLock lock(mu_);
  return stats_;
}

void EventRecorder::Run() {
  while (true) {
    Pending p;
    {
      core::MutexLock lock(mu_);
      busy_ = false;
      cv_.notify_all();  // Flush() waiters
      cv_.wait(lock, [&]() REQUIRES(mu_) { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      p = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
    }
    Send(p);
  }
}

Json EventRecorder::EventBody(const Pending& p, const Json& involved, const std::string& name,
                              const std::string& first, const std::string& last,
                              std::int64_t count) const {
  Json event = {{"apiVersion", "v1"},
                {"kind", "Event"},
                {"metadata", {{"name", name}, {"namespace", p.ns}}},
                {"involvedObject", involved},
                {"reason", p.reason},
                {"message", p.message},
                {"type", std::string(TypeName(p.type))},
                {"source", {{"component", options_.component}}},
                {"firstTimestamp", first},
                {"lastTimestamp", last},
                {"count", count},
                {"reportingComponent", options_.component}};
  if (!options_.reporting_instance.empty()) {
    event["reportingInstance"] = options_.reporting_instance;
  }
  return event;
}

void EventRecorder::Send(const Pending& p) {
  // client-go's event key: the object's identity (not its resourceVersion), type, reason
  // and message.
  Json identity = p.involved;
  identity.erase("resourceVersion");
  const std::string key =
      identity.dump() + '\n' + std::string(TypeName(p.type)) + '\n' + p.reason + '\n' + p.message;
  const std::string stamp = Rfc3339(p.at);
  auto count = [&](std::uint64_t EventRecorderStats::*field) {
    core::MutexLock lock(mu_);
    ++(stats_.*field);
  };

  if (auto it = sent_.find(key);
      it != sent_.end() && p.at - it->second.last < options_.aggregation_window) {
    Sent& sent = it->second;
    Json body = EventBody(p, sent.involved, sent.name, sent.first_timestamp, stamp, sent.count + 1);
    body["metadata"]["uid"] = sent.uid;
    body["metadata"]["resourceVersion"] = sent.resource_version;
    // Server-side apply with the stored resourceVersion: conditional like an update, but a
    // PATCH, the verb controllers are granted on events.
    auto stored = applier_.Apply(Object(std::move(body)), {.field_manager = options_.component});
    if (stored) {
      sent.resource_version = StringAt(stored->body(), {"metadata", "resourceVersion"});
      sent.count += 1;
      sent.last = p.at;
      count(&EventRecorderStats::aggregated);
      return;
    }
    // Expired, deleted or changed by someone else: start a new Event.
    spdlog::debug("event {}: update failed, creating a new one: {}", sent.name,
                  stored.error().message());
  }

  const std::uint64_t nanos = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(p.at.time_since_epoch()).count());
  std::string name = p.object_name + "." + Hex(nanos + sequence_);
  auto created = applier_.Create(Object(EventBody(p, p.involved, name, stamp, stamp, 1)), {});
  if (!created) {
    spdlog::warn("event {} on {} {}/{} not written: {}", p.reason, StringAt(p.involved, {"kind"}),
                 p.ns, p.object_name, created.error().message());
    count(&EventRecorderStats::failed);
    return;
  }
  count(&EventRecorderStats::created);
  const std::uint64_t seq = ++sequence_;
  if (auto old = sent_.find(key); old != sent_.end()) sent_order_.erase(old->second.sequence);
  sent_[key] = Sent{.name = std::move(name),
                    .uid = StringAt(created->body(), {"metadata", "uid"}),
                    .resource_version = StringAt(created->body(), {"metadata", "resourceVersion"}),
                    .first_timestamp = stamp,
                    .involved = p.involved,
                    .count = 1,
                    .last = p.at,
                    .sequence = seq};
  sent_order_[seq] = key;
  while (sent_.size() > options_.remembered_events && !sent_order_.empty()) {
    sent_.erase(sent_order_.begin()->second);
    sent_order_.erase(sent_order_.begin());
  }
}

}  // namespace cellgate::runtime

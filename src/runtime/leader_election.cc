#include "runtime/leader_election.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <random>
#include <utility>

#include "core/mutex.h"
#include "runtime/time_format.h"

namespace cellgate::runtime {
namespace {

const kube::GroupVersionKind kLease{"coordination.k8s.io", "v1", "Lease"};

std::string DefaultIdentity() {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) host = {'c', 'e', 'l', 'l'};
  std::random_device rd;
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "%08x", rd());
  return std::string(host.data()) + "_" + suffix;
}

Json SpecOf(const Object& lease) {
  auto it = lease.body().find("spec");
  return it != lease.body().end() && it->is_object() ? *it : Json::object();
}

std::int64_t Seconds(std::chrono::milliseconds d) {
  return std::max<std::int64_t>(1, std::chrono::duration_cast<std::chrono::seconds>(d).count());
}

}  // namespace

LeaderElector::LeaderElector(kube::Reader& reader, kube::Applier& applier, const Clock& clock,
                             LeaderElectionOptions options)
    : reader_(reader), applier_(applier), clock_(clock), options_(std::move(options)) {
  if (options_.identity.empty()) options_.identity = DefaultIdentity();
}

std::string LeaderElector::Holder() const {
  core::MutexLock lock(mu_);
  return observed_holder_;
}

void LeaderElector::Observe(const Json& spec) {
  std::string raw = spec.dump();
  if (raw != observed_raw_) {
    observed_raw_ = std::move(raw);
    observed_time_ = clock_.Now();
    observed_duration_ = std::chrono::seconds(spec.value("leaseDurationSeconds", std::int64_t{0}));
  }
  core::MutexLock lock(mu_);
  observed_holder_ = StringAt(spec, {"holderIdentity"});
}

Json LeaderElector::Record(const Json& previous, bool takeover) const {
  const std::string now = Rfc3339Micro(clock_.WallNow());
  std::int64_t transitions = previous.value("leaseTransitions", std::int64_t{0});
  Json spec = {{"holderIdentity", options_.identity},
               {"leaseDurationSeconds", Seconds(options_.lease_duration)},
               {"acquireTime", takeover ? now : previous.value("acquireTime", now)},
               {"renewTime", now},
               {"leaseTransitions", takeover ? transitions + 1 : transitions}};
  return spec;
}

Result<bool> LeaderElector::TryAcquireOrRenew() {
  const std::string where = "lease " + options_.ns + "/" + options_.lease_name;
  auto lease = reader_.Get(kLease, options_.ns, options_.lease_name);
  if (!lease) {
    if (lease.error().code() != ErrorCode::kNotFound) {
      return std::unexpected(lease.error().Wrap("get " + where));
    }
    Json spec = Record(Json::object(), false);
    Object fresh(Json{{"apiVersion", "coordination.k8s.io/v1"},
                      {"kind", "Lease"},
                      {"metadata", {{"name", options_.lease_name}, {"namespace", options_.ns}}},
                      {"spec", spec}});
    auto created = applier_.Create(fresh, {});
    if (!created) {
      if (created.error().code() == ErrorCode::kAlreadyExists) return false;  // lost the race
      return std::unexpected(created.error().Wrap("create " + where));
    }
    Observe(SpecOf(*created));
    leader_ = true;
    return true;
  }

  const Json spec = SpecOf(*lease);
  Observe(spec);
  const std::string holder = StringAt(spec, {"holderIdentity"});
  const bool mine = holder == options_.identity;
  if (!holder.empty() && !mine && observed_time_ + observed_duration_ > clock_.Now()) {
    leader_ = false;
    return false;  // held by another and not expired
  }
  Object next = *lease;
  next.mutable_body()["spec"] = Record(spec, !mine);
  auto updated = applier_.Update(next, {});  // carries resourceVersion: conditional
  if (!updated) {
    if (updated.error().code() == ErrorCode::kConflict) {
      leader_ = false;
      return false;  // someone else wrote first
    }
    return std::unexpected(updated.error().Wrap("update " + where));
  }
  if (!mine) {
    spdlog::info("{}: {} took over from {}", where, options_.identity,
                 holder.empty() ? std::string("nobody (released)") : holder);
  }
  Observe(SpecOf(*updated));
  leader_ = true;
  return true;
}

Status LeaderElector::Release() {
  const std::string where = "release lease " + options_.ns + "/" + options_.lease_name;
  auto lease = reader_.Get(kLease, options_.ns, options_.lease_name);
  CG_TRY_WRAP(lease, where);
  if (StringAt(lease->body(), {"spec", "holderIdentity"}) != options_.identity) {
    leader_ = false;
    return Ok();  // not ours (any more)
  }
  const std::string now = Rfc3339Micro(clock_.WallNow());
  Object next = *lease;
  Json& spec = next.mutable_body()["spec"];
  spec["holderIdentity"] = "";
  spec["leaseDurationSeconds"] = 1;
  spec["renewTime"] = now;
  spec["acquireTime"] = now;
  auto updated = applier_.Update(next, {});
  leader_ = false;
  CG_TRY_WRAP(updated, where);
  Observe(SpecOf(*updated));
  return Ok();
}

void LeaderElector::Stop(bool release) {
  release_on_stop_ = release;
  stop_.Stop();
}

Status LeaderElector::Run(const std::function<void()>& on_started_leading,
                          const std::function<void()>& on_stopped_leading) {
  const std::string lease = options_.ns + "/" + options_.lease_name;
  std::mt19937 rng(std::random_device{}());
  std::uniform_real_distribution<double> jitter(0.0, 1.2);  // client-go's JitterFactor
  while (true) {
    auto r = TryAcquireOrRenew();
    if (r && *r) break;
    if (!r) spdlog::warn("leader election: {}", r.error().message());
    auto wait = std::chrono::duration_cast<std::chrono::nanoseconds>(options_.retry_period *
                                                                     (1.0 + jitter(rng)));
    if (stop_.SleepFor(wait)) return Ok();
  }
  spdlog::info("leader election: {} leads {}", options_.identity, lease);
  if (on_started_leading) on_started_leading();
  auto last_renew = clock_.Now();
  bool lost = false;
  std::string why;
  while (!stop_.SleepFor(options_.retry_period)) {
    auto r = TryAcquireOrRenew();
    if (r && *r) {
      last_renew = clock_.Now();
      continue;
    }
    if (r && !*r) {
      lost = true;  // the Lease shows another holder: step down now
      why = "the lease is held by " + Holder();
      break;
    }
    spdlog::warn("leader election: renew failed: {}", r.error().message());
    if (clock_.Now() - last_renew >= options_.renew_deadline) {
      lost = true;
      why = "no renewal for " + std::to_string(options_.renew_deadline.count()) + " ms (" +
            r.error().message() + ")";
      break;
    }
  }
  if (!lost && release_on_stop_) {
    if (auto s = Release(); !s) spdlog::warn("leader election: {}", s.error().message());
  }
  leader_ = false;
  if (on_stopped_leading) on_stopped_leading();
  if (lost) {
    spdlog::error("leader election: {} lost {}: {}", options_.identity, lease, why);
    return MakeError(ErrorCode::kUnavailable, "lost leadership of lease " + lease + ": " + why);
  }
  return Ok();
}

}  // namespace cellgate::runtime

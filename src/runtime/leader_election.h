// LeaderElector: one active controller replica per hub, elected on a coordination.k8s.io/v1
// Lease in the controller namespace, with client-go's leaderelection semantics:
//
//  - The Lease spec is the record: holderIdentity, leaseDurationSeconds, acquireTime,
//    renewTime (MicroTime) and leaseTransitions. A missing Lease is created; an existing one
//    is taken or renewed with Update carrying its resourceVersion, so two candidates cannot
//    both win (the loser gets 409 Conflict).
//  - Expiry is judged by the local clock, not the holder's timestamps (clock skew between
//    replicas does not matter): a Lease held by another is free once it has not changed for
//    its leaseDurationSeconds since this elector last saw it change. An empty holder (a
//    released Lease) is free at once.
//  - Taking over from another holder increments leaseTransitions and sets acquireTime;
//    renewing keeps both.
//  - While leading, the Lease is renewed every retry_period; if no renewal succeeded for
//    renew_deadline, or the Lease shows another holder, leadership is lost. renew_deadline
//    (10 s) is shorter than lease_duration (15 s), so a replica that cannot renew steps down
//    before anyone else may take over. Use a kube client whose request timeout is well below
//    renew_deadline, or a hung request can hold the renew loop past it.
//  - Stop(release = true) on a leader releases the Lease (holder "", leaseDurationSeconds 1),
//    so another replica takes over at its next retry instead of after lease_duration.
//
// Run() blocks: acquire (retrying every retry_period with jitter), call on_started_leading,
// renew until stopped or lost, call on_stopped_leading, return. The callbacks run on Run's
// thread and must return promptly (start workers, then return; stop them when told). Run
// returns Ok after Stop(), kUnavailable "lost leadership ..." when leadership was lost.
// One elector runs once; make a new one to stand again.
//
// Thread-safety: Stop(), IsLeader() and Holder() may be called from any thread while Run()
// runs on another. TryAcquireOrRenew() and Release() are for Run and single-threaded tests.
// Reader, Applier and Clock must outlive the elector.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "core/clock.h"
#include "core/mutex.h"
#include "core/object.h"
#include "core/result.h"
#include "kube/client.h"
#include "kube/stop_signal.h"

namespace cellgate::runtime {

struct LeaderElectionOptions {
  std::string lease_name = "cellgate-controller";
  std::string ns = "argocd";
  std::string identity;  // unique per replica; "" = "<hostname>_<random>"
  std::chrono::milliseconds lease_duration{std::chrono::seconds(15)};
  std::chrono::milliseconds renew_deadline{std::chrono::seconds(10)};
  std::chrono::milliseconds retry_period{std::chrono::seconds(2)};
};

class LeaderElector {
 public:
  LeaderElector(kube::Reader& reader, kube::Applier& applier, const Clock& clock,
                LeaderElectionOptions options = {});

  Status Run(const std::function<void()>& on_started_leading,
             const std::function<void()>& on_stopped_leading);
  // Asks Run to return. With `release`, a leader gives the Lease up on the way out; without,
  // it leaves the Lease to expire (what a crash does).
  void Stop(bool release = true);

  bool IsLeader() const { return leader_.load(); }
  const std::string& identity() const { return options_.identity; }
  // The holder this elector last observed ("" before the first look, or when released).
  std::string Holder() const;

  // One attempt: true when this elector holds the Lease afterwards, false when another
  // does (or won a race); an error when the API server could not be asked.
  Result<bool> TryAcquireOrRenew();
  // Gives the Lease up if this elector holds it.
  Status Release();

 private:
  Json Record(const Json& previous, bool takeover) const;
  void Observe(const Json& spec);

  kube::Reader& reader_;
  kube::Applier& applier_;
  const Clock& clock_;
  LeaderElectionOptions options_;

  kube::StopSignal stop_;
  std::atomic<bool> release_on_stop_{true};
  std::atomic<bool> leader_{false};

  mutable core::Mutex mu_;
  std::string observed_holder_ GUARDED_BY(mu_);
  // Touched only by the thread running Run / TryAcquireOrRenew.
  std::string observed_raw_;  // the Lease spec as last seen, to notice changes
  Clock::TimePoint observed_time_{};
  std::chrono::seconds observed_duration_{0};
};

}  // namespace cellgate::runtime

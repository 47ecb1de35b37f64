// StopSignal: asks a long-running call (a watch stream, a backoff sleep) to return early.
//
// Stop() may be called from any thread; a stream blocked in the transport wakes at once
// (the transport registers a waker that interrupts its poll), and SleepFor returns early.
//
// Thread-safety: thread-safe. At most one waker is registered at a time (one stream per
// signal).
#pragma once

#include <chrono>
#include <functional>

#include "core/mutex.h"

namespace cellgate::kube {

class StopSignal {
 public:
  void Stop() {
    core::MutexLock lock(mu_);
    stopped_ = true;
    if (waker_) waker_();
    cv_.notify_all();
  }

  bool stopped() const {
    core::MutexLock lock(mu_);
    return stopped_;
  }

  // Sleeps for `d` unless stopped first. Returns true when stopped.
  bool SleepFor(std::chrono::nanoseconds d) const {
    core::MutexLock lock(mu_);
    return cv_.wait_for(lock, d, [&]() REQUIRES(mu_) { return stopped_; });
  }

  // The transport's hook: `waker` is called (under the signal's lock) by Stop(). Pass an
  // empty function to unregister; after that returns, the old waker is never called again.
  void SetWaker(std::function<void()> waker) {
    core::MutexLock lock(mu_);
    waker_ = std::move(waker);
    if (stopped_ && waker_) waker_();
  }

 private:
  mutable core::Mutex mu_;
  mutable core::CondVar cv_;
  bool stopped_ GUARDED_BY(mu_) = false;
  std::function<void()> waker_ GUARDED_BY(mu_);
};

}  // namespace cellgate::kube

// StopSignal: asks a long-running call (a watch stream, a backoff sleep) to return early.
//
// Stop() may be called from any thread; a stream blocked in the transport wakes at once
// (the transport registers a waker that interrupts its poll), and SleepFor returns early.
//
// Thread-safety: thread-safe. At most one waker is registered at a time (one stream per
// signal).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>

namespace cellgate::kube {

class StopSignal {
 public:
  void Stop() {
    std::lock_guard lock(mu_);
    stopped_ = true;
    if (waker_) waker_();
    cv_.notify_all();
  }

  bool stopped() const {
    std::lock_guard lock(mu_);
    return stopped_;
  }

  // Sleeps for `d` unless stopped first. Returns true when stopped.
  bool SleepFor(std::chrono::nanoseconds d) const {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, d, [&] { return stopped_; });
  }

  // The transport's hook: `waker` is called (under the signal's lock) by Stop(). Pass an
  // empty function to unregister; after that returns, the old waker is never called again.
  void SetWaker(std::function<void()> waker) {
    std::lock_guard lock(mu_);
    waker_ = std::move(waker);
    if (stopped_ && waker_) waker_();
  }

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  bool stopped_ = false;         // guarded by mu_
  std::function<void()> waker_;  // guarded by mu_
};

}  // namespace cellgate::kube

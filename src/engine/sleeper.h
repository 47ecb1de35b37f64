// How the sync engine waits between polls: real time in production, a fake clock's time in
// unit tests (so a 5-minute health timeout takes microseconds to test). Waits end early when
// the stop token is triggered.
//
// Thread-safety: RealSleeper is thread-safe; FakeSleeper advances its FakeClock and is meant
// for single-threaded tests (or tests that serialise their waits).
#pragma once

#include <chrono>
#include <condition_variable>
#include <stop_token>

#include "core/clock.h"
#include "core/mutex.h"

namespace cellgate::engine {

class Sleeper {
 public:
  virtual ~Sleeper() = default;
  // Waits `d`; returns false when `stop` was triggered before (or during) the wait.
  virtual bool SleepFor(std::chrono::milliseconds d, std::stop_token stop) = 0;
};

class RealSleeper final : public Sleeper {
 public:
  bool SleepFor(std::chrono::milliseconds d, std::stop_token stop) override {
    core::MutexLock lock(mu_);
    return !cv_.wait_for(lock, stop, d, [] { return false; }) && !stop.stop_requested();
  }

 private:
  core::Mutex mu_;
  std::condition_variable_any cv_;
};

// The process-wide real sleeper (stateless in effect; shared by every executor).
Sleeper& DefaultSleeper();

class FakeSleeper final : public Sleeper {
 public:
  explicit FakeSleeper(FakeClock& clock) : clock_(clock) {}
  bool SleepFor(std::chrono::milliseconds d, std::stop_token stop) override {
    core::MutexLock lock(mu_);
    if (stop.stop_requested()) return false;
    clock_.Advance(d);
    slept_ += d;
    return true;
  }
  std::chrono::milliseconds slept() const { return slept_; }

 private:
  core::Mutex mu_;
  FakeClock& clock_;
  std::chrono::milliseconds slept_{0};
};

}  // namespace cellgate::engine

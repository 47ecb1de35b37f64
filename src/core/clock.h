// Time as an interface, so reconcilers and caches can be tested without sleeping
// (Envoy's TimeSource). Production code uses SystemClock; tests use FakeClock.
//
// Thread-safety: SystemClock is stateless; FakeClock is not thread-safe.
#pragma once

#include <chrono>

namespace cellgate {

class Clock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
  virtual std::chrono::system_clock::time_point WallNow() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::steady_clock::now(); }
  std::chrono::system_clock::time_point WallNow() const override {
    return std::chrono::system_clock::now();
  }
};

class FakeClock final : public Clock {
 public:
  TimePoint Now() const override { return now_; }
  std::chrono::system_clock::time_point WallNow() const override { return wall_; }
  void Advance(std::chrono::nanoseconds d) {
    now_ += d;
    wall_ += std::chrono::duration_cast<std::chrono::system_clock::duration>(d);
  }

 private:
  TimePoint now_{};
  std::chrono::system_clock::time_point wall_{};
};

}  // namespace cellgate

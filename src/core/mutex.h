// Mutexes the clang thread-safety analysis understands (core/thread_annotations.h).
//
// core::Mutex wraps std::mutex, core::SharedMutex wraps std::shared_mutex; MutexLock,
// WriterLock and ReaderLock hold one for a scope (MutexLock can be unlocked and locked again,
// like std::unique_lock); CondVar is a std::condition_variable that waits on a MutexLock.
// Method names follow the standard types they replace (lock, unlock, wait, notify_one), so
// the types meet BasicLockable. Same costs as the std types: CondVar hands the std::mutex
// inside to std::condition_variable, no condition_variable_any.
//
// A wait predicate that reads guarded members names the mutex it runs under:
//   cv_.wait(lock, [&]() REQUIRES(mu_) { return stopping_ || !queue_.empty(); });
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <shared_mutex>
#include <utility>

#include "core/thread_annotations.h"

namespace cellgate::core {

class CAPABILITY("mutex") Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void lock() ACQUIRE() { mu_.lock(); }
  void unlock() RELEASE() { mu_.unlock(); }
  bool try_lock() TRY_ACQUIRE(true) { return mu_.try_lock(); }
  // Tells the analysis the caller holds this mutex (it checks nothing at run time).
  void AssertHeld() const ASSERT_CAPABILITY(this) {}

 private:
  friend class CondVar;
  std::mutex mu_;
};

// Holds `mu` from construction to destruction, except between unlock() and lock().
class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mu) ACQUIRE(mu) : mu_(&mu) { mu_->lock(); }
  ~MutexLock() RELEASE() {
    if (held_) mu_->unlock();
  }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

  void lock() ACQUIRE() {
    mu_->lock();
    held_ = true;
  }
  void unlock() RELEASE() {
    held_ = false;
    mu_->unlock();
  }
  bool owns_lock() const { return held_; }

 private:
  friend class CondVar;
  Mutex* mu_;
  bool held_ = true;
};

class CAPABILITY("mutex") SharedMutex {
 public:
  SharedMutex() = default;
  SharedMutex(const SharedMutex&) = delete;
  SharedMutex& operator=(const SharedMutex&) = delete;

  void lock() ACQUIRE() { mu_.lock(); }
  void unlock() RELEASE() { mu_.unlock(); }
  void lock_shared() ACQUIRE_SHARED() { mu_.lock_shared(); }
  void unlock_shared() RELEASE_SHARED() { mu_.unlock_shared(); }

 private:
  std::shared_mutex mu_;
};

// Holds a SharedMutex exclusively for a scope.
class SCOPED_CAPABILITY WriterLock {
 public:
  explicit WriterLock(SharedMutex& mu) ACQUIRE(mu) : mu_(mu) { mu_.lock(); }
  ~WriterLock() RELEASE() { mu_.unlock(); }
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;

 private:
  SharedMutex& mu_;
};

// Holds a SharedMutex shared for a scope.
class SCOPED_CAPABILITY ReaderLock {
 public:
  explicit ReaderLock(SharedMutex& mu) ACQUIRE_SHARED(mu) : mu_(mu) { mu_.lock_shared(); }
  ~ReaderLock() RELEASE() { mu_.unlock_shared(); }
  ReaderLock(const ReaderLock&) = delete;
  ReaderLock& operator=(const ReaderLock&) = delete;

 private:
  SharedMutex& mu_;
};

// std::condition_variable over a MutexLock. Every wait returns with the lock held again.
// The analysis does not look inside (it cannot see that wait gives the mutex back), so the
// waits carry NO_THREAD_SAFETY_ANALYSIS; callers are checked as usual.
class CondVar {
 public:
  void notify_one() noexcept { cv_.notify_one(); }
  void notify_all() noexcept { cv_.notify_all(); }

  void wait(MutexLock& lock) NO_THREAD_SAFETY_ANALYSIS {
    std::unique_lock<std::mutex> native(lock.mu_->mu_, std::adopt_lock);
    cv_.wait(native);
    native.release();
  }
  template <typename Predicate>
  void wait(MutexLock& lock, Predicate stop_waiting) NO_THREAD_SAFETY_ANALYSIS {
    while (!stop_waiting()) wait(lock);
  }

  template <typename Clock, typename Duration>
  std::cv_status wait_until(MutexLock& lock, const std::chrono::time_point<Clock, Duration>& t)
      NO_THREAD_SAFETY_ANALYSIS {
    std::unique_lock<std::mutex> native(lock.mu_->mu_, std::adopt_lock);
    const std::cv_status status = cv_.wait_until(native, t);
    native.release();
    return status;
  }
  template <typename Clock, typename Duration, typename Predicate>
  bool wait_until(MutexLock& lock, const std::chrono::time_point<Clock, Duration>& t,
                  Predicate stop_waiting) NO_THREAD_SAFETY_ANALYSIS {
    while (!stop_waiting()) {
      if (wait_until(lock, t) == std::cv_status::timeout) return stop_waiting();
    }
    return true;
  }

  template <typename Rep, typename Period>
  std::cv_status wait_for(MutexLock& lock,
                          const std::chrono::duration<Rep, Period>& d) NO_THREAD_SAFETY_ANALYSIS {
    return wait_until(lock, std::chrono::steady_clock::now() + d);
  }
  template <typename Rep, typename Period, typename Predicate>
  bool wait_for(MutexLock& lock, const std::chrono::duration<Rep, Period>& d,
                Predicate stop_waiting) NO_THREAD_SAFETY_ANALYSIS {
    return wait_until(lock, std::chrono::steady_clock::now() + d, std::move(stop_waiting));
  }

 private:
  std::condition_variable cv_;
};

}  // namespace cellgate::core

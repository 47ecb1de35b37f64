#include "core/mutex.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace cellgate::core {
namespace {

struct Guarded {
  Mutex mu;
  CondVar cv;
  bool ready GUARDED_BY(mu) = false;
};

struct SharedGuarded {
  SharedMutex mu;
  int value GUARDED_BY(mu) = 0;
};

TEST(MutexLock, UnlockAndLockAgain) {
  Mutex mu;
  MutexLock lock(mu);
  EXPECT_TRUE(lock.owns_lock());
  lock.unlock();
  EXPECT_FALSE(lock.owns_lock());
  // Released: another owner can take it.
  bool free = mu.try_lock();
  if (free) mu.unlock();
  EXPECT_TRUE(free);
  lock.lock();
  EXPECT_TRUE(lock.owns_lock());
  EXPECT_FALSE(mu.try_lock());
}

TEST(MutexLock, AnUnlockedLockLeavesTheMutexFreeAtScopeEnd) {
  Mutex mu;
  {
    MutexLock lock(mu);
    lock.unlock();
  }
  bool free = mu.try_lock();
  if (free) mu.unlock();
  EXPECT_TRUE(free);
}

TEST(CondVar, WaitReturnsWithThePredicateTrueAndTheLockHeld) {
  Guarded g;
  std::thread setter([&] {
    MutexLock lock(g.mu);
    g.ready = true;
    g.cv.notify_all();
  });
  {
    MutexLock lock(g.mu);
    g.cv.wait(lock, [&]() REQUIRES(g.mu) { return g.ready; });
    EXPECT_TRUE(g.ready);
    EXPECT_FALSE(g.mu.try_lock());
  }
  setter.join();
}

TEST(CondVar, TimedWaitGivesThePredicatesLastAnswer) {
  Mutex mu;
  CondVar cv;
  MutexLock lock(mu);
  EXPECT_FALSE(cv.wait_for(lock, std::chrono::milliseconds(1), [] { return false; }));
  EXPECT_TRUE(cv.wait_for(lock, std::chrono::milliseconds(1), [] { return true; }));
  EXPECT_EQ(cv.wait_until(lock, std::chrono::steady_clock::now()), std::cv_status::timeout);
  EXPECT_TRUE(lock.owns_lock());
  EXPECT_FALSE(mu.try_lock());
}

TEST(SharedMutex, ReadersShareWritersExclude) {
  SharedGuarded g;
  {
    WriterLock w(g.mu);
    g.value = 1;
  }
  ReaderLock r1(g.mu);
  int seen = 0;
  // A second reader on another thread does not wait for the first.
  std::thread reader([&] {
    ReaderLock r2(g.mu);
    seen = g.value;
  });
  reader.join();
  EXPECT_EQ(seen, 1);
}

}  // namespace
}  // namespace cellgate::core

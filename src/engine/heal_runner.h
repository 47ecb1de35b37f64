// HealRunner: a few worker threads that run the checks and heals of many self-healers.
//
// A fleet controller has one SelfHealer per app (self_heal.h); with a thread each, 1,000 apps
// cost 1,000 threads, about 40 MiB of stacks, for work that is almost always idle. Instead the
// healers of one cell share a runner: a healer with something to check calls Schedule, and
// a worker calls the healer's RunDue when it is due. One cell's runner never waits for
// another cell, so a hung cell only holds up its own healers.
//
// Contract with a Client:
//   - RunDue() processes what is due and returns when the next pending item falls due
//     (nullopt: nothing pending). It runs on one worker at a time per client, never under
//     the runner's lock, so it may call Schedule.
//   - Schedule(c, due) asks for RunDue at `due` or later; earlier requests win. Calling it
//     while c is running makes the runner call RunDue again at that time after the run.
//   - Cancel(c) returns once c is not running and will not be run again (until the next
//     Schedule). Call it before destroying c; it must not be called from c's RunDue.
//
// Time is read from `clock`; while something is scheduled the workers re-read it at least
// every 100 ms, so a fake clock advanced by a test is noticed without a notification. With
// nothing scheduled the workers sleep until Schedule or destruction.
//
// A manual runner (Manual()) has no workers: its clients run only inside RunReady, on the
// caller's thread. Tests drive healers this way with a FakeClock, so they can tell that
// nothing is due without waiting for a worker.
//
// Thread-safety: thread-safe. The destructor joins the workers; cancel every client first.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/mutex.h"

namespace cellgate::engine {

class HealRunner {
 public:
  class Client {
   public:
    virtual ~Client() = default;
    virtual std::optional<Clock::TimePoint> RunDue() = 0;
  };

  // `threads` >= 1 workers. The clock must outlive the runner.
  HealRunner(const Clock& clock, int threads);
  // A runner without workers (see above). The clock must outlive the runner.
  static std::unique_ptr<HealRunner> Manual(const Clock& clock);
  ~HealRunner();
  HealRunner(const HealRunner&) = delete;
  HealRunner& operator=(const HealRunner&) = delete;

  void Schedule(Client* client, Clock::TimePoint due);
  void Cancel(Client* client);

  // Clients scheduled or running now.
  std::size_t Active() const;
  // The earliest time a client is scheduled for (nullopt: none is).
  std::optional<Clock::TimePoint> NextDue() const;

  // Runs, on the calling thread, each client due at clock.Now(), again while any is due (a
  // run may schedule another); returns the number of runs. Meant for manual runners; on a
  // runner with workers they share the due clients (still one run at a time per client).
  std::size_t RunReady();

 private:
  struct Entry {
    std::optional<Clock::TimePoint> due;  // nullopt: running and not asked again
    bool running = false;
    bool cancelled = false;  // Cancel is waiting: never picked again
  };

  explicit HealRunner(const Clock& clock);  // manual
  void WorkerLoop();
  // mu_ held: the scheduled client due first, not running or cancelled (end(): none).
  std::map<Client*, Entry>::iterator Earliest() REQUIRES(mu_);
  // mu_ held, `lock` holding it: runs `entry`'s client without the lock and books the result.
  // The body unlocks and relocks through `lock`, which the analysis cannot follow through a
  // reference, hence no analysis inside; callers are checked.
  void RunOne(core::MutexLock& lock, std::map<Client*, Entry>::iterator entry)
      REQUIRES(mu_) NO_THREAD_SAFETY_ANALYSIS;

  const Clock& clock_;
  mutable core::Mutex mu_;
  core::CondVar cv_;
  bool stopping_ = false;
  std::map<Client*, Entry> entries_ GUARDED_BY(mu_);
  std::vector<std::thread> workers_;
};

}  // namespace cellgate::engine

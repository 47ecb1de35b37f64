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
// Thread-safety: thread-safe. The destructor joins the workers; cancel every client first.
#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/clock.h"

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
  ~HealRunner();
  HealRunner(const HealRunner&) = delete;
  HealRunner& operator=(const HealRunner&) = delete;

  void Schedule(Client* client, Clock::TimePoint due);
  void Cancel(Client* client);

  // Clients scheduled or running now.
  std::size_t Active() const;

 private:
  struct Entry {
    std::optional<Clock::TimePoint> due;  // nullopt: running and not asked again
    bool running = false;
    bool cancelled = false;  // Cancel is waiting: never picked again
  };

  void WorkerLoop();

  const Clock& clock_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::map<Client*, Entry> entries_;  // guarded by mu_
  std::vector<std::thread> workers_;
};

}  // namespace cellgate::engine

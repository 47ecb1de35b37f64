// PushRouter: what a verified Git push (POST /api/webhook) does to the fleet.
//
// Submit() only queues the push (the HTTP handler must answer at once); one thread then
//   1. finds the Applications it touches: every app of every home whose source matches by
//      http::PushTouches (repository, revision, manifest-generate-paths; push_match.h);
//   2. refreshes each touched repository's mirror once (a forced ls-remote, and a fetch when
//      a ref moved), so the apps that follow resolve the new commit from the mirror;
//   3. re-queues only those apps;
//   4. hands the push to the ApplicationSet listener, if one is set (git generators of that
//      repository must re-read it; the appset controller decides which).
// Apps that the push does not touch are neither refreshed nor re-rendered.
//
// A full queue refuses with kResourceExhausted (the handler answers 503 and the Git server
// retries); so does a stopped router (kUnavailable).
//
// Thread-safety: Submit and SetAppSetListener from any thread; callbacks run on the router's
// thread.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <thread>

#include "controller/app_ref.h"
#include "controller/git_resolver.h"
#include "controller/home_directory.h"
#include "core/mutex.h"
#include "core/result.h"
#include "http/webhook.h"

namespace cellgate::controller {

using PushListener = std::function<void(const http::PushEvent& push)>;

struct PushRouterOptions {
  std::size_t queue_capacity = 256;
};

class PushRouter {
 public:
  PushRouter(HomeDirectory& homes, GitResolver& git, std::function<void(const AppRef&)> requeue,
             PushRouterOptions options = {});
  ~PushRouter();
  PushRouter(const PushRouter&) = delete;
  PushRouter& operator=(const PushRouter&) = delete;

  Status Submit(const http::PushEvent& push);
  void SetAppSetListener(PushListener listener);
  void Stop();

  // The apps `push` touches, as the router would re-queue them (for tests and logs).
  std::vector<AppRef> Touched(const http::PushEvent& push) const;

 private:
  void Run();
  void Handle(const http::PushEvent& push);

  HomeDirectory& homes_;
  GitResolver& git_;
  const std::function<void(const AppRef&)> requeue_;
  const PushRouterOptions options_;

  core::Mutex mu_;
  core::CondVar cv_;
  std::deque<http::PushEvent> queue_ GUARDED_BY(mu_);
  bool stopping_ GUARDED_BY(mu_) = false;
  PushListener appset_ GUARDED_BY(mu_);
  std::thread thread_;  // started last
};

}  // namespace cellgate::controller

#include "controller/push_router.h"

#include <spdlog/spdlog.h>

#include <map>

#include "core/mutex.h"
#include "fleet/app_model.h"
#include "git/url.h"
#include "http/push_match.h"
#include "render/application.h"

namespace cellgate::controller {

PushRouter::PushRouter(HomeDirectory& homes, GitResolver& git,
                       std::function<void(const AppRef&)> requeue, PushRouterOptions options)
    : homes_(homes), git_(git), requeue_(std::move(requeue)), options_(options) {
  thread_ = std::thread([this] { Run(); });
}

PushRouter::~PushRouter() { Stop(); }

void PushRouter::Stop() {
  {
    core::MutexLock lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Status PushRouter::Submit(const http::PushEvent& push) {
  {
    core::MutexLock lock(mu_);
    if (stopping_) return MakeError(ErrorCode::kUnavailable, "the controller is not leading");
    if (queue_.size() >= options_.queue_capacity) {
      return MakeError(ErrorCode::kResourceExhausted, "push queue is full");
    }
    queue_.push_back(push);
  }
  cv_.notify_one();
  return Ok();
}

void PushRouter::SetAppSetListener(PushListener listener) {
  core::MutexLock lock(mu_);
  appset_ = std::move(listener);
}

std::vector<AppRef> PushRouter::Touched(const http::PushEvent& push) const {
  std::vector<AppRef> out;
  for (const auto& home : homes_.All()) {
    for (const ObjectPtr& obj : home->apps().List()) {
      auto app = render::ParseApplication(obj->body());
      if (!app) continue;
      std::string annotation = obj->Annotation(fleet::kManifestGeneratePathsAnnotation);
      std::optional<std::string_view> paths;
      if (!annotation.empty()) paths = annotation;
      if (http::PushTouches(push, app->source.repo_url, app->source.target_revision,
                            app->source.path, paths)) {
        out.push_back({home->name(), obj->Namespace(), obj->Name()});
      }
    }
  }
  return out;
}

void PushRouter::Handle(const http::PushEvent& push) {
  std::vector<AppRef> touched = Touched(push);
  // One refresh per repository, however many apps (and spellings of its URL) it has.
  std::map<std::string, std::string> repos;  // normalised -> as an app spells it
  for (const AppRef& ref : touched) {
    auto home = homes_.Get(ref.home);
    ObjectPtr obj = home ? home->apps().Get(ref.ns, ref.name) : nullptr;
    if (!obj) continue;
    auto app = render::ParseApplication(obj->body());
    if (app) repos.emplace(git::NormaliseRepoUrl(app->source.repo_url), app->source.repo_url);
  }
  for (const auto& [normalised, url] : repos) {
    if (auto r = git_.Refresh(url); !r) {
      spdlog::warn("webhook: refresh {}: {}", git::RedactUrl(url), r.error().message());
    }
  }
  spdlog::info("webhook: push to {} ({}) touches {} application(s)",
               push.repo_urls.empty() ? "?" : git::RedactUrl(push.repo_urls.front()), push.ref,
               touched.size());
  for (const AppRef& ref : touched) requeue_(ref);
  PushListener appset;
  {
    core::MutexLock lock(mu_);
    appset = appset_;
  }
  if (appset) appset(push);
}

void PushRouter::Run() {
  for (;;) {
    http::PushEvent push;
    {
      core::MutexLock lock(mu_);
      cv_.wait(lock, [&]() REQUIRES(mu_) { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      push = std::move(queue_.front());
      queue_.pop_front();
    }
    Handle(push);
  }
}

}  // namespace cellgate::controller

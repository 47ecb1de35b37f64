#include "kube/rest_watcher.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <random>
#include <thread>

#include "kube/api_error.h"
#include "kube/stop_signal.h"
#include "kube/watch_stream.h"

namespace cellgate::kube {
namespace {

// The state of one watch; runs on its own thread.
class WatchLoop {
 public:
  WatchLoop(Transport& transport, Reader& reader, ResourceMapping mapping, std::string ns,
            WatchOptions options, WatchCallback on_event)
      : transport_(transport),
        reader_(reader),
        mapping_(std::move(mapping)),
        ns_(std::move(ns)),
        options_(std::move(options)),
        on_event_(std::move(on_event)),
        rv_(options_.resource_version),
        backoff_(options_.initial_backoff),
        context_("watch " + mapping_.gvk.ToString() +
                 (ns_.empty() ? " (all namespaces)" : " in " + ns_)) {}

  void Run(StopSignal& stop) {
    while (!stop.stopped()) {
      if (rv_.empty() && !Relist()) {
        if (Backoff(stop)) return;
        continue;
      }
      RunStream(stop);
    }
  }

 private:
  void Fail(const Error& error, long code) {
    spdlog::debug("{}", error.message());
    on_event_(WatchEvent{.type = WatchEventType::kError, .object = StatusObject(error, code)});
  }

  // Sleeps the current backoff and doubles it; true when stopped meanwhile.
  bool Backoff(StopSignal& stop) {
    auto d = backoff_;
    backoff_ = std::min(backoff_ * 2, options_.max_backoff);
    return stop.SleepFor(d);
  }

  bool Relist() {
    auto list = reader_.List(
        mapping_.gvk, ns_,
        {.label_selector = options_.label_selector, .field_selector = options_.field_selector});
    if (!list) {
      Fail(list.error(), 0);
      return false;
    }
    rv_ = list->resource_version;
    on_event_(WatchEvent{.type = WatchEventType::kReplace,
                         .objects = std::move(list->items),
                         .resource_version = rv_});
    return true;
  }

  void RunStream(StopSignal& stop) {
    thread_local std::mt19937 rng{std::random_device{}()};
    auto timeout = options_.server_timeout.count();
    timeout += std::uniform_int_distribution<long long>(0, timeout / 2)(rng);
    std::string path =
        ResourcePath(mapping_, ns_) + QueryString({{"watch", "1"},
                                                   {"allowWatchBookmarks", "true"},
                                                   {"resourceVersion", rv_},
                                                   {"labelSelector", options_.label_selector},
                                                   {"fieldSelector", options_.field_selector},
                                                   {"timeoutSeconds", std::to_string(timeout)}});
    bool gone = false;
    int events = 0;
    std::optional<Error> decode_error;
    LineBuffer lines;
    auto on_line = [&](std::string_view line) -> Status {
      auto event = ParseWatchEvent(line);
      CG_TRY(event);
      if (event->type == WatchEventType::kError && WatchErrorCode(*event) == 410) {
        gone = true;
        return MakeError(ErrorCode::kFailedPrecondition, "resource version expired");
      }
      if (!event->resource_version.empty()) rv_ = event->resource_version;
      ++events;
      on_event_(*event);
      return Ok();
    };
    auto started = std::chrono::steady_clock::now();
    auto result = transport_.Stream(
        {.verb = "watch", .path = path, .timeout = std::chrono::seconds(timeout + 30)},
        [&](std::string_view chunk) {
          auto s = lines.Feed(chunk, on_line);
          if (!s && !gone) decode_error = s.error().Wrap(context_);
          return s.has_value();
        },
        stop);
    if (stop.stopped()) return;
    if (gone || (result && result->status == 410)) {
      spdlog::debug("{}: resource version {} expired; re-listing", context_, rv_);
      rv_.clear();
      return;
    }
    if (!result) {
      Fail(result.error().Wrap(context_), 0);
    } else if (decode_error) {
      Fail(*decode_error, 0);
    } else if (result->status < 200 || result->status > 299) {
      Fail(HttpError(result->status, result->error_body).Wrap(context_), result->status);
    } else {
      // A clean end (the server's timeout). Reconnect at once unless it ended suspiciously
      // fast and empty, which would otherwise spin.
      bool healthy =
          events > 0 || std::chrono::steady_clock::now() - started > std::chrono::seconds(1);
      if (healthy) {
        backoff_ = options_.initial_backoff;
        return;
      }
    }
    Backoff(stop);
  }

  Transport& transport_;
  Reader& reader_;
  const ResourceMapping mapping_;
  const std::string ns_;
  const WatchOptions options_;
  const WatchCallback on_event_;
  std::string rv_;
  std::chrono::milliseconds backoff_;
  const std::string context_;
};

class RestWatchHandle final : public WatchHandle {
 public:
  explicit RestWatchHandle(std::unique_ptr<WatchLoop> loop) : loop_(std::move(loop)) {
    thread_ = std::thread([this] { loop_->Run(stop_); });
  }

  ~RestWatchHandle() override {
    stop_.Stop();
    if (thread_.get_id() == std::this_thread::get_id()) {
      // Destroyed from its own callback: a broken contract (client.h) we cannot recover from.
      spdlog::critical("WatchHandle destroyed from its own callback");
      std::abort();
    }
    thread_.join();
  }

  void Stop() override { stop_.Stop(); }

 private:
  std::unique_ptr<WatchLoop> loop_;
  StopSignal stop_;
  std::thread thread_;
};

}  // namespace

RestWatcher::RestWatcher(Transport& transport, RestMapper& mapper, Reader& reader)
    : transport_(transport), mapper_(mapper), reader_(reader) {}

Result<std::unique_ptr<WatchHandle>> RestWatcher::Watch(const GroupVersionKind& gvk,
                                                        std::string_view ns,
                                                        const WatchOptions& options,
                                                        WatchCallback on_event) {
  std::string context = "watch " + gvk.ToString();
  auto mapping = mapper_.Map(gvk);
  CG_TRY_WRAP(mapping, context);
  if (!mapping->verbs.empty() && !mapping->Supports("watch")) {
    return MakeError(ErrorCode::kInvalidArgument,
                     context + ": " + mapping->resource + " does not support watch");
  }
  std::string scope = mapping->namespaced ? std::string(ns) : std::string();
  auto loop = std::make_unique<WatchLoop>(transport_, reader_, std::move(*mapping),
                                          std::move(scope), options, std::move(on_event));
  return std::make_unique<RestWatchHandle>(std::move(loop));
}

}  // namespace cellgate::kube

#include "kube/transport.h"

#include <spdlog/spdlog.h>

#include <array>
#include <random>
#include <thread>

#include "core/mutex.h"
#include "kube/curl_request.h"

namespace cellgate::kube {

using curl_internal::Classify;
using curl_internal::Endpoint;
using curl_internal::PreparedRequest;

namespace {

constexpr std::size_t kMaxErrorBody = 64 * 1024;

const Clock& SystemClockInstance() {
  static const SystemClock clock;
  return clock;
}

double Random01() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

// libcurl state: the share object (DNS cache, TLS sessions) and the idle handle pool.
struct Transport::Curl {
  Endpoint endpoint;
  CURLSH* share = nullptr;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> locks;  // std mutex: libcurl share callbacks
  core::Mutex pool_mu;
  std::vector<CURL*> idle GUARDED_BY(pool_mu);

  ~Curl() {
    for (CURL* h : idle) curl_easy_cleanup(h);
    if (share) curl_share_cleanup(share);
  }

  static void Lock(CURL*, curl_lock_data data, curl_lock_access, void* self) {
    static_cast<Curl*>(self)->locks[data].lock();
  }
  static void Unlock(CURL*, curl_lock_data data, void* self) {
    static_cast<Curl*>(self)->locks[data].unlock();
  }

  CURL* Acquire() {
    {
      core::MutexLock lock(pool_mu);
      if (!idle.empty()) {
        CURL* h = idle.back();
        idle.pop_back();
        curl_easy_reset(h);  // keeps the handle's live connection
        return h;
      }
    }
    return curl_easy_init();
  }

  void Release(CURL* h, std::size_t max_idle) {
    core::MutexLock lock(pool_mu);
    if (idle.size() < max_idle) {
      idle.push_back(h);
    } else {
      curl_easy_cleanup(h);
    }
  }
};

Result<std::unique_ptr<Transport>> Transport::Create(ClusterConfig config,
                                                     TransportOptions options) {
  CG_TRY(config.Validate());
  GlobalInit();
  auto endpoint = curl_internal::MakeEndpoint(config);
  CG_TRY(endpoint);
  std::unique_ptr<Transport> t(new Transport(std::move(config), std::move(options)));
  t->curl_->endpoint = std::move(*endpoint);
  CURLSH* share = curl_share_init();
  if (!share) return MakeError(ErrorCode::kInternal, "curl_share_init failed");
  t->curl_->share = share;
  curl_share_setopt(share, CURLSHOPT_LOCKFUNC, &Curl::Lock);
  curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, &Curl::Unlock);
  curl_share_setopt(share, CURLSHOPT_USERDATA, t->curl_.get());
  curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  return t;
}

Transport::Transport(ClusterConfig config, TransportOptions options)
    : config_(std::move(config)),
      options_(std::move(options)),
      clock_(options_.clock ? options_.clock : &SystemClockInstance()),
      credentials_(config_, *clock_, options_.exec_runner),
      limiter_(options_.rate_limit, *clock_),
      curl_(std::make_unique<Curl>()) {}

Transport::~Transport() = default;

void Transport::Count(const std::string& verb, long code) {
  core::MutexLock lock(counts_mu_);
  ++counts_[{verb, code}];
}

std::vector<RequestCount> Transport::RequestCounts() const {
  core::MutexLock lock(counts_mu_);
  std::vector<RequestCount> out;
  out.reserve(counts_.size());
  for (const auto& [key, n] : counts_) out.push_back({key.first, key.second, n});
  return out;
}

Result<HttpResponse> Transport::Do(const HttpRequest& request) {
  std::string what = request.method + " " + config_.server + request.path;
  auto timeout = request.timeout.count() > 0 ? request.timeout : options_.request_timeout;
  bool refreshed_credentials = false;
  for (int attempt = 0;;) {
    if (auto wait = limiter_.Reserve(); wait.count() > 0) std::this_thread::sleep_for(wait);
    auto auth = credentials_.Get();
    CG_TRY_WRAP(auth, what);

    HttpResponse response;
    bool too_large = false;
    CURL* h = curl_->Acquire();
    if (!h) return MakeError(ErrorCode::kInternal, what + ": curl_easy_init failed");
    CURLcode rc;
    AttemptOutcome outcome{.idempotent = request.idempotent};
    std::optional<Error> failure;
    {
      PreparedRequest prepared(h, [&](std::string_view chunk) {
        if (response.body.size() + chunk.size() > options_.max_response_bytes) {
          too_large = true;
          return false;
        }
        response.body.append(chunk);
        return true;
      });
      (void)prepared.Configure(config_, curl_->endpoint, options_, request, *auth, curl_->share,
                               timeout);
      rc = curl_easy_perform(h);
      if (rc == CURLE_OK) {
        response.status = prepared.status();
        response.content_type = prepared.content_type();
        outcome.http_status = response.status;
        outcome.retry_after = ParseRetryAfter(prepared.retry_after());
      } else if (too_large) {
        failure = Error(ErrorCode::kResourceExhausted,
                        what + ": response larger than " +
                            std::to_string(options_.max_response_bytes) + " bytes");
        outcome.failure = FailureKind::kPermanent;
      } else {
        auto [kind, error] = Classify(rc, h, prepared.error_buffer(), what);
        outcome.failure = kind;
        failure = std::move(error);
      }
    }
    curl_->Release(h, options_.max_idle_connections);
    Count(request.verb, response.status);

    if (response.status == 401 && credentials_.Refreshable() && !refreshed_credentials) {
      credentials_.Invalidate();
      refreshed_credentials = true;
      continue;
    }
    auto delay = RetryDelay(options_.retry, outcome, attempt, Random01());
    if (!delay) {
      if (failure) {
        if (attempt > 0) {
          return std::unexpected(Error(failure->code(), failure->message() + " (after " +
                                                            std::to_string(attempt) + " retries)"));
        }
        return std::unexpected(*failure);
      }
      return response;
    }
    spdlog::debug("{}: {}; retry {} in {} ms", what,
                  failure ? failure->message() : "HTTP " + std::to_string(response.status),
                  attempt + 1, delay->count());
    std::this_thread::sleep_for(*delay);
    ++attempt;
  }
}

Result<StreamResult> Transport::Stream(const HttpRequest& request,
                                       const std::function<bool(std::string_view)>& on_chunk,
                                       StopSignal& stop) {
  std::string what = request.method + " " + config_.server + request.path;
  StreamResult result;
  if (auto wait = limiter_.Reserve(); wait.count() > 0 && stop.SleepFor(wait)) {
    result.stopped = true;
    return result;
  }
  auto auth = credentials_.Get();
  CG_TRY_WRAP(auth, what);

  CURL* h = curl_easy_init();
  CURLM* multi = curl_multi_init();
  if (!h || !multi) {
    if (h) curl_easy_cleanup(h);
    if (multi) curl_multi_cleanup(multi);
    return MakeError(ErrorCode::kInternal, what + ": curl init failed");
  }
  bool stopped_by_callback = false;
  std::optional<Error> failure;
  {
    PreparedRequest prepared(h, [&](std::string_view chunk) {
      if (result.status == 0) curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &result.status);
      if (result.status < 200 || result.status > 299) {
        if (result.error_body.size() < kMaxErrorBody) result.error_body.append(chunk);
        return true;
      }
      if (!on_chunk(chunk) || stop.stopped()) {
        stopped_by_callback = true;
        return false;
      }
      return true;
    });
    (void)prepared.Configure(config_, curl_->endpoint, options_, request, *auth, curl_->share,
                             request.timeout);
    curl_multi_add_handle(multi, h);
    stop.SetWaker([multi] { curl_multi_wakeup(multi); });
    int running = 1;
    while (running > 0 && !stop.stopped()) {
      if (curl_multi_perform(multi, &running) != CURLM_OK) break;
      if (running > 0) curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
    }
    stop.SetWaker({});
    CURLcode rc = CURLE_OK;
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
      if (msg->msg == CURLMSG_DONE) rc = msg->data.result;
    }
    if (result.status == 0) result.status = prepared.status();
    result.stopped = stopped_by_callback || stop.stopped();
    if (!result.stopped && rc != CURLE_OK) {
      failure = Classify(rc, h, prepared.error_buffer(), what).second;
    }
    curl_multi_remove_handle(multi, h);
  }
  curl_easy_cleanup(h);
  curl_multi_cleanup(multi);
  Count(request.verb, result.status);
  if (failure) return std::unexpected(*failure);
  if (result.status == 401 && credentials_.Refreshable()) credentials_.Invalidate();
  return result;
}

}  // namespace cellgate::kube

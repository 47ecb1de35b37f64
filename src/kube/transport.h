// Transport: HTTP(S) to one cell's API server, over libcurl.
//
// One Transport per cell (per ClusterConfig). It owns:
//  - a pool of keep-alive curl easy handles: each idle handle keeps its connection open, so
//    sequential and concurrent requests reuse TLS connections (HTTP/2 when the server offers
//    it). DNS and TLS sessions are shared across the pool (a curl share object); connections
//    are not, because libcurl does not support sharing them between threads;
//  - the credentials (credentials.h): bearer token, token file, basic auth, client
//    certificates passed to TLS from memory (no temporary files), exec plugins;
//  - a token bucket rate limit per cell (default 50 QPS, burst 100);
//  - the retry policy (retry_policy.h): 429 honouring Retry-After, 5xx and broken connections
//    on idempotent requests, connection failures; on a 401 with refreshable credentials
//    (token file, exec plugin) it refreshes them and retries once;
//  - request counters by {verb, HTTP code} (code 0: no response), for metrics.
//
// TLS is verified against ca_pem (or the system store); insecure_skip_tls_verify turns
// verification off only when the config sets it. tls_server_name is honoured by addressing
// the URL to that name and pinning the connection to the real host (CURLOPT_CONNECT_TO).
//
// Errors: Do() fails only when no HTTP response arrived (connection, timeout, credentials);
// an HTTP error status is returned as a response for the caller to map (api_error.h).
// Error messages read "GET https://host:6443/api/v1/...: <what failed>" (callers add the
// operation and the cell), never a credential.
//
// Thread-safety: thread-safe; any number of threads may call Do() and Stream() at once. The
// Transport must outlive every call.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/mutex.h"
#include "core/result.h"
#include "kube/cluster_config.h"
#include "kube/credentials.h"
#include "kube/rate_limiter.h"
#include "kube/retry_policy.h"
#include "kube/stop_signal.h"

namespace cellgate::kube {

struct TransportOptions {
  std::chrono::milliseconds request_timeout{std::chrono::seconds(30)};  // whole request
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};  // TCP + TLS
  RateLimitOptions rate_limit;                                          // QPS 50, burst 100
  RetryOptions retry;  // 5 retries, 250 ms doubling to 8 s
  std::size_t max_idle_connections = 16;
  std::size_t max_response_bytes = std::size_t{1} << 30;
  std::string user_agent = "cellgate";
  const Clock* clock = nullptr;  // nullptr: the system clock; must outlive the Transport
  ExecRunner exec_runner;        // empty: RunExecPlugin (tests swap it)
};

struct HttpRequest {
  std::string verb = "get";  // Kubernetes verb for the counters: get, list, apply, ...
  std::string method = "GET";
  std::string path;  // absolute path and query: "/api/v1/namespaces/a/pods?limit=500"
  std::string body;
  std::string content_type;  // of body
  std::string accept = "application/json";
  bool idempotent = false;               // see retry_policy.h
  std::chrono::milliseconds timeout{0};  // 0: TransportOptions::request_timeout
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::string content_type;
};

struct StreamResult {
  long status = 0;         // the HTTP status; 0 when stopped before a response
  std::string error_body;  // the body (up to 64 KiB) when status is not 2xx
  bool stopped = false;    // ended by the StopSignal or by on_chunk returning false
};

struct RequestCount {
  std::string verb;
  long code = 0;  // HTTP status; 0 when no response arrived
  std::uint64_t count = 0;
};

class Transport {
 public:
  static Result<std::unique_ptr<Transport>> Create(ClusterConfig config,
                                                   TransportOptions options = {});
  ~Transport();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // Rate-limited, authenticated, retried request; the whole body is buffered.
  Result<HttpResponse> Do(const HttpRequest& request);

  // One streaming request (no retries: the caller reconnects). on_chunk receives the body of
  // a 2xx response as it arrives, on this thread; returning false ends the stream. Stop()
  // on `stop` ends it promptly from another thread. A connection broken mid-stream is an
  // error (kUnavailable); a stream the server ends cleanly returns its status.
  Result<StreamResult> Stream(const HttpRequest& request,
                              const std::function<bool(std::string_view)>& on_chunk,
                              StopSignal& stop);

  std::vector<RequestCount> RequestCounts() const;
  const ClusterConfig& config() const { return config_; }
  const Clock& clock() const { return *clock_; }

 private:
  struct Curl;  // libcurl state, kept out of this header
  Transport(ClusterConfig config, TransportOptions options);
  void Count(const std::string& verb, long code);

  const ClusterConfig config_;
  const TransportOptions options_;
  const Clock* clock_;
  CredentialSource credentials_;
  TokenBucket limiter_;
  std::unique_ptr<Curl> curl_;

  mutable core::Mutex counts_mu_;
  std::map<std::pair<std::string, long>, std::uint64_t> counts_ GUARDED_BY(counts_mu_);
};

}  // namespace cellgate::kube

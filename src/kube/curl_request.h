// Internal to transport*.cc: one libcurl transfer's set-up and outcome.
//
// PreparedRequest owns everything curl reads during a transfer (header list, buffers) so
// its lifetime brackets curl_easy_perform; Classify turns a CURLcode into the retry
// policy's FailureKind and an Error.
//
// Thread-safety: a PreparedRequest belongs to one thread and one easy handle.
#pragma once

#include <curl/curl.h>

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "kube/cluster_config.h"
#include "kube/credentials.h"
#include "kube/retry_policy.h"
#include "kube/transport.h"

namespace cellgate::kube::curl_internal {

// Where requests go, computed once per transport from the server URL.
struct Endpoint {
  std::string base_url;    // scheme://host:port/prefix, host replaced by tls_server_name
  std::string connect_to;  // "name:port:realhost:port" when tls_server_name is set
};

Result<Endpoint> MakeEndpoint(const ClusterConfig& config);

class PreparedRequest {
 public:
  // `on_body` receives body bytes; returning false aborts the transfer. Headers are
  // collected here.
  PreparedRequest(CURL* handle, std::function<bool(std::string_view)> on_body);
  ~PreparedRequest();
  PreparedRequest(const PreparedRequest&) = delete;
  PreparedRequest& operator=(const PreparedRequest&) = delete;

  // Sets every option on the (reset) handle. `timeout` 0 = none.
  Status Configure(const ClusterConfig& config, const Endpoint& endpoint,
                   const TransportOptions& options, const HttpRequest& request,
                   const AuthMaterial& auth, CURLSH* share, std::chrono::milliseconds timeout);

  long status() const;
  const std::string& content_type() const { return content_type_; }
  const std::string& retry_after() const { return retry_after_; }
  const char* error_buffer() const { return error_; }

 private:
  static std::size_t OnWrite(char* data, std::size_t size, std::size_t n, void* self);
  static std::size_t OnHeader(char* data, std::size_t size, std::size_t n, void* self);

  CURL* handle_;
  std::function<bool(std::string_view)> on_body_;
  curl_slist* headers_ = nullptr;
  curl_slist* connect_to_ = nullptr;
  std::string content_type_;
  std::string retry_after_;
  char error_[CURL_ERROR_SIZE] = {};
};

// The retry class and the Error (kUnavailable, kDeadlineExceeded, ...) for a failed
// transfer. `what` is "GET https://host:6443/api/v1/...".
std::pair<FailureKind, Error> Classify(CURLcode code, CURL* handle, const char* error_buffer,
                                       const std::string& what);

}  // namespace cellgate::kube::curl_internal

#include "kube/curl_request.h"

#include <openssl/ssl.h>

#include <algorithm>
#include <cctype>

namespace cellgate::kube::curl_internal {
namespace {

// Owns a CURLU handle.
struct Url {
  CURLU* u = curl_url();
  ~Url() { curl_url_cleanup(u); }
  std::string Get(CURLUPart part, unsigned flags = 0) const {
    char* s = nullptr;
    if (curl_url_get(u, part, &s, flags) != CURLUE_OK || !s) return {};
    std::string out(s);
    curl_free(s);
    return out;
  }
};

void SetBlob(CURL* h, CURLoption option, const std::string& data) {
  curl_blob blob{const_cast<char*>(data.data()), data.size(), CURL_BLOB_COPY};
  curl_easy_setopt(h, option, &blob);
}

// libcurl's OpenSSL backend hands each new connection's SSL_CTX here. With
// SSL_MODE_RELEASE_BUFFERS an idle connection gives back its TLS read and write buffers
// (~34 KiB together); the pool keeps up to max_idle_connections of them per cell.
CURLcode ReleaseIdleTlsBuffers(CURL* /*handle*/, void* ssl_ctx, void* /*user*/) {
  SSL_CTX_set_mode(static_cast<SSL_CTX*>(ssl_ctx), SSL_MODE_RELEASE_BUFFERS);
  return CURLE_OK;
}

// libcurl's smallest upload buffer (its default is 64 KiB per handle): request bodies are a
// few KiB, and a larger buffer would sit in every pooled handle.
constexpr long kUploadBufferSize = 16L * 1024;

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

Result<Endpoint> MakeEndpoint(const ClusterConfig& config) {
  Url url;
  if (curl_url_set(url.u, CURLUPART_URL, config.server.c_str(), 0) != CURLUE_OK) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "cluster " + config.Describe() + ": server is not a valid URL");
  }
  Endpoint e;
  if (!config.tls_server_name.empty()) {
    std::string host = url.Get(CURLUPART_HOST);
    std::string port = url.Get(CURLUPART_PORT, CURLU_DEFAULT_PORT);
    if (curl_url_set(url.u, CURLUPART_HOST, config.tls_server_name.c_str(), 0) != CURLUE_OK) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "cluster " + config.Describe() + ": tls-server-name is not a host name");
    }
    e.connect_to = config.tls_server_name + ":" + port + ":" + host + ":" + port;
  }
  e.base_url = url.Get(CURLUPART_URL);
  while (!e.base_url.empty() && e.base_url.back() == '/') e.base_url.pop_back();
  return e;
}

PreparedRequest::PreparedRequest(CURL* handle, std::function<bool(std::string_view)> on_body)
    : handle_(handle), on_body_(std::move(on_body)) {}

PreparedRequest::~PreparedRequest() {
  // The handle goes back to the pool: drop pointers into this object.
  curl_easy_setopt(handle_, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(handle_, CURLOPT_CONNECT_TO, nullptr);
  curl_easy_setopt(handle_, CURLOPT_ERRORBUFFER, nullptr);
  curl_slist_free_all(headers_);
  curl_slist_free_all(connect_to_);
}

Status PreparedRequest::Configure(const ClusterConfig& config, const Endpoint& endpoint,
                                  const TransportOptions& options, const HttpRequest& request,
                                  const AuthMaterial& auth, CURLSH* share,
                                  std::chrono::milliseconds timeout) {
  CURL* h = handle_;
  std::string url = endpoint.base_url + request.path;
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_SHARE, share);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_);
  curl_easy_setopt(h, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(h, CURLOPT_UPLOAD_BUFFERSIZE, kUploadBufferSize);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_USERAGENT, options.user_agent.c_str());
  if (!config.disable_compression) curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
  if (!config.proxy_url.empty()) curl_easy_setopt(h, CURLOPT_PROXY, config.proxy_url.c_str());

  if (!endpoint.connect_to.empty()) {
    connect_to_ = curl_slist_append(nullptr, endpoint.connect_to.c_str());
    curl_easy_setopt(h, CURLOPT_CONNECT_TO, connect_to_);
  }
  // CURLE_NOT_BUILT_IN with a TLS backend other than OpenSSL: the buffers just stay.
  curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, &ReleaseIdleTlsBuffers);
  if (config.insecure_skip_tls_verify) {
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
  } else if (!config.ca_pem.empty()) {
    SetBlob(h, CURLOPT_CAINFO_BLOB, config.ca_pem);
  }
  if (!auth.client_cert_pem.empty()) {
    SetBlob(h, CURLOPT_SSLCERT_BLOB, auth.client_cert_pem);
    curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
    SetBlob(h, CURLOPT_SSLKEY_BLOB, auth.client_key_pem);
    curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
  }

  auto add = [&](const std::string& header) {
    headers_ = curl_slist_append(headers_, header.c_str());
  };
  add("Accept: " + request.accept);
  add("Expect:");  // no 100-continue round trip for bodies
  if (!auth.authorization.empty()) add("Authorization: " + auth.authorization);
  if (request.method == "GET") {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (!request.body.empty() || request.method != "DELETE") {
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
      if (!request.content_type.empty()) add("Content-Type: " + request.content_type);
    }
  }
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers_);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &PreparedRequest::OnWrite);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, this);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &PreparedRequest::OnHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, this);
  return Ok();
}

long PreparedRequest::status() const {
  long code = 0;
  curl_easy_getinfo(handle_, CURLINFO_RESPONSE_CODE, &code);
  return code;
}

std::size_t PreparedRequest::OnWrite(char* data, std::size_t size, std::size_t n, void* self) {
  auto* r = static_cast<PreparedRequest*>(self);
  std::size_t bytes = size * n;
  if (!r->on_body_(std::string_view(data, bytes))) return CURL_WRITEFUNC_ERROR;
  return bytes;
}

std::size_t PreparedRequest::OnHeader(char* data, std::size_t size, std::size_t n, void* self) {
  auto* r = static_cast<PreparedRequest*>(self);
  std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) {  // a new response (after 100 Continue): forget the last
    r->content_type_.clear();
    r->retry_after_.clear();
    return size * n;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return size * n;
  std::string name = Lower(line.substr(0, colon));
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  if (name == "content-type") r->content_type_ = value;
  if (name == "retry-after") r->retry_after_ = value;
  return size * n;
}

std::pair<FailureKind, Error> Classify(CURLcode code, CURL* handle, const char* error_buffer,
                                       const std::string& what) {
  std::string detail = error_buffer && *error_buffer ? error_buffer : curl_easy_strerror(code);
  auto error = [&](ErrorCode c) { return Error(c, what + ": " + detail); };
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SSL_CONNECT_ERROR:
      return {FailureKind::kConnectFailed, error(ErrorCode::kUnavailable)};
    case CURLE_OPERATION_TIMEDOUT: {
      curl_off_t connected = 0;
      curl_easy_getinfo(handle, CURLINFO_APPCONNECT_TIME_T, &connected);
      curl_off_t tcp = 0;
      curl_easy_getinfo(handle, CURLINFO_CONNECT_TIME_T, &tcp);
      if (connected == 0 && tcp == 0) {
        return {FailureKind::kConnectFailed, error(ErrorCode::kUnavailable)};
      }
      return {FailureKind::kTimeout, error(ErrorCode::kDeadlineExceeded)};
    }
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      return {FailureKind::kPermanent, error(ErrorCode::kFailedPrecondition)};
    default:
      return {FailureKind::kConnectionLost, error(ErrorCode::kUnavailable)};
  }
}

}  // namespace cellgate::kube::curl_internal

#include "http/standard_handlers.h"

#include <string>
#include <utility>

#include "metrics/text_format.h"

namespace cellgate::http {

Handler MetricsHandler(const metrics::Registry& registry) {
  return [&registry](const Request&) {
    Response r;
    r.status = 200;
    r.body = registry.Expose();
    r.headers.Set("Content-Type", std::string(metrics::kTextContentType));
    return r;
  };
}

Handler ProbeHandler(std::function<Status()> check) {
  return [check = std::move(check)](const Request&) {
    Status status = check ? check() : Ok();
    if (status) return Response::Text(200, "ok");
    return Response::Text(503, status.error().message());
  };
}

}  // namespace cellgate::http

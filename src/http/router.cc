#include "http/router.h"

#include <spdlog/spdlog.h>

#include <exception>

namespace cellgate::http {

Status Router::Handle(std::string method, std::string path, Handler handler) {
  if (method.empty() || !path.starts_with('/') || !handler) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        "route " + method + " " + path + ": needs a method, a path from / and a handler");
  }
  auto route = routes_.try_emplace(std::move(path)).first;
  auto& methods = route->second;
  if (methods.contains(method)) {
    return MakeError(ErrorCode::kAlreadyExists,
                     "route " + method + " " + route->first + " is taken");
  }
  methods.emplace(std::move(method), std::move(handler));
  return Ok();
}

Response Router::Dispatch(const Request& request) const {
  auto route = routes_.find(request.path);
  if (route == routes_.end()) return Response::Text(404, "404 page not found");
  const auto& methods = route->second;
  auto handler = methods.find(request.method);
  if (handler == methods.end() && request.method == "HEAD") handler = methods.find("GET");
  if (handler == methods.end()) {
    std::string allow;
    for (const auto& [method, unused] : methods) {
      if (!allow.empty()) allow += ", ";
      allow += method;
      if (method == "GET" && !methods.contains("HEAD")) allow += ", HEAD";
    }
    Response r = Response::Text(405, "405 method not allowed");
    r.headers.Set("Allow", allow);
    return r;
  }
  try {
    return handler->second(request);
  } catch (const std::exception& e) {
    spdlog::error("http {} {}: handler failed: {}", request.method, request.path, e.what());
  } catch (...) {
    spdlog::error("http {} {}: handler failed", request.method, request.path);
  }
  return Response::Text(500, "500 internal server error");
}

}  // namespace cellgate::http

// Router: maps method + exact path to a handler, and answers what no handler covers.
//
//   Router router;
//   router.Handle("GET", "/metrics", MetricsHandler(registry));
//   router.Handle("POST", "/api/webhook", MakeWebhookHandler(config, on_push));
//
// Dispatch: a registered method and path runs its handler; HEAD runs the GET handler (the
// server drops the body); a known path with another method is 405 with an `Allow` header;
// an unknown path is 404. Paths match exactly as sent (no percent-decoding, no prefix
// routes, no trailing-slash folding): the routes we serve are fixed names. A handler that
// throws gets a 500 without the exception text (it may carry internal detail), and the
// exception is logged.
//
// Thread-safety: build the router before handing it to a server; Dispatch is then called
// from the server's threads concurrently and handlers must be thread-safe.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>

#include "core/result.h"
#include "http/message.h"

namespace cellgate::http {

using Handler = std::function<Response(const Request&)>;

class Router {
 public:
  // Registers `handler` for `method` on `path`. kAlreadyExists when taken, kInvalidArgument
  // for a path not starting with '/' or an empty method or handler.
  Status Handle(std::string method, std::string path, Handler handler);

  Response Dispatch(const Request& request) const;

 private:
  // path → method → handler
  std::map<std::string, std::map<std::string, Handler>, std::less<>> routes_;
};

}  // namespace cellgate::http

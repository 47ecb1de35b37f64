// The POST /api/webhook handler: ParseWebhook (webhook.h) tied to the server, answering as
// Argo CD's /api/webhook does, and handing each push to the controller.
//
//   router.Handle("POST", "/api/webhook",
//                 MakeWebhookHandler(config, [&](const PushEvent& push) {
//                   return refresher.Enqueue(push);  // quick: queue, do not refresh inline
//                 }, {.requests = *RegisterWebhookMetrics(registry)}));
//
// Answers:
//   200  push handed to on_push (once per updated ref), or a ping
//   400  malformed payload, or an event / provider we ignore (Argo CD answers unknown events
//        with 400 too, so Git servers show such deliveries as failed)
//   401  signature, token or UUID missing or wrong: nothing is handed on
//   413  payload over config.max_payload_bytes
//   503  on_push refused with kUnavailable or kResourceExhausted (a full queue: the Git
//        server retries later); 500 for any other on_push error
// Bodies are short text/plain messages; none contains a secret, a signature or a header
// value. Verification failures are logged at warn level (a possible probe), other
// rejections at info, pushes at info with the repository URL redacted of credentials.
//
// Thread-safety: the handler is called concurrently from the server's threads; on_push must
// be thread-safe and quick.
#pragma once

#include <functional>
#include <memory>

#include "core/result.h"
#include "http/router.h"
#include "http/webhook.h"
#include "metrics/registry.h"

namespace cellgate::http {

using PushCallback = std::function<Status(const PushEvent&)>;

struct WebhookHandlerOptions {
  // Counts deliveries by provider ("GitHub", ..., "unknown") and outcome ("push", "ping",
  // "ignored", "invalid", "unauthorized", "too_large", "refused"); from
  // RegisterWebhookMetrics. Optional.
  std::shared_ptr<metrics::CounterFamily> requests;
};

// Registers cellgate_webhook_requests_total{provider,outcome}.
Result<std::shared_ptr<metrics::CounterFamily>> RegisterWebhookMetrics(metrics::Registry& registry);

Handler MakeWebhookHandler(WebhookConfig config, PushCallback on_push,
                           WebhookHandlerOptions options = {});

}  // namespace cellgate::http

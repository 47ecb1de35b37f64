// Handlers every cellgate process serves: the Prometheus scrape endpoint and the
// Kubernetes probes.
//
//   router.Handle("GET", "/metrics", MetricsHandler(registry));
//   router.Handle("GET", "/healthz", ProbeHandler([] { return Ok(); }));      // alive
//   router.Handle("GET", "/readyz", ProbeHandler([&] { return cache.Synced(); }));
//
// ProbeHandler answers 200 "ok" when the check succeeds and 503 with the error's message
// otherwise (kubelet only reads the code; people read the message), so a check's error
// must not carry secrets, as no Error may.
//
// Thread-safety: the registry and the check must outlive the handlers and be thread-safe.
#pragma once

#include <functional>

#include "core/result.h"
#include "http/router.h"
#include "metrics/registry.h"

namespace cellgate::http {

Handler MetricsHandler(const metrics::Registry& registry);

Handler ProbeHandler(std::function<Status()> check);

}  // namespace cellgate::http

// Provider payloads → PushEvents. Internal to webhook.cc: these take an already parsed,
// already authenticated JSON payload and never throw (every field is read defensively, so a
// payload of the wrong shape is a clear error, not a crash).
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "http/webhook.h"

namespace cellgate::http::internal {

// Each returns the ref updates of one push delivery, with provider and event left for the
// caller to fill.
Result<std::vector<PushEvent>> GitHubPushes(const nlohmann::json& payload);
// `tag_push`: the delivery is a tag push (Tag Push Hook, or a system hook of that kind).
Result<std::vector<PushEvent>> GitLabPushes(const nlohmann::json& payload, bool tag_push);
// Gitea and Gogs share one payload shape.
Result<std::vector<PushEvent>> GiteaPushes(const nlohmann::json& payload,
                                           std::string_view provider_name);
Result<std::vector<PushEvent>> BitbucketCloudPushes(const nlohmann::json& payload);
Result<std::vector<PushEvent>> BitbucketServerPushes(const nlohmann::json& payload);

}  // namespace cellgate::http::internal

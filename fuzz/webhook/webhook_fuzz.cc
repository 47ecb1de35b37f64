// Webhook parsing (http/webhook.h, http/webhook_payloads.h) on arbitrary bodies. The first
// byte picks the provider headers (and, for the last choices, a configured secret with the
// body's first line as the signature header); the rest is the body. ParseWebhook must return
// an event or an error, never crash or leak, and every push it returns must carry what its
// contract promises: a ref, at least one repository URL, sorted changed files.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/webhook.h"

namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

const std::vector<Fields>& HeaderSets() {
  static const std::vector<Fields> sets = {
      {{"X-GitHub-Event", "push"}},
      {{"X-GitHub-Event", "ping"}},
      {{"X-Gitlab-Event", "Push Hook"}},
      {{"X-Gitlab-Event", "Tag Push Hook"}},
      {{"X-Gitlab-Event", "System Hook"}},
      {{"X-Gitea-Event", "push"}, {"X-Gogs-Event", "push"}, {"X-GitHub-Event", "push"}},
      {{"X-Gogs-Event", "push"}, {"X-GitHub-Event", "push"}},
      {{"X-Hook-UUID", "{0b3e6f2a-1c1d-4e58-9c43-3f1c7a1f0e11}"}, {"X-Event-Key", "repo:push"}},
      {{"X-Event-Key", "repo:refs_changed"}},
      {{"X-Event-Key", "diagnostics:ping"}},
  };
  return sets;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto& sets = HeaderSets();
  std::size_t choice = data[0] % (2 * sets.size());
  std::string body(reinterpret_cast<const char*>(data + 1), size - 1);
  cellgate::http::Request request{
      .method = "POST", .target = "/api/webhook", .path = "/api/webhook"};
  for (const auto& [name, value] : sets[choice % sets.size()]) request.headers.Add(name, value);
  cellgate::http::WebhookConfig config{.max_payload_bytes = 1 << 20};
  // Unsigned deliveries must reach the payload parsers: turn on the configuration's switch
  // for them where it has one.
  [](auto& c) {
    if constexpr (requires { c.allow_unsigned = true; }) c.allow_unsigned = true;
  }(config);
  if (choice >= sets.size()) {
    // Signed: every secret set, the body's first line offered as every signature header.
    config.secrets = {.github = "s",
                      .gitlab = "s",
                      .gogs = "s",
                      .gitea = "s",
                      .bitbucket_uuid = "{0b3e6f2a-1c1d-4e58-9c43-3f1c7a1f0e11}",
                      .bitbucket_server = "s"};
    std::string line = body.substr(0, body.find('\n'));
    for (const char* h : {"X-Hub-Signature-256", "X-Hub-Signature", "X-Gitlab-Token",
                          "X-Gitea-Signature", "X-Gogs-Signature"}) {
      request.headers.Add(h, line);
    }
  }
  request.body = std::move(body);
  auto event = cellgate::http::ParseWebhook(config, request);
  if (!event || event->kind != cellgate::http::WebhookKind::kPush) return 0;
  for (const auto& push : event->pushes) {
    if (push.ref.empty() || push.repo_urls.empty()) __builtin_trap();
    if (!std::is_sorted(push.changed_files.begin(), push.changed_files.end())) __builtin_trap();
  }
  return 0;
}

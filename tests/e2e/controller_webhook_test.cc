// A new commit reaches a cell after a GitHub push webhook, long before the poll interval
// (10 minutes here); a delivery with a bad signature gets 401 and changes nothing.
#include "controller_e2e_util.h"
#include "http/signature.h"
#include "http/test_client.h"

namespace cellgate::controller::e2e {
namespace {

constexpr const char* kSecret = "pr0d-webhook-s3cret";

std::string GitHubPush(const std::string& url, const std::string& before,
                       const std::string& after) {
  Json payload = {
      {"ref", "refs/heads/main"},
      {"before", before},
      {"after", after},
      {"created", false},
      {"deleted", false},
      {"forced", false},
      {"repository", {{"html_url", url}, {"clone_url", url}, {"default_branch", "main"}}},
      {"commits", Json::array({{{"id", after},
                                {"added", Json::array()},
                                {"removed", Json::array()},
                                {"modified", Json::array({"app/web.yaml"})}}})}};
  return payload.dump();
}

http::testing::ClientResponse Deliver(std::uint16_t port, const std::string& body,
                                      const std::string& signature) {
  http::testing::TestClient client(port);
  EXPECT_TRUE(client.connected());
  client.Send(http::testing::MakeRequest(
      "POST", "/api/webhook", body,
      "Content-Type: application/json\r\nX-GitHub-Event: push\r\nX-GitHub-Delivery: 1\r\n"
      "X-Hub-Signature-256: sha256=" +
          signature + "\r\n"));
  return client.Read();
}

class ControllerWebhookTest : public ControllerE2E {};

TEST_F(ControllerWebhookTest, SignedPushSyncsAtOnceAndABadSignatureChangesNothing) {
  const std::string target_ns = ns();  // also exists in cell-2 (created below)
  CreateCellNamespace("cell-2", target_ns);
  git::testing::Origin& repo = Repo("web");
  repo.Write("app/web.yaml", WebConfigMap("blue"));
  const std::string first = repo.CommitAndPublish("blue");
  Register("cell-2", "cell-a");
  auto secret = hub().applier().Apply(
      Yaml("apiVersion: v1\nkind: Secret\nmetadata:\n  name: cellgate-secret\n  namespace: " +
           ns() + "\nstringData:\n  webhook.github.secret: " + kSecret + "\n"),
      {});
  ASSERT_TRUE(secret) << secret.error().message();
  CreateApp("web", "web", "cell-a", target_ns, "{prune: true}");
  StartController();
  ASSERT_TRUE(
      Eventually([&] { return SyncedAndHealthy(hub(), ns(), "web"); }, std::chrono::seconds(90)))
      << Describe(hub(), ns(), "web");
  auto color = [&] {
    auto cm = Get(cell("cell-2"), target_ns, "web", {"", "v1", "ConfigMap"});
    return cm ? StringAt(cm->body(), {"data", "color"}) : std::string("<none>");
  };
  ASSERT_EQ(color(), "blue");

  repo.Write("app/web.yaml", WebConfigMap("red"));
  const std::string second = repo.CommitAndPublish("red");
  const std::string body = GitHubPush(Url("web"), first, second);

  auto refused = Deliver(controller_->port(), body, http::HmacSha256Hex("wrong-secret", body));
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused.status, 401) << refused.body;
  // Nothing may follow from it: give a refresh time to happen, then check nothing moved.
  std::this_thread::sleep_for(std::chrono::seconds(5));
  EXPECT_EQ(color(), "blue");
  EXPECT_EQ(StringAt(Get(hub(), ns(), "web")->body(), {"status", "sync", "revision"}), first);

  auto accepted = Deliver(controller_->port(), body, http::HmacSha256Hex(kSecret, body));
  ASSERT_TRUE(accepted.ok());
  EXPECT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_TRUE(Eventually([&] { return color() == "red"; }, std::chrono::seconds(60)))
      << "the push did not reach the cell; " << Describe(hub(), ns(), "web");
  EXPECT_TRUE(Eventually(
      [&] {
        auto a = Get(hub(), ns(), "web");
        return a && StringAt(a->body(), {"status", "sync", "revision"}) == second &&
               SyncStatus(*a) == "Synced";
      },
      std::chrono::seconds(30)))
      << Describe(hub(), ns(), "web");
}

}  // namespace
}  // namespace cellgate::controller::e2e
